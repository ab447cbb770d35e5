# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The import's file rules: checks before any request, and rollback points that are never replaced."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import importer, records
from ansible_collections.mstr.migration.plugins.module_utils import files as transfer
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError

OBJECTS = [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "name": "Year", "type": 12, "version": "A" * 32,
            "action": "replace", "explicit_included": True, "date_modified": "2021-03-04T03:53:09.000+0000",
            "level": "project_object"}]
PACKAGE_BYTES = transfer.PACKAGE_MAGIC + b"package bytes"
UNDO_BYTES = transfer.PACKAGE_MAGIC + b"undo bytes"


def write_package(tmp_path, data=PACKAGE_BYTES, objects=None) -> str:
    src = tmp_path / "year.mmp"
    src.write_bytes(data)
    manifest = {"format": records.MANIFEST_FORMAT,
                "package": {"type": "project", "objects": OBJECTS if objects is None else objects},
                "binary": {"file": "year.mmp", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}}
    (tmp_path / "year.mmp.json").write_text(json.dumps(manifest))
    return str(src)


def test_a_file_that_matches_its_manifest_is_planned_from_it(tmp_path):
    src = write_package(tmp_path)
    source = importer.verify_source(src, None)
    assert source["manifest"] == src + ".json" and source["type"] == "project"
    assert source["sha256"] == hashlib.sha256(PACKAGE_BYTES).hexdigest()
    assert source["objects"] == [{"id": OBJECTS[0]["id"], "name": "Year", "type": 12, "version": "A" * 32,
                                  "action": "replace", "dateModified": OBJECTS[0]["date_modified"],
                                  "level": "project_object"}]


@pytest.mark.parametrize("damage", [transfer.PACKAGE_MAGIC + b"package BYTES", PACKAGE_BYTES + b"!"])
def test_a_file_that_differs_from_its_manifest_names_both_files_and_checksums(tmp_path, damage):
    src = write_package(tmp_path)
    (tmp_path / "year.mmp").write_bytes(damage)
    with pytest.raises(ValidationError) as caught:
        importer.verify_source(src, None)
    message = caught.value.message
    assert message.startswith("src: %s does not match its manifest %s.json" % (src, src))
    assert hashlib.sha256(damage).hexdigest() in message
    assert hashlib.sha256(PACKAGE_BYTES).hexdigest() in message


def test_without_manifest_nothing_is_read_and_nothing_is_planned(tmp_path):
    src = tmp_path / "year.mmp"
    src.write_bytes(PACKAGE_BYTES)
    expected = {"src": str(src), "size": len(PACKAGE_BYTES), "sha256": None, "manifest": None, "type": None, "objects": None,
                "record_target": None, "links": None, "story": None}
    assert importer.verify_source(str(src), None) == expected


@pytest.mark.parametrize("objects", [[], [dict(OBJECTS[0], version=None)], "not a list"])
def test_a_manifest_without_a_usable_object_list_still_checks_the_file(tmp_path, objects):
    src = write_package(tmp_path, objects=objects)
    source = importer.verify_source(src, None)
    assert source["sha256"] and source["objects"] is None


def test_an_import_record_checks_its_undo_package(tmp_path):
    undo = tmp_path / "year.undo.20261129T182100Z.mmp"
    undo.write_bytes(UNDO_BYTES)
    record = tmp_path / "year.import.20261129T182100Z.json"
    record.write_text(json.dumps({"format": records.RECORD_FORMAT, "package": {"type": "project"}, "undo": {
        "file": undo.name, "size": len(UNDO_BYTES), "sha256": hashlib.sha256(UNDO_BYTES).hexdigest()}}))
    source = importer.verify_source(str(undo), str(record))
    assert source["manifest"] == str(record) and source["objects"] is None and source["type"] == "project"
    record.write_text(json.dumps({"format": records.RECORD_FORMAT, "undo": None}))
    with pytest.raises(ValidationError, match="^manifest: .* describes no package file"):
        importer.verify_source(str(undo), str(record))


@pytest.mark.parametrize("text, fragment", [("not json", "is not JSON"), ("[]", "is not a manifest"),
                                            (json.dumps({"format": "x"}), "is not a manifest")])
def test_a_manifest_that_is_not_ours_is_refused(tmp_path, text, fragment):
    src = write_package(tmp_path)
    (tmp_path / "year.mmp.json").write_text(text)
    with pytest.raises(ValidationError, match="^manifest: .*" + fragment):
        importer.verify_source(src, None)


def test_a_given_manifest_must_exist(tmp_path):
    src = write_package(tmp_path)
    with pytest.raises(ValidationError, match="^manifest: .* cannot be read"):
        importer.verify_source(src, str(tmp_path / "missing.json"))


def test_rollback_points_never_replace_a_file(tmp_path):
    stamp = "20261129T182100Z"
    taken = {"year.undo.%s.mmp" % stamp: b"earlier undo", "year.import.%s-2.json" % stamp: b"earlier record"}
    for name, data in taken.items():
        (tmp_path / name).write_bytes(data)
    undo = tmp_path / ".undo.part"
    undo.write_bytes(b"new undo")
    undo_path, record_path = records.place_rollback_point(str(tmp_path), "year", stamp, str(undo),
                                                          lambda path: {"undo": os.path.basename(path)})
    # The first two suffixes are taken by one file each; the third is free for both.
    assert os.path.basename(undo_path) == "year.undo.%s-3.mmp" % stamp
    assert os.path.basename(record_path) == "year.import.%s-3.json" % stamp
    assert json.loads(open(record_path).read()) == {"undo": os.path.basename(undo_path)}
    assert open(undo_path, "rb").read() == b"new undo"
    for name, data in taken.items():
        assert (tmp_path / name).read_bytes() == data
    placed = [os.path.basename(undo_path), os.path.basename(record_path)]
    assert sorted(os.listdir(tmp_path)) == sorted(list(taken) + [".undo.part"] + placed)


def test_a_record_that_cannot_be_written_keeps_the_undo_package_and_names_it(tmp_path):
    undo = tmp_path / ".undo.part"
    undo.write_bytes(b"new undo")

    def unwritable(path):
        raise OSError(28, "No space left on device")
    with pytest.raises(MstrError) as caught:
        records.place_rollback_point(str(tmp_path), "year", "20261129T182100Z", str(undo), unwritable)
    assert "No space left on device" in caught.value.message
    assert caught.value.details["undo_package"] == str(tmp_path / "year.undo.20261129T182100Z.mmp")
    assert (tmp_path / "year.undo.20261129T182100Z.mmp").read_bytes() == b"new undo"
    assert not list(tmp_path.glob("year.import.*"))


def test_an_empty_file_is_no_package(tmp_path):
    src = tmp_path / "empty.mmp"
    src.write_bytes(b"")
    with pytest.raises(ValidationError, match="^src: .* is empty"):
        importer.verify_source(str(src), None)


@pytest.mark.parametrize("change, fragment", [
    ({"objects": [dict(OBJECTS[0], id="../../etc")]}, "lists an object with id '../../etc'"),
    ({"objects": [dict(OBJECTS[0], type="12")]}, "lists an object with id"),
    ({"type": "bogus"}, "gives the package type 'bogus'"),
])
def test_a_damaged_manifest_is_refused_before_any_request(tmp_path, change, fragment):
    src = write_package(tmp_path)
    manifest = json.loads((tmp_path / "year.mmp.json").read_text())
    manifest["package"].update(change)
    (tmp_path / "year.mmp.json").write_text(json.dumps(manifest))
    with pytest.raises(ValidationError, match="^manifest: .*" + fragment):
        importer.verify_source(src, None)


@pytest.mark.parametrize("package", ["x", [1], 5])
def test_a_manifest_whose_package_is_not_an_object_is_named(tmp_path, package):
    src = write_package(tmp_path)
    manifest = json.loads((tmp_path / "year.mmp.json").read_text())
    manifest["package"] = package
    (tmp_path / "year.mmp.json").write_text(json.dumps(manifest))
    with pytest.raises(ValidationError, match="^manifest: .* is damaged: its \"package\" is .*, not an object"):
        importer.verify_source(src, None)


def test_a_manifest_nested_deeper_than_python_recurses_is_not_json(tmp_path):
    src = write_package(tmp_path)
    (tmp_path / "year.mmp.json").write_text("[" * 200000 + "]" * 200000)
    with pytest.raises(ValidationError, match="^manifest: .* is not JSON"):
        importer.verify_source(src, None)


def test_damaged_checksums_in_a_manifest_are_named(tmp_path):
    src = write_package(tmp_path)
    manifest = json.loads((tmp_path / "year.mmp.json").read_text())
    manifest["binary"]["size"] = "13"
    (tmp_path / "year.mmp.json").write_text(json.dumps(manifest))
    with pytest.raises(ValidationError, match="^manifest: the size and sha256 it gives .* are damaged"):
        importer.verify_source(src, None)


def test_an_undo_package_goes_back_to_the_server_and_project_of_its_record():
    source = {"manifest": "/r/year.import.x.json", "record_target": {
        "base_url": "https://prod.example.com/MicroStrategyLibrary", "project_id": "B19DEDCC11D4E0EFC000EB9495D0F44F"}}
    importer.check_record_target(source, "https://prod.example.com/MicroStrategyLibrary/api/",
                                 "B19DEDCC11D4E0EFC000EB9495D0F44F")
    with pytest.raises(ValidationError, match="^manifest: .* records an import into https://prod"):
        importer.check_record_target(source, "https://dev.example.com/MicroStrategyLibrary",
                                     "B19DEDCC11D4E0EFC000EB9495D0F44F")
    with pytest.raises(ValidationError, match="^project_id: .* into project B19DEDCC11D4E0EFC000EB9495D0F44F"):
        importer.check_record_target(source, None, "B7CA92F04B9FAE8D941C3E9B7E0CD754")
    importer.check_record_target({"record_target": None}, "https://x.example.com/MicroStrategyLibrary", None)


def test_a_name_taken_between_check_and_link_gives_the_undo_package_its_temporary_name_back(tmp_path):
    temp = tmp_path / ".undo.part"
    temp.write_bytes(b"undo")
    placed = tmp_path / "year.undo.S.mmp"
    os.link(temp, placed)
    records._unplace(str(temp), str(placed))  # hard link: the temporary name still holds the file
    assert not placed.exists() and temp.read_bytes() == b"undo"
    os.replace(temp, placed)
    records._unplace(str(temp), str(placed))  # renamed: back to the temporary name
    assert not placed.exists() and temp.read_bytes() == b"undo"


class UploadOnly:
    """Stands in for the package API where only the upload is reached."""

    def __init__(self, sent_sha256):
        self.sent_sha256 = sent_sha256

    def upload(self, package_id, path):
        return {"status": "READY"}, {"size": 13, "sha256": self.sent_sha256}


def test_a_file_that_changes_between_its_check_and_its_upload_is_not_imported(tmp_path):
    src = write_package(tmp_path)
    source = importer.verify_source(src, None)
    run = importer.Import(None, source, "B19DEDCC11D4E0EFC000EB9495D0F44F", str(tmp_path), True, False, 60, False)
    run.api = UploadOnly("0" * 64)
    with pytest.raises(MstrError) as caught:
        run._upload("holder")
    assert "changed while it was being imported" in caught.value.message
    assert source["sha256"] in caught.value.message and "0" * 64 in caught.value.message


def test_a_record_name_the_file_system_refuses_is_a_clear_error(tmp_path):
    with pytest.raises(MstrError, match="the import record could not be written to .*: File name too long"):
        records.place_rollback_point(str(tmp_path), "y" * 300, "20261129T182100Z", None, lambda path: {"undo": None})
    assert os.listdir(tmp_path) == []
