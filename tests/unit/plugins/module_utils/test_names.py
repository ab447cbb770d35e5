# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Projects and objects by name, against an emulator: exact first, then case-insensitive, else close names."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import names as pkg
from ansible_collections.mstr.migration.plugins.module_utils import objects
from ansible_collections.mstr.migration.plugins.module_utils.names import project_id_by_name
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import DEMO, TUTORIAL, YEAR, logged_in

REPORT = "D95D20B646A4B1B5D8A3CBAF1A7C0B6E"  # "Revenue by Year"


@pytest.mark.parametrize("name", ["Demo Project", "demo project", "DEMO PROJECT"])
def test_a_project_by_its_name_in_any_case(emulator, name):
    assert project_id_by_name(logged_in(emulator), name) == DEMO


def test_an_unknown_project_gets_close_names_and_the_visible_ones(emulator):
    with pytest.raises(ValidationError) as caught:
        project_id_by_name(logged_in(emulator), "Demo Projet")
    assert caught.value.option == "project"
    assert "no project named 'Demo Projet' is visible to this user; close names: 'Demo Project'" in caught.value.message
    assert "the user sees 'Demo Project', 'MicroStrategy Tutorial'" in caught.value.message


@pytest.mark.parametrize("name", ["Year", "year", "YEAR"])
def test_an_object_by_its_name_exactly_or_in_another_case(emulator, name):
    api = PackageApi(logged_in(emulator), TUTORIAL, "project")
    assert pkg.find_by_name(api, name, 12, "content[0].name") == YEAR


def test_the_exact_name_wins_over_one_in_another_case(emulator):
    emulator.patch_object(TUTORIAL, REPORT, name="revenue")
    other = "D43364C684E34F2FA7A2E5E6A1E5C9B1"  # a dashboard, made a second report for the test
    emulator.patch_object(TUTORIAL, other, name="Revenue", type=3)
    api = PackageApi(logged_in(emulator), TUTORIAL, "project")
    assert pkg.find_by_name(api, "Revenue", 3, "content[0].name") == other
    assert pkg.find_by_name(api, "revenue", 3, "content[0].name") == REPORT


def test_an_ambiguous_name_lists_the_candidates_with_their_type_name(emulator):
    other = "D43364C684E34F2FA7A2E5E6A1E5C9B1"  # a dashboard, made a second report for the test
    emulator.patch_object(TUTORIAL, other, name="Revenue by Year", type=3)
    api = PackageApi(logged_in(emulator), TUTORIAL, "project")
    with pytest.raises(MstrError) as caught:
        pkg.find_by_name(api, "Revenue by Year", 3, "content[1].name")
    message = caught.value.message
    assert message.startswith("content[1].name: 2 objects of type report are named 'Revenue by Year': ")
    assert "Revenue by Year (%s)" % REPORT in message and "Revenue by Year (%s)" % other in message


def test_a_typo_gets_close_names_of_that_type(emulator):
    api = PackageApi(logged_in(emulator), TUTORIAL, "project")
    with pytest.raises(MstrError) as caught:
        pkg.find_by_name(api, "Yaer", 12, "content[0].name")
    assert caught.value.message == "content[0].name: no attribute named 'Yaer' was found; close names: 'Year'"
    with pytest.raises(MstrError) as caught:
        pkg.find_by_name(api, "Quarter", 12, "content[0].name")
    assert "no attribute named 'Quarter' was found; check the name and the type" in caught.value.message


def test_the_same_object_by_name_and_by_id_is_refused(emulator):
    api = PackageApi(logged_in(emulator), TUTORIAL, "project")
    body = definition.validate_definition("project", None, [{"name": "Year", "type": "attribute", "action": "replace"},
                                                            {"id": YEAR, "type": 12, "action": "force_replace"}], TUTORIAL)
    with pytest.raises(ValidationError) as caught:
        definition.resolve_names(api, body)
    assert caught.value.message == "content: lists %s more than once (by id, or by id and by name)" % YEAR


def test_candidates_show_their_folder_when_the_server_gives_it():
    found = {"name": "Revenue", "id": "ab" * 16,
             "ancestors": [{"name": "Public Objects"}, {"name": "Metrics"}]}
    assert pkg._describe_candidate(found) == "Revenue (%s) in Public Objects/Metrics" % ("AB" * 16)


@pytest.mark.parametrize("number, name", [(12, "attribute"), (34, "user or user_group"), (77, "content_group"),
                                          (99, "type 99")])
def test_type_names_for_messages(number, name):
    assert objects.type_name(number) == name


def test_messages_name_types_not_numbers():
    with pytest.raises(ValidationError) as caught:
        definition.validate_definition("configuration", None, [{"id": YEAR, "type": 12}], None)
    assert "attribute (type 12) is a project-level object" in caught.value.message
