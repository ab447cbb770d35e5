#!/usr/bin/env bash
# Run one test suite with its output in a log, for suites that run side by side (make -j): the terminal gets
# one line when the suite starts and one when it ends, and the whole log when it fails.
#
# usage: tests/tools/suite.sh NAME LOG_DIR command...
#   NAME     the suite's name: its log is LOG_DIR/NAME.log, its wall and CPU time go to LOG_DIR/timings.txt
#   command  what to run; its exit status is this script's. Each line of its output goes to the log behind the
#            seconds since the suite started.
set -uo pipefail

if [ "$#" -lt 3 ]; then
    sed -n '2,/^set /p' "$0" | sed '$d' >&2
    exit 2
fi
name="$1"
dir="$2"
shift 2
mkdir -p "$dir"
log="$dir/$name.log"
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
# CPU seconds (user + system) of the processes this shell waited for: the second line of bash's `times`, which
# must run in this shell (in a $(...) subshell it counts nothing).
cpu_file="$(mktemp)"
trap 'rm -f "$cpu_file"' EXIT
cpu() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$cpu_file"; }

start="$(date +%s)"
echo "== $name: started at $(date +%H:%M:%S) (load $(load)); output in $log"
"$@" </dev/null 2>&1 | while IFS= read -r line || [ -n "$line" ]; do printf '%4d %s\n' "$SECONDS" "$line"; done >"$log"
status="${PIPESTATUS[0]}"
seconds=$(($(date +%s) - start))
times >"$cpu_file"
if [ "$status" -eq 0 ]; then
    printf '%-16s passed in %4d s, CPU %4d s (load %s at the end)\n' "$name" "$seconds" "$(cpu)" "$(load)" \
        >>"$dir/timings.txt"
    echo "== $name: passed in $seconds s"
else
    printf '%-16s FAILED after %4d s (exit %d)\n' "$name" "$seconds" "$status" >>"$dir/timings.txt"
    echo "== $name: FAILED (exit $status) after $seconds s; its output ($log):"
    sed "s/^/$name| /" "$log"
    echo "== $name: FAILED (exit $status) after $seconds s (output above and in $log)"
fi
exit "$status"
