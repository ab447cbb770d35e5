#!/usr/bin/env bash
# The floor: the vendor pages' sequence as curl calls (with the cookie jar the server needs),
# polling every 0.1 s. usage: curl_export.sh BASE_URL DEST
set -euo pipefail
base="$1/api"
dest="$2"
jar="$(mktemp)"
headers="$(mktemp)"
trap 'rm -f "$jar" "$headers"' EXIT
project=B7CA92F04B9FAE8D941C3E9B7E0CD754
curl -sS -f -c "$jar" -D "$headers" -o /dev/null -X POST "$base/auth/login" -H 'Content-Type: application/json' \
    --data-raw '{"username": "administrator", "password": "mstr-emulator", "loginMode": 1}'
token="$(sed -n 's/^X-MSTR-AuthToken: \([^[:space:]]*\).*/\1/ip' "$headers")"
auth=(-b "$jar" -H "X-MSTR-AuthToken: $token" -H "X-MSTR-ProjectID: $project")
id="$(curl -sS -f "${auth[@]}" -X POST "$base/packages" | sed 's/.*"id": *"\([^"]*\)".*/\1/')"
curl -sS -f "${auth[@]}" -o /dev/null -X PUT "$base/packages/$id" -H 'Prefer: respond-async' \
    -H 'Content-Type: application/json' --data-raw '{"type": "project", "settings": {"defaultAction": "replace",
    "aclOnReplacingObjects": "use_existing", "aclOnNewObjects": ["keep_acl_as_source_object"]}, "content": [{"id":
    "8D679D5111D3E4981000E787EC6DE8A4", "type": 12, "action": "replace", "includeDependents": true}]}'
until curl -sS -f "${auth[@]}" "$base/packages/$id" | grep -qi '"status": *"ready"'; do sleep 0.1; done
curl -sS -f "${auth[@]}" -H 'Accept: application/octet-stream' -o "$dest" "$base/packages/$id/binary"
curl -sS -f "${auth[@]}" -o /dev/null -X DELETE "$base/packages/$id" -H 'Prefer: respond-async'
curl -sS -f "${auth[@]}" -o /dev/null -X POST "$base/auth/logout"
