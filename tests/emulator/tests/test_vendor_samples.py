# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vendor's workflow pages, replayed with curl as printed.

The pages live in ../shared/reference (not copied into the repository). Each
``curl`` block is run as printed, with only what a person has to change to
run it: the host, the auth token, the live package / import ids and the file
paths. A cookie jar is added because the server needs the session cookie too
(authentication.md says so; the samples leave it out). The status code and
the response's keys must match the page's "Sample Response". The only
deviations from the conformance table the emulator may log are the pages' own:
an uploaded package read or deleted with the project it was exported from.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import shared_dir

PAGES = shared_dir() / "reference" / "microstrategy-rest-api"
pytestmark = [
    pytest.mark.skipif(not PAGES.is_dir(), reason="vendor pages not available at %s" % PAGES),
    pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed"),
]

FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)


def sample_steps(page: str) -> list:
    """[(heading, curl command, expected status, sample response body or None)] in page order."""
    text = (PAGES / page).read_text()
    steps = []
    for match in FENCE.finditer(text):
        lang, code = match.groups()
        if lang != "bash" or not code.strip().startswith("curl"):
            continue
        before = text[:match.start()]
        heading = re.findall(r"^#+ (.+)$", before, re.M)[-1]
        after = text[match.end():]
        next_heading = re.search(r"^#+ ", after, re.M)
        section = after[:next_heading.start()] if next_heading else after
        status = re.search(r"Sample Response Code: (\d+)", section)
        body = None
        body_match = re.search(r"Sample Response Body:\s*```json\n(.*?)```", section, re.S)
        if body_match:
            body = json.loads(body_match.group(1))
        steps.append((heading, code.strip(), int(status.group(1)) if status else None, body))
    return steps


class CurlSession:
    def __init__(self, base_url: str, workdir: Path):
        self.base_url = base_url
        self.workdir = workdir
        self.jar = workdir / "cookies.txt"
        self.token = None
        self.package_id = None
        self.import_id = None
        self.files = {}

    def login(self):
        headers = self.workdir / "login-headers.txt"
        subprocess.run(["curl", "-sS", "-c", str(self.jar), "-D", str(headers), "-X", "POST",
                        self.base_url + "/api/auth/login", "-H", "Content-Type: application/json",
                        "--data-raw", '{"username": "administrator", "password": "mstr-emulator", "loginMode": 1}'],
                       check=True)
        self.token = re.search(r"X-MSTR-AuthToken: (\S+)", headers.read_text(), re.I).group(1)

    def adapt(self, command: str) -> str:
        # Several samples glue a line continuation to the URL's closing quote ("...packages"\ then -H on
        # the next line), which makes the shell append "-H" to the URL; a person adds the missing space.
        command = re.sub(r"(\S)\\\n", r"\1 \\\n", command)
        command = re.sub(r"https?://demo\.microstrategy\.com/MicroStrategyLibrary", self.base_url, command)
        # The import page prints one token header without its closing quote; a person adds it.
        command = re.sub(r"""X-MSTR-AuthToken: [a-z0-9]+(['"]?)""",
                         lambda m: "X-MSTR-AuthToken: %s%s" % (self.token, m.group(1) or "'"), command)
        if self.import_id:
            command = re.sub(r"/api/packages/imports/[A-Za-z0-9+=]+", "/api/packages/imports/" + self.import_id,
                             command)
        if self.package_id:
            command = re.sub(r"/api/packages/(?!imports)[A-Za-z0-9+=]+", "/api/packages/" + self.package_id,
                             command)
            command = re.sub(r"packageId=[A-Za-z0-9+=]+", "packageId=" + self.package_id, command)
        for printed, real in self.files.items():
            command = command.replace(printed, str(real))
        return command

    def run(self, command: str) -> tuple:
        out = self.workdir / "response.bin"
        adapted = self.adapt(command)
        adapted = adapted.replace("curl ", "curl -sS -b '%s' -o '%s' -w '%%{http_code}' " % (self.jar, out), 1)
        result = subprocess.run(["bash", "-c", adapted], capture_output=True, text=True, check=False)
        assert result.returncode == 0, "%s\n%s" % (adapted, result.stderr)
        data = out.read_bytes()
        return int(result.stdout), data


def shape(value):
    """Keys of a response, and of the first item of its lists, to compare with a sample."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items() if not isinstance(item, (str, int, float))
                or isinstance(item, bool)} | {"__keys__": sorted(value)}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [shape(value[0])]
    return None


def replay(session: CurlSession, steps: list, emu) -> dict:
    seen = {}
    for heading, command, expected, sample in steps:
        deadline = time.monotonic() + 10
        while True:
            status, data = session.run(command)
            body = json.loads(data) if data[:1] == b"{" else None
            if not (body and body.get("status") == "PROCESSING" and sample and sample.get("status") != "PROCESSING"
                    and time.monotonic() < deadline):
                break
            time.sleep(0.1)  # a person polls until the state the page shows
        assert status == expected, "%s: %s %s" % (heading, status, data[:300])
        if sample is not None:
            assert body is not None, heading
            assert shape(body) == shape(sample), "%s:\n%s\n%s" % (heading, body, sample)
            if "status" in sample:
                assert body["status"] == sample["status"], heading
        if body and "id" in body and "undoPackageCreated" in body:
            session.import_id = body["id"]
        elif body and "id" in body and heading.startswith("Create an empty package"):
            session.package_id = body["id"]
        seen[heading] = (status, data)
    return seen


def origin_deviations(emu) -> list:
    """Routes of the logged deviations; asserts they are all the pages' origin-project quirk."""
    logged = emu.state()["deviations"]
    assert all(len(item["deviations"]) == 1 and "came from" in item["deviations"][0] for item in logged), logged
    return [item["route"] for item in logged]


def test_create_a_migration_package_page(emu, tmp_path):
    session = CurlSession(emu.base_url, tmp_path)
    session.login()
    steps = sample_steps("create-a-migration-package.md")
    assert [s[0] for s in steps] == ["Create an empty package", "Update the package definition",
                                     "Get the package definition",
                                     "Download the package and save it as a binary file", "Delete the package"]
    seen = replay(session, steps, emu)
    binary = seen["Download the package and save it as a binary file"][1]
    assert binary[:8] == bytes.fromhex("0180befe7f063772")
    state = emu.state()
    assert state["packages"] == [] and state["deviations"] == []
    assert [s["user"] for s in state["sessions"]] == ["administrator"]


def test_view_newly_created_package_page(emu, tmp_path):
    session = CurlSession(emu.base_url, tmp_path)
    session.login()
    seen = replay(session, sample_steps("view-newly-created-package.md"), emu)
    detail = json.loads(seen["Get the package detailed definition"][1])
    assert detail["objects"][0]["definition"]["information"]["name"] == "Year"
    assert emu.state()["packages"] == [] and emu.state()["deviations"] == []


def _export_binary(emu, tmp_path) -> Path:
    session = CurlSession(emu.base_url, tmp_path)
    session.login()
    seen = replay(session, sample_steps("create-a-migration-package.md"), emu)
    path = tmp_path / "packageName.mmp"
    path.write_bytes(seen["Download the package and save it as a binary file"][1])
    return path


def test_import_a_migration_package_page(emu, tmp_path):
    binary = _export_binary(emu, tmp_path)
    session = CurlSession(emu.base_url, tmp_path)
    session.login()
    session.files = {'"/path/to/packageName.mmp"': '"%s"' % binary, '"/path/to/file"': '"%s"' % binary}
    steps = sample_steps("import-a-migration-package.md")
    headings = [s[0] for s in steps]
    assert headings[:8] == ["Create an empty package", "Upload a package binary file", "Get the package definition",
                            "Create an import process to import a package", "Query the import status",
                            "Download an undo package binary file", "Delete the import process",
                            "Delete the package"]
    seen = replay(session, steps[:8], emu)
    assert "8D679D5111D3E4981000E787EC6DE8A4" in emu.objects()["B19DEDCC11D4E0EFC000EB9495D0F44F"]
    assert seen["Download an undo package binary file"][1][:8] == bytes.fromhex("0180befe7f063772")
    assert emu.state()["imports"] == [] and emu.state()["packages"] == []
    # The page deletes the Demo Project holder with the Tutorial header, where the package came from.
    assert origin_deviations(emu) == ["DELETE /api/packages/{pid}"]
    # "More examples": the same import without an undo package, on a new holder.
    session.import_id = None
    replay(session, steps[:2] + steps[8:], emu)
    imports = emu.state()["imports"]
    assert len(imports) == 1


def test_view_uploaded_package_page(emu, tmp_path):
    binary = _export_binary(emu, tmp_path)
    session = CurlSession(emu.base_url, tmp_path)
    session.login()
    session.files = {'"/path/to/packageName.mmp"': '"%s"' % binary}
    seen = replay(session, sample_steps("view-uploaded-package.md"), emu)
    assert any("detailed" in heading for heading in seen)
    assert emu.state()["packages"] == []
    assert origin_deviations(emu) == ["GET /api/packages/{pid}/objects", "DELETE /api/packages/{pid}"]
