#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
start_emulator EMULATOR_URL --processing-seconds 0.2 --binary-padding-mb 1
run_playbook main.yml -e "emulator_url=$EMULATOR_URL work_dir=$WORK_DIR" "$@"
