#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
start_emulator SOURCE_URL --processing-seconds 0.2 --binary-padding-mb 0
start_emulator TARGET_URL --processing-seconds 0.5
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
run_playbook main.yml -e "source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR" "$@"
run_playbook whole.yml -e "source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR" "$@"
run_playbook faults.yml -e "source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR" "$@"
start_emulator BULK_SOURCE_URL --processing-seconds 0.2 --extra-objects 1000
start_emulator BULK_TARGET_URL --processing-seconds 0.2
run_playbook bulk.yml -e "source_url=$BULK_SOURCE_URL target_url=$BULK_TARGET_URL work_dir=$WORK_DIR" "$@"
start_emulator SLOW_TARGET_URL --processing-seconds 4
run_playbook while_importing.yml -e "source_url=$SOURCE_URL target_url=$SLOW_TARGET_URL work_dir=$WORK_DIR" "$@"
