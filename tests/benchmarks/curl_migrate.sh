#!/usr/bin/env bash
# The floor of a whole migration: curl_export.sh from the source (attribute Year and its dependents, from
# MicroStrategy Tutorial), then curl_import.sh into the target's Demo Project, keeping the undo package.
# usage: curl_migrate.sh SOURCE_URL TARGET_URL DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/curl_export.sh" "$1" "$3/year.mmp"
bash "$here/curl_import.sh" "$2" "$3/year.mmp" "$3/year.undo.mmp"
