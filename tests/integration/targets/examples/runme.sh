#!/usr/bin/env bash
# Every module's EXAMPLES block, run as written against two emulators (a source and a target). Only what is
# site-specific is replaced (hosts, /srv/migrations, the vault passwords, four user names); setup/<module>.yml makes
# the variables an example uses from earlier tasks (login, package, holder, ...).
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
# One Storage Service for both, as the Workstation route (mstr.migration.migration) needs.
mkdir "$WORK_DIR/storage"
start_emulator SOURCE_URL --processing-seconds 0.2 --storage-dir "$WORK_DIR/storage"
start_emulator TARGET_URL --processing-seconds 0.2 --storage-dir "$WORK_DIR/storage"
python run_examples.py --source "$SOURCE_URL" --target "$TARGET_URL" --work-dir "$WORK_DIR" \
    --modules "$COLLECTION_ROOT/plugins/modules" \
    --inventory "${INVENTORY_PATH:-$COLLECTION_ROOT/tests/integration/inventory.ini}" --python "$EMULATOR_PYTHON" "$@"
