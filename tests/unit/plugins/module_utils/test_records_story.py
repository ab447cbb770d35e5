# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Records that tell their story: where the package came from, who imported it from where (and in which AWX job),
and why; manifests and records written before these keys stay readable."""

from __future__ import annotations

import getpass
import json
import socket

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import export, importer, records
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import (DEMO, TUTORIAL, YEAR_BODY,
                                                                                         logged_in)

STORY_KEYS = ("source", "controller", "comment")


def export_year(client, dest, comment=None):
    return export.export_package(client, YEAR_BODY, TUTORIAL, str(dest), str(dest) + ".json", 10, False,
                                 comment=comment)


def import_file(client, src, undo_dir, manifest=None, comment=None, force=True):
    source = importer.verify_source(str(src), manifest)
    _changed, result, _diff = importer.Import(client, source, DEMO, str(undo_dir), True, force, 10, False,
                                              comment=comment).run()
    assert result["imported"], result["message"]
    with open(result["record"]) as handle:
        return result, json.load(handle)


@pytest.fixture
def undo_dir(tmp_path):
    path = tmp_path / "undo"
    path.mkdir()
    return path


def test_a_record_tells_where_the_package_came_from_who_imported_it_and_why(emulator, tmp_path, undo_dir,
                                                                            monkeypatch):
    monkeypatch.setenv("JOB_ID", "4711")  # as AWX sets it for a job, with AWX_HOST
    monkeypatch.setenv("AWX_HOST", "https://awx.example.com")
    monkeypatch.delenv("AWX_JOB_ID", raising=False)
    client = logged_in(emulator)
    dest = tmp_path / "year.mmp"
    export_year(client, dest, comment="CHG-1234 Year to Demo")
    manifest = json.loads((tmp_path / "year.mmp.json").read_text())
    assert manifest["comment"] == "CHG-1234 Year to Demo" and manifest["format"] == records.MANIFEST_FORMAT

    _result, record = import_file(client, dest, undo_dir, comment="CHG-1234 approved by the CAB")
    assert record["format"] == records.RECORD_FORMAT
    assert record["source"] == {"base_url": emulator.base_url, "project_id": TUTORIAL,
                                "exported_at": manifest["exported_at"], "comment": "CHG-1234 Year to Demo",
                                "undo_of": None}
    assert record["controller"] == {"user": getpass.getuser(), "host": socket.gethostname(), "awx_job_id": "4711"}
    assert record["comment"] == "CHG-1234 approved by the CAB"
    client.logout()


@pytest.mark.parametrize("environ, job", [
    ({"AWX_JOB_ID": "12", "JOB_ID": "99", "AWX_HOST": "https://awx"}, "12"),  # the playbooks pass awx_job_id
    ({"JOB_ID": "99", "AWX_HOST": "https://awx"}, "99"),
    ({"JOB_ID": "99"}, None),  # another scheduler's JOB_ID is no AWX job
    ({"AWX_JOB_ID": ""}, None),  # the playbooks outside AWX
    ({}, None),
])
def test_the_awx_job_id_only_from_an_awx_job(environ, job):
    assert records.awx_job_id(environ) == job


def test_a_container_user_without_a_name_is_its_uid(monkeypatch):
    def nameless():
        raise KeyError("getpwuid(): uid not found: 1000680000")
    monkeypatch.setattr(getpass, "getuser", nameless)
    assert records.controller_user().startswith("uid ")


def test_files_written_before_the_story_keys_stay_readable(emulator, tmp_path, undo_dir, monkeypatch):
    monkeypatch.delenv("AWX_JOB_ID", raising=False)
    monkeypatch.delenv("AWX_HOST", raising=False)
    client = logged_in(emulator)
    dest = tmp_path / "year.mmp"
    export_year(client, dest)
    # A manifest as the export wrote it before comments: no comment key.
    old_manifest = json.loads((tmp_path / "year.mmp.json").read_text())
    del old_manifest["comment"]
    old_manifest["format"] = "mstr.migration/manifest-1"  # the version of 1.0.0, whatever the current one is
    (tmp_path / "year.mmp.json").write_text(json.dumps(old_manifest))
    result, record = import_file(client, dest, undo_dir)
    assert record["source"]["comment"] is None and record["source"]["project_id"] == TUTORIAL
    assert record["comment"] is None and record["controller"]["awx_job_id"] is None

    # A record as imports wrote it before the story: it still rolls back, and the rollback's record tells so.
    old_record = dict({key: value for key, value in record.items() if key not in STORY_KEYS},
                      format="mstr.migration/import-record-1")
    with open(result["record"], "w") as handle:
        json.dump(old_record, handle)
    _rollback, rollback_record = import_file(client, result["undo_package"], undo_dir, manifest=result["record"],
                                             comment="roll back CHG-1234")
    assert rollback_record["source"] == {"base_url": emulator.base_url, "project_id": DEMO,
                                         "exported_at": old_record["finished_at"], "comment": None,
                                         "undo_of": result["record"].rsplit("/", 1)[-1]}
    assert rollback_record["comment"] == "roll back CHG-1234"
    client.logout()


def test_a_file_without_manifest_has_no_source_story(emulator, tmp_path, undo_dir):
    client = logged_in(emulator)
    dest = tmp_path / "year.mmp"
    export_year(client, dest)
    (tmp_path / "year.mmp.json").unlink()
    _result, record = import_file(client, dest, undo_dir, comment="no manifest")
    assert record["source"] is None and record["comment"] == "no manifest"
    client.logout()


@pytest.mark.parametrize("data", [
    {"format": records.MANIFEST_FORMAT, "source": "not a mapping", "exported_at": 7, "comment": ["x"]},
    {"format": records.RECORD_FORMAT, "target": None},
])
def test_damaged_story_keys_are_not_recorded_rather_than_copied(data):
    story = records.package_story("/x/year.mmp.json", data)
    assert {key: value for key, value in story.items() if key != "undo_of"} == {
        "base_url": None, "project_id": None, "exported_at": None, "comment": None}
