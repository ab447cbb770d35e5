# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmarks: the collection against a uri playbook, a curl script and the vendor SDK.

Starts emulators, runs each way several times in turns (so that the noise of
a shared machine hits every way alike), checks every run did its job and left
nothing on the server, and prints markdown tables: wall time and peak memory
of an export, how soon a ready package is seen, download and upload of a large
package, 20 exports in parallel, and a whole migration between two servers
(playbooks/migrate.yml, the import_package role alone, a re-run with nothing
to import) against curl.

    make benchmark            # all of it; rewrites the results part of docs/benchmarks.md and the chart
    make benchmark-smoke      # about 10 s, part of `make test`: export and a 64 MiB transfer once, with checks
    run.py --only migration   # one part alone (export, polling, large, parallel, migration); prints only

Peak memory is the largest resident set of any process of the way's process
tree (``wait4``), for ansible-playbook that includes every module it started.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "benchmarks.png"
RAW = ROOT / "docs" / "benchmarks.json"  # every run, for anyone who wants other statistics
START, END = "<!-- results:start -->", "<!-- results:end -->"
BLUE, GREY = "#2a7ab0", "#9aa5ad"
MEMORY_LIMIT_MIB = 100
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

ROLE, URI, CURL, SDK = ("role (mstr.migration.export_package)", "uri playbook (ansible.builtin.uri)", "curl script",
                        "vendor SDK (mstrio-py)")
COLLECTION = "collection (package_binary)"
WHOLE = "requests, whole body (.content)"
SDK_WHOLE = "vendor SDK (mstrio-py, whole body)"
ONCE = (WHOLE, SDK_WHOLE)  # slow or gigabytes: one run shows their memory
MIGRATE, MIGRATE_AGAIN, CURL_MIGRATE = ("playbooks/migrate.yml, first run", "playbooks/migrate.yml, re-run",
                                        "curl scripts (curl_migrate.sh)")
IMPORT_ROLE, CURL_IMPORT = "role (mstr.migration.import_package)", "curl script (curl_import.sh)"
PARTS = ("export", "polling", "large", "parallel", "migration")
DEMO_PROJECT = "B19DEDCC11D4E0EFC000EB9495D0F44F"  # the target project of migrate.yml's sample and the import ways
IMPORTED = {"8D679D5111D3E4981000E787EC6DE8A4": "Year", "8D6793C211D3E4981000E787EC6DE8A4": "LU_YEAR"}
START_IMPORT = "POST /api/packages/imports"
MIGRATE_OVER_CURL_S, IMPORT_OVER_CURL_S = 2.5, 1.5  # the targets: at most curl plus this


class Failed(Exception):
    pass


def timings_in(output: str) -> dict:
    """The transfer timings a way printed: a JSON line, or a oneline-callback result with "timings"."""
    for line in reversed(output.strip().splitlines()):
        text = line.split(" => ", 1)[-1]
        if text.startswith("{") and '"download_s"' in text:
            data = json.loads(text)
            return {key: float(value) for key, value in data.get("timings", data).items()}
    raise Failed("no timings in the output:\n" + output[-2000:])


def measure(command: list, env: dict) -> dict:
    """Run ``command``; wall seconds, peak RSS (MiB) of its process tree, output."""
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise Failed("%s failed (%s):\n%s" % (" ".join(map(str, command)), proc.returncode, output[-3000:]))
    return {"seconds": seconds, "rss_mib": usage.ru_maxrss / 1024.0, "output": output}


def leftovers(server: EmulatorProcess) -> dict:
    state = server.state()
    return {"sessions": len(state["sessions"]), "packages": len(state["packages"]),
            "requests": state["requests"]["total"]}


def use_of(server: EmulatorProcess, before: dict) -> dict:
    """What a run left on ``server`` (sessions, holders, imports, deviations from the vendor pages) and the
    requests it sent there: by route, counted from ``before`` (the server's requests by route before the run)."""
    state = server.state()
    routes = {route: count - before.get(route, 0) for route, count in state["requests"]["byRoute"].items()
              if count > before.get(route, 0)}
    return {"sessions": len(state["sessions"]), "packages": len(state["packages"]), "imports": len(state["imports"]),
            "deviations": len(state["deviations"]), "requests": sum(routes.values()), "routes": routes}


def files_in(directory: Path) -> dict:
    return {path.name: path.stat().st_mtime_ns for path in directory.iterdir()}


def kind_of(name: str) -> str:
    """What a file of the package directory is: package, manifest, undo package or import record."""
    if ".undo." in name:
        return "undo"
    if ".import." in name:
        return "record"
    return "manifest" if name.endswith(".json") else "package"


def check_migration(name: str, run: dict, target_objects: dict, written: tuple) -> None:
    """A migration way wrote one file of each kind in ``written`` and imported once if one is an undo package
    (else never), the target holds the package's objects, and no server kept anything or saw a deviation."""
    for side in ("source", "target"):
        use = run.get(side, {})
        if any(use.get(key) for key in ("sessions", "packages", "imports", "deviations")):
            raise Failed("%s left something on the %s, or deviated from the vendor pages: %s" % (name, side, use))
    started, expected = run["target"]["routes"].get(START_IMPORT, 0), (1 if "undo" in written else 0)
    if started != expected:
        raise Failed("%s started %d import(s), not %d" % (name, started, expected))
    kinds = Counter(kind_of(file) for file in run["written"])
    if kinds != Counter(written):
        raise Failed("%s wrote %s; expected one of each: %s" % (name, run["written"], ", ".join(written) or "none"))
    missing = [label for oid, label in IMPORTED.items() if oid not in target_objects.get(DEMO_PROJECT, {})]
    if missing:
        raise Failed("after %s the target has no %s" % (name, ", ".join(missing)))


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="mstr-bench-"))
        link = self.work / "collections" / "ansible_collections" / "mstr" / "migration"
        link.parent.mkdir(parents=True)
        link.symlink_to(ROOT, target_is_directory=True)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(self.work / "collections"), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
                        PATH="%s:%s" % (BIN, os.environ["PATH"]))
        self.has_curl = shutil.which("curl") is not None
        self.sdk_python = None
        if not args.smoke and args.sdk_python and Path(args.sdk_python).exists():
            found = subprocess.run([args.sdk_python, "-c", "import mstrio"], capture_output=True, check=False)
            self.sdk_python = args.sdk_python if found.returncode == 0 else None
        self.notes: list = []
        self.results: dict = {}

    def playbook(self, *args) -> list:
        return [str(BIN / "ansible-playbook"), *map(str, args)]

    # -------------------------------------------------------------- export
    def export(self) -> None:
        args = self.args
        server = EmulatorProcess("--processing-seconds", str(args.processing_seconds))
        try:
            base = server.base_url
            ways = {ROLE: lambda n: self.playbook(HERE / "role_export.yml", "-e", "base_url=" + base,
                                                  "-e", "dest=%s/role-%d.mmp" % (self.work, n))}
            if not args.smoke:
                ways[URI] = lambda n: self.playbook(HERE / "uri_export.yml", "-e", "base_url=" + base,
                                                    "-e", "dest=%s/uri-%d.mmp" % (self.work, n))
            if self.has_curl:
                ways[CURL] = lambda n: ["bash", HERE / "curl_export.sh", base, "%s/curl-%d.mmp" % (self.work, n)]
            else:
                self.notes.append("curl is not installed here: the curl way was skipped.")
            if self.sdk_python:
                ways[SDK] = lambda n: [self.sdk_python, HERE / "sdk_way.py", "export", base,
                                       "%s/sdk-%d.mmp" % (self.work, n)]
            elif not args.smoke:
                self.notes.append("The vendor SDK way was skipped: no Python with mstrio-py (--sdk-python).")
            runs: dict = {name: [] for name in ways}
            for number in range(args.runs):
                for name, command in ways.items():
                    server.reset()
                    run = measure(command(number), self.env)
                    run.update(leftovers(server))
                    dest = next(self.work.glob("*-%d.mmp" % number))
                    if dest.stat().st_size == 0:
                        raise Failed("%s wrote an empty package" % name)
                    dest.unlink()
                    if name != SDK and (run["sessions"] or run["packages"]):
                        raise Failed("%s left something on the server: %s" % (name, run))
                    runs[name].append(run)
        finally:
            server.stop()
        self.results["export"] = runs

    # ------------------------------------------------------------- polling
    def polling(self) -> None:
        rows = []
        for seconds in self.args.poll_seconds:
            server = EmulatorProcess("--processing-seconds", str(seconds))
            try:
                out = self.work / "wait.txt"
                measure(self.playbook(HERE / "poll.yml", "-e", "base_url=" + server.base_url,
                                      "-e", "dest=%s/poll.mmp out=%s" % (self.work, out)), self.env)
                seen = float(out.read_text())
                rows.append({"processing": seconds, "seen": seen, "allowed": seconds + 0.1 + 0.1 * seconds})
            finally:
                server.stop()
        self.results["polling"] = rows

    # ---------------------------------------------------------------- large
    def large(self) -> None:
        args = self.args
        server = EmulatorProcess("--processing-seconds", "0.2", "--binary-padding-mb", str(args.big_mb))
        try:
            base = server.base_url
            ways = {COLLECTION: lambda n: self.playbook(HERE / "transfer.yml", "-e", "base_url=" + base,
                                                        "-e", "dest=%s/big-%d.mmp" % (self.work, n))}
            if self.has_curl:
                ways[CURL] = lambda n: ["bash", HERE / "curl_transfer.sh", base, "%s/big-%d.mmp" % (self.work, n)]
            if not args.smoke:
                ways[WHOLE] = lambda n: [sys.executable, HERE / "whole_body.py", base, "%s/big-%d.mmp" % (self.work, n)]
            if self.sdk_python:
                ways[SDK_WHOLE] = lambda n: [self.sdk_python, HERE / "sdk_way.py", "transfer", base,
                                             "%s/big-%d.mmp" % (self.work, n)]
            runs: dict = {name: [] for name in ways}
            for number in range(args.big_runs):
                for name, command in ways.items():
                    if name in ONCE and number > 0:
                        continue
                    server.reset()
                    # The oneline callback prints each task result as one line of JSON (transfer.yml's timings).
                    run = measure(command(number), dict(self.env, ANSIBLE_STDOUT_CALLBACK="oneline"))
                    run.update(timings_in(run["output"]))
                    run.update(leftovers(server))
                    (self.work / ("big-%d.mmp" % number)).unlink()
                    if run["size"] < args.big_mb * 1024 * 1024:
                        raise Failed("%s moved %s bytes, less than the package" % (name, run["size"]))
                    if name != SDK_WHOLE and (run["sessions"] or run["packages"]):
                        raise Failed("%s left something on the server: %s" % (name, run))
                    runs[name].append(run)
        finally:
            server.stop()
        self.results["large"] = runs

    # ------------------------------------------------------------- parallel
    def parallel(self) -> None:
        args = self.args
        server = EmulatorProcess("--processing-seconds", str(args.processing_seconds))
        runs: dict = {1: [], args.parallel: []}
        try:
            for _run in range(args.parallel_runs):
                for hosts in runs:
                    inventory = self.work / "inventory.ini"
                    inventory.write_text("[exporters]\n" + "".join("exporter%02d ansible_connection=local\n" % n
                                                                   for n in range(1, hosts + 1)))
                    out = self.work / "parallel"
                    out.mkdir()
                    server.reset()
                    run = measure(self.playbook("-i", inventory, "--forks", hosts, HERE / "parallel.yml",
                                                "-e", "base_url=%s dest_dir=%s" % (server.base_url, out)), self.env)
                    run.update(leftovers(server))
                    written = len(list(out.glob("*.mmp")))
                    shutil.rmtree(out)
                    if written != hosts or run["sessions"] or run["packages"]:
                        raise Failed("%d parallel exports: %d files, server state %s" % (hosts, written, run))
                    runs[hosts].append(run)
        finally:
            server.stop()
        self.results["parallel"] = runs

    # ------------------------------------------------------------ migration
    def migration(self) -> None:
        seconds = str(self.args.migration_processing_seconds)
        source = EmulatorProcess("--processing-seconds", seconds)
        try:
            target = EmulatorProcess("--processing-seconds", seconds)
            try:
                self.results["migration"] = self.migration_runs(source, target)
            finally:
                target.stop()
        finally:
            source.stop()

    def migration_runs(self, source: EmulatorProcess, target: EmulatorProcess) -> dict:
        """migrate.yml (and its re-run) and the import role alone, each against its curl floor, in turns."""
        packages, made, playbooks = self.work / "packages", self.work / "made", ROOT / "playbooks"
        made.mkdir()  # the package of the import ways, with its manifest: exported once, untimed
        measure(self.playbook(HERE / "role_export.yml", "-e", "base_url=" + source.base_url,
                              "-e", "dest=%s/year.mmp" % made), self.env)
        migrate = self.playbook(playbooks / "migrate.yml", "-e", "@%s" % (playbooks / "vars" / "project_package.yml"),
                                "-e", "source_base_url=%s target_base_url=%s" % (source.base_url, target.base_url),
                                "-e", "source_username=administrator source_password=mstr-emulator",
                                "-e", "target_username=administrator target_password=mstr-emulator",
                                "-e", "package_dir=%s" % packages)
        curl_migrate = ["bash", HERE / "curl_migrate.sh", source.base_url, target.base_url, packages]
        role_import = self.playbook(HERE / "role_import.yml", "-e", "base_url=" + target.base_url,
                                    "-e", "src=%s/year.mmp" % packages)
        curl_import = ["bash", HERE / "curl_import.sh", target.base_url, packages / "year.mmp",
                       packages / "year.undo.mmp"]
        both, target_only = {"source": source, "target": target}, {"target": target}
        ways = [  # name, command, the servers it uses, what it starts from, the files it must write
            (MIGRATE, migrate, both, "empty", ("package", "manifest", "undo", "record")),
            (MIGRATE_AGAIN, migrate, both, "as left", ()),  # right after the first run: nothing to import
            (CURL_MIGRATE, curl_migrate, both, "empty", ("package", "undo")),
            (IMPORT_ROLE, role_import, target_only, "made", ("undo", "record")),
            (CURL_IMPORT, curl_import, target_only, "made", ("undo",)),
        ]
        runs: dict = {way[0]: [] for way in ways}
        for _number in range(self.args.runs):
            for name, command, servers, start, written in ways:
                if start != "as left":
                    self.fresh(both, packages, made if start == "made" else None)
                runs[name].append(self.migration_run(name, command, servers, packages, written))
        return runs

    @staticmethod
    def fresh(servers: dict, packages: Path, made: Path | None = None) -> None:
        """Reset the servers; an empty package directory, or a copy of ``made``."""
        for server in servers.values():
            server.reset()
        shutil.rmtree(packages, ignore_errors=True)
        if made:
            shutil.copytree(made, packages)
        else:
            packages.mkdir()

    def migration_run(self, name: str, command: list, servers: dict, packages: Path, written: tuple) -> dict:
        """One timed run of a way, with what it sent to and left on each of ``servers``, checked."""
        before = {side: server.state()["requests"]["byRoute"] for side, server in servers.items()}
        files = files_in(packages)
        run = measure(command, self.env)
        run.update({side: use_of(server, before[side]) for side, server in servers.items()})
        run["written"] = sorted(file for file, mtime in files_in(packages).items() if files.get(file) != mtime)
        check_migration(name, run, servers["target"].objects(), written)
        return run

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


# ------------------------------------------------------------------ report
def spread(values: list, unit: str = "") -> str:
    return "%.2f%s (%.2f-%.2f)" % (statistics.median(values), unit, min(values), max(values))


def percent(ratio: float) -> str:
    return "%.0f %%" % (100 * ratio) if ratio >= 0.1 else "%.1f %%" % (100 * ratio)


def median_s(runs: list) -> float:
    return statistics.median(r["seconds"] for r in runs)


def met(ok: bool) -> str:
    return "met" if ok else "not met"


def report(bench: Bench) -> str:
    """The markdown of every part that ran, in the order of PARTS."""
    sections = {"export": export_section, "polling": polling_section, "large": large_section,
                "parallel": parallel_section, "migration": migration_section}
    lines = ["Measured %s on %s, Python %s, %d CPUs (shared machine), against the emulator."
             % (time.strftime("%Y-%m-%d"), platform.machine(), platform.python_version(), os.cpu_count())]
    for part in PARTS:
        if part in bench.results:
            lines += sections[part](bench.args, bench.results[part])
    if bench.notes:
        lines += [""] + ["- " + note for note in bench.notes]
    return "\n".join(lines) + "\n"


def export_section(args, export: dict) -> list:
    uri = statistics.median(r["seconds"] for r in export[URI]) if URI in export else None
    curl = statistics.median(r["seconds"] for r in export[CURL]) if CURL in export else None
    lines = ["", "### Export: log in, create, define, wait, download, delete, log out", "",
             "`--processing-seconds %s`, %d runs per way in turns; median (min-max)."
             % (args.processing_seconds, args.runs), "",
             "| way | wall s | peak RSS MiB | requests | sessions left | / uri playbook | - curl s |",
             "|---|---|---|---|---|---|---|"]
    for name, runs in export.items():
        median = statistics.median(r["seconds"] for r in runs)
        lines.append("| %s | %s | %.0f | %d | %d | %s | %s |" % (
            name, spread([r["seconds"] for r in runs]), statistics.median(r["rss_mib"] for r in runs),
            statistics.median(r["requests"] for r in runs), max(r["sessions"] for r in runs),
            "%.2fx" % (median / uri) if uri else "-", "%+.2f" % (median - curl) if curl else "-"))
    role = statistics.median(r["seconds"] for r in export[ROLE])
    targets = []
    if uri:
        targets.append("role / uri playbook: **%.2fx** (target at most 0.60x: %s)"
                       % (role / uri, "met" if role / uri <= 0.6 else "not met"))
    if curl:
        targets.append("role - curl: **%+.2f s** (target at most +1.50 s: %s)"
                       % (role - curl, "met" if role - curl <= 1.5 else "not met"))
    return lines + [""] + ["- " + t for t in targets]


def polling_section(_args, rows: list) -> list:
    lines = ["", "### Polling: how soon package_export sees a package ready", "",
             "| processing s | seen after s | late by ms | allowed (100 ms + 10 %) | |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append("| %.1f | %.3f | %.0f | %.0f ms | %s |" % (
            row["processing"], row["seen"], 1000 * (row["seen"] - row["processing"]),
            1000 * (row["allowed"] - row["processing"]), "met" if row["seen"] <= row["allowed"] else "not met"))
    return lines + ["", "The uri playbook polls with `delay: 1`, so it is late by up to a whole second."]


def large_section(args, large: dict) -> list:
    curl_large = large.get(CURL)
    lines = ["", "### A %d MiB package: download, then upload into a new holder" % args.big_mb, "",
             "%d run(s) per way in turns (the whole-body ways once); throughput = size / seconds of that step, module start-up "
             "included; median (min-max)." % args.big_runs, "",
             "| way | download MiB/s | upload MiB/s | peak RSS MiB | download / curl | upload / curl |",
             "|---|---|---|---|---|---|"]

    def rate(run, step):
        return run["size"] / 1048576.0 / run[step]
    for name, runs in large.items():
        down = [rate(r, "download_s") for r in runs]
        up = [rate(r, "upload_s") for r in runs]
        ratios = ["-", "-"]
        if curl_large:
            ratios = [percent(statistics.median(values) / statistics.median(rate(r, step) for r in curl_large))
                      for values, step in ((down, "download_s"), (up, "upload_s"))]
        peak = max(r["rss_mib"] for r in runs)
        lines.append("| %s | %s | %s | %.0f | %s | %s |" % (name, spread(down), spread(up), peak, *ratios))
    collection_rss = max(r["rss_mib"] for r in large[COLLECTION])
    return lines + ["", "- peak RSS of the ansible-playbook run: **%.0f MiB** (target under %d MiB: %s)"
                    % (collection_rss, MEMORY_LIMIT_MIB, "met" if collection_rss < MEMORY_LIMIT_MIB else "not met")]


def parallel_section(args, par: dict) -> list:
    one, many = (statistics.median(r["seconds"] for r in par[k]) for k in sorted(par))
    lines = ["", "### Exports in parallel: the role on %d inventory hosts, `--forks %d`" % (args.parallel, args.parallel),
             "", "| hosts | wall s | peak RSS MiB | sessions left | holders left |", "|---|---|---|---|---|"]
    for hosts in sorted(par):
        runs = par[hosts]
        lines.append("| %d | %s | %.0f | %d | %d |" % (hosts, spread([r["seconds"] for r in runs]),
                                                       max(r["rss_mib"] for r in runs),
                                                       max(r["sessions"] for r in runs),
                                                       max(r["packages"] for r in runs)))
    return lines + ["", "- %d exports take **%.2fx** the wall time of one (%d runs each, every file written, "
                    "nothing left on the server)." % (args.parallel, many / one, args.parallel_runs)]


def migration_rows(migration: dict, names: tuple) -> list:
    """Table rows of migration ways: time, memory, requests per server, what was left, what was written."""
    lines = ["| way | wall s | peak RSS MiB | requests source / target | imports | left: sessions / holders / "
             "imports | files written |", "|---|---|---|---|---|---|---|"]
    for name in names:
        runs = migration[name]
        sides = [side for side in ("source", "target") if side in runs[0]]
        requests = " / ".join("%d" % statistics.median(r[side]["requests"] for r in runs) if side in sides else "-"
                              for side in ("source", "target"))
        left = " / ".join("%d" % max(r[side][key] for r in runs for side in sides)
                          for key in ("sessions", "packages", "imports"))
        written = Counter(kind_of(file) for r in runs for file in r["written"])
        lines.append("| %s | %s | %.0f | %s | %d | %s | %s |" % (
            name, spread([r["seconds"] for r in runs]), max(r["rss_mib"] for r in runs), requests,
            max(r["target"]["routes"].get(START_IMPORT, 0) for r in runs), left,
            ", ".join(kind for kind in ("package", "manifest", "undo", "record") if written[kind]) or "none"))
    return lines


def migration_section(args, migration: dict) -> list:
    first, again, floor = (median_s(migration[name]) for name in (MIGRATE, MIGRATE_AGAIN, CURL_MIGRATE))
    role, curl = (median_s(migration[name]) for name in (IMPORT_ROLE, CURL_IMPORT))
    return (["", "### Migration: export from a source server, import into a target server", "",
             "Two emulators, `--processing-seconds %s` each; %d runs per way in turns, each from freshly reset "
             "servers and an empty package directory, except the re-run: right after the first run, on the same "
             "servers and directory, with nothing to import. Median (min-max); peak RSS: the largest of the runs; "
             "requests and imports (`POST /api/packages/imports`) per run; files written per run (package, "
             "manifest, undo package, import record)." % (args.migration_processing_seconds, args.runs), ""]
            + migration_rows(migration, (MIGRATE, MIGRATE_AGAIN, CURL_MIGRATE))
            + ["", "The import alone, of a package exported beforehand with its manifest (the directory holds a copy "
               "of both, the target is reset):", ""]
            + migration_rows(migration, (IMPORT_ROLE, CURL_IMPORT))
            + ["", "- migrate.yml - curl: **%+.2f s** (%.2f s against %.2f s; target at most +%.2f s: %s)"
               % (first - floor, first, floor, MIGRATE_OVER_CURL_S, met(first - floor <= MIGRATE_OVER_CURL_S)),
               "- import_package role - curl: **%+.2f s** (%.2f s against %.2f s; target at most +%.2f s: %s)"
               % (role - curl, role, curl, IMPORT_OVER_CURL_S, met(role - curl <= IMPORT_OVER_CURL_S)),
               "- migrate.yml re-run / first run: **%.2fx** (%.2f s against %.2f s; target at most 1.00x: %s)"
               % (again / first, again, first, met(again <= first))])


def chart(bench: Bench, path: Path) -> bool:
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
        from matplotlib.ticker import NullFormatter  # pylint: disable=import-outside-toplevel
    except ImportError:
        bench.notes.append("No chart: matplotlib is not installed (make benchmark installs it).")
        return False
    export, large = bench.results["export"], bench.results["large"]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 4.8))
    names = list(export)
    medians = [statistics.median(r["seconds"] for r in export[n]) for n in names]
    errors = [[m - min(r["seconds"] for r in export[n]) for n, m in zip(names, medians)],
              [max(r["seconds"] for r in export[n]) - m for n, m in zip(names, medians)]]
    left.barh(names, medians, xerr=errors, color=[BLUE if n == ROLE else GREY for n in names])
    left.invert_yaxis()
    left.set_xlabel("seconds (median, min-max); lower is better")
    left.set_title("Export, %s s of server processing" % bench.args.processing_seconds)
    names = list(large)
    rows = range(len(names))
    for offset, step, label, color in ((-0.2, "download_s", "download", BLUE), (0.2, "upload_s", "upload", GREY)):
        rates = [statistics.median(r["size"] / 1048576.0 / r[step] for r in large[n]) for n in names]
        middle.barh([r + offset for r in rows], rates, height=0.4, label=label, color=color)
    middle.set_yticks(list(rows), [n.replace(" (", "\n(") for n in names])
    middle.invert_yaxis()
    middle.set_xlabel("MiB/s (median); higher is better")
    middle.set_title("%d MiB package: throughput" % bench.args.big_mb)
    middle.legend(loc="lower right")
    rss = [max(r["rss_mib"] for r in large[n]) for n in names]
    right.barh(names, rss, color=[BLUE if n == COLLECTION else GREY for n in names])
    right.axvline(MEMORY_LIMIT_MIB, color="#c0392b", linestyle="--", label="%d MiB target" % MEMORY_LIMIT_MIB)
    right.set_yticks(list(rows), [n.replace(" (", "\n(") for n in names])
    right.invert_yaxis()
    right.set_xscale("log")
    right.xaxis.set_minor_formatter(NullFormatter())
    right.set_xlabel("peak RSS MiB, whole process tree (log)")
    right.set_title("%d MiB package: memory" % bench.args.big_mb)
    right.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    return True


def write_docs(table: str, with_chart: bool) -> None:
    text = DOC.read_text()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    image = "![Export wall time and large-package memory](benchmarks.png)\n\n" if with_chart else ""
    DOC.write_text(head + START + "\n" + image + table + END + tail)


def raw_results(bench: Bench) -> dict:
    """Every run of every part, without the captured output."""
    raw = {}
    for part, value in bench.results.items():
        if isinstance(value, dict):
            value = {str(key): [{k: v for k, v in run.items() if k != "output"} for run in runs]
                     for key, runs in value.items()}
        raw[part] = value
    return raw


def smoke_checks(bench: Bench) -> None:
    """What the smoke run in `make test` insists on (timings are too noisy to assert)."""
    rss = max(r["rss_mib"] for r in bench.results["large"][COLLECTION])
    if rss >= MEMORY_LIMIT_MIB:
        raise Failed("a process of the transfer playbook peaked at %.0f MiB" % rss)


def parts(args) -> list:
    """The parts to run: --only's, or all but those the smoke run leaves out."""
    if args.only:
        return [args.only]
    # Polling: the package_export integration target pins it. Migration: 15-17 s for a single run.
    left_out = {"polling", "migration"} if args.smoke else set()
    if not args.parallel_runs:
        left_out.add("parallel")
    return [part for part in PARTS if part not in left_out]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processing-seconds", type=float, default=1.0)
    parser.add_argument("--poll-seconds", type=float, nargs="+", default=[0.3, 1.0, 3.0, 10.0])
    parser.add_argument("--big-mb", type=int, default=1024)
    parser.add_argument("--big-runs", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--parallel-runs", type=int, default=3)
    parser.add_argument("--migration-processing-seconds", type=float, default=0.5,
                        help="server processing of each of the two emulators of the migration part")
    parser.add_argument("--sdk-python", default=str(ROOT / ".venv-sdk" / "bin" / "python"),
                        help="a Python with mstrio-py installed (make benchmark makes .venv-sdk)")
    parser.add_argument("--write-docs", action="store_true",
                        help="rewrite the results in docs/benchmarks.md, the chart and docs/benchmarks.json")
    parser.add_argument("--smoke", action="store_true", help="about 10 s: one export and one 64 MiB transfer, with checks")
    parser.add_argument("--only", choices=PARTS, help="run this part alone and print its results")
    args = parser.parse_args(argv)
    if args.only and (args.write_docs or args.smoke):
        parser.error("--only runs one part: not with --write-docs (the docs take a full run) nor --smoke")
    if args.smoke:
        args.runs, args.processing_seconds = 1, 0.3
        args.big_mb, args.big_runs, args.parallel_runs = 64, 1, 0
    bench = Bench(args)
    try:
        for part in parts(args):
            getattr(bench, part)()
        with_chart = chart(bench, CHART) if args.write_docs else False
        table = report(bench)
        print(table)
        if args.write_docs:
            write_docs(table, with_chart)
            RAW.write_text(json.dumps(raw_results(bench), indent=1, sort_keys=True) + "\n")
        if args.smoke:
            smoke_checks(bench)
    except Failed as exc:
        print("benchmark failed: %s" % exc, file=sys.stderr)
        return 1
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
