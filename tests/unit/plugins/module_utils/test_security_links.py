# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a project security package: per user and kind of link what decided, and which record is a witness."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import security_links as links

ADMIN = "54F3D26011D2896560009A8E67019608"
ROLE_A = {"id": "73F7482111D3596C60001B8F67019608", "name": "Normal Users"}
ROLE_B = {"id": "F80E38174DA4A8AF4C82D18F34A2D5E8", "name": "NewSecurityRole"}
FILTER = {"id": "8018C24FEBC4406CB9E36838C01C82D1", "name": "Year > 2015"}
URL = "http://127.0.0.1:1234/MicroStrategyLibrary"
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"
SHA = "a" * 64


def admin(action="replace"):
    return {"id": ADMIN, "name": "Administrator", "type": 34, "version": "V" * 32, "action": action}


def kinds(roles=(), filters=()):
    return {"security_roles": list(roles), "security_filters": list(filters)}


def write_record(directory, name, finished_at, sha256=SHA, project_id=DEMO, package_type="project_security",
                 base_url=URL, member=ADMIN):
    record = {"format": "mstr.migration/import-record-1", "finished_at": finished_at,
              "target": {"base_url": base_url, "project_id": project_id},
              "package": {"type": package_type, "sha256": sha256}, "plan": [{"id": member}]}
    (directory / name).write_text(json.dumps(record))


def test_compare_kind_names_what_is_added_and_removed():
    assert links.compare_kind([ROLE_A], [dict(ROLE_A, id=ROLE_A["id"].lower())]) == "same"
    assert links.compare_kind([ROLE_B], [ROLE_A]) == "differs: adds 'NewSecurityRole'; removes 'Normal Users'"
    assert links.compare_kind([], [FILTER]) == "differs: removes 'Year > 2015'"


def test_same_links_and_a_manifest_that_is_damaged_or_old():
    reading = {ADMIN: kinds([ROLE_A])}
    assert links.same_links(reading, {ADMIN: kinds([dict(ROLE_A, name="renamed")])})
    assert not links.same_links(reading, {ADMIN: kinds([ROLE_B])})
    assert not links.same_links(reading, None)
    assert links.from_manifest({"package": {"links": links.for_manifest(DEMO, reading)}}) == reading
    assert links.from_manifest({"package": {}}) is None  # an older manifest
    assert links.from_manifest({"package": {"links": {"members": {ADMIN: {"security_roles": "x"}}}}}) is None
    # Damaged by hand: not an object where one belongs, a name that is not text (found by a prober: they crashed).
    for damaged in ({"package": "x"}, {"package": {"links": "oops"}}, {"package": {"links": [1]}},
                    {"package": {"links": {"members": {ADMIN: kinds([dict(ROLE_B, name=5)])}}}},
                    {"package": {"links": {"members": {ADMIN: kinds(filters=[dict(FILTER, name=["a"])])}}}}):
        assert links.from_manifest(damaged) is None, damaged


def test_newest_record_of_this_server_and_project_listing_the_user(tmp_path):
    write_record(tmp_path, "a.import.1.json", "2026-12-01T00:00:00Z", sha256="1" * 64)
    write_record(tmp_path, "a.import.2.json", "2026-12-02T00:00:00Z")
    write_record(tmp_path, "b.import.3.json", "2026-12-03T00:00:00Z", project_id="B7CA92F04B9FAE8D941C3E9B7E0CD754")
    write_record(tmp_path, "c.import.4.json", "2026-12-04T00:00:00Z", package_type="project")
    write_record(tmp_path, "d.import.5.json", "2026-12-05T00:00:00Z", base_url="https://elsewhere/MicroStrategyLibrary")
    write_record(tmp_path, "e.import.6.json", "2026-12-06T00:00:00Z", member="F" * 32)
    (tmp_path / "f.import.7.json").write_text("not json")
    # Nested deeper than Python recurses, and a FIFO (which a read would wait on forever): no witnesses, no crash.
    (tmp_path / "g.import.8.json").write_text("[" * 200000 + "]" * 200000)
    os.mkfifo(str(tmp_path / "h.import.9.json"))
    found = links.newest_records(str(tmp_path), URL + "/", DEMO.lower())
    assert found[ADMIN] == {"file": "a.import.2.json", "finished_at": "2026-12-02T00:00:00Z", "sha256": SHA}
    assert found["F" * 32]["file"] == "e.import.6.json"


def test_same_links_and_the_same_file_recorded_is_up_to_date():
    records = {ADMIN: {"file": "x.import.1.json", "finished_at": "2026-12-02T00:00:00Z", "sha256": SHA}}
    entry = links.plan_entry(admin(), {"version": "V" * 32}, kinds([ROLE_A]), kinds([ROLE_A]), records, SHA)
    assert entry["outcome"] == "none"
    assert entry["links"] == {"security_roles": "same", "security_filters": "same",
                              "other_links": "as recorded on 2026-12-02T00:00:00Z in x.import.1.json"}
    assert entry["version_before"] == "V" * 32


@pytest.mark.parametrize("records, sha256, why", [
    ({}, SHA, "no import record"),
    ({ADMIN: {"file": "x.import.1.json", "finished_at": "t", "sha256": "b" * 64}}, SHA, "another package file"),
])
def test_without_a_witness_the_unshown_links_are_unknown(records, sha256, why):
    entry = links.plan_entry(admin(), None, kinds([ROLE_A]), kinds([ROLE_A]), records, sha256)
    assert entry["outcome"] == "unknown" and why in entry["reason"] and why in entry["links"]["other_links"]


@pytest.mark.parametrize("action, target, outcome", [
    ("replace", kinds([ROLE_A]), "replace"),
    ("replace", kinds(), "create"),
    ("use_existing", kinds([ROLE_A]), "unknown"),  # the links stay; no record says the rest is there
    ("delete", kinds(), "unknown"),  # nothing to delete that the API shows; the rest, no record says
    ("delete", kinds([ROLE_A]), "delete"),
])
def test_the_action_decides_with_the_links_as_the_version(action, target, outcome):
    entry = links.plan_entry(admin(action), None, kinds([ROLE_B], [FILTER]), target, {}, SHA)
    assert entry["outcome"] == outcome
    if outcome in ("replace", "create"):
        assert "NewSecurityRole" in entry["line"]
        assert entry["links"]["security_filters"] == "differs: adds 'Year > 2015'"


def test_a_user_the_manifest_has_no_links_for_is_unknown():
    plan = links.build_plan([admin()], [None], {}, {}, {}, SHA, "no links recorded")
    assert plan[0]["outcome"] == "unknown" and plan[0]["reason"] == "no links recorded"
