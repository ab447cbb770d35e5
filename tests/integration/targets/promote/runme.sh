#!/usr/bin/env bash
# playbooks/promote.yml over three environments as inventory hosts (the example inventory of playbooks/, copied with
# these servers): dev as seeded, test with an empty MicroStrategy Tutorial, prod with an empty one under another
# name; each with its own password, in its own vault file.
set -euxo pipefail
source "${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/mstr/migration/tests/integration/emulator.sh"
TUTORIAL=B7CA92F04B9FAE8D941C3E9B7E0CD754
YEAR=8D679D5111D3E4981000E787EC6DE8A4
LU_YEAR=8D6793C211D3E4981000E787EC6DE8A4
start_emulator DEV_URL --processing-seconds 0.1 --password dev-secret
start_emulator TEST_URL --processing-seconds 0.1 --password test-secret --empty-project "MicroStrategy Tutorial"
start_emulator PROD_URL --processing-seconds 0.1 --password prod-secret --empty-project "MicroStrategy Tutorial" \
    --project-name "MicroStrategy Tutorial=Tutorial (Production)"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"; stop_emulators' EXIT
PLAYBOOKS="$COLLECTION_ROOT/playbooks"
PACKAGES="$WORK_DIR/packages"
echo "promote-test-vault" >"$WORK_DIR/vault-password"

# inventory DIR PROD_PASSWORD: the example inventory with these servers (dev's project by the group's name, test's by
# id, prod's by its own name) and each password in an encrypted vault file.
inventory() {
    cp -r "$PLAYBOOKS/inventory" "$1"
    for env in dev test prod; do
        url_variable="${env^^}_URL" password="$env-secret"
        [ "$env" = prod ] && password="$2"
        printf -- '---\nmstr_base_url: %s\nmstr_username: administrator\n' "${!url_variable}" >"$1/host_vars/$env/main.yml"
        printf -- '---\nvault_mstr_password: %s\n' "$password" >"$1/host_vars/$env/vault.yml"
        ansible-vault encrypt --vault-id "$env@$WORK_DIR/vault-password" "$1/host_vars/$env/vault.yml"
    done
    printf 'mstr_project: ""\nmstr_project_id: %s\n' "$TUTORIAL" >>"$1/host_vars/test/main.yml"  # by id (the group names it)
    echo 'mstr_project: Tutorial (Production)' >>"$1/host_vars/prod/main.yml"  # by its own name
}
inventory "$WORK_DIR/inventory" prod-secret
inventory "$WORK_DIR/inventory-wrong" not-the-prod-password

promote() {
    ANSIBLE_PYTHON_INTERPRETER="$EMULATOR_PYTHON" TMPDIR="$WORK_DIR/tmp" \
        ansible-playbook -i "${INVENTORY:-$WORK_DIR/inventory}" --vault-password-file "$WORK_DIR/vault-password" \
        "$PLAYBOOKS/promote.yml" -e "@$PLAYBOOKS/vars/project_package.yml" -e "package_dir=$PACKAGES" -e source=dev "$@"
}
mkdir "$WORK_DIR/tmp"
# state URL EXPRESSION: a value of the server's /__emulator__/state (s) or /__emulator__/objects (o).
state() { python -c 'import json, sys, urllib.request
root = sys.argv[1].rsplit("/MicroStrategyLibrary", 1)[0] + "/__emulator__/"
s = json.load(urllib.request.urlopen(root + "state")); o = json.load(urllib.request.urlopen(root + "objects"))
print(eval(sys.argv[2]))' "$1" "$2"; }
imports() { state "$1" 's["requests"]["byRoute"].get("POST /api/packages/imports", 0)'; }
version() { state "$1" "o['$TUTORIAL'].get('$2', {}).get('version')"; }
bump() { python -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{\"bumpVersion\": true}", method="PATCH", headers={"Content-Type": "application/json"}))' \
    "${DEV_URL%/MicroStrategyLibrary}/__emulator__/objects/$TUTORIAL/$1"; }
# The write requests a server got, by route (logins and logouts aside: a check logs in too).
writes() { state "$1" 'sorted((k, v) for k, v in s["requests"]["byRoute"].items() if not k.startswith("GET") and "/api/auth/" not in k)'; }
snapshot() { (cd "$PACKAGES" && find . -type f -printf '%p %T@ ' -exec sha256sum {} \; | sort); }
# Nothing left on a server: no session, no holder.
clean() { for url in "$DEV_URL" "$TEST_URL" "$PROD_URL"; do [ "$(state "$url" 'len(s["sessions"]) + len(s["packages"])')" = 0 ]; done; }

# A user's own play on these hosts: one module_defaults line, each host its server, password and project.
ANSIBLE_PYTHON_INTERPRETER="$EMULATOR_PYTHON" ansible-playbook -i "$WORK_DIR/inventory" \
    --vault-password-file "$WORK_DIR/vault-password" own_play.yml | tee "$WORK_DIR/own.log"
[ "$(grep -cE "^(dev|test|prod) +: ok=2 +changed=0 +unreachable=0 +failed=0" "$WORK_DIR/own.log")" = 3 ]

# Two targets in one run: each gets the objects, one undo package and one import record in its own directory.
[ "$(version "$TEST_URL" $YEAR)" = None ] && [ "$(version "$PROD_URL" $YEAR)" = None ]
promote -e targets=test:prod | tee "$WORK_DIR/first.log"
for url in "$TEST_URL" "$PROD_URL"; do
    [ "$(imports "$url")" = 1 ]
    for object in $YEAR $LU_YEAR; do [ "$(version "$url" $object)" = "$(version "$DEV_URL" $object)" ]; done
done
[ "$(imports "$DEV_URL")" = 0 ]
[ -f "$PACKAGES/dev/year.mmp" ] && [ -f "$PACKAGES/dev/year.mmp.json" ]
for env in test prod; do
    [ "$(ls "$PACKAGES/$env"/year.undo.*.mmp | wc -l)" = 1 ] && [ "$(ls "$PACKAGES/$env"/year.import.*.json | wc -l)" = 1 ]
    record="$(ls "$PACKAGES/$env"/year.import.*.json)"
    url_variable="${env^^}_URL"
    python -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["target"]["base_url"] == sys.argv[2], r["target"]' \
        "$record" "${!url_variable}"
    grep -qE "\"$env +imported +$PACKAGES/$env/year.import\.[0-9TZ]+\.json\"" "$WORK_DIR/first.log"
done
grep -qF "Target prod: $PROD_URL, project Tutorial (Production)" "$WORK_DIR/first.log"
grep -qE "^(test|prod) +: ok=[0-9]+ +changed=[1-9]" "$WORK_DIR/first.log"
[ -z "$(ls -A "$WORK_DIR/tmp")" ]
clean

# Again, nothing changed: changed=0 on every host, no new file, no import request.
before="$(snapshot)"
promote -e targets=test:prod | tee "$WORK_DIR/again.log"
[ "$(grep -cE "^(dev|test|prod) +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0" "$WORK_DIR/again.log")" = 3 ]
grep -q "The target is already up to date" "$WORK_DIR/again.log"
[ "$(snapshot)" = "$before" ]
[ "$(imports "$TEST_URL")" = 1 ] && [ "$(imports "$PROD_URL")" = 1 ]

# No target: a pattern that matches no host, or none that the limit leaves, fails and says so.
for case in "-e targets=staging" "-e targets=prod --limit test" "-e targets=all" "-e source=qa -e targets=test" \
    "-e targets=test -e store_type=dir"; do
    # shellcheck disable=SC2086
    if promote $case >"$WORK_DIR/none.log" 2>&1; then exit 1; fi
    case "$case" in
        *staging*) grep -qF "targets: the pattern staging match no host of the inventory, so nothing would be promoted" "$WORK_DIR/none.log" ;;
        *limit*) grep -qF "targets: the pattern prod and --limit test match no host of the inventory (the pattern alone matches prod)" "$WORK_DIR/none.log" ;;
        *all*) grep -qF "targets: all includes the source dev; leave it out, for example -e 'targets=all:!dev'" "$WORK_DIR/none.log" ;;
        *qa*) grep -qF "source: qa is not a host of the inventory (hosts: dev, prod, test" "$WORK_DIR/none.log" ;;
        *store*) grep -qF "store_type: promote.yml keeps its files in package_dir only" "$WORK_DIR/none.log" ;;
    esac
done
if ANSIBLE_PYTHON_INTERPRETER="$EMULATOR_PYTHON" ansible-playbook -i "$WORK_DIR/inventory" \
    --vault-password-file "$WORK_DIR/vault-password" "$PLAYBOOKS/promote.yml" -e source=dev >"$WORK_DIR/none.log" 2>&1; then
    exit 1
fi
grep -qF "targets: name the hosts to promote to" "$WORK_DIR/none.log"
[ "$(snapshot)" = "$before" ]

# Check mode after a change on the source: the source builds a temporary package, every target is planned against
# it object by object, and nothing is written on any server or disk.
bump $YEAR
requests_before="$(writes "$TEST_URL") $(writes "$PROD_URL")"
objects_before="$(for url in "$DEV_URL" "$TEST_URL" "$PROD_URL"; do state "$url" 'o'; done)"
promote --check -e targets=test:prod | tee "$WORK_DIR/check.log"
for env in test prod; do
    grep -qF "\"$env         planned       Check mode, nothing was imported: importing $PACKAGES/dev/year.mmp would end with 1 replaced, 1 unchanged." "$WORK_DIR/check.log"
done
grep -qF "Plan: replace attribute 'Year'" "$WORK_DIR/check.log"
[ "$(writes "$TEST_URL") $(writes "$PROD_URL")" = "$requests_before" ]
[ "$(for url in "$DEV_URL" "$TEST_URL" "$PROD_URL"; do state "$url" 'o'; done)" = "$objects_before" ]
[ "$(snapshot)" = "$before" ] && [ -z "$(ls -A "$WORK_DIR/tmp")" ]
clean

# --limit narrows the targets: only test is promoted, prod gets no import.
promote -e targets=test:prod --limit test | tee "$WORK_DIR/limit.log"
[ "$(imports "$TEST_URL")" = 2 ] && [ "$(imports "$PROD_URL")" = 1 ]
[ "$(version "$TEST_URL" $YEAR)" = "$(version "$DEV_URL" $YEAR)" ] && [ "$(version "$PROD_URL" $YEAR)" != "$(version "$DEV_URL" $YEAR)" ]
[ "$(ls "$PACKAGES/test"/year.import.*.json | wc -l)" = 2 ] && [ "$(ls "$PACKAGES/prod"/year.import.*.json | wc -l)" = 1 ]
if grep -qE "^prod +:" "$WORK_DIR/limit.log"; then exit 1; fi

# A target that fails (prod's password is wrong) does not stop the other, and the run fails at the end naming it.
bump $LU_YEAR
if INVENTORY="$WORK_DIR/inventory-wrong" promote -e targets=test:prod >"$WORK_DIR/failed.log" 2>&1; then exit 1; fi
cat "$WORK_DIR/failed.log"
[ "$(imports "$TEST_URL")" = 3 ] && [ "$(imports "$PROD_URL")" = 1 ]
[ "$(version "$TEST_URL" $LU_YEAR)" = "$(version "$DEV_URL" $LU_YEAR)" ]
grep -qF "Not promoted to prod: The target prod ($PROD_URL) failed: POST /api/auth/login failed with HTTP 401" "$WORK_DIR/failed.log"
grep -qE "prod +FAILED +The target prod" "$WORK_DIR/failed.log"
grep -qE "^test +: ok=[0-9]+ +changed=[1-9][0-9]* +unreachable=0 +failed=0" "$WORK_DIR/failed.log"
grep -qE "^prod +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=1" "$WORK_DIR/failed.log"
if grep -v "^+" "$WORK_DIR/failed.log" | grep -q -e "not-the-prod-password" -e "prod-secret" -e "test-secret"; then exit 1; fi
# With stop_on_failure, the failed check stops every target before the source builds anything.
bump $YEAR
built_before="$(state "$DEV_URL" 's["requests"]["byRoute"].get("POST /api/packages", 0)')"
if INVENTORY="$WORK_DIR/inventory-wrong" promote -e targets=test:prod -e stop_on_failure=true >"$WORK_DIR/stop.log" 2>&1; then
    exit 1
fi
grep -qF "(stop_on_failure: no target is promoted)" "$WORK_DIR/stop.log"
[ "$(imports "$TEST_URL")" = 3 ] && [ "$(state "$DEV_URL" 's["requests"]["byRoute"].get("POST /api/packages", 0)')" = "$built_before" ]
clean

# An import that fails on prod (the server ends it failed) does not stop test's, and the run fails naming prod.
fail_next_import() { python -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"{\"fail_imports\": 1}", method="POST", headers={"Content-Type": "application/json"}))' \
    "${PROD_URL%/MicroStrategyLibrary}/__emulator__/faults"; }
fail_next_import
prod_year="$(version "$PROD_URL" $YEAR)"
if promote -e targets=test:prod >"$WORK_DIR/import-failed.log" 2>&1; then exit 1; fi
[ "$(imports "$TEST_URL")" = 4 ] && [ "$(imports "$PROD_URL")" = 2 ]
[ "$(version "$TEST_URL" $YEAR)" = "$(version "$DEV_URL" $YEAR)" ] && [ "$(version "$PROD_URL" $YEAR)" = "$prod_year" ]
grep -qF "Not promoted to prod: The target prod ($PROD_URL) failed: " "$WORK_DIR/import-failed.log"
grep -qE "\"test +imported +$PACKAGES/test/year.import" "$WORK_DIR/import-failed.log"
grep -qE "^prod +: ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=1 +skipped=[0-9]+ +rescued=1" "$WORK_DIR/import-failed.log"
clean
# The same with stop_on_failure: imports already running side by side finish, nothing after them runs.
bump $YEAR
fail_next_import
if promote -e targets=test:prod -e stop_on_failure=true >"$WORK_DIR/import-stop.log" 2>&1; then exit 1; fi
grep -qF "(stop_on_failure: the other targets stop too)" "$WORK_DIR/import-stop.log" || { cat "$WORK_DIR/import-stop.log"; exit 1; }
if grep -q "Summary of every target" "$WORK_DIR/import-stop.log"; then exit 1; fi
clean
