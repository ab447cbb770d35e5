#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
start_emulator EMULATOR_URL --processing-seconds 0.2
run_playbook main.yml -e "emulator_url=$EMULATOR_URL" "$@"
