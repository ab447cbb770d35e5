#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
# One Library migrating to itself (the pages allow it): the records to read.
start_emulator LIBRARY_URL --processing-seconds 0.1
run_playbook main.yml -e "library_url=$LIBRARY_URL" "$@"
