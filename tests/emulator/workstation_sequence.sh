#!/usr/bin/env bash
# The "Migrations in Workstation" pages' sequences as curl calls, between two Libraries that share one Storage
# Service (two emulator processes given the same --storage-dir; this script starts nothing itself):
#   1. object migration (object-migration-between-environments.md): create on the source with the project header,
#      poll until created, request, approve, read with showContent=all, PUT on the target with replicated: true,
#      poll until imported; undo requested, then approved with the target project header, poll until undo_success;
#   2. validation (validate-migrations.md) of a second migration: set its target, read it, PUT .../validation on
#      the target, validating on the source, poll the source until validated;
#   3. a migration group (object-migration-groups-between-environments.md): the configuration child first, then a
#      project child; request, approve, read with showContent=all, PUT on the target with every child replicated,
#      poll until imported; the group's undo, poll until undo_success;
#   4. upload and download (upload-and-download-migration-packages.md): the second migration's package binary from
#      the source, its file metadata and the multipart field `file` on the target, a migration created from the
#      file on the target (approved, importing at once), poll until imported; then its undo (API_NOTES_WORKSTATION.md
#      5.7 step 5: "Undo works as in 5.4"), so that the target ends as it began;
#   5. every migration, group and file deleted on each side (`?packageId=`, `?packageGroupId=`, the file first),
#      then both sessions logged out.
# Each call sends the headers and parameters its page's sample shows, no more (the token comes from the login's
# response header; the cookies are kept, as the server needs them). The pages give no status codes; the ones
# expected are those of the notes' section 2 (the vendor SDK's docstrings), which the emulator answers. The script
# stops at the first unexpected status or value, printing the call and the answer, and exits 1.
#
# usage: workstation_sequence.sh SOURCE_BASE_URL TARGET_BASE_URL   (each ending in /MicroStrategyLibrary)
# environment (defaults: the emulator's seed):
#   MSTR_USERNAME, MSTR_PASSWORD   the account on both Libraries (administrator / mstr-emulator)
#   SOURCE_PROJECT, TARGET_PROJECT MicroStrategy Tutorial B7CA92F0..., Demo Project B19DEDCC...
#   OBJECT_ID                      the project object migrated (the attribute Year, in the source project only)
#   CONFIGURATION_OBJECT           the user in the group's configuration package (Administrator)
#   POLL_INTERVAL, POLL_TIMEOUT    seconds between two reads of a running step (0.1), and how long at most (60)
#   PYTHON                         the Python that picks values out of the JSON answers (python3)
#   WORKSTATION_STEP_HOOK          an executable run with the step's name after each import and undo
#                                  (object-imported, object-undone, group-imported, group-undone, upload-imported,
#                                  upload-undone): the tests read the servers' objects there
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 SOURCE_BASE_URL TARGET_BASE_URL" >&2
    exit 2
fi
declare -A BASE=([S]="${1%/}" [T]="${2%/}")
declare -A ENV_ID=([S]="${BASE[S]}/" [T]="${BASE[T]}/")  # the environment id: the base URL with a trailing slash
USERNAME="${MSTR_USERNAME:-administrator}"
PASSWORD="${MSTR_PASSWORD:-mstr-emulator}"
SOURCE_PROJECT="${SOURCE_PROJECT:-B7CA92F04B9FAE8D941C3E9B7E0CD754}"
TARGET_PROJECT="${TARGET_PROJECT:-B19DEDCC11D4E0EFC000EB9495D0F44F}"
OBJECT_ID="${OBJECT_ID:-8D679D5111D3E4981000E787EC6DE8A4}"
CONFIGURATION_OBJECT="${CONFIGURATION_OBJECT:-54F3D26011D2896560009A8E67019608}"
POLL_INTERVAL="${POLL_INTERVAL:-0.1}"
POLL_TIMEOUT="${POLL_TIMEOUT:-60}"
PYTHON="${PYTHON:-python3}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
declare -A TOKEN=()
CALL_SIDE=S CALL_LINE="" CALL_ARGS=()
JSON=(-H 'Content-Type: application/json')

# ------------------------------------------------------------------ JSON, by Python (no jq on a clean machine)
cat >"$WORK/pick.py" <<'PY'
import hashlib, json, sys

def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)

def pick(value, path):
    """a.b.0.c; * takes every item of a list (the values joined by commas)."""
    parts = path.split(".") if path else []
    for index, part in enumerate(parts):
        if part == "*":
            return ",".join(pick(item, ".".join(parts[index + 1:])) for item in value)
        value = value[int(part)] if isinstance(value, list) else value.get(part, "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)

command, args = sys.argv[1], sys.argv[2:]
if command == "get":  # FILE PATH
    print(pick(load(args[0]), args[1]))
elif command == "replicated":  # FILE: the read body with packageInfo.replicated true (every child of a group)
    body = load(args[0])
    for child in body.get("migrations", [body]):
        child["packageInfo"]["replicated"] = True
    print(json.dumps(body))
elif command == "validation":  # FILE: the validation body of the validate page's step 3, from the step 2 read
    full = load(args[0])
    package, target = full["packageInfo"], full["importInfo"]
    print(json.dumps({
        "id": full["id"],
        # The page's sample says "locked" while the package must be created (the notes' A5: the source's record
        # decides, not this field).
        "packageInfo": {"id": package["id"], "type": package["type"], "environment": package["environment"],
                        "storage": {"size": package["storage"]["size"], "path": package["storage"]["path"]},
                        "project": package["project"], "status": "locked"},
        "importInfo": {"id": target["id"], "environment": target["environment"], "project": target["project"]}}))
elif command == "file":  # FILE: "size sha256"
    with open(args[0], "rb") as handle:
        data = handle.read()
    print(len(data), hashlib.sha256(data).hexdigest())
PY
get() { "$PYTHON" "$WORK/pick.py" get "$@"; }

# --------------------------------------------------------------------------------------------- one call
# call SIDE METHOD PATH EXPECTED_STATUS [curl arguments: headers, --data-binary, -F]
# The answer's body is in $WORK/body, its headers in $WORK/headers.
fail() {  # the call (never the token or the password) and its answer
    local shown=() arg
    for arg in "${CALL_ARGS[@]}"; do
        case "$arg" in *password*) shown+=("(the login body)") ;; *) shown+=("$arg") ;; esac
    done
    {
        echo "workstation_sequence: $1"
        echo "  call: ${CALL_LINE}"
        [[ -n "${TOKEN[${CALL_SIDE}]:-}" ]] && echo "    -H 'X-MSTR-AuthToken: (the token)'"
        ((${#shown[@]} == 0)) || echo "   $(printf " '%s'" "${shown[@]}")"
        for arg in "${CALL_ARGS[@]}"; do
            if [[ "$arg" == @* ]]; then
                echo "  sent ${arg#@}:"
                head -c 4000 "${arg#@}" | sed 's/^/    /'
                echo
            fi
        done
        echo "  answer:"
        sed 's/^/    /' "$WORK/headers" 2>/dev/null || true
        if [[ -f "$WORK/body" ]]; then head -c 4000 "$WORK/body" | sed 's/^/    /'; echo; fi
    } >&2
    exit 1
}

call() {
    local side="$1" method="$2" path="$3" expected="$4"
    shift 4
    CALL_SIDE="$side" CALL_LINE="$side $method ${BASE[$side]}$path"
    CALL_ARGS=("$@")
    local auth=()
    [[ -n "${TOKEN[$side]:-}" ]] && auth=(-H "X-MSTR-AuthToken: ${TOKEN[$side]}")
    rm -f "$WORK/body" "$WORK/headers"
    local status
    status="$(curl -sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" \
        -b "$WORK/jar.$side" -c "$WORK/jar.$side" "${auth[@]}" "$@" "${BASE[$side]}$path")" || fail "curl failed"
    echo "$side $method $path -> $status"
    [[ "$status" == "$expected" ]] || fail "status $status, expected $expected"
}

expect() {  # expect FILE PATH VALUE: the answer's value at PATH
    local found
    found="$(get "$1" "$2")" || fail "no $2 in the answer"
    [[ "$found" == "$3" ]] || fail "$2 is '$found', expected '$3'"
}

# poll SIDE PATH VALUE_PATH RUNNING_WORDS FINAL [curl headers]: read PATH until no value at VALUE_PATH is one of
# RUNNING_WORDS (space-separated), then every value must be FINAL.
poll() {
    local side="$1" path="$2" value_path="$3" running="$4" final="$5"
    shift 5
    local deadline=$((SECONDS + ${POLL_TIMEOUT%.*})) values busy word
    while :; do
        call "$side" GET "$path" 200 "$@"
        values="$(get "$WORK/body" "$value_path")" || fail "no $value_path in the answer"
        busy=""
        for word in $running; do
            [[ ",$values," == *",$word,"* ]] && busy=1
        done
        if [[ -z "$busy" ]]; then
            [[ "$(tr ',' '\n' <<<"$values" | sort -u)" == "$final" ]] \
                || fail "$value_path is '$values', expected $final"
            return
        fi
        ((SECONDS < deadline)) || fail "$value_path still '$values' after ${POLL_TIMEOUT} s"
        sleep "$POLL_INTERVAL"
    done
}

hook() {
    echo "# step $1"
    if [[ -n "${WORKSTATION_STEP_HOOK:-}" ]]; then "$WORKSTATION_STEP_HOOK" "$1"; fi
}

login() {  # the token is in the response header (the upload page; API_NOTES_WORKSTATION.md A23)
    call "$1" POST /api/auth/login 204 "${JSON[@]}" \
        --data-binary "{\"username\": \"$USERNAME\", \"password\": \"$PASSWORD\", \"loginMode\": 1}"
    TOKEN[$1]="$(sed -n 's/^X-MSTR-AuthToken: *\([^[:space:]]*\).*/\1/ip' "$WORK/headers")"
    [[ -n "${TOKEN[$1]}" ]] || fail "no X-MSTR-AuthToken header in the login's answer"
}

# ---------------------------------------------------------------------------------------------- bodies
create_body() {  # NAME: the object migration page's step 1 body, Year from the source project into the target's
    cat <<JSON
{
  "packageInfo": {
    "type": "project",
    "name": "$1",
    "environment": {"id": "${ENV_ID[S]}", "name": "source"},
    "tocView": {
      "settings": {
        "updateSchema": ["recal_table_logical_size"],
        "aclOnReplacingObjects": "replace",
        "aclOnNewObjects": ["inherit_acl_as_dest_folder"],
        "defaultAction": "replace"
      },
      "content": [
        {"id": "$OBJECT_ID", "name": "Year", "type": 12, "action": "replace", "includeDependents": true}
      ]
    },
    "treeView": {}
  },
  "importInfo": {
    "environment": {"id": "${ENV_ID[T]}", "name": "target"},
    "project": {"id": "$TARGET_PROJECT", "name": "target project"}
  }
}
JSON
}

group_body() {  # the group page's step 1 body: the configuration package first, then one project package
    cat <<JSON
{
  "name": "test_migrationGroup",
  "sourceEnvironment": {"id": "${ENV_ID[S]}", "name": "source"},
  "targetEnvironment": {"id": "${ENV_ID[T]}", "name": "target"},
  "treeView": {},
  "migrations": [
    {
      "packageInfo": {
        "type": "configuration",
        "tocView": {
          "settings": {
            "aclOnReplacingObjects": "replace",
            "aclOnNewObjects": ["inherit_acl_as_dest_folder"],
            "defaultAction": "replace"
          },
          "content": [
            {"id": "$CONFIGURATION_OBJECT", "type": 34, "action": "use_existing", "includeDependents": false,
             "level": "project_object"}
          ]
        }
      },
      "importInfo": {}
    },
    {
      "packageInfo": {
        "type": "project",
        "project": {"id": "$SOURCE_PROJECT", "name": "source project"},
        "tocView": {
          "settings": {
            "updateSchema": ["recal_table_logical_size"],
            "aclOnReplacingObjects": "replace",
            "aclOnNewObjects": ["inherit_acl_as_dest_folder"],
            "defaultAction": "replace"
          },
          "content": [
            {"id": "$OBJECT_ID", "name": "Year", "type": 12, "action": "force_replace", "includeDependents": true,
             "level": "project_object"}
          ]
        }
      },
      "importInfo": {"project": {"id": "$TARGET_PROJECT", "name": "target project"}}
    }
  ],
  "version": "2"
}
JSON
}

# ============================================================================================= the sequence
login S
login T

# ------------------------------------------------------------------- 1. object migration (the object page)
create_body ProjectMigration_success >"$WORK/create.json"
call S POST /api/migrations 201 "${JSON[@]}" -H "X-MSTR-ProjectID: $SOURCE_PROJECT" --data-binary @"$WORK/create.json"
expect "$WORK/body" packageInfo.status creating
expect "$WORK/body" importInfo.importRequestStatus pending
MIGRATION="$(get "$WORK/body" id)"
PACKAGE="${MIGRATION%%:*}"
echo "# object migration $MIGRATION"
poll S "/api/migrations/$MIGRATION" packageInfo.status creating created "${JSON[@]}"
call S PATCH "/api/migrations/$MIGRATION" 200 "${JSON[@]}" \
    --data-binary '{"importInfo": {"importRequestStatus": "requested"}}'
expect "$WORK/body" importInfo.importRequestStatus requested
expect "$WORK/body" packageInfo.status created
call S PATCH "/api/migrations/$MIGRATION" 200 "${JSON[@]}" \
    --data-binary '{"importInfo": {"importRequestStatus": "approved"}}'
expect "$WORK/body" importInfo.importRequestStatus approved
expect "$WORK/body" packageInfo.status locked
call S GET "/api/migrations/$MIGRATION?showContent=all" 200 "${JSON[@]}"
expect "$WORK/body" packageInfo.replicated false
"$PYTHON" "$WORK/pick.py" replicated "$WORK/body" >"$WORK/import.json"
call T PUT "/api/migrations/$MIGRATION" 201 "${JSON[@]}" -H "X-MSTR-ProjectID: $TARGET_PROJECT" \
    --data-binary @"$WORK/import.json"
expect "$WORK/body" importInfo.status importing
expect "$WORK/body" importInfo.importRequestStatus approved
poll T "/api/migrations/$MIGRATION" importInfo.status "pending importing" imported "${JSON[@]}"
expect "$WORK/body" importInfo.undoStorage.path "mstr/shared/migrations/undo/$PACKAGE/${MIGRATION#*:}.mmp"
hook object-imported
call T PATCH "/api/migrations/$MIGRATION" 200 "${JSON[@]}" \
    --data-binary '{"importInfo": {"undoRequestStatus": "requested"}}'
expect "$WORK/body" importInfo.undoRequestStatus requested
call T PATCH "/api/migrations/$MIGRATION" 200 "${JSON[@]}" -H "X-MSTR-ProjectID: $TARGET_PROJECT" \
    --data-binary '{"importInfo": {"undoRequestStatus": "approved"}}'
expect "$WORK/body" importInfo.undoRequestStatus approved
poll T "/api/migrations/$MIGRATION" importInfo.status undoing undo_success "${JSON[@]}"
hook object-undone

# --------------------------------------------------- 2. validation of a second migration (the validate page)
create_body sample >"$WORK/create.json"
call S POST /api/migrations 201 "${JSON[@]}" -H "X-MSTR-ProjectID: $SOURCE_PROJECT" --data-binary @"$WORK/create.json"
VALIDATED="$(get "$WORK/body" id)"
echo "# validated migration $VALIDATED"
poll S "/api/migrations/$VALIDATED" packageInfo.status creating created "${JSON[@]}"
cat >"$WORK/target.json" <<JSON
{
  "importInfo": {
    "environment": {"id": "${ENV_ID[T]}", "name": "target"},
    "project": {"id": "$TARGET_PROJECT", "name": "target project"}
  }
}
JSON
call S PATCH "/api/migrations/$VALIDATED" 200 "${JSON[@]}" --data-binary @"$WORK/target.json"
expect "$WORK/body" packageInfo.status created
call S GET "/api/migrations/$VALIDATED" 200 "${JSON[@]}"
"$PYTHON" "$WORK/pick.py" validation "$WORK/body" >"$WORK/validation.json"
call T PUT "/api/migrations/$VALIDATED/validation" 202 "${JSON[@]}" --data-binary @"$WORK/validation.json"
[[ ! -s "$WORK/body" ]] || fail "the validation PUT answered a body (the page: no response body)"
call S PATCH "/api/migrations/$VALIDATED" 200 "${JSON[@]}" --data-binary '{"validation": {"status": "validating"}}'
expect "$WORK/body" validation.status validating
poll S "/api/migrations/$VALIDATED" validation.status validating validated "${JSON[@]}"
expect "$WORK/body" packageInfo.status created

# ------------------------------------------------------------------------ 3. a migration group (the group page)
group_body >"$WORK/group.json"
call S POST /api/migrationGroups 201 "${JSON[@]}" --data-binary @"$WORK/group.json"
expect "$WORK/body" migrations.*.packageInfo.status creating,empty
GROUP="$(get "$WORK/body" id)"
echo "# migration group $GROUP"
poll S "/api/migrationGroups/$GROUP" migrations.*.packageInfo.status "empty creating" created "${JSON[@]}"
call S PATCH "/api/migrationGroups/$GROUP" 200 "${JSON[@]}" --data-binary '{"importRequestStatus": "requested"}'
expect "$WORK/body" importRequestStatus requested
call S PATCH "/api/migrationGroups/$GROUP" 200 "${JSON[@]}" --data-binary '{"importRequestStatus": "approved"}'
expect "$WORK/body" importRequestStatus approved
expect "$WORK/body" migrations.*.packageInfo.status locked,locked
call S GET "/api/migrationGroups/$GROUP?showContent=all" 200 "${JSON[@]}"
expect "$WORK/body" migrations.*.packageInfo.purpose migration_group,migration_group_child
"$PYTHON" "$WORK/pick.py" replicated "$WORK/body" >"$WORK/group-import.json"
call T PUT "/api/migrationGroups/$GROUP" 202 "${JSON[@]}" -H 'prefer: respond-async' -H 'generateUndo: true' \
    --data-binary @"$WORK/group-import.json"
expect "$WORK/body" migrations.*.importInfo.status importing,pending
poll T "/api/migrationGroups/$GROUP" migrations.*.importInfo.status "pending importing" imported "${JSON[@]}"
hook group-imported
call T PATCH "/api/migrationGroups/$GROUP" 200 "${JSON[@]}" -H 'prefer: respond-async' \
    --data-binary '{"undoRequestStatus": "requested"}'
expect "$WORK/body" undoRequestStatus requested
call T PATCH "/api/migrationGroups/$GROUP" 200 "${JSON[@]}" -H 'prefer: respond-async' \
    --data-binary '{"undoRequestStatus": "approved"}'
expect "$WORK/body" migrations.*.importInfo.status undoing,imported
poll T "/api/migrationGroups/$GROUP" migrations.*.importInfo.status "imported undoing" undo_success "${JSON[@]}"
hook group-undone

# ------------------------------------------------------------- 4. upload and download (the upload page)
call S GET "/api/migrations/packages/${VALIDATED%%:*}/binary" 200
mv "$WORK/body" "$WORK/package.mmp"
grep -qi '^Content-Disposition: attachment; filename=sample\.mmp' "$WORK/headers" \
    || fail "no Content-Disposition naming the package"
read -r SIZE SHA256 < <("$PYTHON" "$WORK/pick.py" file "$WORK/package.mmp")
cat >"$WORK/file.json" <<JSON
{
  "name": "ProjectMigration_success_upload",
  "type": "migrations.packages",
  "size": $SIZE,
  "sha256": "$SHA256",
  "extension": "mmp",
  "environment": {"id": "${ENV_ID[S]}", "name": "source"},
  "extraInfo": {"packageType": "project", "packagePurpose": "object_migration"}
}
JSON
call T POST /api/mstrServices/library/storage/sharedFileStore/files 200 "${JSON[@]}" --data-binary @"$WORK/file.json"
expect "$WORK/body" existing false
FILE_ID="$(get "$WORK/body" id)"
UPLOADED_PACKAGE="$(get "$WORK/body" extraInfo.packageId)"
echo "# shared file $FILE_ID"
call T PUT "/api/mstrServices/library/storage/sharedFileStore/files/$FILE_ID/binary" 200 \
    -H 'Content-Type: multipart/form-data' -F "file=@$WORK/package.mmp"
expect "$WORK/body" existing true
cat >"$WORK/from-file.json" <<JSON
{
  "packageInfo": {
    "storage": {"sharedFileStore": {"files": {"id": "$FILE_ID"}}},
    "purpose": "migration_from_shared_file_store"
  },
  "importInfo": {
    "environment": {"id": "${ENV_ID[T]}", "name": "target"},
    "project": {"id": "$TARGET_PROJECT", "name": "target project"}
  }
}
JSON
call T POST /api/migrations 201 "${JSON[@]}" -H "X-MSTR-ProjectID: $TARGET_PROJECT" \
    --data-binary @"$WORK/from-file.json"
expect "$WORK/body" packageInfo.status locked
expect "$WORK/body" importInfo.importRequestStatus approved
UPLOADED="$(get "$WORK/body" id)"
[[ "${UPLOADED%%:*}" == "$UPLOADED_PACKAGE" ]] || fail "the migration's package is not the file's packageId"
echo "# uploaded migration $UPLOADED"
poll T "/api/migrations/$UPLOADED" importInfo.status "pending importing" imported
expect "$WORK/body" packageInfo.replicated true
hook upload-imported
call T PATCH "/api/migrations/$UPLOADED" 200 "${JSON[@]}" \
    --data-binary '{"importInfo": {"undoRequestStatus": "requested"}}'
call T PATCH "/api/migrations/$UPLOADED" 200 "${JSON[@]}" -H "X-MSTR-ProjectID: $TARGET_PROJECT" \
    --data-binary '{"importInfo": {"undoRequestStatus": "approved"}}'
poll T "/api/migrations/$UPLOADED" importInfo.status undoing undo_success
hook upload-undone

# ------------------------------------------------------------------ 5. delete on each side, one by one
call S DELETE "/api/migrations?packageId=$PACKAGE" 204 "${JSON[@]}"
call T DELETE "/api/migrations?packageId=$PACKAGE" 204 "${JSON[@]}"
call S DELETE "/api/migrations?packageId=${VALIDATED%%:*}" 204 "${JSON[@]}"
# Validating made no record on the target: its delete answers what the vendor SDK takes for "already deleted".
call T DELETE "/api/migrations?packageId=${VALIDATED%%:*}" 404 "${JSON[@]}"
expect "$WORK/body" code ERR006
call S DELETE "/api/migrationGroups?packageGroupId=${GROUP%%:*}" 204 "${JSON[@]}"
call T DELETE "/api/migrationGroups?packageGroupId=${GROUP%%:*}" 204 "${JSON[@]}"
# The uploaded package's metadata first (on the source, as the page's heading says: one Storage Service, A14),
# then its migration on the target.
call S DELETE "/api/mstrServices/library/storage/sharedFileStore/files/$FILE_ID" 204 "${JSON[@]}"
call T DELETE "/api/migrations?packageId=$UPLOADED_PACKAGE" 204 "${JSON[@]}"

call S POST /api/auth/logout 204
call T POST /api/auth/logout 204
echo "workstation sequence: done"
