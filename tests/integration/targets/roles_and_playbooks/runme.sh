#!/usr/bin/env bash
set -eux
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
start_emulator SOURCE_URL --processing-seconds 0.2 --binary-padding-mb 1
start_emulator TARGET_URL --processing-seconds 0.2
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
PLAYBOOKS="$COLLECTION_ROOT/playbooks"
CONNECTIONS=(-e "source_base_url=$SOURCE_URL" -e "target_base_url=$TARGET_URL"
             -e source_username=administrator -e source_password=mstr-emulator
             -e target_username=administrator -e target_password=mstr-emulator)

# The documented playbooks, run as a user would; each run is checked by verify.yml.
imports_so_far=0
for package in project_package configuration_package project_security_package; do
    run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/$package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/check-$package"
    run_playbook verify.yml -e "step=checked package=$package imports_so_far=$imports_so_far" \
        -e "package_dir=$WORK_DIR/check-$package" -e "source_url=$SOURCE_URL target_url=$TARGET_URL"
    imports_so_far=$((imports_so_far + 1))
    run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/$package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/$package"
    run_playbook verify.yml -e "step=migrated package=$package" -e "package_dir=$WORK_DIR/$package" \
        -e "source_url=$SOURCE_URL target_url=$TARGET_URL"
done

# Roll back the project package with the import playbook and its undo package.
run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e target_project_id=B19DEDCC11D4E0EFC000EB9495D0F44F \
    -e "package_file=$WORK_DIR/project_package/year.undo.mmp" -e generate_undo=false
run_playbook verify.yml -e "step=rolled_back package=project_package" -e "package_dir=$WORK_DIR/project_package" \
    -e "source_url=$SOURCE_URL target_url=$TARGET_URL"

# Reruns, version changes, failures and cleanup, through the roles.
run_playbook roles.yml -e "source_url=$SOURCE_URL target_url=$TARGET_URL work_dir=$WORK_DIR" "$@"

# An export rerun through the playbook reports no change at all.
run_playbook "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/rerun" >/dev/null
run_playbook "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/rerun" | tee "$WORK_DIR/rerun.log"
grep -q "changed=0 " "$WORK_DIR/rerun.log"
