# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Imports really change the target's metadata, and undo packages restore it."""

from __future__ import annotations

import hashlib
import time

import pytest

from conftest import (ADMINISTRATOR, CONFIGURATION_BODY, DEMO, LU_YEAR, PROJECT_SECURITY_BODY, TUTORIAL, YEAR, Api,
                      project_body)
from test_auth import assert_vendor_error
from test_packages import ready_package, upload


def export(api, body=None, project=TUTORIAL) -> bytes:
    package_id, result = ready_package(api, body, project=project)
    assert result["status"] == "READY", result
    binary = api.download(package_id, project=project).content
    assert api.delete_package(package_id, project=project).status_code == 202
    return binary


def run_import(api, binary, project=DEMO, generate_undo="true") -> tuple:
    """Holder, upload, import, wait; returns (holder id, final import status)."""
    holder = api.create_package(project)
    assert upload(api, holder, binary, project=project).status_code == 200
    response = api.start_import(holder, project=project, generate_undo=generate_undo)
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "PROCESSING" and started["progress"] == 0.0
    assert started["undoPackageCreated"] is False
    return holder, api.wait_import(started["id"], project=project)


def close(api, holder, import_id, project=DEMO):
    assert api.delete_import(import_id, project=project).status_code == 202
    assert api.delete_package(holder, project=project).status_code == 202


def undo_url(import_id: str) -> str:
    return "/api/packages/imports/%s/undoPackage/binary" % import_id


def test_import_creates_objects_and_undo_removes_them(emu, api):
    binary = export(api)
    assert YEAR not in emu.objects()[DEMO]
    holder, result = run_import(api, binary)
    assert result["status"] == "IMPORTED" and result["progress"] == 100.0
    assert result["undoPackageCreated"] is True
    demo = emu.objects()[DEMO]
    assert demo[YEAR]["version"] == "2215B50211EB7C9D8F150080EF651EEA"
    assert LU_YEAR in demo
    undo = api.call("GET", undo_url(result["id"]), project=DEMO)
    assert undo.status_code == 200 and undo.content[:8] == bytes.fromhex("0180befe7f063772")
    close(api, holder, result["id"])
    assert emu.state()["imports"] == [] and emu.state()["packages"] == []

    _unused, undone = run_import(api, undo.content, generate_undo="false")
    assert undone["status"] == "IMPORTED" and undone["undoPackageCreated"] is False
    demo = emu.objects()[DEMO]
    assert YEAR not in demo and LU_YEAR not in demo


def test_complete_undo_downloads_are_recorded_when_asked(start_emulator):
    server = start_emulator("--processing-seconds", "0.05", "--record-downloads")
    api = Api(server.base_url)
    api.login()
    binary = export(api)
    _unused, result = run_import(api, binary)
    undo = api.call("GET", undo_url(result["id"]), project=DEMO).content
    recorded = server.state()["downloads"]
    assert [d["packageId"] for d in recorded][-1] == "undo:" + result["id"]
    assert recorded[-1]["sha256"] == hashlib.sha256(undo).hexdigest() and recorded[-1]["size"] == len(undo)


def test_replace_updates_a_changed_object_and_undo_restores_it(emu, api):
    original = emu.objects()[DEMO]
    binary = export(api)
    _unused, first = run_import(api, binary)
    api.call("POST", "/api/auth/logout")
    api.login()
    assert first["status"] == "IMPORTED"
    changed = emu.patch_object(TUTORIAL, YEAR, bumpVersion=True, name="Calendar Year")
    new_binary = export(api)
    holder, second = run_import(api, new_binary)
    demo = emu.objects()[DEMO]
    assert demo[YEAR]["version"] == changed["version"] and demo[YEAR]["name"] == "Calendar Year"
    undo = api.call("GET", undo_url(second["id"]), project=DEMO).content
    close(api, holder, second["id"])
    run_import(api, undo, generate_undo="False")
    demo = emu.objects()[DEMO]
    assert demo[YEAR]["version"] == "2215B50211EB7C9D8F150080EF651EEA" and demo[YEAR]["name"] == "Year"
    assert set(demo) == set(original) | {YEAR, LU_YEAR}


def test_use_existing_keeps_the_target_object(emu, api):
    binary = export(api)
    run_import(api, binary)
    api.call("POST", "/api/auth/logout")
    api.login()
    emu.patch_object(DEMO, YEAR, name="Target Year")
    _unused, result = run_import(api, export(api, project_body(action="use_existing", include=False)))
    assert result["status"] == "IMPORTED"
    assert emu.objects()[DEMO][YEAR]["name"] == "Target Year"


def test_keep_both_creates_a_copy_and_no_undo_package(emu, api):
    run_import(api, export(api))
    api.call("POST", "/api/auth/logout")
    api.login()
    emu.patch_object(TUTORIAL, YEAR, bumpVersion=True)
    _unused, result = run_import(api, export(api, project_body(action="keep_both", include=False)))
    assert result["status"] == "IMPORTED" and result["undoPackageCreated"] is False
    names = sorted(o["name"] for o in emu.objects()[DEMO].values() if o["type"] == 12)
    assert names == ["Year", "Year (1)"]
    assert_vendor_error(api.call("GET", undo_url(result["id"]), project=DEMO), 404, "ERR004")


def test_delete_of_an_object_others_use_fails_and_changes_nothing(emu, api):
    before = emu.objects()[TUTORIAL]
    binary = export(api, project_body(object_id=LU_YEAR, object_type=15, include=False, action="delete"))
    _unused, result = run_import(api, binary, project=TUTORIAL)
    assert "fail" in result["status"].lower()
    assert "used by 'Year'" in result["message"]
    assert result["subErrors"] == [{"iServerCode": -2147217373,
                                    "message": "The object has used-by dependencies: 'Year' (%s)." % YEAR,
                                    "additionalProperties": {"objectId": LU_YEAR, "objectName": "LU_YEAR"}}]
    assert emu.objects()[TUTORIAL] == before


def test_delete_action_removes_an_unused_object(emu, api):
    report = "D95D20B646A4B1B5D8A3CBAF1A7C0B6E"
    emu.patch_object(TUTORIAL, "D43364C684E34F2FA7A2E5E6A1E5C9B1", dependsOn=[])
    binary = export(api, project_body(object_id=report, object_type=3, include=False, action="delete"))
    _unused, result = run_import(api, binary, project=TUTORIAL)
    assert result["status"] == "IMPORTED"
    assert report not in emu.objects()[TUTORIAL]


def test_configuration_package_import(emu, start_emulator):
    target = start_emulator("--processing-seconds", "0.1")
    source = Api(emu.base_url)
    source.login()
    emu.patch_object("configuration", ADMINISTRATOR, bumpVersion=True, fullName="Admin (source)")
    binary = export(source, CONFIGURATION_BODY, project=None)
    api = Api(target.base_url)
    api.login()
    _unused, result = run_import(api, binary, project=None)
    assert result["status"] == "IMPORTED"
    admin = target.objects()["configuration"][ADMINISTRATOR]
    assert admin["fullName"] == "Admin (source)"


def test_configuration_import_refuses_a_project_header(emu, api):
    binary = export(api, CONFIGURATION_BODY, project=None)
    holder = api.create_package(DEMO)
    assert_vendor_error(upload(api, holder, binary, project=DEMO), 400, "ERR006")


def test_project_security_import_copies_links_into_the_target_project(emu, api):
    assert emu.objects()["security:" + DEMO] == {}
    _unused, result = run_import(api, export(api, PROJECT_SECURITY_BODY))
    assert result["status"] == "IMPORTED"
    links = emu.objects()["security:" + DEMO][ADMINISTRATOR]
    assert links["securityRoles"] == ["73F7482111D3596C60001B8F67019608"]


@pytest.mark.parametrize("flag, expected", [("true", True), ("True", True), ("false", False), ("False", False)])
def test_generate_undo_accepts_json_and_python_booleans(api, flag, expected):
    _unused, result = run_import(api, export(api), generate_undo=flag)
    assert result["undoPackageCreated"] is expected


def test_generate_undo_rejects_other_words(api):
    binary = export(api)
    holder = api.create_package(DEMO)
    assert upload(api, holder, binary).status_code == 200
    response = api.start_import(holder, generate_undo="yes")
    assert_vendor_error(response, 400, "ERR006")
    assert "generateUndo" in response.json()["message"]


def test_import_of_a_package_that_is_not_ready(api):
    holder = api.create_package(TUTORIAL)
    response = api.start_import(holder, project=TUTORIAL)
    assert_vendor_error(response, 400, "ERR006")
    assert "not ready" in response.json()["message"]


def test_import_needs_prefer_package_id_and_generate_undo(api):
    both = {"packageId": "x", "generateUndo": "true"}
    assert_vendor_error(api.call("POST", "/api/packages/imports", project=DEMO, params=both), 400, "ERR005")
    assert_vendor_error(api.call("POST", "/api/packages/imports", project=DEMO, prefer_async=True), 400, "ERR005")
    response = api.call("POST", "/api/packages/imports", project=DEMO, prefer_async=True, params={"packageId": "x"})
    assert_vendor_error(response, 400, "ERR005")
    assert "generateUndo" in response.json()["message"]


def test_progress_grows_while_processing(start_emulator):
    server = start_emulator("--processing-seconds", "0.8")
    api = Api(server.base_url)
    api.login()
    binary = export(api)
    holder = api.create_package(DEMO)
    upload(api, holder, binary)
    started = api.start_import(holder).json()
    time.sleep(0.4)
    middle = api.call("GET", "/api/packages/imports/" + started["id"], project=DEMO).json()
    assert middle["status"] == "PROCESSING" and 20.0 < middle["progress"] < 90.0
    assert api.wait_import(started["id"])["status"] == "IMPORTED"


def test_session_end_releases_imports(emu, api):
    holder, result = run_import(api, export(api))
    assert len(emu.state()["imports"]) == 1
    api.call("POST", "/api/auth/logout")
    assert emu.state()["imports"] == [] and emu.state()["packages"] == []
