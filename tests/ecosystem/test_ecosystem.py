# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection as users get it: build, install, docs, Galaxy import, execution environment, AWX.

Run by ``make ecosystem`` (part of ``make test``) with the tools of .venv;
galaxy-importer lives in its own virtualenv (GALAXY_IMPORTER_PYTHON).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Optional

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.emulator.process import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

MODULES = ["session", "package", "package_binary", "package_info", "package_import", "package_import_process",
           "package_export", "migration", "migration_info"]
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
    # --force: without it, a copy in ~/.ansible/collections (`make install`) counts as installed and nothing lands here.
    run(BIN / "ansible-galaxy", "collection", "install", "--force", "-p", path, tarball)
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
    # `\b`: the Workstation route's `.../sharedFileStore` is an API path, not the folder
    assert [name for name, text in docs.items() if re.search(r"\.\./shared\b|shared/reference|shared/fixtures", text)] == []


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
        assert role + "_connection" in text and "base_url" in text  # the argument spec's options are documented
    text = run(BIN / "ansible-doc", "-t", "role", "mstr.migration.package_store", env=env).stdout
    assert re.search(r"ENTRY POINT: \W*upload", text) and re.search(r"ENTRY POINT: \W*download", text), text[:300]
    assert "package_store_replace" in text and "package_store_local_dir" in text
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
    assert [c["name"] for c in requirements["collections"]] == ["mstr.migration", "amazon.aws"]  # for an S3 store
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


def awx_job(name: str, root: Path, bin_dir: Path, collections: Path, playbook: str, credential: dict,
            survey: dict, secrets_env: Optional[dict] = None) -> tuple:
    """Run a playbook the way an AWX job does: ansible-runner, a private data directory of its own, -vvv.

    The directory is deleted after the job, as AWX deletes it (the job's container with it); what the job printed
    is returned first: (status, stdout, {artifact name: text}).
    """
    pdd = root / name
    for sub in ("env", "project", "inventory"):
        (pdd / sub).mkdir(parents=True)
    shutil.copy(ROOT / "playbooks" / playbook, pdd / "project")
    (pdd / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")
    envvars = awx_environment(credential, pdd)
    envvars.update(secrets_env or {})
    envvars.update(ANSIBLE_COLLECTIONS_PATH=str(collections), PATH="%s:%s" % (bin_dir, os.environ["PATH"]))
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    # The local working directory is inside the job's directory, so it goes with it.
    (pdd / "env" / "extravars").write_text(yaml.safe_dump(dict(survey, package_dir=str(pdd / "work"))))
    try:
        result = run(bin_dir / "ansible-runner", "run", pdd, "-p", playbook, "--ident", name, "-vvv",
                     env=dict(env_with(collections), PATH="%s:%s" % (bin_dir, os.environ["PATH"])), check=False)
        artifacts = pdd / "artifacts" / name
        status = (artifacts / "status").read_text().strip()
        # "command" is ansible-runner's record of its own invocation, environment included; AWX keeps it
        # private and redacts it. Everything the playbook and the modules printed is in the other files.
        texts = {str(path.relative_to(artifacts)): path.read_text(errors="replace")
                 for path in artifacts.rglob("*") if path.is_file() and path.name != "command"}
        return status, result.stdout, texts
    finally:
        shutil.rmtree(pdd)


def leaks_in(texts: dict, secrets: list) -> list:
    return ["%s... in %s" % (secret[:6], name) for name, text in texts.items() for secret in secrets if secret in text]


def session_secrets(server: EmulatorProcess) -> list:
    state = server.state(secrets="true")
    return ["mstr-session-v1:"] + [s["token"] for s in state["issued"]] + [s["cookie"] for s in state["issued"]]


# The package store, as AWX runs it: each job in a private data directory deleted after it, the files kept only in
# the store. The S3 store is moto in server mode, with the `ansible` package's amazon.aws and boto3 from the
# virtualenv of tests/requirements-store.txt (STORE_VENV_PYTHON, set by `make ecosystem`); the directory store runs
# with the tools of .venv, which have no amazon.aws: it does not need that collection.
STORE_PYTHON = os.environ.get("STORE_VENV_PYTHON")
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"
YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
STORE_SCRIPT = r"""
import json, sys, boto3
url, command, bucket = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
if command == "create":
    s3.create_bucket(Bucket=bucket)
else:  # dump: every object into a directory, with its metadata
    out = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=item["Key"])
        out[item["Key"]] = {"hex": body["Body"].read().hex(), "metadata": body["Metadata"]}
    json.dump(out, sys.stdout)
"""


class MotoServer:
    """moto in server mode on a free port of the loopback interface: an S3 stand-in for one test."""

    def __init__(self, bin_dir: Path, keys: dict):
        self.bin_dir = bin_dir
        self.env = dict(os.environ, **keys)
        self.log = tempfile.TemporaryFile(mode="w+")  # a pipe nobody reads could fill up and stall the server
        self.proc = subprocess.Popen([str(bin_dir / "moto_server"), "-H", "127.0.0.1", "-p", "0"],
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        self.url = None
        while self.url is None and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.1)
            self.log.seek(0)
            found = re.search(r"Running on (http://127\.0\.0\.1:\d+)", self.log.read())
            self.url = found.group(1) if found else None
        if self.url is None:
            self.stop()
            raise RuntimeError("moto_server did not start")

    def call(self, command: str, bucket: str) -> str:
        return run(self.bin_dir / "python", "-c", STORE_SCRIPT, self.url, command, bucket, env=self.env).stdout

    def objects(self, bucket: str, prefix: str) -> dict:
        return {key[len(prefix):]: (bytes.fromhex(item["hex"]), item["metadata"])
                for key, item in json.loads(self.call("dump", bucket)).items()}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(params=["dir", "s3"])
def store(request, tmp_path):
    """(tools' bin dir, survey variables, AWS environment, secrets, function returning {name: bytes})."""
    if request.param == "dir":
        path = tmp_path / "store"
        path.mkdir()
        yield BIN, {"store_type": "dir", "store_dir": str(path)}, {}, [], \
            lambda: {p.name: p.read_bytes() for p in path.iterdir()}
        return
    if not STORE_PYTHON:
        pytest.skip("STORE_VENV_PYTHON is not set (make ecosystem sets it)")
    # What the AWX "Amazon Web Services" credential injects (its security token as AWS_SECURITY_TOKEN, which
    # botocore reads like AWS_SESSION_TOKEN); moto accepts any keys.
    keys = {"AWS_ACCESS_KEY_ID": "AKIA" + os.urandom(8).hex().upper(), "AWS_SECRET_ACCESS_KEY": os.urandom(20).hex(),
            "AWS_SECURITY_TOKEN": "Session-" + os.urandom(16).hex()}
    bin_dir = Path(STORE_PYTHON).parent
    server = MotoServer(bin_dir, keys)
    try:
        server.call("create", "migrations")
        survey = {"store_type": "s3", "store_bucket": "migrations", "store_prefix": "prod/mstr",
                  "store_endpoint_url": server.url, "store_region": "us-east-1"}

        def stored() -> dict:
            objects = server.objects("migrations", "prod/mstr/")
            for name, (data, metadata) in objects.items():  # the sha256 the upload keeps with each object
                assert metadata == {"sha256": sha256(data)}, name
            return {name: data for name, (data, _metadata) in objects.items()}
        yield bin_dir, survey, keys, list(keys.values()), stored
    finally:
        server.stop()


def test_awx_style_run_with_ansible_runner(installed, tmp_path, store):
    """Job 1 exports, job 2 imports, job 3 rolls back, each with only the store in common."""
    bin_dir, store_survey, aws_env, store_secrets, stored = store
    password = "Awx-" + os.urandom(8).hex()
    source = EmulatorProcess("--processing-seconds", "0.2", "--password", password, "--record-downloads")
    target = EmulatorProcess("--processing-seconds", "0.2", "--password", password, "--record-downloads")
    try:
        def credential(server):
            return {"base_url": server.base_url, "username": "administrator", "password": password,
                    "login_mode": "standard", "validate_certs": True}
        package = yaml.safe_load((ROOT / "playbooks" / "vars" / "project_package.yml").read_text())
        jobs = {}

        def job(name, playbook, server, survey):
            jobs[name] = awx_job(name, tmp_path, bin_dir, installed, playbook, credential(server),
                                 dict(survey, **store_survey), aws_env)
            status, stdout, _texts = jobs[name]
            assert status == "successful", stdout[-4000:]
            assert not (tmp_path / name).exists()

        job("export", "export_package.yml", source, package)
        job("import", "import_package.yml", target,
            {"package_file": "year.mmp", "target_project_id": package["target_project_id"]})

        files = stored()
        undo_name = next(name for name in files if name.startswith("year.undo."))
        record_name = next(name for name in files if name.startswith("year.import."))
        assert sorted(files) == sorted(["year.mmp", "year.mmp.json", undo_name, record_name])
        served = source.state()["downloads"]
        assert [d["sha256"] for d in served] == [sha256(files["year.mmp"])]  # the package, byte for byte
        manifest = json.loads(files["year.mmp.json"])
        assert (manifest["binary"]["sha256"], manifest["binary"]["size"]) == (served[0]["sha256"], served[0]["size"])
        undo_served = [d for d in target.state()["downloads"] if d["packageId"].startswith("undo:")]
        assert [d["sha256"] for d in undo_served] == [sha256(files[undo_name])]  # the undo package, byte for byte
        record = json.loads(files[record_name])
        assert record["format"] == "mstr.migration/import-record-1"
        assert record["undo"]["file"] == undo_name and record["undo"]["sha256"] == undo_served[0]["sha256"]
        assert record["package"]["sha256"] == served[0]["sha256"]
        assert YEAR in target.objects()[DEMO]

        # A third job rolls back from the store: the record, then the undo package it names.
        job("rollback", "import_package.yml", target, {"rollback_record": record_name})
        assert YEAR not in target.objects()[DEMO]
        after = stored()
        assert {name: after[name] for name in files} == files  # nothing stored before was replaced
        assert len(after) == 6 and len([n for n in after if n.startswith("year.undo.") and ".import." in n]) == 1

        secrets = [password] + session_secrets(source) + session_secrets(target) + store_secrets
        assert [leak for _status, _stdout, texts in jobs.values() for leak in leaks_in(texts, secrets)] == []
        for server in (source, target):
            state = server.state()
            assert state["sessions"] == [] and state["packages"] == [] and state["imports"] == []
    finally:
        source.stop()
        target.stop()


def test_store_never_replaces_a_rollback_point_and_says_what_a_failed_upload_keeps(installed, tmp_path, store):
    bin_dir, store_survey, aws_env, _secrets, stored = store
    work = tmp_path / "work"
    work.mkdir()
    extra = dict(store_survey, work_dir=str(work))
    result = run(bin_dir / "ansible-playbook", ROOT / "tests" / "ecosystem" / "store_rules.yml", "-e", json.dumps(extra),
                 env=dict(env_with(installed), PATH="%s:%s" % (bin_dir, os.environ["PATH"]), **aws_env), check=False)
    assert result.returncode == 0, result.stdout[-4000:]
    assert stored() == {"rule.undo.20261202T101010Z.mmp": b"first", "rule.mmp": b"second"}
    assert (work / "rule.undo.20261202T101010Z.mmp").read_bytes() == b"second"


def test_import_from_a_missing_store_or_of_a_missing_name_fails_before_any_request(installed, tmp_path):
    server = EmulatorProcess("--processing-seconds", "0.2")
    (tmp_path / "store").mkdir()
    try:
        before = server.state()["requests"]["total"]
        for store_dir, message in [
                (tmp_path / "not-mounted", "store_dir: %s is not a directory; give the path of a mounted volume"
                 % (tmp_path / "not-mounted")),
                (tmp_path / "store", "Fetching year.mmp, year.mmp.json from %s failed (year.mmp is not in the store"
                 % (tmp_path / "store"))]:
            result = run(BIN / "ansible-playbook", ROOT / "playbooks" / "import_package.yml", "-e", json.dumps({
                "package_file": "year.mmp", "store_type": "dir", "store_dir": str(store_dir),
                "package_dir": str(tmp_path / "work"), "target_base_url": server.base_url,
                "target_username": "administrator", "target_password": "mstr-emulator"}),
                env=env_with(installed), check=False)
            assert result.returncode != 0
            assert message in result.stdout, result.stdout[-3000:]
        assert server.state()["requests"]["total"] == before
    finally:
        server.stop()
