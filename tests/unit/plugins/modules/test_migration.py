# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The migration module's own options: each wrong one is named before any request (validate sends none)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.records import RECORD_FORMAT
from ansible_collections.mstr.migration.plugins.modules import migration

TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"
MID = "35958BEB7C56491C9A43F7661501E177:B71E7ECF60104A62BA15625C444A623F"


def params(tmp_path, **changes):
    chosen = {key: None for key in ("base_url", "username", "password", "login_mode", "api_token", "validate_certs",
                                    "ca_path", "timeout", "project_id", "project", "session", "migration_id",
                                    "record", "settings", "comment")}
    chosen.update(state="migrated", name="Year", approval="auto", validate=False, force=False, generate_undo=True,
                  undo_dir=str(tmp_path), wait_timeout=10, type="project",
                  content=[{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12}],
                  source={"base_url": "https://s/MicroStrategyLibrary", "project_id": TUTORIAL},
                  target={"base_url": "https://t/MicroStrategyLibrary", "project_id": DEMO})
    chosen.update(changes)
    return chosen


def option_of(given) -> str:
    with pytest.raises(ValidationError) as caught:
        migration.validate(given)
    return caught.value.option


def test_a_whole_migration_is_valid(tmp_path):
    prepared = migration.validate(params(tmp_path))
    assert prepared["sides"] == ("source", "target") and prepared["body"]["content"][0]["type"] == 12


@pytest.mark.parametrize("changes, option", [
    ({"name": " "}, "name"),
    ({"content": None}, "content"),
    ({"source": {"base_url": "https://s/MicroStrategyLibrary"}}, "source.project_id"),
    ({"target": {"base_url": "https://t/MicroStrategyLibrary", "project_id": "x"}}, "target.project_id"),
    ({"type": "configuration", "content": [{"id": "54F3D26011D2896560009A8E67019608", "type": 34}]},
     "source.project_id"),
    ({"undo_dir": None}, "undo_dir"),
    ({"approval": "approve", "name": None}, "migration_id"),
    ({"approval": "approve", "validate": True}, "validate"),
    ({"migration_id": "not:an:id"}, "migration_id"),
    ({"state": "undone"}, "migration_id"),
    ({"state": "undone", "migration_id": MID, "record": "/x.json"}, "migration_id"),
    # Set but not used: a new migration was built instead of the one named.
    ({"migration_id": MID}, "migration_id"),
    ({"approval": "request", "migration_id": MID}, "migration_id"),
    ({"record": "/x.json"}, "record"),
])
def test_a_wrong_option_is_named(tmp_path, changes, option):
    assert option_of(params(tmp_path, **changes)) == option


def test_request_needs_no_record_directory(tmp_path):
    assert migration.validate(params(tmp_path, approval="request", undo_dir=None))["body"]


def test_an_undo_from_a_record_of_another_target_is_refused(tmp_path):
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"format": RECORD_FORMAT, "route": "workstation", "migration": {"id": MID},
                                  "target": {"base_url": "https://elsewhere/MicroStrategyLibrary",
                                             "project_id": DEMO}}))
    assert option_of(params(tmp_path, state="undone", record=str(record))) == "target.base_url"
    good = params(tmp_path, state="undone", record=str(record),
                  target={"base_url": "https://elsewhere/MicroStrategyLibrary/"})
    assert migration.validate(good)["record"]["migration_id"] == MID


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf")])
def test_a_wait_timeout_that_is_no_positive_number_is_named(tmp_path, value):
    """NaN passed the check (it compares false with 0) and made every wait endless."""
    from ansible_collections.mstr.migration.plugins.module_utils.arguments import check_positive
    with pytest.raises(ValidationError) as caught:
        check_positive(value, "wait_timeout")
    assert caught.value.option == "wait_timeout"
