#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
start_emulator UPPER_URL --processing-seconds 0.3
start_emulator LOWER_URL --processing-seconds 0.3 --status-case lower
run_playbook main.yml -e "emulator_url=$UPPER_URL" "$@"
run_playbook main.yml -e "emulator_url=$LOWER_URL" "$@"
