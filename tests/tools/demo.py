# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The README demo: migrate the vendor's sample package between two emulated environments.

Starts two emulator processes (a source and a target Library), runs
playbooks/migrate.yml from one to the other with the example variables of the
project package "Year", shows what happened (the files, the import plan, the
target's objects), runs the same migration again to show that it changes
nothing, rolls the import back with its record, and stops the emulators.
Every command is printed in full, as it can be typed from the repository root
while the emulators run. The previous run's files are moved aside, not deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

DEMO = ROOT / "build" / "demo"
PACKAGES = DEMO / "packages"
DEMO_PROJECT = "B19DEDCC11D4E0EFC000EB9495D0F44F"
CREDENTIALS = ("username=administrator", "password=mstr-emulator")  # the emulator's, published in its docs

# What each outcome of the import plan means, as a sentence (see plugins/module_utils/plan.py for the outcomes).
OUTCOME_SENTENCES = {
    "create": "was not in the target and was created at version {version_after}",
    "replace": "was at version {version_before} in the target and was replaced by version {version_after}",
    "delete": "was at version {version_before} in the target and was deleted",
    "duplicate": "was at version {version_before} in the target; it was kept, and the package's version was added "
                 "beside it",
    "none": "already matched the package in the target (version {version_before}) and was left as it was",
    "unknown": "could not be compared with the target ({reason})",
}


def ansible_config() -> Path:
    """An ansible.cfg for the demo: this checkout as the collection mstr.migration, and readable output."""
    link = DEMO / "collections" / "ansible_collections" / "mstr" / "migration"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(ROOT, target_is_directory=True)
    config = DEMO / "ansible.cfg"
    config.write_text("[defaults]\ncollections_path = %s\nnocolor = true\ndisplay_skipped_hosts = false\n"
                      "callback_result_format = yaml\n" % (DEMO / "collections"))
    return config


def keep_previous_run() -> Optional[Path]:
    """Move the previous run's files aside: its undo packages and import records are rollback points."""
    if not PACKAGES.is_dir() or not any(PACKAGES.iterdir()):
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = DEMO / "previous" / stamp
    number = 1
    while aside.exists():
        number += 1
        aside = DEMO / "previous" / ("%s-%d" % (stamp, number))
    aside.parent.mkdir(parents=True, exist_ok=True)
    PACKAGES.rename(aside)
    return aside


def relative(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def run_playbook(playbook: str, *variables: str) -> None:
    """Run a playbook from the repository root, printing the command first, whole."""
    config = ansible_config()
    command = [relative(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,",
               "playbooks/" + playbook]
    lines = ["ANSIBLE_CONFIG=%s %s" % (relative(config), shlex.join(command))]
    for variable in variables:
        command += ["-e", variable]
        lines.append("-e " + shlex.quote(variable))
    print("\n$ " + " \\\n    ".join(lines), flush=True)
    subprocess.run(command, env=dict(os.environ, ANSIBLE_CONFIG=str(config)), cwd=ROOT, check=True)


def connection(side: str, server: EmulatorProcess) -> list:
    return ["%s_base_url=%s" % (side, server.base_url)] + ["%s_%s" % (side, value) for value in CREDENTIALS]


def migrate(source: EmulatorProcess, target: EmulatorProcess) -> None:
    run_playbook("migrate.yml", "@playbooks/vars/project_package.yml", "package_dir=%s" % PACKAGES,
                 *connection("source", source), *connection("target", target))


def files() -> dict:
    return {path.name: (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(PACKAGES.iterdir())}


def plan_sentences(record: dict) -> list:
    sentences = []
    for entry in record["plan"]:
        what = "%s '%s' (%s)" % (entry["type_name"].capitalize(), entry["name"], entry["id"])
        sentence = OUTCOME_SENTENCES.get(entry["outcome"], "ended as %s" % entry["outcome"])
        sentences.append("%s %s (action %s)." % (what, sentence.format_map(dict(entry, reason=entry.get("reason"))),
                                                 entry["action"]))
    return sentences


def show_files() -> None:
    print("Files in %s:" % relative(PACKAGES))
    for path in sorted(PACKAGES.iterdir()):
        print("  %-52s %6d bytes  mode %s" % (path.name, path.stat().st_size, oct(path.stat().st_mode & 0o777)))


def show(source: EmulatorProcess, target: EmulatorProcess, before: dict) -> Path:
    after = target.objects()[DEMO_PROJECT]
    manifest = json.loads((PACKAGES / "year.mmp.json").read_text())
    print("\n==== What happened ====")
    show_files()
    package = manifest["package"]
    print("Manifest: %d object(s), fingerprint %s" % (len(package["objects"]), package["fingerprint"]))
    for item in package["objects"]:
        print("  '%s' (%s, type %s) at version %s: %s." % (
            item["name"], item["id"], item["type"], item["version"],
            "asked for" if item["explicit_included"] else "a dependent of what was asked for"))
    record_path = next(PACKAGES.glob("year.import.*.json"))
    record = json.loads(record_path.read_text())
    print("Import plan (from %s):" % record_path.name)
    for sentence in plan_sentences(record):
        print("  " + sentence)
    print("Target project 'Demo Project' before: %d objects, after: %d" % (len(before), len(after)))
    print("Undo package: %s (its record: %s)" % (record["undo"]["file"], record_path.name))
    leftovers(source, target)
    return record_path


def leftovers(source: EmulatorProcess, target: EmulatorProcess) -> None:
    left = [s for s in (source.state(), target.state()) if s["sessions"] or s["packages"] or s["imports"]]
    print("Sessions, package holders and imports left on the servers: %s" % ("none" if not left else left))


def imports_started(target: EmulatorProcess) -> int:
    return target.state()["requests"]["byRoute"].get("POST /api/packages/imports", 0)


def demo(source: EmulatorProcess, target: EmulatorProcess) -> None:
    print("  source: %s\n  target: %s" % (source.base_url, target.base_url), flush=True)
    before = target.objects()[DEMO_PROJECT]
    migrate(source, target)
    record_path = show(source, target, before)

    print("\n==== The same migration again: nothing changed on either side ====", flush=True)
    first, imports = files(), imports_started(target)
    migrate(source, target)
    print("\nFiles untouched (same mtime and sha256): %s; imports started by the second run: %d"
          % ("yes" if files() == first else "NO", imports_started(target) - imports))
    leftovers(source, target)

    print("\n==== Roll the first import back with its record ====", flush=True)
    run_playbook("import_package.yml", "rollback_record=%s" % record_path, *connection("target", target))
    rollback = json.loads(max(PACKAGES.glob("year.undo.*.import.*.json")).read_text())
    print("\nRollback plan:")
    for sentence in plan_sentences(rollback):
        print("  " + sentence)
    print("Target project 'Demo Project' now: %d objects (as before the migration: %s)"
          % (len(target.objects()[DEMO_PROJECT]), "yes" if target.objects()[DEMO_PROJECT] == before else "NO"))
    show_files()
    leftovers(source, target)


def main() -> int:
    aside = keep_previous_run()
    if aside:
        print("The previous demo's files (undo packages and import records among them) were moved to %s"
              % relative(aside))
    print("Starting two emulated Library servers (source and target)...", flush=True)
    source = EmulatorProcess("--processing-seconds", "0.5")
    target = EmulatorProcess("--processing-seconds", "0.5")
    try:
        demo(source, target)
    finally:
        source.stop()
        target.stop()
    print("Emulators stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
