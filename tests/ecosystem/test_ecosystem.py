# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection as users get it: build, install, docs, Galaxy import, execution environment, AWX.

Run by ``make ecosystem`` (part of ``make test``) with the tools of .venv;
galaxy-importer lives in its own virtualenv (GALAXY_IMPORTER_PYTHON).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

MODULES = ["mstr_session", "mstr_package", "mstr_package_binary", "mstr_package_info", "mstr_package_import",
           "mstr_package_export"]
ROLES = ["export_package", "import_package"]


def run(*command, env=None, cwd=None, check=True):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, env=env, cwd=cwd,
                            check=False)
    if check and result.returncode != 0:
        raise AssertionError("%s failed (%s):\n%s\n%s"
                             % (command, result.returncode, result.stdout[-3000:], result.stderr[-3000:]))
    return result


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(BIN / "ansible-galaxy", "collection", "build", "--output-path", out, ROOT)
    return out / "mstr-migration-1.0.0.tar.gz"


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("collections")
    run(BIN / "ansible-galaxy", "collection", "install", "-p", path, tarball)
    assert (path / "ansible_collections" / "mstr" / "migration" / "MANIFEST.json").is_file()
    return path


def env_with(collections: Path, **extra) -> dict:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), PATH="%s:%s" % (BIN, os.environ["PATH"]),
               ANSIBLE_NOCOLOR="1")
    env.update(extra)
    return env


def test_tarball_holds_what_users_need_and_nothing_else(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for needed in ["MANIFEST.json", "README.md", "LICENSE", "CHANGELOG.rst", "meta/runtime.yml", "meta/execution-environment.yml",
                   "requirements.txt", "bindep.txt", "changelogs/changelog.yaml", "playbooks/migrate.yml",
                   "roles/export_package/meta/argument_specs.yml", "docs/awx/credential_type.yml",
                   "plugins/doc_fragments/connection.py"] + ["plugins/modules/%s.py" % m for m in MODULES]:
        assert needed in names, needed
    # Developer tools stay out: tests/tools writes into ~/.ansible (a get-pip stand-in) and runs the demo.
    unwanted = re.compile(r"(^|/)(\.venv[^/]*|build|\.ci|\.git|\.hypothesis|\.pytest_cache|__pycache__|output|benchmarks)(/|$)"
                          r"|^tests/tools(/|$)|^Makefile$|\.pyc$|\.tar\.gz$")
    assert [name for name in names if unwanted.search(name)] == []


def test_every_shipped_python_file_carries_the_license_header(tarball):
    with tarfile.open(tarball) as archive:
        sources = {member.name: archive.extractfile(member).read().decode()
                   for member in archive.getmembers() if member.isfile() and member.name.endswith(".py")}
    assert sources
    header = "GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)"
    assert [name for name, text in sources.items() if header not in "\n".join(text.splitlines()[:4])] == []


def test_no_user_doc_points_outside_the_repository(tarball):
    """Users have the collection, not the developers' shared folder."""
    with tarfile.open(tarball) as archive:
        docs = {member.name: archive.extractfile(member).read().decode()
                for member in archive.getmembers()
                if member.isfile() and member.name.endswith((".md", ".rst", ".yml", ".yaml"))
                and not member.name.startswith("tests/")}
    assert [name for name, text in docs.items() if re.search(r"\.\./shared|shared/reference|shared/fixtures", text)] == []


def test_changelog_lists_the_release_and_every_module():
    text = (ROOT / "CHANGELOG.rst").read_text()
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert "v%s" % version in text
    for module in MODULES:
        assert "mstr.migration.%s - " % module in text


def test_docs_render_for_every_module_role_and_fragment(installed):
    env = env_with(installed)
    for module in MODULES:
        text = run(BIN / "ansible-doc", "mstr.migration." + module, env=env).stdout
        assert "MSTR_BASE_URL" in text  # the connection fragment
        assert "mstr.migration.mstr" in text  # the action group attribute
        assert "EXAMPLES" in text and "RETURN VALUES" in text
        assert "REQUIREMENTS:" in text and "requests >= 2.25" in text
    for role in ROLES:
        text = run(BIN / "ansible-doc", "-t", "role", "mstr.migration." + role, env=env).stdout
        assert re.search(r"ENTRY POINT: \W*main", text), text[:300]
        assert role + "_base_url" in text  # the argument spec's options are documented
    listed = json.loads(run(BIN / "ansible-doc", "--list", "--json", "mstr.migration", env=env).stdout)
    assert sorted(listed) == sorted("mstr.migration." + m for m in MODULES)


def test_antsibull_docs_lint(installed):
    collection = installed / "ansible_collections" / "mstr" / "migration"
    result = run(BIN / "antsibull-docs", "lint-collection-docs", "--plugin-docs", collection,
                 env=env_with(installed), check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_galaxy_importer_accepts_the_tarball(tarball, tmp_path):
    importer = os.environ.get("GALAXY_IMPORTER_PYTHON")
    if not importer:
        pytest.skip("GALAXY_IMPORTER_PYTHON is not set (make ecosystem sets it)")
    config = tmp_path / "galaxy-importer.cfg"
    config.write_text("[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n")
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config),
               PATH="%s:%s" % (Path(importer).parent, os.environ["PATH"]))
    result = run(importer, "-m", "galaxy_importer.main", tarball, env=env, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Importer processing completed successfully" in output
    assert [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR"))] == []


def test_execution_environment_build_context(tmp_path):
    context = tmp_path / "context"
    run(BIN / "ansible-builder", "create", "-f", ROOT / "docs" / "awx" / "execution-environment.yml",
        "--context", context, "--output-filename", "Containerfile")
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements["collections"][0]["name"] == "mstr.migration"
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert (ROOT / meta["dependencies"]["python"]).read_text().count("requests") == 1
    assert (ROOT / meta["dependencies"]["system"]).is_file()


def module_fallbacks() -> set:
    """The MSTR_* names in the connection option table (read from source: no ansible import needed)."""
    source = (ROOT / "plugins" / "module_utils" / "arguments.py").read_text()
    return set(re.findall(r'\["(MSTR_[A-Z_]+)"\]', source))


CREDENTIAL = yaml.safe_load((ROOT / "docs" / "awx" / "credential_type.yml").read_text())


def test_credential_type_injects_the_module_fallbacks():
    injected = set(CREDENTIAL["injectors"]["env"])
    # A session is made at run time and a project id belongs to the job, not to a credential.
    assert injected == module_fallbacks() - {"MSTR_SESSION", "MSTR_PROJECT_ID"}
    assert CREDENTIAL["injectors"]["env"]["MSTR_CA_PATH"] == "{{ tower.filename.ca_bundle }}"
    assert "template.ca_bundle" in CREDENTIAL["injectors"]["file"]
    secret = {field["id"] for field in CREDENTIAL["inputs"]["fields"] if field.get("secret")}
    assert secret == {"password", "api_token"}
    assert ast.parse((ROOT / "plugins" / "module_utils" / "arguments.py").read_text())


def awx_environment(inputs: dict, private_data_dir: Path) -> dict:
    """Render the credential's injectors the way AWX does (every field, empty when not given)."""
    fields = {field["id"]: inputs.get(field["id"], "") for field in CREDENTIAL["inputs"]["fields"]}
    ca_file = private_data_dir / "ca_bundle"
    ca_file.write_text(jinja2.Template(CREDENTIAL["injectors"]["file"]["template.ca_bundle"]).render(**fields))
    context = dict(fields, tower={"filename": {"ca_bundle": str(ca_file)}})
    return {name: jinja2.Template(template).render(**context)
            for name, template in CREDENTIAL["injectors"]["env"].items()}


def test_awx_style_run_with_ansible_runner(installed, tmp_path):
    password = "Awx-" + os.urandom(8).hex()
    server = EmulatorProcess("--processing-seconds", "0.2", "--password", password)
    try:
        pdd = tmp_path / "pdd"
        for sub in ("env", "project", "inventory"):
            (pdd / sub).mkdir(parents=True)
        shutil.copy(ROOT / "playbooks" / "export_package.yml", pdd / "project")
        (pdd / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")
        envvars = awx_environment({"base_url": server.base_url, "username": "administrator", "password": password,
                                   "login_mode": "standard", "validate_certs": True}, pdd)
        envvars.update(ANSIBLE_COLLECTIONS_PATH=str(installed), PATH="%s:%s" % (BIN, os.environ["PATH"]))
        (pdd / "env" / "envvars").write_text(yaml.safe_dump(envvars))
        survey = yaml.safe_load((ROOT / "playbooks" / "vars" / "project_package.yml").read_text())
        survey["package_dir"] = str(tmp_path / "packages")
        (pdd / "env" / "extravars").write_text(yaml.safe_dump(survey))
        result = run(BIN / "ansible-runner", "run", pdd, "-p", "export_package.yml", "--ident", "job1", "-vvv",
                     env=env_with(installed), check=False)
        artifacts = pdd / "artifacts" / "job1"
        status = (artifacts / "status").read_text().strip()
        assert status == "successful", result.stdout[-3000:]
        assert (tmp_path / "packages" / "year.mmp").is_file()
        state = server.state(secrets="true")
        secrets = [password, "mstr-session-v1:"] + [s["token"] for s in state["issued"]] + \
                  [s["cookie"] for s in state["issued"]]
        leaks = []
        for path in artifacts.rglob("*"):
            # "command" is ansible-runner's record of its own invocation, environment included; AWX keeps it
            # private and redacts it. Everything the playbook and the modules printed is in the other files.
            if path.is_file() and path.name != "command":
                text = path.read_text(errors="replace")
                leaks += ["%s in %s" % (secret[:6], path.name) for secret in secrets if secret in text]
        assert leaks == []
        assert state["sessions"] == [] and state["packages"] == []
    finally:
        server.stop()
