# Sourced by the runme.sh of each integration target: starts emulators, stops them on exit.
# usage: start_emulator VARIABLE [emulator options...]  -> exports VARIABLE=http://127.0.0.1:PORT/MicroStrategyLibrary
#        (start_emulator_unlogged: the same without the request log of the conformance check)
# ansible-test runs a copy of the target elsewhere, so runme.sh finds this file through
# ANSIBLE_COLLECTIONS_PATH (see runme.sh).
set -eu

COLLECTION_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EMULATOR_PYTHON="$(command -v python)"
EMULATOR_PIDS=""
EMULATOR_LOGS=""

stop_emulators() {
    for pid in $EMULATOR_PIDS; do kill "$pid" 2>/dev/null || true; done
    for log in $EMULATOR_LOGS; do rm -f "$log"; done
}
trap stop_emulators EXIT

# start_server VARIABLE "PREFIX" command...: run a server that prints "PREFIX URL" once ready.
start_server() {
    local name="$1" prefix="$2"
    shift 2
    local log
    log="$(mktemp)"
    EMULATOR_LOGS="$EMULATOR_LOGS $log"
    (cd "$COLLECTION_ROOT" && exec "$@") >"$log" 2>&1 &
    EMULATOR_PIDS="$EMULATOR_PIDS $!"
    local url=""
    for _attempt in $(seq 1 100); do
        url="$(sed -n "s/^$prefix //p" "$log")"
        [ -n "$url" ] && break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        cat "$log" >&2
        return 1
    fi
    printf -v "$name" '%s' "$url"
    export "${name?}"
}

# Request logs of the emulators, read by tests/conformance after the integration targets (make conformance).
CONFORMANCE_DIR="$COLLECTION_ROOT/tests/output/conformance"

# start_emulator VARIABLE [options...]: an emulator that logs every request for the conformance check.
start_emulator() {
    local name="$1"
    shift
    mkdir -p "$CONFORMANCE_DIR"
    local request_log
    request_log="$(mktemp --suffix=.jsonl "$CONFORMANCE_DIR/$(basename "$PWD")-$name-XXXXXX")"
    start_emulator_unlogged "$name" --request-log "$request_log" "$@"
}

# start_emulator_unlogged VARIABLE [options...]: no request log, for the few tests that make the collection
# send a wrong request on purpose to see the server refuse it (the conformance check would count it).
start_emulator_unlogged() {
    local name="$1"
    shift
    start_server "$name" "emulator listening on" "$EMULATOR_PYTHON" -m tests.emulator --port 0 --parent-pid $$ "$@"
}

start_proxy() {
    start_server "$1" "proxy listening on" "$EMULATOR_PYTHON" tests/integration/proxy.py
}

# start_gateway VARIABLE UPSTREAM_URL: a reverse proxy that redirects, replaces or compresses answers on request
# (tests/integration/gateway.py).
start_gateway() {
    start_server "$1" "gateway listening on" "$EMULATOR_PYTHON" tests/integration/gateway.py "$2"
}

# Run a playbook of the target against localhost with the controller's Python.
run_playbook() {
    ansible-playbook -i "${INVENTORY_PATH:-$COLLECTION_ROOT/tests/integration/inventory.ini}" \
        -e "ansible_python_interpreter=$EMULATOR_PYTHON" "$@"
}
