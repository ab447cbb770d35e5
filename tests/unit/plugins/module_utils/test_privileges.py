# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The privileges check before any work, against the emulator: a missing privilege names the user, the privilege
and the project; a user who may not read privileges gets a warning, and the check goes on."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.mstr.migration.plugins.module_utils import privileges
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import DEMO, PASSWORD, TUTORIAL

TUTORIAL_PROJECT = {"id": TUTORIAL, "name": "MicroStrategy Tutorial"}
DEMO_PROJECT = {"id": DEMO, "name": "Demo Project"}


def login(server, username: str) -> Client:
    client = Client(server.base_url, backoff=0.01)
    client.login("standard", username, PASSWORD)
    return client


def requests_of(server) -> dict:
    return requests.get(server.base_url.replace("/MicroStrategyLibrary", "") + "/__emulator__/state",
                        timeout=10).json()["requests"]["byRoute"]


@pytest.mark.parametrize("step, project", [(privileges.EXPORT, TUTORIAL_PROJECT), (privileges.IMPORT, DEMO_PROJECT),
                                           (privileges.IMPORT, None)])
def test_a_user_with_the_privileges_passes_with_one_read(emulator, step, project):
    client = login(emulator, "administrator")
    assert privileges.check_privileges(client, step, project) == []
    assert requests_of(emulator)["GET /api/users/{uid}/privileges"] == 1


@pytest.mark.parametrize("username, step, project, missing, fragments", [
    ("importer", privileges.EXPORT, TUTORIAL_PROJECT, ["Create Package"],
     ["user 'importer' lacks the privilege 'Create Package' in project 'MicroStrategy Tutorial' (%s)" % TUTORIAL,
      "which exporting a package needs"]),
    ("exporter", privileges.IMPORT, DEMO_PROJECT, ["Import Package"],
     ["user 'exporter' lacks the privilege 'Import Package' in project 'Demo Project' (%s)" % DEMO,
      "which importing a package needs", "Nothing was built or imported"]),
    ("exporter", privileges.IMPORT, None, ["Import Package"], ["in the configuration (no project)"]),
])
def test_a_missing_privilege_names_user_privilege_and_project(emulator, username, step, project, missing,
                                                              fragments):
    client = login(emulator, username)
    with pytest.raises(MstrError) as caught:
        privileges.check_privileges(client, step, project)
    for fragment in fragments:
        assert fragment in caught.value.message
    # A security role grants privileges in a project: the configuration's case does not suggest one.
    assert ("through a security role in that project" in caught.value.message) == (project is not None)
    assert caught.value.details["missing_privileges"] == missing
    assert "POST /api/packages" not in requests_of(emulator)


def test_a_user_who_may_not_read_privileges_gets_a_warning_and_goes_on(emulator):
    client = login(emulator, "packager")
    warnings = privileges.check_privileges(client, privileges.IMPORT, DEMO_PROJECT)
    assert len(warnings) == 1
    assert "the privileges of user 'packager' on %s could not be checked" % emulator.base_url in warnings[0]
    assert "Use User Manager" in warnings[0] and "HTTP 403 ERR0014" in warnings[0]
    assert "Going on" in warnings[0]


def test_an_unknown_user_is_a_warning_not_a_guess(emulator):
    client = login(emulator, "administrator")
    warnings = privileges.check_privileges(client, privileges.EXPORT, TUTORIAL_PROJECT, user={})
    assert warnings and "did not say who is logged in" in warnings[0]
    assert "GET /api/users/{uid}/privileges" not in requests_of(emulator)


def test_other_failures_of_the_read_are_errors(emulator):
    client = login(emulator, "administrator")
    with pytest.raises(ApiError) as caught:  # a project the server does not know: not a warning
        privileges.check_privileges(client, privileges.EXPORT, {"id": "0123456789ABCDEF0123456789ABCDEF"})
    assert caught.value.status == 400


def test_the_session_modules_choices_map_to_the_steps():
    assert privileges.step_needing(["create_package"]) == ("exporting a package", ("Create Package",))
    # An import starts with an empty holder: it needs Create Package too (import-a-migration-package.md).
    assert privileges.step_needing(["import_package"]) == ("importing a package", ("Create Package", "Import Package"))
    assert privileges.step_needing(["import_package", "create_package"]) == (
        "importing a package", ("Create Package", "Import Package"))
