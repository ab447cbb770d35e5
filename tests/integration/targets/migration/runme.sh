#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
# Two Libraries sharing one Storage Service, as the Workstation route needs.
mkdir "$WORK_DIR/storage"
start_emulator SOURCE_URL --processing-seconds 0.1 --storage-dir "$WORK_DIR/storage"
start_emulator TARGET_URL --processing-seconds 0.1 --storage-dir "$WORK_DIR/storage"
VARS="source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR"
run_playbook main.yml -e "$VARS" "$@"
run_playbook approval.yml -e "$VARS" "$@"
run_playbook undo.yml -e "$VARS" "$@"
run_playbook faults.yml -e "$VARS" "$@"
