# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The import plan checked against what the server's import then does.

For every import action and every state the target can be in, a package of one object is exported from an
emulator's Tutorial project, the target is put in that state (Demo Project has no such object; in Tutorial its
copy is given the version and modification date the state says, after the export) and the package is imported
there. Before the import, the plan is computed from the package's object and the target's object as the server
returns them; after it, the target is read back and what happened to the object is named in the plan's words.
The two must be the same.

One emulator plays source and target: ansible-test runs each unit test in a process of its own, so every test
starts its emulator anew.
"""

from __future__ import annotations

import time

import pytest
import requests

from ansible_collections.mstr.migration.plugins.module_utils import plan
from ansible_collections.mstr.migration.tests.emulator.process import EmulatorProcess
from ansible_collections.mstr.migration.tests.emulator.packaging import ACTIONS as SERVER_ACTIONS

PASSWORD = "mstr-emulator"
TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"  # seeded with the dashboard on both servers
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"  # seeded without it
DASHBOARD = "D43364C684E34F2FA7A2E5E6A1E5C9B1"  # Sales Dashboard: nothing uses it, so it can be deleted
DASHBOARD_TYPE = 55
PACKAGE_NAME = "Sales Dashboard"
TARGET_NAME = "Target Dashboard"  # the target's copy is renamed, so that a replacement shows even at one version
OTHER_VERSION = "0123456789ABCDEF0123456789ABCDEF"
OLDER, NEWER = "2019-01-01T00:00:00.000+0000", "2023-01-01T00:00:00.000+0000"  # the package's: 2021-03-04

ACTIONS = ("use_existing", "replace", "keep_both", "use_newer", "use_older", "force_replace", "delete")
# What the target has before the import: nothing; the package's version; another version modified at the same
# time as the package's, before it, after it.
STATES = ("absent", "same version", "other version", "target older", "target newer")
TIMEOUT = 30


class Server:
    """An emulator process and a logged-in session on it (the vendor's headers on every call)."""

    def __init__(self):
        self.process = EmulatorProcess("--processing-seconds", "0.02")
        self.http = requests.Session()
        self.token = None

    def login(self):
        self.http.cookies.clear()
        response = self.http.post(self.process.base_url + "/api/auth/login", timeout=TIMEOUT,
                                  json={"username": "administrator", "password": PASSWORD, "loginMode": 1})
        assert response.status_code == 204, response.text
        self.token = response.headers["X-MSTR-AuthToken"]

    def call(self, method: str, path: str, project: str, expect=(200,), prefer_async=False, **kwargs):
        headers = {"X-MSTR-AuthToken": self.token, "X-MSTR-ProjectID": project}
        if prefer_async:
            headers["Prefer"] = "respond-async"
        headers.update(kwargs.pop("headers", {}))
        response = self.http.request(method, self.process.base_url + path, headers=headers, timeout=TIMEOUT,
                                     **kwargs)
        assert response.status_code in expect, (method, path, response.status_code, response.text)
        return response

    def wait(self, path: str, project: str, params=None) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            body = self.call("GET", path, project, params=params).json()
            if body["status"].upper() != "PROCESSING":
                return body
            assert time.monotonic() < deadline, body
            time.sleep(0.02)

    def target_object(self, project: str):
        """The object as the server answers GET /api/objects/{id}?type=, or None when it is not there."""
        response = self.call("GET", "/api/objects/" + DASHBOARD, project, expect=(200, 404),
                             params={"type": DASHBOARD_TYPE})
        return response.json() if response.status_code == 200 else None


@pytest.fixture(scope="module")
def server():
    emulator = Server()
    yield emulator
    emulator.process.stop()


def export(source: Server, action: str) -> bytes:
    """The dashboard's package for an action, from Tutorial."""
    holder = source.call("POST", "/api/packages", TUTORIAL, expect=(201,)).json()["id"]
    body = {"type": "project",
            "settings": {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                         "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
            "content": [{"id": DASHBOARD, "type": DASHBOARD_TYPE, "action": action, "includeDependents": False}]}
    source.call("PUT", "/api/packages/" + holder, TUTORIAL, expect=(202,), prefer_async=True, json=body)
    status = source.wait("/api/packages/" + holder, TUTORIAL, params={"showContent": "true"})
    assert status["status"].upper() == "READY", status
    binary = source.call("GET", "/api/packages/%s/binary" % holder, TUTORIAL,
                         headers={"Accept": "application/octet-stream"}).content
    source.call("DELETE", "/api/packages/" + holder, TUTORIAL, expect=(202,), prefer_async=True)
    return binary


def prepare(server: Server, state: str) -> str:
    """Put the target in ``state``; returns the project to import into."""
    if state == "absent":
        return DEMO
    changes = {"name": TARGET_NAME}
    if state != "same version":
        changes["version"] = OTHER_VERSION
        changes["dateModified"] = {"target older": OLDER, "target newer": NEWER}.get(state)
        if changes["dateModified"] is None:  # other version, modified at the same time as the package's
            changes.pop("dateModified")
    server.process.patch_object(TUTORIAL, DASHBOARD, **changes)
    return TUTORIAL


def observed(before: dict, after: dict, package_object: dict) -> str:
    """What the import did to the object, in the plan's words; every other object must be as it was."""
    mine, theirs = before.get(DASHBOARD), after.get(DASHBOARD)
    new = [after[key] for key in after if key not in before]
    others_before = {key: value for key, value in before.items() if key != DASHBOARD}
    others_after = {key: value for key, value in after.items() if key != DASHBOARD and key in before}
    assert others_after == others_before, "the import changed objects outside the package"

    def is_package_copy(record):
        return (record["version"] == package_object["version"] and record["type"] == DASHBOARD_TYPE
                and record["name"].startswith(package_object["name"]))

    if mine is None and theirs is not None and not new[1:] and is_package_copy(theirs):
        return plan.CREATE
    if mine is not None and theirs is None and not new:
        return plan.DELETE
    if mine is not None and theirs == mine and len(new) == 1 and is_package_copy(new[0]):
        return plan.DUPLICATE
    if mine is not None and theirs != mine and not new and is_package_copy(theirs) \
            and theirs["name"] == package_object["name"]:
        return plan.REPLACE
    if theirs == mine and not new:
        return plan.NONE
    return "something else: before %r, after %r, new %r" % (mine, theirs, new)


def test_every_action_the_server_knows_is_checked():
    assert sorted(ACTIONS) == sorted(SERVER_ACTIONS)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_plan_predicts_what_the_import_does(server, action, state):
    server.process.reset()
    server.login()
    binary = export(server, action)
    target = server
    project = prepare(target, state)

    holder = target.call("POST", "/api/packages", project, expect=(201,)).json()["id"]
    target.call("PUT", "/api/packages/%s/binary" % holder, project,
                files={"file": ("package.mmp", binary, "application/octet-stream")})
    content = target.call("GET", "/api/packages/" + holder, project, params={"showContent": "true"}).json()["content"]
    assert [(item["id"], item["action"]) for item in content] == [(DASHBOARD, action)]
    package_object = content[0]
    target_object = target.target_object(project)
    assert (target_object is None) == (state == "absent")

    predicted = plan.build_plan(content, [target_object])
    assert [entry["outcome"] for entry in predicted] == [plan.outcome(action, package_object, target_object)[0]]
    assert predicted[0]["outcome"] != plan.UNKNOWN, predicted

    before = target.process.objects()[project]
    started = target.call("POST", "/api/packages/imports", project, expect=(202,), prefer_async=True,
                          params={"packageId": holder, "generateUndo": "true"}).json()
    done = target.wait("/api/packages/imports/" + started["id"], project)
    assert done["status"].upper() == "IMPORTED", done
    after = target.process.objects()[project]

    assert observed(before, after, package_object) == predicted[0]["outcome"], (action, state, predicted[0])
    # What the collection reads back after an import agrees with the server's own view.
    read_back = target.target_object(project)
    if predicted[0]["outcome"] in (plan.CREATE, plan.REPLACE):
        assert read_back["version"] == package_object["version"]
    elif predicted[0]["outcome"] == plan.DELETE:
        assert read_back is None
    else:
        assert read_back == target_object
