# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The import plan: the vendor's table of actions, row by row, and the rules around it."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import plan

V1, V2 = "A" * 32, "B" * 32
OLD, NEW = "2021-03-04T03:53:09.000+0000", "2024-01-02T10:00:00.000+0000"


def obj(version=V1, modified=OLD, object_type=12):
    return {"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": object_type, "version": version, "dateModified": modified}


# action: (same id and version, same id other version, id absent), as in API_NOTES
TABLE = {
    "use_existing": ("none", "none", "create"),
    "replace": ("none", "replace", "create"),
    "force_replace": ("replace", "replace", "create"),
    "keep_both": ("none", "duplicate", "create"),
    "delete": ("delete", "delete", "none"),
}


@pytest.mark.parametrize("action", sorted(TABLE))
def test_the_vendor_table(action):
    same, other, absent = TABLE[action]
    assert plan.outcome(action, obj(V1), obj(V1)) == (same, None)
    assert plan.outcome(action, obj(V1), obj(V2)) == (other, None)
    assert plan.outcome(action, obj(V1), None) == (absent, None)


@pytest.mark.parametrize("action, source, target, expected", [
    ("use_newer", NEW, OLD, "replace"),
    ("use_newer", OLD, NEW, "none"),
    ("use_newer", OLD, OLD, "none"),
    ("use_older", OLD, NEW, "replace"),
    ("use_older", NEW, OLD, "none"),
])
def test_use_newer_and_use_older_compare_modification_dates(action, source, target, expected):
    assert plan.outcome(action, obj(V1, source), obj(V2, target)) == (expected, None)
    assert plan.outcome(action, obj(V1, source), obj(V1, target)) == ("none", None)  # same version: identical
    assert plan.outcome(action, obj(V1, source), None) == ("create", None)


def test_dates_in_other_shapes_and_missing_dates():
    assert plan.outcome("use_newer", obj(V1, "2024-01-02T10:00:00Z"), obj(V2, OLD)) == ("replace", None)
    result, reason = plan.outcome("use_newer", obj(V1, None), obj(V2, OLD))
    assert result == "unknown" and "dates" in reason


def test_versions_compare_case_insensitively_and_missing_versions_are_unknown():
    assert plan.outcome("replace", obj(V1.lower()), obj(V1)) == ("none", None)
    assert plan.outcome("replace", obj(None), obj(V1))[0] == "unknown"
    assert plan.outcome("replace", obj(V1), obj(None))[0] == "unknown"


@pytest.mark.parametrize("action, expected", [("replace", "none"), ("keep_both", "none"), ("use_newer", "none"),
                                              ("force_replace", "replace"), ("delete", "delete")])
def test_a_folder_counts_by_existence_only(action, expected):
    # Folders never keep the source's version in the target, so another version says nothing.
    assert plan.outcome(action, obj(V1, NEW, 8), obj(V2, OLD, 8)) == (expected, None)
    assert plan.outcome(action, obj(V1, NEW, 8), None)[0] == ("none" if action == "delete" else "create")


def test_plan_entries_summary_and_the_need_to_import():
    objects = [dict(obj(V1), name="Year", action="replace"),
               dict(obj(V2), id="8D6793C211D3E4981000E787EC6DE8A4", name="LU_YEAR", type=15, action="replace")]
    entries = plan.build_plan(objects, [obj(V1), None])
    assert [(e["name"], e["outcome"], e["version_before"], e["version_package"]) for e in entries] == [
        ("Year", "none", V1, V1), ("LU_YEAR", "create", None, V2)]
    assert plan.summary(entries) == {"create": 1, "replace": 0, "delete": 0, "duplicate": 0, "none": 1, "unknown": 0}
    assert plan.needs_import(entries)
    assert not plan.needs_import(entries[:1])
    assert plan.needs_import([])  # nothing listed: nothing to compare, so no proof that nothing changes
    # The line a playbook prints per object.
    assert [e["line"] for e in entries] == ["unchanged attribute 'Year' (8D679D5111D3E4981000E787EC6DE8A4)",
                                            "create table 'LU_YEAR' (8D6793C211D3E4981000E787EC6DE8A4)"]
    unknown = plan.build_plan(objects, [None, None], "cannot tell")
    assert {e["outcome"] for e in unknown} == {"unknown"} and unknown[0]["reason"] == "cannot tell"
    assert plan.describe(plan.summary(entries)) == "1 created, 1 unchanged"
