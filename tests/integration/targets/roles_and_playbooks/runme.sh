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
SERVERS=(-e "source_url=$SOURCE_URL target_url=$TARGET_URL")

# Files of a directory with their mtime and sha256, to prove a run touched nothing.
snapshot() { (cd "$1" && find . -type f -printf '%p %T@ ' -exec sha256sum {} \; | sort); }
# A new version of an object on the source (the emulator's admin endpoint).
bump() { python -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{\"bumpVersion\": true}", method="PATCH", headers={"Content-Type": "application/json"}))' \
    "${SOURCE_URL%/MicroStrategyLibrary}/__emulator__/objects/$1/$2"; }

# The documented playbooks, run as a user would; each run is checked by verify.yml.
# The seeded configuration is the same on both servers: a new version of Administrator gives its package work to do.
bump configuration 54F3D26011D2896560009A8E67019608
imports_so_far=0
for package in project_package configuration_package project_security_package; do
    run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/$package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/check-$package"
    run_playbook verify.yml -e "step=checked package=$package imports_so_far=$imports_so_far" \
        -e "package_dir=$WORK_DIR/check-$package" "${SERVERS[@]}"
    imports_so_far=$((imports_so_far + 1))
    run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/$package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/$package"
    run_playbook verify.yml -e "step=migrated package=$package undo_files=1" -e "package_dir=$WORK_DIR/$package" \
        "${SERVERS[@]}"
done

# The same migration again, nothing changed on either side: nothing imported, every file untouched, and the
# summary says so. The same in check mode.
before="$(snapshot "$WORK_DIR/project_package")"
for mode in --check --diff; do
    run_playbook "$PLAYBOOKS/migrate.yml" "$mode" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/project_package" | tee "$WORK_DIR/rerun.log"
    grep -q "changed=0 " "$WORK_DIR/rerun.log"
    grep -q "The target is already up to date" "$WORK_DIR/rerun.log"
    grep -q "unchanged since the last export" "$WORK_DIR/rerun.log"
done
[ "$(snapshot "$WORK_DIR/project_package")" = "$before" ]
run_playbook verify.yml -e "step=migrated package=project_package undo_files=1 imports_so_far=$imports_so_far" \
    -e "package_dir=$WORK_DIR/project_package" "${SERVERS[@]}"

# The lookup table changes on the source: a new export, an import, a second undo file and record beside the first.
bump B7CA92F04B9FAE8D941C3E9B7E0CD754 8D6793C211D3E4981000E787EC6DE8A4
run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/project_package"
run_playbook verify.yml -e "step=migrated package=project_package undo_files=2" \
    -e "package_dir=$WORK_DIR/project_package" "${SERVERS[@]}"
while read -r path _mtime sha _path; do  # the first undo file and record, byte for byte
    case "$path" in
        *.undo.*|*.import.*) [ "$(sha256sum "$WORK_DIR/project_package/$path" | cut -d' ' -f1)" = "$sha" ] ;;
    esac
done <<< "$before"

# Roll back to before the first migration with the first import's record (and its undo package), named as a
# user types it: relative to the current directory.
first_record="$(cd "$WORK_DIR/project_package" && ls year.import.*.json | head -n 1)"
(cd "$WORK_DIR/project_package" && run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" \
    -e "rollback_record=$first_record" -e "undo_dir=$WORK_DIR")
# A record whose import made no undo package says so, before any request.
python -c 'import json, sys; d = json.load(open(sys.argv[1])); d["undo"] = None; json.dump(d, open(sys.argv[2], "w"))' \
    "$WORK_DIR/project_package/$first_record" "$WORK_DIR/no-undo.json"
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "rollback_record=$WORK_DIR/no-undo.json" \
    >"$WORK_DIR/no-undo.log" 2>&1; then
    exit 1
fi
grep -q "names no undo package" "$WORK_DIR/no-undo.log"
# A record that is not there, and a project name with a typo: each failure names the playbook's variable.
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "rollback_record=no-such.import.json" \
    >"$WORK_DIR/no-record.log" 2>&1; then
    exit 1
fi
grep -q "rollback_record: .*/no-such.import.json is not a file (a relative rollback_record is taken from the current" \
    "$WORK_DIR/no-record.log"
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "target_project='Demo Projet'" \
    -e "package_file=$WORK_DIR/project_package/year.mmp" >"$WORK_DIR/typo-project.log" 2>&1; then
    exit 1
fi
grep -qF "target_project: no project named 'Demo Projet' is visible to this user; close names: 'Demo Project'" \
    "$WORK_DIR/typo-project.log"
run_playbook verify.yml -e "step=rolled_back package=project_package" -e "package_dir=$WORK_DIR/project_package" \
    "${SERVERS[@]}"

# Reruns, version changes, failures and cleanup, through the roles.
run_playbook roles.yml -e "work_dir=$WORK_DIR" "${SERVERS[@]}" "$@"

# An export rerun through the playbook reports no change at all; the playbooks run whatever the inventory
# says: with an inventory that lists localhost without a connection, and with none at all.
run_playbook "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/rerun" >/dev/null
for inventory in "-i localhost," ""; do
    # shellcheck disable=SC2086
    ansible-playbook $inventory "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/project_package.yml" \
        "${CONNECTIONS[@]}" -e "package_dir=$WORK_DIR/rerun" | tee "$WORK_DIR/rerun.log"
    grep -q "changed=0 " "$WORK_DIR/rerun.log"
done

# Preflight: both sides are checked before any work, in real runs and in check mode. A wrong target password or a
# target project that does not exist fails in seconds, names the side and the playbook variable, shows the
# server's message (not no_log's placeholder), and the source has built no package.
packages_built() { python -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["requests"]["byRoute"].get("POST /api/packages", 0))' \
    "${SOURCE_URL%/MicroStrategyLibrary}/__emulator__/state"; }
for case in password project; do
    case "$case" in
        password) wrong=(-e target_password=wrong-password) expected="The target ($TARGET_URL) failed: POST /api/auth/login failed with HTTP 401 ERR003" ;;
        project) wrong=(-e target_project_id=0123456789ABCDEF0123456789ABCDEF)
                 expected="The target ($TARGET_URL) failed: target_project_id: no project with id 0123456789ABCDEF0123456789ABCDEF is visible to this user" ;;
    esac
    for mode in --check --diff; do
        built_before="$(packages_built)"
        started=$SECONDS
        if run_playbook "$PLAYBOOKS/migrate.yml" "$mode" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
            "${wrong[@]}" -e "package_dir=$WORK_DIR/preflight" >"$WORK_DIR/preflight.log" 2>&1; then
            exit 1
        fi
        grep -qF "$expected" "$WORK_DIR/preflight.log"
        # (An ok task with no_log shows a placeholder at -v; a failed one must show the reason instead.)
        # (Lines of the shell's own trace, which start with "+", hold the command line.)
        if grep -v "^+" "$WORK_DIR/preflight.log" | grep -q -e "fatal.*output has been hidden" -e "wrong-password"; then
            exit 1
        fi
        [ "$(packages_built)" = "$built_before" ]
        [ $((SECONDS - started)) -lt 30 ]
        [ ! -e "$WORK_DIR/preflight" ]
    done
done
# Credentials typed into a base_url are refused and never printed, not even in the side's address.
if run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "target_base_url=${TARGET_URL/http:\/\//http://admin:Leak3dPw77@}" >"$WORK_DIR/userinfo.log" 2>&1; then
    exit 1
fi
grep -qF "The target (http://***@127.0.0.1:" "$WORK_DIR/userinfo.log"
grep -qF "target_base_url: must not contain a user name or password" "$WORK_DIR/userinfo.log"
if grep -v "^+" "$WORK_DIR/userinfo.log" | grep -q "Leak3dPw77"; then exit 1; fi
# A package_dir that is a file is named before any work, in check mode too.
touch "$WORK_DIR/a-file"
if run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/a-file" >"$WORK_DIR/a-file.log" 2>&1; then
    exit 1
fi
grep -qF "package_dir: $WORK_DIR/a-file exists and is not a directory" "$WORK_DIR/a-file.log"

# A failure after the preflight names the side and the playbook variable too (through the role's variable).
if run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e '{"package_content": [{"name": "Yaer", "type": "attribute"}]}' -e "package_dir=$WORK_DIR/typo" \
    >"$WORK_DIR/typo.log" 2>&1; then
    exit 1
fi
grep -qF "The source ($SOURCE_URL) failed: package_content[0].name: no attribute named 'Yaer' was found; close names: 'Year'" \
    "$WORK_DIR/typo.log"

# Neither side keeps a session or a holder of the failed runs.
for url in "$SOURCE_URL" "$TARGET_URL"; do
    python -c 'import json, sys, urllib.request; s = json.load(urllib.request.urlopen(sys.argv[1])); assert s["sessions"] == [] and s["packages"] == [], s' \
        "${url%/MicroStrategyLibrary}/__emulator__/state"
done
