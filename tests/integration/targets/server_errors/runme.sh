#!/usr/bin/env bash
# Error answers as real servers send them: codes in the spellings of the captured samples and the shortest one,
# and per-object sub-errors, from the module result to the message ansible-playbook prints.
set -euxo pipefail
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
start_emulator SAMPLES_URL --processing-seconds 0.2 --error-codes samples
start_emulator SHORT_URL --processing-seconds 0.2 --error-codes short
run_playbook main.yml -e "samples_url=$SAMPLES_URL short_url=$SHORT_URL work_dir=$WORK_DIR" "$@" \
    | tee "$WORK_DIR/output.log"
# What the user reads: each object with its reason, then the count of the rest.
grep -F "(injected fault). Objects: 'Year' (8D679D5111D3E4981000E787EC6DE8A4): The object could not be imported: no write" \
    "$WORK_DIR/output.log"
grep -F "; 'LU_YEAR' (8D6793C211D3E4981000E787EC6DE8A4): The object could not be imported: no write access (injected" \
    "$WORK_DIR/output.log"
grep -F "'Object 10' (OBJ10): Locked by another user; and 2 more" "$WORK_DIR/output.log"
