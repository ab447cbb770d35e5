# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security roles and filters show their members per project; a project security import changes them, its undo
package restores them; each call needs what the pages send."""

from __future__ import annotations

from conftest import ADMINISTRATOR, DEMO, PROJECT_SECURITY_BODY, TUTORIAL, Api
from test_auth import assert_vendor_error
from test_imports import close, export, run_import, undo_url
from test_packages import upload

NORMAL_USERS = "73F7482111D3596C60001B8F67019608"
NEW_ROLE = "F80E38174DA4A8AF4C82D18F34A2D5E8"
YEAR_FILTER = "8018C24FEBC4406CB9E36838C01C82D1"
JSON = {"Accept": "application/json"}


def role_members(api: Api, role_id: str, project_id: str) -> list:
    response = api.call("GET", "/api/securityRoles/" + role_id, headers=JSON)
    assert response.status_code == 200, response.text
    projects = {project["id"]: project for project in response.json()["projects"]}
    return [member["id"] for member in projects[project_id]["members"]]


def filter_members(api: Api, filter_id: str, project_id: str) -> list:
    response = api.call("GET", "/api/securityFilters/%s/members" % filter_id, project=project_id, headers=JSON)
    assert response.status_code == 200, response.text
    body = response.json()
    return [member["id"] for member in body["users"] + body["userGroups"]]


def test_roles_list_and_a_role_with_its_project_members(emu, api):
    response = api.call("GET", "/api/securityRoles", headers=JSON)
    assert response.status_code == 200
    assert {role["id"]: role["name"] for role in response.json()} == {NORMAL_USERS: "Normal Users",
                                                                      NEW_ROLE: "NewSecurityRole"}
    assert role_members(api, NORMAL_USERS, TUTORIAL) == ["54F3D26011D2896560009A8E67019608",
                                                         "E96685CD4E60068559F7DFAC7C2AA851"]
    assert role_members(api, NORMAL_USERS, DEMO) == []
    assert_vendor_error(api.call("GET", "/api/securityRoles/" + "A" * 32, headers=JSON), 404, "ERR004")


def test_role_calls_need_accept_json_and_no_project_header(emu, api):
    for path in ("/api/securityRoles", "/api/securityRoles/" + NORMAL_USERS):
        assert_vendor_error(api.call("GET", path), 400, "ERR005")
        assert_vendor_error(api.call("GET", path, headers=JSON, project=TUTORIAL), 400, "ERR006")
    assert emu.state()["deviations"][-1]["route"] == "GET /api/securityRoles/{rid}"


def test_filter_members_need_the_project_header_and_accept_json(emu, api):
    path = "/api/securityFilters/%s/members" % YEAR_FILTER
    assert_vendor_error(api.call("GET", path, headers=JSON), 400, "ERR005")
    assert_vendor_error(api.call("GET", path, project=TUTORIAL), 400, "ERR005")
    assert filter_members(api, YEAR_FILTER, TUTORIAL) == []
    emu.patch_object("security:" + TUTORIAL, ADMINISTRATOR, securityFilters=[YEAR_FILTER])
    assert filter_members(api, YEAR_FILTER, TUTORIAL) == [ADMINISTRATOR]
    assert_vendor_error(api.call("GET", "/api/securityFilters/%s/members" % NEW_ROLE, project=TUTORIAL,
                                 headers=JSON), 404, "ERR004")


def test_security_import_changes_role_and_filter_members_and_undo_restores_them(emu, api):
    emu.patch_object("security:" + TUTORIAL, ADMINISTRATOR, securityRoles=[NEW_ROLE], securityFilters=[YEAR_FILTER])
    holder, result = run_import(api, export(api, PROJECT_SECURITY_BODY))
    assert result["status"] == "IMPORTED" and result["undoPackageCreated"] is True
    assert role_members(api, NEW_ROLE, DEMO) == [ADMINISTRATOR]
    assert filter_members(api, YEAR_FILTER, DEMO) == [ADMINISTRATOR]
    undo = api.call("GET", undo_url(result["id"]), project=DEMO).content
    close(api, holder, result["id"])
    holder, result = run_import(api, undo)
    assert result["status"] == "IMPORTED"
    assert role_members(api, NEW_ROLE, DEMO) == [] and filter_members(api, YEAR_FILTER, DEMO) == []
    close(api, holder, result["id"])


def test_security_import_with_the_same_links_changes_nothing(emu, api):
    binary = export(api, PROJECT_SECURITY_BODY)
    holder, result = run_import(api, binary)
    close(api, holder, result["id"])
    before = emu.objects()["security:" + DEMO][ADMINISTRATOR]
    # Another version of the same links (the source's record was touched): the links decide, not the version.
    emu.patch_object("security:" + DEMO, ADMINISTRATOR, version="0" * 32)
    holder = api.create_package(DEMO)
    assert upload(api, holder, binary, project=DEMO).status_code == 200
    started = api.start_import(holder, project=DEMO).json()
    assert api.wait_import(started["id"])["status"] == "IMPORTED"
    after = emu.objects()["security:" + DEMO][ADMINISTRATOR]
    assert after["version"] == "0" * 32 and after["securityRoles"] == before["securityRoles"]
