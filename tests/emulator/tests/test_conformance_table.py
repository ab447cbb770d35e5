# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The conformance table: each rule refuses what the vendor pages would not send, and every request is logged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (ADMINISTRATOR, CONFIGURATION_BODY, DEMO, OCTET_STREAM, REPO, TUTORIAL, YEAR, Api,
                      project_body)
from test_auth import assert_vendor_error
from test_imports import export, undo_url
from test_packages import ready_package, upload
from tests.conformance.test_conformance import deviation_report, from_collection, read_logs, uncalled_routes
from tests.emulator import conformance

# Every call on a holder, with everything else the table asks for sent correctly.
HOLDER_CALLS = {
    "GET /api/packages/{pid}": {},
    "GET /api/packages/{pid}/objects": {"params": {"id": YEAR}},
    "GET /api/packages/{pid}/binary": {"headers": OCTET_STREAM},
    "PUT /api/packages/{pid}/binary": {"files": {"file": ("package.mmp", b"not a package")}},
    "DELETE /api/packages/{pid}": {"prefer_async": True},
}


def holder_call(api, route: str, package_id: str, project):
    method, path = route.split(" ", 1)
    return api.call(method, path.replace("{pid}", package_id), project=project, **HOLDER_CALLS[route])


def deviations(emu) -> list:
    return [(item["route"], text) for item in emu.state()["deviations"] for text in item["deviations"]]


def test_table_keys_are_routes_of_the_server():
    labels = {entry.key for entry in conformance.routes()}
    assert set(conformance.TABLE) <= labels


def test_docs_show_the_table_as_it_is():
    assert conformance.markdown_table() in (REPO / "docs" / "emulator.md").read_text()


@pytest.mark.parametrize("route", sorted(HOLDER_CALLS))
def test_holder_calls_need_the_holders_project(emu, api, route):
    package_id = api.create_package(TUTORIAL)
    missing = holder_call(api, route, package_id, None)
    assert_vendor_error(missing, 400, "ERR005")
    assert TUTORIAL in missing.json()["message"]
    other = holder_call(api, route, package_id, DEMO)
    assert_vendor_error(other, 400, "ERR006")
    assert "another project" in other.json()["message"]
    assert [route for route, _text in deviations(emu)] == ["%s" % route] * 2
    assert api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).json()["status"] == "EMPTY"


@pytest.mark.parametrize("route", sorted(HOLDER_CALLS))
def test_holder_calls_refuse_a_header_on_a_holder_without_project(emu, api, route):
    package_id = api.create_package(None)
    assert_vendor_error(holder_call(api, route, package_id, TUTORIAL), 400, "ERR006")


def test_configuration_package_calls_refuse_the_header(emu, api):
    package_id = api.create_package(None)
    response = api.define(package_id, CONFIGURATION_BODY, project=TUTORIAL)
    assert_vendor_error(response, 400, "ERR006")
    assert api.define(package_id, CONFIGURATION_BODY, project=None).status_code == 202
    api.wait_package(package_id, project=None)
    assert_vendor_error(api.download(package_id, project=TUTORIAL), 400, "ERR006")
    assert api.download(package_id, project=None).status_code == 200


@pytest.mark.parametrize("holder_project, header, body, code, fragment", [
    (None, TUTORIAL, project_body(), "ERR005", "creation included"),
    (None, None, project_body(), "ERR005", "creation included"),
    (TUTORIAL, None, project_body(), "ERR005", "X-MSTR-ProjectID missing"),
    (TUTORIAL, DEMO, project_body(), "ERR006", "another project"),
    (TUTORIAL, TUTORIAL, CONFIGURATION_BODY, "ERR006", "takes no X-MSTR-ProjectID"),
    (TUTORIAL, None, CONFIGURATION_BODY, "ERR006", "takes no X-MSTR-ProjectID"),
    (None, DEMO, CONFIGURATION_BODY, "ERR006", "must be absent"),
])
def test_definition_header_rules(emu, api, holder_project, header, body, code, fragment):
    package_id = api.create_package(holder_project)
    response = api.define(package_id, body, project=header)
    assert_vendor_error(response, 400, code)
    assert fragment in response.json()["message"]


def test_definition_needs_content_type_json(emu, api):
    package_id = api.create_package(TUTORIAL)
    raw = json.dumps(project_body()).encode()
    missing = api.call("PUT", "/api/packages/" + package_id, project=TUTORIAL, prefer_async=True, data=raw)
    assert_vendor_error(missing, 400, "ERR005")
    assert "Content-Type" in missing.json()["message"]
    wrong = api.call("PUT", "/api/packages/" + package_id, project=TUTORIAL, prefer_async=True, data=raw,
                     headers={"Content-Type": "text/plain"})
    assert_vendor_error(wrong, 400, "ERR006")
    assert api.define(package_id, project_body()).status_code == 202


def test_download_needs_accept_octet_stream(emu, api):
    package_id, _unused = ready_package(api)
    for accept in (None, "*/*", "application/json"):
        response = api.call("GET", "/api/packages/%s/binary" % package_id, project=TUTORIAL,
                            headers={"Accept": accept})
        assert_vendor_error(response, 400, "ERR005")
        assert "application/octet-stream" in response.json()["message"]
    assert api.download(package_id).status_code == 200


def test_unknown_project_on_creation(emu, api):
    assert_vendor_error(api.call("POST", "/api/packages", project="0" * 32), 400, "ERR006")
    assert emu.state()["packages"] == []


def test_upload_type_must_fit_the_holder(emu, api):
    binary = export(api)  # a project package
    holder = api.create_package(None)
    response = upload(api, holder, binary, project=None)
    assert_vendor_error(response, 400, "ERR005")
    assert "creation included" in response.json()["message"]


def test_import_calls_need_the_import_project(emu, api):
    binary = export(api)
    holder = api.create_package(DEMO)
    assert upload(api, holder, binary, project=DEMO).status_code == 200
    assert_vendor_error(api.start_import(holder, project=None), 400, "ERR005")
    # The project the package came from is no import target: the origin leniency is for holder calls only.
    assert_vendor_error(api.start_import(holder, project=TUTORIAL), 400, "ERR006")
    import_id = api.start_import(holder, project=DEMO).json()["id"]
    for method, path in (("GET", "/api/packages/imports/" + import_id), ("GET", undo_url(import_id))):
        assert_vendor_error(api.call(method, path), 400, "ERR005")
        assert_vendor_error(api.call(method, path, project=TUTORIAL), 400, "ERR006")
    assert_vendor_error(api.delete_import(import_id, project=None), 400, "ERR005")
    assert api.wait_import(import_id, project=DEMO)["status"] == "IMPORTED"
    assert api.call("GET", undo_url(import_id), project=DEMO).status_code == 200
    assert api.delete_import(import_id, project=DEMO).status_code == 202


def test_configuration_imports_refuse_the_header(emu, api):
    binary = export(api, CONFIGURATION_BODY, project=None)
    holder = api.create_package(None)
    assert upload(api, holder, binary, project=None).status_code == 200
    assert_vendor_error(api.start_import(holder, project=TUTORIAL), 400, "ERR006")
    import_id = api.start_import(holder, project=None).json()["id"]
    assert_vendor_error(api.call("GET", "/api/packages/imports/" + import_id, project=TUTORIAL), 400, "ERR006")
    assert api.wait_import(import_id, project=None)["status"] == "IMPORTED"


def test_origin_project_of_an_uploaded_package_is_accepted_but_logged(emu, api):
    binary = export(api)  # exported from Tutorial
    holder = api.create_package(DEMO)
    assert upload(api, holder, binary, project=DEMO).status_code == 200
    assert emu.state()["deviations"] == []
    assert api.call("GET", "/api/packages/" + holder, project=DEMO).status_code == 200
    assert emu.state()["deviations"] == []
    assert api.call("GET", "/api/packages/%s/objects" % holder, project=TUTORIAL, params={"id": YEAR}).ok
    assert api.delete_package(holder, project=TUTORIAL).status_code == 202
    logged = deviations(emu)
    assert [route for route, _text in logged] == ["GET /api/packages/{pid}/objects", "DELETE /api/packages/{pid}"]
    assert all("came from" in text and DEMO in text for _route, text in logged)


def test_refusals_are_logged_as_deviations(emu, api):
    package_id = api.create_package(TUTORIAL)
    api.call("GET", "/api/packages/%s/binary" % package_id)  # neither Accept nor the project header
    (entry,) = emu.state()["deviations"]
    assert entry["route"] == "GET /api/packages/{pid}/binary" and entry["status"] == 400
    assert len(entry["deviations"]) == 1 and "Accept" in entry["deviations"][0]


def test_request_log_lines(start_emulator, tmp_path):
    log = tmp_path / "requests.jsonl"
    server = start_emulator("--processing-seconds", "0.05", "--request-log", str(log))
    api = Api(server.base_url)
    api.http.headers["User-Agent"] = "mstr.migration/1.0.0 test"
    api.login()
    package_id, _unused = ready_package(api)
    api.call("GET", "/api/packages/%s/binary" % package_id, project=TUTORIAL)  # without Accept
    api.call("GET", "/api/objects/" + ADMINISTRATOR, params={"type": 34})
    server.state()  # admin calls are not logged
    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["route"] for e in entries[:3]] == ["POST /api/auth/login", "POST /api/packages", "PUT /api/packages/{pid}"]
    define = entries[2]
    assert define["userAgent"] == "mstr.migration/1.0.0 test"
    assert define["projectId"] == TUTORIAL and define["requiredProject"] == TUTORIAL
    assert define["prefer"] == "respond-async" and define["contentType"] == "application/json"
    assert define["deviations"] == [] and define["status"] == 202 and define["projectRule"] == "definition"
    download = entries[-2]
    assert download["status"] == 400 and download["accept"] == "*/*" and len(download["deviations"]) == 1
    lookup = entries[-1]
    assert lookup["query"] == ["type"] and lookup["requiredProject"] is None and lookup["status"] == 200
    text = log.read_text()
    assert api.token not in text and api.http.cookies["JSESSIONID"] not in text and "mstr-emulator" not in text


def test_checker_finds_deviations_and_calls_never_made(start_emulator, tmp_path):
    server = start_emulator("--processing-seconds", "0.05", "--request-log", str(tmp_path / "one.jsonl"))
    api = Api(server.base_url)
    api.http.headers["User-Agent"] = "mstr.migration/1.0.0"
    api.login()
    package_id, _unused = ready_package(api)
    api.call("DELETE", "/api/packages/" + package_id, prefer_async=True)  # no project header
    other = Api(server.base_url)  # not the collection: ignored
    other.login()
    other.call("GET", "/api/objects/" + YEAR, params={"type": 12})
    entries = from_collection(read_logs(tmp_path))
    assert {e["userAgent"] for _name, e in entries} == {"mstr.migration/1.0.0"}
    (line,) = deviation_report(entries)
    assert line.startswith("DELETE /api/packages/{pid}: X-MSTR-ProjectID missing") and line.endswith("(one.jsonl)")
    missing = uncalled_routes(entries)
    assert "POST /api/packages/imports" in missing and "PUT /api/packages/{pid}" not in missing


def test_emulator_sh_logs_each_emulator_unless_asked_not_to(tmp_path):
    # A stand-in collection root: emulator.sh finds the root from its own place.
    root = tmp_path / "collection"
    (root / "tests" / "integration").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "integration" / "emulator.sh", root / "tests" / "integration")
    (root / "tests" / "emulator").symlink_to(REPO / "tests" / "emulator")
    (root / "tests" / "__init__.py").touch()
    target = tmp_path / "some_target"
    target.mkdir()
    script = ('source "$1/tests/integration/emulator.sh"; start_emulator LOGGED; start_emulator_unlogged QUIET; '
              'curl -sS -o /dev/null "$LOGGED/api/status"; curl -sS -o /dev/null "$QUIET/api/status"')
    env = dict(os.environ, PATH="%s:%s" % (Path(sys.executable).parent, os.environ["PATH"]))
    subprocess.run(["bash", "-c", script, "bash", str(root)], cwd=target, env=env, check=True, timeout=60)
    (log,) = (root / "tests" / "output" / "conformance").glob("*.jsonl")
    assert log.name.startswith("some_target-LOGGED-")
    assert [json.loads(line)["route"] for line in log.read_text().splitlines()] == ["GET /api/status"]
