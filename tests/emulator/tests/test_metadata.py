# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Projects, objects and the search a client uses to resolve names to ids."""

from __future__ import annotations

import pytest

from conftest import ADMINISTRATOR, DEMO, TUTORIAL, YEAR
from test_auth import assert_vendor_error

SECURITY_ROLE = "73F7482111D3596C60001B8F67019608"


def test_projects_list_the_vendor_sample_projects(api):
    projects = {p["id"]: p["name"] for p in api.call("GET", "/api/projects").json()}
    assert projects == {TUTORIAL: "MicroStrategy Tutorial", DEMO: "Demo Project"}


def test_object_by_id_and_type(api):
    year = api.call("GET", "/api/objects/" + YEAR, project=TUTORIAL, params={"type": 12}).json()
    assert year["name"] == "Year"
    assert year["version"] == "2215B50211EB7C9D8F150080EF651EEA"
    assert year["owner"] == {"id": ADMINISTRATOR}
    admin = api.call("GET", "/api/objects/" + ADMINISTRATOR, params={"type": 34}).json()
    assert admin["name"] == "Administrator"


@pytest.mark.parametrize("object_id, object_type, project", [
    (YEAR, 4, TUTORIAL),              # another type
    (YEAR, 12, DEMO),                 # another project
    (ADMINISTRATOR, 12, TUTORIAL),    # a configuration object looked up as a project type
    (YEAR, 34, None),                 # a project object looked up as a configuration type
    (SECURITY_ROLE, 34, None),
])
def test_object_lookup_misses_answer_404(api, object_id, object_type, project):
    response = api.call("GET", "/api/objects/" + object_id, project=project, params={"type": object_type})
    assert_vendor_error(response, 404, "ERR004")


def test_object_lookup_header_rules(api):
    # A project-level type needs the project header; a configuration-level type must not have it.
    assert_vendor_error(api.call("GET", "/api/objects/" + YEAR, params={"type": 12}), 400, "ERR005")
    assert_vendor_error(api.call("GET", "/api/objects/" + ADMINISTRATOR, project=TUTORIAL, params={"type": 34}),
                        400, "ERR006")
    assert_vendor_error(api.call("GET", "/api/objects/" + SECURITY_ROLE, project=DEMO, params={"type": 44}),
                        400, "ERR006")
    assert api.call("GET", "/api/objects/" + SECURITY_ROLE, params={"type": 44}).json()["name"] == "Normal Users"
    assert_vendor_error(api.call("GET", "/api/objects/" + YEAR, project="0" * 32, params={"type": 12}), 400, "ERR006")


def test_object_lookup_needs_its_type(api):
    response = api.call("GET", "/api/objects/" + YEAR, project=TUTORIAL)
    assert_vendor_error(response, 400, "ERR005")
    assert "'type'" in response.json()["message"]
    assert_vendor_error(api.call("GET", "/api/objects/" + YEAR, project=TUTORIAL, params={"type": ""}), 400, "ERR006")


def test_search_by_name_and_type(api):
    body = api.call("GET", "/api/searches/results", project=TUTORIAL,
                    params={"name": "Revenue", "type": 4, "pattern": 2}).json()
    assert body["totalItems"] == 1
    assert body["result"][0]["id"] == "7FD5B69611D5AC76C000D98A4CC5F24F"
    both = api.call("GET", "/api/searches/results", project=TUTORIAL, params={"name": "Revenue", "pattern": 2}).json()
    assert sorted(r["type"] for r in both["result"]) == [4, 13]
    users = api.call("GET", "/api/searches/results", params={"name": "admin", "type": 34}).json()
    assert {r["name"] for r in users["result"]} == {"Administrator", "System Administrators"}


def test_search_in_unknown_project_is_an_error(api):
    response = api.call("GET", "/api/searches/results", project="0" * 32, params={"name": "Year"})
    assert response.status_code == 400
    assert response.json()["code"] == "ERR006"
