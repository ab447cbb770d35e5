#!/usr/bin/env bash
# ansible-test sanity and units, plus the integration targets on the newest, on the ansible-core releases
# that need Python 3.12 or newer (2.20, 2.21, ...): the rest of `make matrix` uses python3 (3.11 here).
#
# usage: tests/tools/core_matrix.sh COLLECTION_COPY VERSION...
#   COLLECTION_COPY  the collection at a real path ending in ansible_collections/mstr/migration
#   VERSION          ansible-core minor versions, e.g. 2.20 2.21; each gets .venv-core-VERSION in the
#                    repository, made with the interpreter tests/tools/find_python.py finds
# environment:
#   CORE_MIN_PYTHON      the interpreter version needed (default 3.12)
#   CORE_INTEGRATION     the versions that also run the integration targets (default: the last VERSION;
#                        empty: none)
#   CORE_UNITS           the versions that run sanity and units (default: every VERSION; empty: none)
#   CORE_VENV_SUFFIX     appended to the virtualenvs' names (.venv-core-VERSION-SUFFIX), so that two runs side by
#                        side do not install into the same one
#   FIND_PYTHON          use this interpreter instead of looking one up
#   PYTHON               the interpreter that runs find_python.py (default python3)
#
# Without a suitable interpreter it prints a warning naming the one it needs and exits 0. Otherwise a
# failing test step does not stop the others; the script exits non-zero at the end if any step failed
# (and at once if a virtualenv cannot be made).
set -euo pipefail

if [ "$#" -lt 2 ]; then
    sed -n '2,/^set /p' "$0" | sed '$d' >&2
    exit 2
fi

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COPY="$1"
shift
VERSIONS=("$@")
MIN_PYTHON="${CORE_MIN_PYTHON:-3.12}"
INTEGRATION="${CORE_INTEGRATION-${VERSIONS[-1]}}"
UNITS="${CORE_UNITS-${VERSIONS[*]}}"
SUFFIX="${CORE_VENV_SUFFIX:-}"

case "$COPY" in
    */ansible_collections/mstr/migration | */ansible_collections/mstr/migration/) ;;
    *) echo "core_matrix.sh: $COPY does not end in ansible_collections/mstr/migration" >&2; exit 2 ;;
esac
[ -d "$COPY" ] || { echo "core_matrix.sh: no collection copy at $COPY (make collection-copy)" >&2; exit 2; }

if ! interpreter="$("${PYTHON:-python3}" "$REPO/tests/tools/find_python.py" --min "$MIN_PYTHON")"; then
    echo "WARNING: ansible-core ${VERSIONS[*]} need Python $MIN_PYTHON or newer (python$MIN_PYTHON), and none" \
        "was found (looked in \$(pyenv root)/versions/*/bin and for python3.NN on PATH; set FIND_PYTHON to" \
        "choose one): skipping sanity, units and integration on ansible-core ${VERSIONS[*]}." >&2
    exit 0
fi
pyversion="$("$interpreter" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
echo "== Python $pyversion for ansible-core ${VERSIONS[*]}: $interpreter"

# step LABEL command...: run command and note how long it took; a failure is noted, not fatal.
TIMINGS=()
FAILED=0
step() {
    local label="$1" start status=0 seconds
    shift
    start="$(date +%s)"
    "$@" || status=$?
    seconds=$(($(date +%s) - start))
    if [ "$status" -eq 0 ]; then
        TIMINGS+=("$label: passed in $seconds s")
    else
        TIMINGS+=("$label: FAILED (exit $status) after $seconds s")
        FAILED=1
    fi
    echo "-- $label: exit $status after $seconds s"
}
report() {
    [ "${#TIMINGS[@]}" -eq 0 ] || printf '%s\n' "== ansible-core ${VERSIONS[*]} on Python $pyversion:" "${TIMINGS[@]/#/   }"
}
trap report EXIT

# make_venv VERSION: .venv-core-VERSION with ansible-core VERSION.* on the interpreter found above.
make_venv() {
    local version="$1" venv="$REPO/.venv-core-$1$SUFFIX" stamp
    stamp="$venv/.installed-core-$version-python-$pyversion"
    if [ -e "$venv" ] && [ ! -e "$stamp" ]; then
        # made by another interpreter (ansible-core would not install on 3.11) or an install that stopped half-way
        rm -rf "$venv"
    fi
    if [ ! -e "$stamp" ]; then
        "$interpreter" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ansible-core==$version.*"
        touch "$stamp"
    fi
    "$venv/bin/python" "$REPO/tests/tools/install_get_pip_standin.py"
}

# in_copy VERSION command...: run command in the collection copy with the venv of VERSION first on PATH.
in_copy() {
    local venv="$REPO/.venv-core-$1$SUFFIX"
    shift
    (cd "$COPY" && PATH="$venv/bin:$PATH" "$@")
}

for version in $UNITS; do
    make_venv "$version"
    echo "== ansible-core $version ($("$REPO/.venv-core-$version$SUFFIX/bin/python" -c \
        'import ansible.release; print(ansible.release.__version__)'), Python $pyversion): sanity and units"
    step "ansible-core $version sanity" \
        in_copy "$version" ansible-test sanity --local --python "$pyversion" --requirements --color no
    step "ansible-core $version units" \
        in_copy "$version" ansible-test units --local --python "$pyversion" --requirements --color no
done

for version in $INTEGRATION; do
    make_venv "$version"
    # What runme.sh and the modules need from the `python` on PATH (this venv's): requests, trustme (tls.py).
    "$REPO/.venv-core-$version$SUFFIX/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$REPO/requirements.txt" -r "$REPO/tests/unit/requirements.txt"
    echo "== ansible-core $version (Python $pyversion): integration"
    step "ansible-core $version integration" \
        in_copy "$version" ansible-test integration --local --python "$pyversion" --continue-on-error --color no
done

exit "$FAILED"
