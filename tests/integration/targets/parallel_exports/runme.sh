#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
# One emulator, random latency on every request, and a record of every download it served.
start_emulator EMULATOR_URL --processing-seconds 0.3 --binary-padding-mb 1 --record-downloads \
    --faults '{"latency_ms": 10, "latency_jitter_ms": 60}'
# Twenty inventory hosts, each exporting its own package in its own session, all at once.
{
    echo "[exporters]"
    for n in $(seq -w 1 20); do echo "exporter$n ansible_connection=local"; done
} >"$WORK_DIR/inventory.ini"
ansible-playbook -i "$WORK_DIR/inventory.ini" --forks 20 exports.yml \
    -e "ansible_python_interpreter=$EMULATOR_PYTHON" -e "emulator_url=$EMULATOR_URL work_dir=$WORK_DIR" "$@"
ansible-playbook -i "${INVENTORY_PATH:-localhost,}" verify.yml \
    -e "ansible_python_interpreter=$EMULATOR_PYTHON" -e "emulator_url=$EMULATOR_URL work_dir=$WORK_DIR"
