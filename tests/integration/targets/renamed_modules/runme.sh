#!/usr/bin/env bash
# The names before 1.0.0 (mstr_session, ...) still run, through meta/runtime.yml's redirects, with a deprecation
# warning (on stderr) that names the new module; module_defaults of the action group reach them.
set -euxo pipefail
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
start_emulator SOURCE_URL --processing-seconds 0.1
start_emulator TARGET_URL --processing-seconds 0.1
ANSIBLE_DEPRECATION_WARNINGS=true run_playbook main.yml \
    -e "source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR" "$@" 2>&1 | tee "$WORK_DIR/output.log"
for name in mstr_session mstr_package mstr_package_binary mstr_package_info mstr_package_import mstr_package_export; do
    grep -q "mstr.migration.$name has been deprecated" "$WORK_DIR/output.log"
done
grep -q "mstr.migration.package_import_process for the single steps" "$WORK_DIR/output.log"
