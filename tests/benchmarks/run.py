"""Benchmarks: the collection against a uri playbook, a curl script and the vendor SDK.

Starts emulators, runs each way several times in turns (so that the noise of
a shared machine hits every way alike), checks every run did its job and left
nothing on the server, and prints markdown tables: wall time and peak memory
of an export, how soon a ready package is seen, download and upload of a large
package, and 20 exports in parallel.

    make benchmark            # all of it; rewrites the results part of docs/benchmarks.md and the chart
    make benchmark-smoke      # about 10 s, part of `make test`: export and a 64 MiB transfer once, with checks

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
COLLECTION = "collection (mstr_package_binary)"
WHOLE = "requests, whole body (.content)"
SDK_WHOLE = "vendor SDK (mstrio-py, whole body)"
ONCE = (WHOLE, SDK_WHOLE)  # slow or gigabytes: one run shows their memory


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

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


# ------------------------------------------------------------------ report
def spread(values: list, unit: str = "") -> str:
    return "%.2f%s (%.2f-%.2f)" % (statistics.median(values), unit, min(values), max(values))


def percent(ratio: float) -> str:
    return "%.0f %%" % (100 * ratio) if ratio >= 0.1 else "%.1f %%" % (100 * ratio)


def report(bench: Bench) -> str:
    args, results = bench.args, bench.results
    lines = ["Measured %s on %s, Python %s, %d CPUs (shared machine), against the emulator."
             % (time.strftime("%Y-%m-%d"), platform.machine(), platform.python_version(), os.cpu_count()), ""]
    export = results["export"]
    uri = statistics.median(r["seconds"] for r in export[URI]) if URI in export else None
    curl = statistics.median(r["seconds"] for r in export[CURL]) if CURL in export else None
    lines += ["### Export: log in, create, define, wait, download, delete, log out", "",
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
    lines += [""] + ["- " + t for t in targets]

    if "polling" in results:
        lines += ["", "### Polling: how soon mstr_package_export sees a package ready", "",
                  "| processing s | seen after s | late by ms | allowed (100 ms + 10 %) | |", "|---|---|---|---|---|"]
        for row in results["polling"]:
            lines.append("| %.1f | %.3f | %.0f | %.0f ms | %s |" % (
                row["processing"], row["seen"], 1000 * (row["seen"] - row["processing"]),
                1000 * (row["allowed"] - row["processing"]), "met" if row["seen"] <= row["allowed"] else "not met"))
        lines += ["", "The uri playbook polls with `delay: 1`, so it is late by up to a whole second."]

    large = results["large"]
    curl_large = large.get(CURL)
    lines += ["", "### A %d MiB package: download, then upload into a new holder" % args.big_mb, "",
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
    lines += ["", "- peak RSS of the ansible-playbook run: **%.0f MiB** (target under %d MiB: %s)"
              % (collection_rss, MEMORY_LIMIT_MIB, "met" if collection_rss < MEMORY_LIMIT_MIB else "not met")]

    if "parallel" in results:
        par = results["parallel"]
        one, many = (statistics.median(r["seconds"] for r in par[k]) for k in sorted(par))
        lines += ["", "### Exports in parallel: the role on %d inventory hosts, `--forks %d`" % (args.parallel, args.parallel),
                  "", "| hosts | wall s | peak RSS MiB | sessions left | holders left |", "|---|---|---|---|---|"]
        for hosts in sorted(par):
            runs = par[hosts]
            lines.append("| %d | %s | %.0f | %d | %d |" % (hosts, spread([r["seconds"] for r in runs]),
                                                           max(r["rss_mib"] for r in runs),
                                                           max(r["sessions"] for r in runs),
                                                           max(r["packages"] for r in runs)))
        lines += ["", "- %d exports take **%.2fx** the wall time of one (%d runs each, every file written, "
                  "nothing left on the server)." % (args.parallel, many / one, args.parallel_runs)]
    if bench.notes:
        lines += [""] + ["- " + note for note in bench.notes]
    return "\n".join(lines) + "\n"


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processing-seconds", type=float, default=1.0)
    parser.add_argument("--poll-seconds", type=float, nargs="+", default=[0.3, 1.0, 3.0, 10.0])
    parser.add_argument("--big-mb", type=int, default=1024)
    parser.add_argument("--big-runs", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--parallel-runs", type=int, default=3)
    parser.add_argument("--sdk-python", default=str(ROOT / ".venv-sdk" / "bin" / "python"),
                        help="a Python with mstrio-py installed (make benchmark makes .venv-sdk)")
    parser.add_argument("--write-docs", action="store_true",
                        help="rewrite the results in docs/benchmarks.md, the chart and docs/benchmarks.json")
    parser.add_argument("--smoke", action="store_true", help="about 10 s: one export and one 64 MiB transfer, with checks")
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.processing_seconds = 1, 0.3
        args.big_mb, args.big_runs, args.parallel_runs = 64, 1, 0
    bench = Bench(args)
    try:
        bench.export()
        if not args.smoke:  # the mstr_package_export integration target pins it
            bench.polling()
        bench.large()
        if args.parallel_runs:
            bench.parallel()
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
