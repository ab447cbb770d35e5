# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""GET /api/users/{id}/privileges, as manage-server-level-privileges.md shows it."""

from __future__ import annotations

import pytest

from conftest import ADMINISTRATOR, DEMO, TUTORIAL, Api

JSON = {"Accept": "application/json"}
PACKAGER = "7C3A2E4D5F6B48C9D0E1F2A3B4C5D6E7"
EXPORTER = "5A1E0C2B3D4F46A7B8C9D0E1F2A3B4C5"


def privileges(api, user=ADMINISTRATOR, headers=None, **params):
    return api.call("GET", "/api/users/%s/privileges" % user, headers=JSON if headers is None else headers,
                    params=params)


def names(response) -> list:
    return [entry["privilege"]["name"] for entry in response.json()["privileges"]]


def test_the_pages_request_answers_as_the_page_shows(api):
    # The page's curl: privilege.level=server, Accept and the token.
    response = privileges(api, **{"privilege.level": "server"})
    assert response.status_code == 200, response.text
    assert response.json() == {"privileges": [{
        "privilege": {"id": "32", "name": "Use User Manager", "level": "server",
                      "description": "Use User Manager: read and change users, groups and their privileges."},
        "sources": [{"direct": False, "group": {"name": "System Administrators",
                                                "id": "E96685CD4E60068559F7DFAC7C2AA851"}}]}]}


@pytest.mark.parametrize("params, expected", [
    ({}, ["Create Package", "Import Package", "Use User Manager"]),
    ({"privilege.level": "project"}, ["Create Package", "Import Package"]),
    ({"privilegeLevel": "project"}, ["Create Package", "Import Package"]),  # the page's text spells it so
    ({"projectId": DEMO}, ["Create Package", "Import Package", "Use User Manager"]),
    ({"projectID": TUTORIAL.lower()}, ["Create Package", "Import Package", "Use User Manager"]),
])
def test_levels_and_projects_filter(api, params, expected):
    response = privileges(api, **params)
    assert response.status_code == 200, response.text
    assert names(response) == expected


def test_another_users_privileges_are_read_with_use_user_manager(api):
    response = privileges(api, EXPORTER)
    assert names(response) == ["Create Package", "Use User Manager"]
    assert response.json()["privileges"][0]["sources"] == [{"direct": True}]


def test_without_use_user_manager_the_read_is_refused_with_err0014(emu):
    packager = Api(emu.base_url)
    assert packager.login("packager").status_code == 204
    for user in (PACKAGER, ADMINISTRATOR):  # not even its own
        response = privileges(packager, user)
        assert response.status_code == 403
        assert response.json()["code"] == "ERR0014"
        assert "Use User Manager" in response.json()["message"]


@pytest.mark.parametrize("headers, params, status, code, fragment", [
    ({"Accept": "text/html"}, {}, 400, "ERR005", "Accept: application/json"),
    (dict(JSON, **{"X-MSTR-ProjectID": TUTORIAL}), {}, 400, "ERR006", "must be absent"),
    (JSON, {"privilege.level": "everything"}, 400, "ERR006", "server or project"),
    (JSON, {"projectId": "0123456789ABCDEF0123456789ABCDEF"}, 400, "ERR006", "does not exist"),
])
def test_what_the_page_does_not_send_is_refused(api, headers, params, status, code, fragment):
    response = privileges(api, headers=headers, **params)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert fragment in response.json()["message"]


def test_an_unknown_user_is_404(api):
    response = privileges(api, "0123456789ABCDEF0123456789ABCDEF")
    assert response.status_code == 404
    assert response.json()["code"] == "ERR004"


def test_it_needs_a_session(emu):
    response = privileges(Api(emu.base_url))
    assert response.status_code == 401
