# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package holders, definitions, per-type rules, binaries and deletion."""

from __future__ import annotations

import copy
import hashlib
import time

import pytest
import requests

from conftest import (ADMINISTRATOR, CONFIGURATION_BODY, DEMO, LU_YEAR, PROJECT_SECURITY_BODY, TUTORIAL, YEAR,
                      Api, project_body, shared_dir)
from test_auth import assert_vendor_error
from tests.emulator.binaries import VENDOR_MAGIC


def ready_package(api, body=None, project=TUTORIAL) -> tuple:
    package_id = api.create_package(project)
    response = api.define(package_id, body or project_body(), project=project)
    assert response.status_code == 202, response.text
    assert response.json() == {"id": package_id, "status": "PROCESSING"}
    return package_id, api.wait_package(package_id, project=project)


def test_holder_is_created_empty_with_an_opaque_base64_id(emu, api):
    response = api.call("POST", "/api/packages", project=TUTORIAL)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "EMPTY"
    import base64
    assert base64.b64decode(body["id"]).decode().startswith(TUTORIAL + ":")
    assert [p["id"] for p in emu.state()["packages"]] == [body["id"]]


def test_only_one_holder_per_session(emu, api):
    first = api.create_package()
    response = api.call("POST", "/api/packages", project=TUTORIAL)
    assert_vendor_error(response, 400, "ERR0015")
    assert first in response.json()["message"]
    other = Api(emu.base_url)
    other.login()
    other.create_package()
    assert len(emu.state()["packages"]) == 2


def test_project_package_with_dependents(api):
    package_id, body = ready_package(api)
    assert body["status"] == "READY"
    assert "type" not in body  # as in the vendor's sample response
    by_id = {item["id"]: item for item in body["content"]}
    assert set(by_id) == {YEAR, LU_YEAR}
    year, table = by_id[YEAR], by_id[LU_YEAR]
    assert year["explicitIncluded"] is True and year["includeDependents"] is True
    assert table["explicitIncluded"] is False and table["action"] == "replace"
    assert year["version"] == "2215B50211EB7C9D8F150080EF651EEA"
    assert year["level"] == "project_object"
    assert set(year) == {"id", "name", "version", "type", "owner", "dateCreated", "dateModified",
                         "action", "includeDependents", "explicitIncluded", "level"}
    summary = api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).json()
    assert "content" not in summary and summary["status"] == "READY"


def test_status_stays_processing_for_the_configured_time(start_emulator):
    server = start_emulator("--processing-seconds", "0.6")
    api = Api(server.base_url)
    api.login()
    package_id = api.create_package()
    started = time.monotonic()
    api.define(package_id, project_body())
    assert api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).json()["status"] == "PROCESSING"
    body = api.wait_package(package_id)
    elapsed = time.monotonic() - started
    assert body["status"] == "READY"
    assert 0.55 <= elapsed < 1.5


def test_without_include_dependents_only_the_object_is_listed(api):
    _unused, body = ready_package(api, project_body(include=False))
    assert [item["id"] for item in body["content"]] == [YEAR]


def test_configuration_package_sample_body(api):
    package_id = api.create_package(project=None)
    assert api.define(package_id, CONFIGURATION_BODY, project=None).status_code == 202
    body = api.wait_package(package_id, project=None)
    assert body["status"] == "READY"
    names = {item["name"]: item for item in body["content"]}
    assert names["Administrator"]["explicitIncluded"] is True
    assert names["System Administrators"]["explicitIncluded"] is False
    assert {item["level"] for item in body["content"]} == {"configuration_object"}
    assert body["settings"]["updateSchema"] is None


def test_project_security_package_sample_body(api):
    _unused, body = ready_package(api, PROJECT_SECURITY_BODY)
    assert body["status"] == "READY"
    assert [item["id"] for item in body["content"]] == [ADMINISTRATOR]
    assert body["settings"]["aclOnReplacingObjects"] is None


@pytest.mark.parametrize("project, body, code", [
    (TUTORIAL, CONFIGURATION_BODY, "ERR006"),          # configuration package with a project header
    (None, project_body(), "ERR005"),                  # project package without one
    (None, PROJECT_SECURITY_BODY, "ERR005"),
])
def test_project_header_rule(api, project, body, code):
    package_id = api.create_package(project=project)
    assert_vendor_error(api.define(package_id, body, project=project), 400, code)


def _mutated(body, **settings):
    out = copy.deepcopy(body)
    out["settings"].update(settings)
    return out


@pytest.mark.parametrize("body, project, fragment", [
    (_mutated(CONFIGURATION_BODY, updateSchema=["recal_table_logical_size"]), None, "updateSchema"),
    (_mutated(PROJECT_SECURITY_BODY, updateSchema=["recal_table_logical_size"]), TUTORIAL, "updateSchema"),
    (_mutated(PROJECT_SECURITY_BODY, aclOnReplacingObjects="replace"), TUTORIAL, "aclOnReplacingObjects"),
    (_mutated(project_body(), defaultAction="overwrite"), TUTORIAL, "defaultAction"),
    (_mutated(project_body(), aclOnNewObjects=["copy"]), TUTORIAL, "aclOnNewObjects"),
    (dict(project_body(), type="everything"), TUTORIAL, "package type"),
    (dict(project_body(), content=[]), TUTORIAL, "content"),
    (project_body(object_id="8D679D51"), TUTORIAL, "not a valid object id"),
    (project_body(action="merge"), TUTORIAL, "action"),
])
def test_definition_rules_answer_400(api, body, project, fragment):
    package_id = api.create_package(project=project)
    response = api.define(package_id, body, project=project)
    assert_vendor_error(response, 400, "ERR006")
    assert fragment in response.json()["message"]
    assert api.call("GET", "/api/packages/" + package_id, project=project if body.get("type") != "configuration"
                    else None).json()["status"] == "EMPTY"


def test_malformed_json_definition(api):
    package_id = api.create_package()
    response = api.call("PUT", "/api/packages/" + package_id, project=TUTORIAL, prefer_async=True,
                        data=b'{"type": "project",', headers={"Content-Type": "application/json"})
    assert_vendor_error(response, 400, "ERR006")


def test_definition_needs_prefer_respond_async(api):
    package_id = api.create_package()
    response = api.call("PUT", "/api/packages/" + package_id, project=TUTORIAL, json=project_body())
    assert_vendor_error(response, 400, "ERR005")
    assert "respond-async" in response.json()["message"]


def test_definition_only_while_empty(api):
    package_id, _unused = ready_package(api)
    response = api.define(package_id, project_body(include=False))
    assert_vendor_error(response, 400, "ERR006")
    assert "EMPTY" in response.json()["message"]


@pytest.mark.parametrize("body, project, fragment", [
    (project_body(object_id="0123456789ABCDEF0123456789ABCDEF"), TUTORIAL, "was not found"),
    (project_body(), DEMO, "was not found"),
    (project_body(object_id=ADMINISTRATOR, object_type=34), TUTORIAL, "configuration object"),
    (project_body(object_type=4), TUTORIAL, "is of type 12"),
    (dict(CONFIGURATION_BODY, content=[{"id": YEAR, "type": 12, "action": "replace"}]), None, "project object"),
    (dict(PROJECT_SECURITY_BODY, content=[{"id": "73F7482111D3596C60001B8F67019608", "type": 44}]),
     TUTORIAL, "Only users and user groups"),
])
def test_object_rules_end_in_a_failed_status_with_a_message(api, body, project, fragment):
    package_id = api.create_package(project=project)
    assert api.define(package_id, body, project=project).status_code == 202
    result = api.wait_package(package_id, project=project)
    assert "fail" in result["status"].lower()
    assert fragment in result["message"]
    assert result["content"] == []
    assert_vendor_error(api.download(package_id, project=project), 400, "ERR006")


def test_lower_case_status_emulator(start_emulator):
    server = start_emulator("--status-case", "lower", "--processing-seconds", "0.1")
    api = Api(server.base_url)
    api.login()
    package_id = api.create_package()
    assert api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).json()["status"] == "empty"
    assert api.define(package_id, project_body()).json()["status"] == "processing"
    assert api.wait_package(package_id)["status"] == "ready"
    assert api.delete_package(package_id).json()["status"] == "deleting"


def test_object_details_of_a_package(api):
    package_id, _unused = ready_package(api)
    response = api.call("GET", "/api/packages/%s/objects" % package_id, project=TUTORIAL, params={"id": YEAR})
    assert response.status_code == 200
    body = response.json()
    year = body["objects"][0]
    assert year["definition"]["information"]["name"] == "Year"
    assert year["definition"]["attributeLookupTable"] == {"objectId": LU_YEAR}
    assert set(body["versions"]) == {"webVersion", "modelingVersion", "iServerVersion"}
    missing = api.call("GET", "/api/packages/%s/objects" % package_id, project=TUTORIAL,
                       params={"id": "7FD5B69611D5AC76C000D98A4CC5F24F"})
    assert_vendor_error(missing, 404, "ERR004")


def test_binary_download_has_length_and_is_stable(api, emu):
    package_id, _unused = ready_package(api)
    first = api.download(package_id)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/octet-stream"
    assert int(first.headers["Content-Length"]) == len(first.content)
    assert first.content[:8] == bytes.fromhex("0180befe7f063772")
    second = api.download(package_id)
    assert second.content == first.content
    state = emu.state(checksums="true")
    assert state["packages"][0]["sha256"] == hashlib.sha256(first.content).hexdigest()


def test_each_export_makes_a_new_binary(api):
    package_id, _unused = ready_package(api)
    first = api.download(package_id).content
    api.delete_package(package_id)
    package_id, _unused = ready_package(api)
    second = api.download(package_id).content
    assert first != second  # a real server stamps ids and times into every package


def test_delete_answers_deleting_then_404(emu, api):
    package_id, _unused = ready_package(api)
    response = api.call("DELETE", "/api/packages/" + package_id, project=TUTORIAL, prefer_async=True)
    assert response.status_code == 202
    assert response.json() == {"id": package_id, "status": "DELETING"}
    assert_vendor_error(api.call("GET", "/api/packages/" + package_id, project=TUTORIAL), 404, "ERR004")
    assert_vendor_error(api.delete_package(package_id), 404, "ERR004")
    assert emu.state()["packages"] == []
    api.create_package()  # the session may hold a new one


def test_packages_are_private_to_their_session(emu, api):
    package_id, _unused = ready_package(api)
    other = Api(emu.base_url)
    other.login()
    assert_vendor_error(other.call("GET", "/api/packages/" + package_id, project=TUTORIAL), 404, "ERR004")
    assert_vendor_error(other.delete_package(package_id), 404, "ERR004")


def upload(api, package_id, data: bytes, project=DEMO):
    return api.call("PUT", "/api/packages/%s/binary" % package_id, project=project,
                    files={"file": ("package.mmp", data, "application/octet-stream")})


def test_upload_restores_the_definition(emu, api):
    package_id, exported = ready_package(api)
    binary = api.download(package_id).content
    target = Api(emu.base_url)
    target.login()
    holder = target.create_package(DEMO)
    response = upload(target, holder, binary)
    assert response.status_code == 200
    assert response.json() == {"id": holder, "status": "READY"}
    body = target.call("GET", "/api/packages/" + holder, project=DEMO, params={"showContent": "true"}).json()
    assert body["settings"] == exported["settings"]
    assert [item["id"] for item in body["content"]] == [YEAR, LU_YEAR]
    # The vendor's "view uploaded package" sample lists objects without these two flags.
    assert "explicitIncluded" not in body["content"][0]
    assert target.download(holder, project=DEMO).content == binary


def test_upload_of_a_truncated_binary_is_refused(emu, api):
    package_id, _unused = ready_package(api)
    binary = api.download(package_id).content
    api.delete_package(package_id)
    holder = api.create_package(DEMO)
    response = upload(api, holder, binary[:-10])
    assert_vendor_error(response, 400, "ERR006")
    assert "truncated" in response.json()["message"]
    assert api.call("GET", "/api/packages/" + holder, project=DEMO).json()["status"] == "EMPTY"


@pytest.mark.parametrize("data", [b"<html><body>Login</body></html>", b"x", b"\x01\x80\xbe\xfe\x7f\x06\x37"])
def test_upload_of_a_file_that_is_not_a_package_is_refused(emu, api, data):
    holder = api.create_package(DEMO)
    response = upload(api, holder, data)
    assert_vendor_error(response, 400, "ERR006")
    assert "not a package" in response.json()["message"]
    assert api.call("GET", "/api/packages/" + holder, project=DEMO).json()["status"] == "EMPTY"
    assert [item["status"] for item in emu.state()["packages"]] == ["EMPTY"]


def test_upload_needs_multipart_field_file(api):
    holder = api.create_package(DEMO)
    raw = api.call("PUT", "/api/packages/%s/binary" % holder, project=DEMO, data=b"abc",
                   headers={"Content-Type": "application/octet-stream"})
    assert_vendor_error(raw, 400, "ERR006")
    wrong = api.call("PUT", "/api/packages/%s/binary" % holder, project=DEMO, files={"other": ("x", b"abc")})
    assert_vendor_error(wrong, 400, "ERR006")


def test_chunked_streaming_upload(emu, api):
    package_id, _unused = ready_package(api)
    binary = api.download(package_id).content
    api.delete_package(package_id)
    holder = api.create_package(DEMO)
    boundary = "x-emulator-boundary"
    head = ('--%s\r\nContent-Disposition: form-data; name="file"; filename="p.mmp"\r\n'
            'Content-Type: application/octet-stream\r\n\r\n' % boundary).encode()
    tail = ("\r\n--%s--\r\n" % boundary).encode()

    def chunks():  # a generator body makes requests send Transfer-Encoding: chunked
        yield head
        for start in range(0, len(binary), 7):
            yield binary[start:start + 7]
        yield tail

    response = api.call("PUT", "/api/packages/%s/binary" % holder, project=DEMO, data=chunks(),
                        headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    assert response.status_code == 200, response.text
    assert api.download(holder, project=DEMO).content == binary


@pytest.mark.parametrize("name", ["vendor-sample-package.mmp", "vendor-sample-undo-package.mmp"])
def test_vendor_files_start_with_the_bytes_every_package_starts_with(name):
    fixture = shared_dir() / "fixtures" / name
    if not fixture.exists():
        pytest.skip("vendor fixture not available at %s" % fixture)
    assert fixture.read_bytes()[:8] == VENDOR_MAGIC


def test_vendor_made_binary_is_accepted_without_listable_content(emu, api):
    fixture = shared_dir() / "fixtures" / "vendor-sample-package.mmp"
    if not fixture.exists():
        pytest.skip("vendor fixture not available at %s" % fixture)
    data = fixture.read_bytes()
    holder = api.create_package(DEMO)
    response = upload(api, holder, data)
    assert response.json()["status"] == "READY"
    body = api.call("GET", "/api/packages/" + holder, project=DEMO, params={"showContent": "true"}).json()
    assert body["status"] == "READY" and body["content"] == []
    downloaded = api.download(holder, project=DEMO).content
    assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(data).hexdigest()


def test_keep_alive_connection_survives_error_responses(api):
    # One requests.Session reuses its connection; a 4xx must not desynchronise it.
    for _attempt in range(3):
        assert api.call("PUT", "/api/packages/nope", project=TUTORIAL, prefer_async=True,
                        json=project_body()).status_code == 404
        assert api.call("GET", "/api/sessions").status_code == 200
    assert isinstance(api.http, requests.Session)
