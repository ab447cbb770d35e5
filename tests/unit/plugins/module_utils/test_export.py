# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The export's file rules: which manifest counts, when the old .mmp is read, paths refused up front."""

from __future__ import annotations

import hashlib
import json

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import export, records
from ansible_collections.mstr.migration.plugins.module_utils import files as transfer
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError


def manifest_for(data: bytes, fingerprint: str = "f" * 64) -> dict:
    return {"format": records.MANIFEST_FORMAT, "package": {"fingerprint": fingerprint},
            "binary": {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}}


@pytest.mark.parametrize("text", ["", "not json", "[]", json.dumps({"format": "something else"})])
def test_a_manifest_that_is_not_ours_counts_as_none(tmp_path, text):
    path = tmp_path / "p.mmp.json"
    path.write_text(text)
    assert records.read_manifest(str(path)) == {}
    assert records.read_manifest(str(tmp_path / "missing.json")) == {}


def test_file_matches_only_the_same_fingerprint_and_bytes(tmp_path):
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"package bytes")
    previous = manifest_for(b"package bytes")
    assert export.file_matches(previous, "f" * 64, str(dest))
    assert not export.file_matches(previous, "e" * 64, str(dest))
    dest.write_bytes(b"package BYTES")  # same size, other bytes
    assert not export.file_matches(previous, "f" * 64, str(dest))
    dest.unlink()
    assert not export.file_matches(previous, "f" * 64, str(dest))


def test_a_file_of_another_size_is_not_read(tmp_path, monkeypatch):
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"longer package bytes")
    monkeypatch.setattr(transfer, "file_sha256", lambda path: pytest.fail("read %s" % path))
    assert not export.file_matches(manifest_for(b"package bytes"), "f" * 64, str(dest))


def test_paths_are_checked_before_any_request(tmp_path):
    dest = str(tmp_path / "p.mmp")
    export.check_paths(dest, records.manifest_path(dest, None))
    assert records.manifest_path(dest, None) == dest + ".json"
    with pytest.raises(ValidationError) as same:
        export.check_paths(dest, dest)
    assert same.value.option == "manifest"
    with pytest.raises(ValidationError) as missing:
        export.check_paths(dest, str(tmp_path / "no" / "m.json"))
    assert missing.value.option == "manifest"
    with pytest.raises(ValidationError) as directory:
        export.check_paths(str(tmp_path), dest + ".json")
    assert directory.value.option == "dest"


def test_the_manifest_is_replaced_whole(tmp_path):
    path = tmp_path / "p.mmp.json"
    path.write_text("old")
    records.write_json(str(path), {"format": records.MANIFEST_FORMAT, "n": 1})
    assert json.loads(path.read_text())["n"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.mmp.json"]
