#!/usr/bin/env bash
# The time each ansible-test integration target took, from a suite log of tests/tools/suite.sh (each line starts
# with the seconds since the suite started), slowest first, with its share of the whole pass.
#
# usage: tests/tools/target_times.sh LOG
set -euo pipefail
[ "$#" -eq 1 ] || { sed -n '2,/^set /p' "$0" | sed '$d' >&2; exit 2; }
awk '
    $2 == "Running" && $4 == "integration" && $5 == "test" { close_target($1); name = $3; start = $1; next }
    { last = $1 }
    END { close_target(last); for (n in took) printf "%5d s %3d %%  %s\n", took[n], total ? 100 * took[n] / total : 0, n | "sort -rn"; close("sort -rn"); printf "%5d s        all %d targets\n", total, count }
    function close_target(now) { if (name != "") { took[name] = now - start; total += now - start; count++ } name = "" }
' "$1"
