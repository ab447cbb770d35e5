# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The README demo: migrate the vendor's sample package between two emulated environments.

Starts two emulator processes (a source and a target Library), runs
playbooks/migrate.yml from one to the other with the example variables of the
project package "Year", shows what happened (the files, the import plan, the
target's objects), runs the same migration again to show that it changes
nothing, and stops the emulators.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

DEMO = ROOT / "build" / "demo"
DEMO_PROJECT = "B19DEDCC11D4E0EFC000EB9495D0F44F"


def collections_path() -> Path:
    """Make this checkout importable as ansible_collections.mstr.migration."""
    link = DEMO / "collections" / "ansible_collections" / "mstr" / "migration"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        if link.exists():
            shutil.rmtree(link)
        link.symlink_to(ROOT, target_is_directory=True)
    return DEMO / "collections"


def run_playbook(source: EmulatorProcess, target: EmulatorProcess, packages: Path) -> None:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path()), ANSIBLE_NOCOLOR="1",
               ANSIBLE_DISPLAY_SKIPPED_HOSTS="false", ANSIBLE_CALLBACK_RESULT_FORMAT="yaml")
    command = [
        str(Path(sys.executable).with_name("ansible-playbook")), str(ROOT / "playbooks" / "migrate.yml"),
        "-e", "@" + str(ROOT / "playbooks" / "vars" / "project_package.yml"),
        "-e", "source_base_url=" + source.base_url, "-e", "target_base_url=" + target.base_url,
        "-e", "source_username=administrator", "-e", "source_password=mstr-emulator",
        "-e", "target_username=administrator", "-e", "target_password=mstr-emulator",
        "-e", "package_dir=" + str(packages),
    ]
    print("$ ansible-playbook playbooks/migrate.yml -e @playbooks/vars/project_package.yml ...", flush=True)
    subprocess.run(command, env=env, check=True)


def files(packages: Path) -> dict:
    return {path.name: (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(packages.iterdir())}


def show(source: EmulatorProcess, target: EmulatorProcess, packages: Path, before: dict) -> None:
    after = target.objects()[DEMO_PROJECT]
    manifest = json.loads((packages / "year.mmp.json").read_text())
    print("\n==== What happened ====")
    print("Files in %s:" % packages)
    for path in sorted(packages.iterdir()):
        print("  %-36s %6d bytes  mode %s" % (path.name, path.stat().st_size, oct(path.stat().st_mode & 0o777)))
    package = manifest["package"]
    print("Manifest: %d object(s), fingerprint %s..." % (len(package["objects"]), package["fingerprint"][:16]))
    for item in package["objects"]:
        role = "asked for" if item["explicit_included"] else "dependent"
        print("  %s %-8s type %-3s version %s (%s)" % (item["id"], item["name"], item["type"], item["version"], role))
    record_path = next(packages.glob("year.import.*.json"))
    record = json.loads(record_path.read_text())
    print("Import plan (from %s):" % record_path.name)
    for entry in record["plan"]:
        print("  %-8s %-7s action %-8s version in target before: %s, after: %s" % (
            entry["name"], entry["outcome"], entry["action"], entry["version_before"], entry["version_after"]))
    print("Target project 'Demo Project' before: %d objects, after: %d" % (len(before), len(after)))
    print("Undo package: %s (roll back with playbooks/import_package.yml -e rollback_record=%s)"
          % (record["undo"]["file"], record_path))
    leftovers(source, target)


def leftovers(source: EmulatorProcess, target: EmulatorProcess) -> None:
    left = [s for s in (source.state(), target.state()) if s["sessions"] or s["packages"] or s["imports"]]
    print("Sessions, package holders and imports left on the servers: %s" % ("none" if not left else left))


def main() -> int:
    packages = DEMO / "packages"
    shutil.rmtree(packages, ignore_errors=True)
    print("Starting two emulated Library servers (source and target)...", flush=True)
    source = EmulatorProcess("--processing-seconds", "0.5")
    target = EmulatorProcess("--processing-seconds", "0.5")
    try:
        print("  source: %s\n  target: %s" % (source.base_url, target.base_url), flush=True)
        before = target.objects()[DEMO_PROJECT]
        run_playbook(source, target, packages)
        show(source, target, packages, before)
        print("\n==== The same migration again: nothing changed on either side ====", flush=True)
        first = files(packages)
        imports = target.state()["requests"]["byRoute"].get("POST /api/packages/imports", 0)
        run_playbook(source, target, packages)
        again = target.state()["requests"]["byRoute"].get("POST /api/packages/imports", 0)
        print("\nFiles untouched (same mtime and sha256): %s; imports started by the second run: %d"
              % ("yes" if files(packages) == first else "NO", again - imports))
        leftovers(source, target)
    finally:
        source.stop()
        target.stop()
    print("Emulators stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
