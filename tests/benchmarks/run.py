"""Export benchmark: the collection's role against a hand-written uri playbook and a curl script.

Starts one emulator, runs each way several times in turns (so that the
machine's noise hits all of them alike), checks every run produced a package
file and left nothing on the server, and prints a markdown table of wall
times (median, min-max) and ratios. ``--output FILE`` also writes it there.

    .venv/bin/python tests/benchmarks/run.py --runs 5 --processing-seconds 1
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position


def collections_path(work: Path) -> Path:
    link = work / "collections" / "ansible_collections" / "mstr" / "migration"
    link.parent.mkdir(parents=True)
    link.symlink_to(ROOT, target_is_directory=True)
    return work / "collections"


def ways(base_url: str, work: Path) -> dict:
    playbook = [str(BIN / "ansible-playbook"), "-e", "base_url=" + base_url]
    return {
        "role (mstr.migration.export_package)": playbook + [str(HERE / "role_export.yml"), "-e", "dest=%s/role.mmp" % work],
        "uri playbook (ansible.builtin.uri)": playbook + [str(HERE / "uri_export.yml"), "-e", "dest=%s/uri.mmp" % work],
        "curl script": ["bash", str(HERE / "curl_export.sh"), base_url, "%s/curl.mmp" % work],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processing-seconds", type=float, default=1.0)
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mstr-bench-"))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path(work)), ANSIBLE_NOCOLOR="1",
               PATH="%s:%s" % (BIN, os.environ["PATH"]))
    server = EmulatorProcess("--processing-seconds", str(args.processing_seconds))
    times: dict = {}
    try:
        commands = ways(server.base_url, work)
        for _run in range(args.runs):
            for name, command in commands.items():
                started = time.monotonic()
                result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                elapsed = time.monotonic() - started
                if result.returncode != 0:
                    raise SystemExit("%s failed:\n%s\n%s" % (name, result.stdout[-2000:], result.stderr[-2000:]))
                state = server.state()
                if state["sessions"] or state["packages"]:
                    raise SystemExit("%s left something on the server: %s" % (name, state))
                times.setdefault(name, []).append(elapsed)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(times["curl script"])
    uri = statistics.median(times["uri playbook (ansible.builtin.uri)"])
    lines = [
        "Export (log in, create, define, wait, download, delete, log out) against the emulator with "
        "`--processing-seconds %s`, %d runs each, in turns; %s, Python %s, %d CPUs."
        % (args.processing_seconds, args.runs, platform.machine(), platform.python_version(), os.cpu_count()),
        "",
        "| way | median s | min-max s | / uri playbook | - curl s |",
        "|---|---|---|---|---|",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        lines.append("| %s | %.2f | %.2f-%.2f | %.2fx | %+.2f |"
                     % (name, median, min(values), max(values), median / uri, median - floor))
    table = "\n".join(lines) + "\n"
    print(table)
    if args.output:
        Path(args.output).write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
