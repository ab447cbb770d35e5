# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run the EXAMPLES block of every module against the emulators, as written.

Each module's examples become the tasks of one play, after the play of
``setup/<module>.yml`` (when there is one) that makes the variables they use.
A module whose examples fail, or whose examples would run nothing, fails the
target.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
# ansible-test runs a copy of the target outside the collection: runme.sh passes the collection's modules directory.
MODULES = HERE.parents[3] / "plugins" / "modules"


def examples_of(module: Path) -> str:
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return node.value.value
    raise SystemExit("%s has no EXAMPLES" % module.name)


def site_values(text: str, args) -> str:
    """What differs from site to site; everything else stays as the docs print it."""
    replacements = [
        (r"https://(mstr|source|dev)\.example\.com/MicroStrategyLibrary", args.source),
        (r"https://prod\.example\.com/MicroStrategyLibrary", args.target),
        (r"/srv/migrations", str(Path(args.work_dir) / "srv")),
        # Two users of a real site; the emulator's users are Administrator, Analyst, LDAP User and Guest.
        (r"\bjsmith\b", "Analyst"),
        (r"\bmjones\b", "Guest"),
        # The builder and the approver of a migration: one may create and request, the other import.
        (r"\bbuilder\b", "exporter"),
        (r"\bapprover\b", "importer"),
    ]
    for pattern, value in replacements:
        text = re.sub(pattern, value, text)
    left = re.findall(r"example\.com|/srv/migrations", text)
    if left:
        raise SystemExit("site-specific values left in the examples: %s" % left)
    return text


def playbook(module: str, args) -> list:
    tasks = yaml.safe_load(site_values(examples_of(Path(args.modules) / (module + ".py")), args))
    if not tasks:
        raise SystemExit("%s: EXAMPLES holds no task" % module)
    plays = []
    setup = HERE / "setup" / (module + ".yml")
    if setup.exists():
        plays.append({"ansible.builtin.import_playbook": str(setup)})
    plays.append({
        "name": "The EXAMPLES of %s, as written" % module,
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"vault_mstr_password": "mstr-emulator", "vault_builder_password": "mstr-emulator",
                 "vault_approver_password": "mstr-emulator"},
        # For the examples that take the connection from MSTR_* variables (an AWX credential).
        "environment": {"MSTR_BASE_URL": args.source, "MSTR_USERNAME": "administrator",
                        "MSTR_PASSWORD": "mstr-emulator"},
        "tasks": tasks,
    })
    return plays


def main() -> int:
    parser = argparse.ArgumentParser()
    for option in ("--source", "--target", "--work-dir", "--inventory", "--python"):
        parser.add_argument(option, required=True)
    parser.add_argument("--modules", default=str(MODULES))
    args, extra = parser.parse_known_args()
    modules_dir = Path(args.modules)
    for directory in ("rollback", "records"):
        (Path(args.work_dir) / "srv" / directory).mkdir(parents=True)
    modules = sorted(path.stem for path in modules_dir.glob("*.py") if path.stem != "__init__")
    if not modules:
        print("no module found in %s: nothing would be tested" % modules_dir, file=sys.stderr)
        return 1
    failed = []
    for module in modules:
        # Each module's examples start from the seed, as on a fresh pair of servers.
        for url in (args.source, args.target):
            root = url[:-len("/MicroStrategyLibrary")]
            urllib.request.urlopen(urllib.request.Request(root + "/__emulator__/reset", method="POST"), timeout=10)
        path = Path(args.work_dir) / ("examples_%s.yml" % module)
        path.write_text(yaml.safe_dump(playbook(module, args), sort_keys=False))
        command = ["ansible-playbook", "-i", args.inventory, "-e", "ansible_python_interpreter=%s" % args.python,
                   "-e", "source_url=%s target_url=%s work_dir=%s" % (args.source, args.target, args.work_dir),
                   str(path)] + extra
        run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        print(run.stdout)
        recap = re.search(r"localhost\s+: ok=(\d+)\s+changed=\d+\s+unreachable=0\s+failed=0", run.stdout)
        if run.returncode != 0 or not recap:
            failed.append(module)
    print("modules whose examples ran: %s" % ", ".join(m for m in modules if m not in failed))
    if failed:
        print("examples that failed: %s" % ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
