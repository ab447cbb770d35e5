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
    # As an AWX job would run it (awx_job_id is the job template variable), with a change ticket.
    run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/$package.yml" "${CONNECTIONS[@]}" \
        -e "package_dir=$WORK_DIR/$package" -e "comment='CHG-25 $package'" -e awx_job_id=2501
    run_playbook verify.yml -e "step=migrated package=$package undo_files=1" -e "package_dir=$WORK_DIR/$package" \
        -e "comment='CHG-25 $package'" -e awx_job_id=2501 "${SERVERS[@]}"
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
# The same for the project security package (issue 25): its links are compared, its records decide the rest.
before_security="$(snapshot "$WORK_DIR/project_security_package")"
for mode in --check --diff; do
    run_playbook "$PLAYBOOKS/migrate.yml" "$mode" -e "@$PLAYBOOKS/vars/project_security_package.yml" \
        "${CONNECTIONS[@]}" -e "package_dir=$WORK_DIR/project_security_package" | tee "$WORK_DIR/rerun.log"
    grep -q "changed=0 " "$WORK_DIR/rerun.log"
    grep -q "The target is already up to date" "$WORK_DIR/rerun.log"
    grep -q "security roles the same; security filters the same" "$WORK_DIR/rerun.log"
done
[ "$(snapshot "$WORK_DIR/project_security_package")" = "$before_security" ]
# Relative paths are taken from the current directory, as a user types them (a module of the local play would take
# them from the playbooks' directory), and an undo_dir that does not exist yet is made before the source builds anything.
mkdir "$WORK_DIR/cwd"
(cd "$WORK_DIR/cwd" && run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/project_package.yml" \
    "${CONNECTIONS[@]}" -e package_dir=relative -e undo_dir=undo/migrate) >"$WORK_DIR/relative.log"
grep -q "The target is already up to date" "$WORK_DIR/relative.log"
grep -qF "Export: 2 object(s) to $WORK_DIR/cwd/relative/year.mmp" "$WORK_DIR/relative.log"
[ -f "$WORK_DIR/cwd/relative/year.mmp" ] && [ -f "$WORK_DIR/cwd/relative/year.mmp.json" ] && [ -d "$WORK_DIR/cwd/undo/migrate" ]
(cd "$WORK_DIR/cwd" && run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" \
    -e target_project_id=B19DEDCC11D4E0EFC000EB9495D0F44F -e package_file=relative/year.mmp \
    -e undo_dir=undo/import) >"$WORK_DIR/relative-import.log"
grep -qF "$WORK_DIR/cwd/relative/year.mmp" "$WORK_DIR/relative-import.log"
grep -q "already up to date" "$WORK_DIR/relative-import.log"
[ -d "$WORK_DIR/cwd/undo/import" ] && [ ! -e "$PLAYBOOKS/relative" ] && [ ! -e "$PLAYBOOKS/undo" ]
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
# The project comes from the record. A project given as well must be that one: by name it is looked up (and the
# rollback works, shown here in check mode); another project, by name or by id, stops the run before any holder is made,
# in this playbook's words.
uploads() { python -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["requests"]["byRoute"].get("POST /api/packages", 0))' \
    "${TARGET_URL%/MicroStrategyLibrary}/__emulator__/state"; }
(cd "$WORK_DIR/project_package" && run_playbook "$PLAYBOOKS/import_package.yml" --check "${CONNECTIONS[@]}" \
    -e "rollback_record=$first_record" -e "target_project='Demo Project'") >"$WORK_DIR/rollback-named.log"
grep -qF "Check mode, nothing was imported: importing $WORK_DIR/project_package/year.undo." "$WORK_DIR/rollback-named.log"
uploads_before="$(uploads)"
for project in "target_project='MicroStrategy Tutorial'" target_project_id=B7CA92F04B9FAE8D941C3E9B7E0CD754; do
    if (cd "$WORK_DIR/project_package" && run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" \
        -e "rollback_record=$first_record" -e "$project") >"$WORK_DIR/rollback-other.log" 2>&1; then
        exit 1
    fi
    grep -qE "msg\": \"${project%%=*}: .*B7CA92F04B9FAE8D941C3E9B7E0CD754\)? is not the project .*/$first_record records an import into \(B19DEDCC11D4E0EFC000EB9495D0F44F\), and its undo package restores only that project. Leave target_project and target_project_id unset: a rollback takes the project from its record." \
        "$WORK_DIR/rollback-other.log"
    [ "$(grep -c "^fatal:" "$WORK_DIR/rollback-other.log")" = 1 ]
done
[ "$(uploads)" = "$uploads_before" ]
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
# A damaged record (cut short, a list, a target that is no object) is named in the playbook's words. (Two fatal lines:
# the template error of the read, rescued, then the message; a template error cannot be caught quietly.)
head -c 300 "$WORK_DIR/project_package/$first_record" >"$WORK_DIR/damaged-1.json"
echo '[]' >"$WORK_DIR/damaged-2.json"
python -c 'import json, sys; d = json.load(open(sys.argv[1])); d["target"] = "oops"; json.dump(d, open(sys.argv[2], "w"))' \
    "$WORK_DIR/project_package/$first_record" "$WORK_DIR/damaged-3.json"
for damaged in 1 2 3; do
    if run_playbook "$PLAYBOOKS/import_package.yml" --check "${CONNECTIONS[@]}" \
        -e "rollback_record=$WORK_DIR/damaged-$damaged.json" >"$WORK_DIR/damaged.log" 2>&1; then
        exit 1
    fi
    grep -q "rollback_record: $WORK_DIR/damaged-$damaged.json is not an import record that mstr.migration wrote" \
        "$WORK_DIR/damaged.log"
    grep -q "rescued=1" "$WORK_DIR/damaged.log"
done
# A record that is not there, and a project name with a typo: each failure names the playbook's variable.
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "rollback_record=no-such.import.json" \
    >"$WORK_DIR/no-record.log" 2>&1; then
    exit 1
fi
grep -q "rollback_record: .*/no-such.import.json is not a file (a relative rollback_record is taken from the current" \
    "$WORK_DIR/no-record.log"
# An absolute one is not said to be taken from the current directory.
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "rollback_record=$WORK_DIR/no-such.import.json" \
    >"$WORK_DIR/no-record-abs.log" 2>&1; then
    exit 1
fi
grep -q "rollback_record: $WORK_DIR/no-such.import.json is not a file" "$WORK_DIR/no-record-abs.log"
if grep -q "a relative rollback_record" "$WORK_DIR/no-record-abs.log"; then exit 1; fi
if run_playbook "$PLAYBOOKS/import_package.yml" "${CONNECTIONS[@]}" -e "target_project='Demo Projet'" \
    -e "package_file=$WORK_DIR/project_package/year.mmp" >"$WORK_DIR/typo-project.log" 2>&1; then
    exit 1
fi
grep -qF "target_project: no project named 'Demo Projet' is visible to this user; close names: 'Demo Project'" \
    "$WORK_DIR/typo-project.log"
[ "$(grep -c "^fatal:" "$WORK_DIR/typo-project.log")" = 1 ]
run_playbook verify.yml -e "step=rolled_back package=project_package" -e "package_dir=$WORK_DIR/project_package" \
    "${SERVERS[@]}"

# Reruns, version changes, failures and cleanup, through the roles.
run_playbook roles.yml -e "work_dir=$WORK_DIR" "${SERVERS[@]}" "$@"

# An export rerun through the playbook reports no change at all; the playbooks run whatever the inventory
# says: with an inventory that lists localhost without a connection, and with none at all.
# First in check mode: the summary says the file would be written, with no size or sha256 (none is known yet).
run_playbook "$PLAYBOOKS/export_package.yml" --check -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/rerun" >"$WORK_DIR/export-check.log"
grep -qF "Would be written (check mode: no file was written)" "$WORK_DIR/export-check.log"
grep -qF "Package file: $WORK_DIR/rerun/year.mmp\"" "$WORK_DIR/export-check.log"
if grep -qE "Written|sha256 *\)|\( bytes" "$WORK_DIR/export-check.log"; then exit 1; fi
run_playbook "$PLAYBOOKS/export_package.yml" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "package_dir=$WORK_DIR/rerun" >"$WORK_DIR/export.log"
grep -qE "Package file: $WORK_DIR/rerun/year.mmp \([0-9]+ bytes, sha256 [0-9a-f]{64}\)" "$WORK_DIR/export.log"
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
        # One cause, one message: not the module's, the role's and the playbook's each.
        [ "$(grep -c "^fatal:" "$WORK_DIR/preflight.log")" = 1 ]
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
# Privileges before any work: a target user without Import Package, then a source user without Create Package. Each
# fails in one message naming the side, the privilege and the project, and the source has built no package.
for side in target source; do
    case "$side" in
        target) user=(-e target_username=exporter)
                expected="The target ($TARGET_URL) failed: user 'exporter' lacks the privilege 'Import Package' in project 'Demo Project' (B19DEDCC11D4E0EFC000EB9495D0F44F), which importing a package needs" ;;
        source) user=(-e source_username=importer)
                expected="The source ($SOURCE_URL) failed: user 'importer' lacks the privilege 'Create Package' in project 'MicroStrategy Tutorial' (B7CA92F04B9FAE8D941C3E9B7E0CD754), which exporting a package needs" ;;
    esac
    for mode in --check --diff; do
        built_before="$(packages_built)"
        if run_playbook "$PLAYBOOKS/migrate.yml" "$mode" -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
            "${user[@]}" -e "package_dir=$WORK_DIR/privileges" >"$WORK_DIR/privileges.log" 2>&1; then
            exit 1
        fi
        grep -qF "$expected" "$WORK_DIR/privileges.log"
        [ "$(grep -c "^fatal:" "$WORK_DIR/privileges.log")" = 1 ]
        [ "$(packages_built)" = "$built_before" ]
    done
done
# A user who may not read privileges (no Use User Manager) gets a warning on each side, and the migration goes on.
run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e source_username=packager -e target_username=packager -e "package_dir=$WORK_DIR/privileges" \
    >"$WORK_DIR/unreadable.log" 2>&1
for url in "$TARGET_URL" "$SOURCE_URL"; do
    grep -qF "the privileges of user 'packager' on $url could not be checked" "$WORK_DIR/unreadable.log"
done
grep -q "Check mode, nothing was imported" "$WORK_DIR/unreadable.log"
# Credentials typed into a base_url are refused and never printed, not even in the side's address.
if run_playbook "$PLAYBOOKS/migrate.yml" --check -e "@$PLAYBOOKS/vars/project_package.yml" "${CONNECTIONS[@]}" \
    -e "target_base_url=${TARGET_URL/http:\/\//http://admin:Leak3dPw77@}" >"$WORK_DIR/userinfo.log" 2>&1; then
    exit 1
fi
grep -qF "The target (http://***@127.0.0.1:" "$WORK_DIR/userinfo.log"
grep -qF "target_base_url: must not contain a user name or password" "$WORK_DIR/userinfo.log"
[ "$(grep -c "^fatal:" "$WORK_DIR/userinfo.log")" = 1 ]
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
[ "$(grep -c "^fatal:" "$WORK_DIR/typo.log")" = 1 ]
if grep -qF "The target ($TARGET_URL" "$WORK_DIR/typo.log"; then exit 1; fi  # the export failed, not the target
# A role run that fails prints one message too, in the role's words.
if run_playbook failing_role.yml -e "work_dir=$WORK_DIR" "${SERVERS[@]}" >"$WORK_DIR/failing-role.log" 2>&1; then
    exit 1
fi
grep -qF "export_package_connection.project_id: no project with id 0123456789ABCDEF0123456789ABCDEF is visible" \
    "$WORK_DIR/failing-role.log"
[ "$(grep -c "^fatal:" "$WORK_DIR/failing-role.log")" = 1 ]

# Neither side keeps a session or a holder of the failed runs.
for url in "$SOURCE_URL" "$TARGET_URL"; do
    python -c 'import json, sys, urllib.request; s = json.load(urllib.request.urlopen(sys.argv[1])); assert s["sessions"] == [] and s["packages"] == [], s' \
        "${url%/MicroStrategyLibrary}/__emulator__/state"
done

# The cost of a migration, counted rather than timed: module runs (each costs Ansible start-up time, about 0.3 s)
# and requests to each server, for a first migration (with an import) and a re-run (nothing to import), on servers
# that build packages at once (so that no status poll depends on timing). A change that adds a task or a request
# fails here until these numbers are changed on purpose (and docs/benchmarks.md is measured again).
# Before 1.0.0's preflight was reworked: 7 module runs (two logins, a stat, export, import, two logouts) and
# 9 / 17 requests (8 / 6 on the re-run); then the target's check (login, project, logout: no session kept), the export
# and the import (each logging in and out itself): 3 runs, 8 / 19 and 7 / 8. The privileges before any work add one
# read on the target (its check already knows the user) and two on the source (the export's user, then its
# privileges), in every run: 10 / 20, and 9 / 9 on the re-run.
start_emulator COUNT_SOURCE_URL --processing-seconds 0
start_emulator COUNT_TARGET_URL --processing-seconds 0
requests_total() { python -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["requests"]["total"])' \
    "${1%/MicroStrategyLibrary}/__emulator__/state"; }
mkdir "$WORK_DIR/counted"
for run in "first 3 10 20" "again 3 9 9"; do
    read -r name runs source_requests target_requests <<< "$run"
    source_before="$(requests_total "$COUNT_SOURCE_URL")" target_before="$(requests_total "$COUNT_TARGET_URL")"
    ANSIBLE_CALLBACK_PLUGINS="$PWD/callback_plugins" ANSIBLE_CALLBACKS_ENABLED=module_runs \
        MODULE_RUNS_FILE="$WORK_DIR/module-runs-$name.json" \
        run_playbook "$PLAYBOOKS/migrate.yml" -e "@$PLAYBOOKS/vars/project_package.yml" \
        -e "source_base_url=$COUNT_SOURCE_URL target_base_url=$COUNT_TARGET_URL" -e "package_dir=$WORK_DIR/counted" \
        -e source_username=administrator -e source_password=mstr-emulator \
        -e target_username=administrator -e target_password=mstr-emulator >"$WORK_DIR/counted-$name.log"
    cat "$WORK_DIR/module-runs-$name.json"
    python -c 'import json, sys; runs = json.load(open(sys.argv[1]))["module_runs"]; assert runs == int(sys.argv[2]), runs' \
        "$WORK_DIR/module-runs-$name.json" "$runs"
    [ $(($(requests_total "$COUNT_SOURCE_URL") - source_before)) = "$source_requests" ]
    [ $(($(requests_total "$COUNT_TARGET_URL") - target_before)) = "$target_requests" ]
done
grep -q "Imported" "$WORK_DIR/counted-first.log"
grep -q "The target is already up to date" "$WORK_DIR/counted-again.log"
# A migration with nothing to do reports no change at all, its target check and its logins and logouts included.
grep -qE "^localhost +: ok=[0-9]+ +changed=0 " "$WORK_DIR/counted-again.log"
