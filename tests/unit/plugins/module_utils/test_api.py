# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The package API layer: ids that stay in their path, the project header rule, the object lookups."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import answers, objects
from ansible_collections.mstr.migration.plugins.module_utils import package_api as api
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError

TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
ADMINISTRATOR = "54F3D26011D2896560009A8E67019608"
VENDOR_ID = "QjE5REVEQ0MxMUQ0RTBFRkMwMDBFQjk0OTVEMEY0NEY6MzY3NDRCQjUxQjRDMTRDOENERTBDQUE4MTRGQUEzOTE="


def test_ids_as_the_server_gives_them_out_pass_unchanged():
    assert answers.check_server_id(VENDOR_ID, "package_id") == VENDOR_ID
    assert answers.path_segment(VENDOR_ID, "package_id") == VENDOR_ID  # '=' stays as the pages print it


@pytest.mark.parametrize("value", ["../imports/x", "..", ".", "a/b", "x?y=1", "x#", "a b", "a\r\nX-Evil: 1", "",
                                   None, 12, "%2e%2e"])
def test_ids_that_could_leave_their_path_are_refused_naming_the_option(value):
    with pytest.raises(ValidationError) as caught:
        answers.check_server_id(value, "import_id")
    assert caught.value.message.startswith("import_id: ")


def test_the_project_header_rule():
    assert objects.project_header("configuration", TUTORIAL) is None
    assert objects.project_header("project", TUTORIAL) == TUTORIAL
    assert objects.project_header("project_security", TUTORIAL) == TUTORIAL
    assert objects.project_header(None, TUTORIAL) == TUTORIAL  # type not known yet: send what was given
    assert objects.project_header("project", "") is None


def test_objects_are_read_in_the_project_or_in_the_configuration():
    assert objects.object_project(TUTORIAL, 12, "project_object") == TUTORIAL
    assert objects.object_project(TUTORIAL, 34, "configuration_object") is None
    assert objects.object_project(TUTORIAL, 34, None) is None and objects.object_project(TUTORIAL, 12, None) == TUTORIAL
    configuration = api.PackageApi(None, TUTORIAL, "configuration").project_id
    assert objects.object_project(configuration, 12, None) is None


def test_object_lookups_run_several_at_once_and_a_missing_object_is_none(emulator):
    client = Client(emulator.base_url)
    client.login("standard", "administrator", "mstr-emulator")
    layer = api.PackageApi(client, TUTORIAL, "project")
    items = [{"id": YEAR, "type": 12, "level": "project_object"},
             {"id": "0" * 32, "type": 12, "level": "project_object"},
             {"id": ADMINISTRATOR, "type": 34, "level": "configuration_object"}] * 10
    found = layer.read_objects(items, workers=4)
    assert [item and item["id"] for item in found[:3]] == [YEAR, None, ADMINISTRATOR]
    assert found[0]["version"] == "2215B50211EB7C9D8F150080EF651EEA"
    assert len(found) == 30
    counts = emulator.state()["requests"]["byRoute"]
    assert counts["GET /api/objects/{oid}"] == 30
    assert len(emulator.state()["sessions"]) == 1  # the helper connections share the one session
    assert client.logout()
