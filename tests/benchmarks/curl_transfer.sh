#!/usr/bin/env bash
# A large package with curl: build it, download it, upload it into a new holder of a second session.
# Prints the two transfer times as JSON. usage: curl_transfer.sh BASE_URL DEST
set -euo pipefail
base="$1/api"
dest="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
project=B7CA92F04B9FAE8D941C3E9B7E0CD754
login() {  # $1: name of the session
    curl -sS -f -c "$work/$1.jar" -D "$work/$1.headers" -o /dev/null -X POST "$base/auth/login" \
        -H 'Content-Type: application/json' --data-raw '{"username": "administrator", "password": "mstr-emulator", "loginMode": 1}'
    sed -n 's/^X-MSTR-AuthToken: \([^[:space:]]*\).*/\1/ip' "$work/$1.headers"
}
now() { date +%s.%N; }
source_token="$(login source)"
target_token="$(login target)"
src=(-b "$work/source.jar" -H "X-MSTR-AuthToken: $source_token" -H "X-MSTR-ProjectID: $project")
dst=(-b "$work/target.jar" -H "X-MSTR-AuthToken: $target_token" -H "X-MSTR-ProjectID: $project")
id="$(curl -sS -f "${src[@]}" -X POST "$base/packages" | sed 's/.*"id": *"\([^"]*\)".*/\1/')"
curl -sS -f "${src[@]}" -o /dev/null -X PUT "$base/packages/$id" -H 'Prefer: respond-async' \
    -H 'Content-Type: application/json' --data-raw '{"type": "project", "settings": {"defaultAction": "use_existing"},
    "content": [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12, "action": "use_existing", "includeDependents": true}]}'
until curl -sS -f "${src[@]}" "$base/packages/$id?showContent=false" | grep -qi '"status": *"ready"'; do sleep 0.1; done
started="$(now)"
curl -sS -f "${src[@]}" -H 'Accept: application/octet-stream' -o "$dest" "$base/packages/$id/binary"
downloaded="$(now)"
holder="$(curl -sS -f "${dst[@]}" -X POST "$base/packages" | sed 's/.*"id": *"\([^"]*\)".*/\1/')"
curl -sS -f "${dst[@]}" -o /dev/null -X PUT "$base/packages/$holder/binary" -F "file=@$dest"
until curl -sS -f "${dst[@]}" "$base/packages/$holder?showContent=false" | grep -qi '"status": *"ready"'; do sleep 0.1; done
uploaded="$(now)"
for pair in "$id src" "$holder dst"; do
    set -- $pair
    if [ "$2" = src ]; then auth=("${src[@]}"); else auth=("${dst[@]}"); fi
    curl -sS -f "${auth[@]}" -o /dev/null -X DELETE "$base/packages/$1" -H 'Prefer: respond-async'
    curl -sS -f "${auth[@]}" -o /dev/null -X POST "$base/auth/logout"
done
awk -v s="$started" -v d="$downloaded" -v u="$uploaded" -v n="$(stat -c %s "$dest")" \
    'BEGIN { printf "{\"download_s\": %.3f, \"upload_s\": %.3f, \"size\": %d}\n", d - s, u - d, n }'
