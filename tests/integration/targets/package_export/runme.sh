#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
start_emulator SOURCE_URL --processing-seconds 0.5 --record-downloads
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
run_playbook main.yml -e "source_url=$SOURCE_URL work_dir=$WORK_DIR processing_seconds=0.5" "$@"
