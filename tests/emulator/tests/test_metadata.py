"""Projects, objects and the search a client uses to resolve names to ids."""

from __future__ import annotations

from conftest import ADMINISTRATOR, DEMO, TUTORIAL, YEAR


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


def test_object_lookup_misses_answer_404(api):
    assert api.call("GET", "/api/objects/" + YEAR, project=TUTORIAL, params={"type": 4}).status_code == 404
    assert api.call("GET", "/api/objects/" + YEAR, project=DEMO, params={"type": 12}).status_code == 404
    assert api.call("GET", "/api/objects/" + YEAR, params={"type": 12}).status_code == 404


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
