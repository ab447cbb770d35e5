# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The README's commands as written, in a copy of the work tree as a fresh clone holds it.

Every command of README.md's ``bash`` blocks is matched by one rule of COMMANDS: run as written, run with
``--syntax-check`` (it needs a real server), or not run, with the reason. A command the README gains or changes that
no rule matches fails the test, so the README cannot promise a command that was never run. The commands run in the
README's order in one shell (an ``activate`` holds for the next ones), from the copy's root, with a HOME of their own
(``make install`` writes to ~/.ansible/collections) and no ANSIBLE_* variables, as on a new user's machine.

Run by ``make ecosystem`` (part of ``make test``), or alone: .venv/bin/python -m pytest tests/ecosystem/test_readme.py
(the copy holds the work tree's files, committed or not, as ``git ls-files`` lists them: no .venv, no build/).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN, SYNTAX, SKIP = "run", "syntax-check", "not run"

# (pattern the whole command matches, what to do, why; required: the README must have such a command).
COMMANDS = [
    (r"make demo", RUN, "the demo, against two emulators", True),
    (r"make install", RUN, "the checkout as the collection mstr.migration", True),
    (r"source \.venv-run/bin/activate", RUN, "the tools make install put there", True),
    (r"ansible-doc mstr\.migration\.\w+", RUN, "finds the installed collection", True),
    (r"make help", RUN, "lists the targets", False),
    (r"ansible-playbook playbooks/\w+\.yml .*https://\w+\.example\.com/.*", SYNTAX, "needs a real server", True),
    (r"ansible-playbook -i playbooks/inventory playbooks/\w+\.yml .*--vault-password-file ~/\.vault-pass", SYNTAX,
     "needs the example inventory's real servers", True),
    (r"ansible-galaxy collection install mstr\.migration", SKIP, "from Galaxy, which a test may not reach", False),
    (r"pip install -r requirements\.txt", SKIP, "installs into whatever Python runs the modules", False),
    (r"make (test|check|benchmark|integration TARGET=name)", SKIP, "the test suites (this test is one of them)",
     False),
    (r"\.venv-run/bin/python -m tests\.emulator --port 8080", SKIP,
     "a server that runs until stopped, on a fixed port; the demo starts the same emulator", False),
]


def readme_commands(text: str) -> list:
    """The commands of the bash blocks, in order: continuation lines joined, comments dropped."""
    commands = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, flags=re.S | re.M):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = re.sub(r"(^|\s+)#.*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def rule_of(command: str):
    matching = [rule for rule in COMMANDS if re.fullmatch(rule[0], command)]
    assert matching, ("README.md has a command no rule of %s matches: %r. Say there whether it runs as written, "
                      "with --syntax-check, or not (and why)." % (__file__, command))
    return matching[0]


def script(commands: list) -> str:
    """One bash script: each command printed, then run (with --syntax-check when it needs a real server)."""
    lines = ["set -euo pipefail"]
    for command in commands:
        _pattern, action, _why, _required = rule_of(command)
        if action == SKIP:
            continue
        if action == SYNTAX:
            command += " --syntax-check"
        lines += ["echo %s" % shlex.quote("==== $ " + command), command]
    return "\n".join(lines) + "\n"


def user_environment(home: Path) -> dict:
    """The environment of a new user: a HOME of its own, no ANSIBLE_* or virtualenv, pip as configured here."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("ANSIBLE_", "VIRTUAL_ENV", "PYTHONPATH", "MSTR_"))}
    real_home = Path(os.environ.get("HOME", "/"))
    for config in (real_home / ".config" / "pip" / "pip.conf", real_home / ".pip" / "pip.conf"):
        if config.is_file() and "PIP_CONFIG_FILE" not in env:
            env["PIP_CONFIG_FILE"] = str(config)
    env.setdefault("PIP_CACHE_DIR", str(real_home / ".cache" / "pip"))
    env["PATH"] = os.pathsep.join(part for part in env["PATH"].split(os.pathsep)
                                  if not (Path(part) / "activate").is_file())
    env["HOME"] = str(home)
    return env


def fresh_copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def outputs(log: str) -> dict:
    """The output of each command, by the command."""
    parts = re.split(r"^==== \$ (.*)$", log, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    clone = fresh_copy(tmp_path_factory.mktemp("clone"))
    home = tmp_path_factory.mktemp("home")
    env = user_environment(home)
    # The real-server commands read a vars file with the passwords; a user writes (and vaults) it.
    (clone / "secrets.yml").write_text("source_password: x\ntarget_password: x\n")
    # The inventory commands read the vault password from a file; the example inventory's is documented.
    (home / ".vault-pass").write_text("mstr-example-vault\n")
    commands = readme_commands((clone / "README.md").read_text())
    result = subprocess.run(["bash", "-c", script(commands)], cwd=clone, env=env, capture_output=True, text=True,
                            check=False)
    log = result.stdout + result.stderr
    assert result.returncode == 0, "a README command failed:\n%s" % log[-6000:]
    return {"clone": clone, "home": home, "env": env, "commands": commands, "log": log, "out": outputs(result.stdout)}


def test_every_readme_command_is_known_and_the_essential_ones_are_there():
    commands = readme_commands((ROOT / "README.md").read_text())
    used = {rule_of(command)[0] for command in commands}
    missing = [pattern for pattern, _action, _why, required in COMMANDS if required and pattern not in used]
    assert not missing, "README.md lost a command users need: %s" % missing


def test_the_demo_shows_a_migration_a_no_op_rerun_and_a_rollback(ran):
    out = ran["out"]["make demo"]
    assert "No inventory was parsed" not in out and "[WARNING]" not in out, out
    recaps = re.findall(r"^localhost +: ok=\d+ +changed=(\d+) ", out, flags=re.M)
    assert len(recaps) == 3 and recaps[1] == "0" and recaps[0] != "0" and recaps[2] != "0", recaps
    assert "Files untouched (same mtime and sha256): yes; imports started by the second run: 0" in out
    # Demo Project is seeded with more than Year's objects (a security filter, for the security packages).
    assert re.search(r"^Target project 'Demo Project' now: \d+ objects \(as before the migration: yes\)$", out, flags=re.M), out
    # Each plan line is a sentence: a capital, a verb, a full stop.
    plan = re.findall(r"^Import plan \(from .*\):\n((?:  .*\n)+)", out, flags=re.M)[0].splitlines()
    assert plan and all(re.fullmatch(r"  [A-Z].* (was|already) .*\.", line) for line in plan), plan


def test_the_demo_prints_every_command_in_full_and_each_runs(ran):
    out = ran["out"]["make demo"]
    shown = re.findall(r"^\$ ((?:.*\\\n)*.*)$", out, flags=re.M)
    assert len(shown) == 3, shown
    for command in shown:
        words = shlex.split(command.replace("\\\n", " "))
        assert "..." not in command, command
        assert words[0].startswith("ANSIBLE_CONFIG=") and (ran["clone"] / words[0].split("=", 1)[1]).is_file()
        assert (ran["clone"] / words[1]).is_file() and (ran["clone"] / words[4]).is_file(), words
        assert all(word.startswith("@") and (ran["clone"] / word[1:]).is_file() or "=" in word
                   for word in words[6::2]), words
    assert "..." not in re.sub(r"\(source and target\)\.\.\.", "", out)


def test_make_install_is_idempotent_and_ansible_doc_finds_the_collection(ran):
    installed = ran["home"] / ".ansible" / "collections" / "ansible_collections" / "mstr" / "migration"
    files = json.loads((installed / "FILES.json").read_text())
    assert "mstr.migration.package" in ran["out"]["ansible-doc mstr.migration.package"]
    again = subprocess.run(["make", "install"], cwd=ran["clone"], env=ran["env"], capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads((installed / "FILES.json").read_text()) == files
    assert list((ran["home"] / ".ansible" / "collections" / "ansible_collections").iterdir()) == [
        installed.parent]


def test_the_real_server_commands_parse_once_installed(ran):
    checked = [command for command in ran["commands"] if rule_of(command)[1] == SYNTAX]
    assert len(checked) >= 2
    for command in checked:
        playbook = next(word for word in command.split() if word.startswith("playbooks/") and word.endswith(".yml"))
        assert "playbook: %s" % playbook in ran["out"][command + " --syntax-check"], ran["out"]


def test_the_demo_keeps_the_previous_runs_rollback_points(ran):
    packages = ran["clone"] / "build" / "demo" / "packages"
    before = {path.name: path.read_bytes() for path in packages.iterdir()}
    assert any(".undo." in name for name in before) and any(".import." in name for name in before)
    again = subprocess.run(["make", "demo"], cwd=ran["clone"], env=ran["env"], capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    moved = re.search(r"^The previous demo's files \(undo packages and import records among them\) were moved to "
                      r"(build/demo/previous/\S+)$", again.stdout, flags=re.M)
    assert moved, again.stdout[:2000]
    aside = ran["clone"] / moved.group(1)
    assert {path.name: path.read_bytes() for path in aside.iterdir()} == before
