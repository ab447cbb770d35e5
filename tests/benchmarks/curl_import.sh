#!/usr/bin/env bash
# The floor of an import: the vendor page's sequence as curl calls, with the headers its samples show (and the
# cookie jar the server needs), polling every 0.1 s. Into Demo Project, always imported, undo package kept.
# usage: curl_import.sh BASE_URL SRC UNDO_DEST
set -euo pipefail
base="$1/api"
src="$2"
undo="$3"
jar="$(mktemp)"
headers="$(mktemp)"
trap 'rm -f "$jar" "$headers"' EXIT
project=B19DEDCC11D4E0EFC000EB9495D0F44F
id_of() { sed 's/.*"id": *"\([^"]*\)".*/\1/'; }
curl -sS -f -c "$jar" -D "$headers" -o /dev/null -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    --data-raw '{"username": "administrator", "password": "mstr-emulator", "loginMode": 1}'
token="$(sed -n 's/^X-MSTR-AuthToken: \([^[:space:]]*\).*/\1/ip' "$headers")"
auth=(-b "$jar" -H "X-MSTR-AuthToken: $token" -H "X-MSTR-ProjectID: $project")
json=(-H 'Content-Type: application/json')
holder="$(curl -sS -f "${auth[@]}" "${json[@]}" -X POST "$base/packages" | id_of)"
curl -sS -f "${auth[@]}" -o /dev/null -X PUT "$base/packages/$holder/binary" -F "file=@$src"
import="$(curl -sS -f "${auth[@]}" "${json[@]}" -H 'Prefer: respond-async' -X POST \
    "$base/packages/imports?packageId=$holder&generateUndo=true" | id_of)"
while :; do
    status="$(curl -sS -f "${auth[@]}" "${json[@]}" "$base/packages/imports/$import")"
    grep -qi '"status": *"imported"' <<<"$status" && break
    if grep -qi '"status": *"import_failed"' <<<"$status"; then echo "import failed: $status" >&2; exit 1; fi
    sleep 0.1
done
curl -sS -f "${auth[@]}" "${json[@]}" -o "$undo" "$base/packages/imports/$import/undoPackage/binary"
curl -sS -f "${auth[@]}" "${json[@]}" -H 'Prefer: respond-async' -o /dev/null -X DELETE "$base/packages/imports/$import"
curl -sS -f "${auth[@]}" "${json[@]}" -H 'Prefer: respond-async' -o /dev/null -X DELETE "$base/packages/$holder"
curl -sS -f "${auth[@]}" -o /dev/null -X POST "$base/auth/logout"
