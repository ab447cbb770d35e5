# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an import does to an object, by action: the table of API_NOTES.md, row by row."""

from __future__ import annotations

import pytest

from conftest import DEMO, TUTORIAL, Api, project_body
from test_imports import close, export, run_import, undo_url
from tests.emulator import binaries
from tests.emulator.fixtures import running

DASHBOARD = "D43364C684E34F2FA7A2E5E6A1E5C9B1"  # nothing depends on it, so it can be deleted
SOURCE_VERSION = "B2C3D4E5F60718293A4B5C6D7E8F91A2"
TARGET_VERSION = "0123456789ABCDEF0123456789ABCDEF"
FOLDER = "98FE182C2A10427EACE0CD30B6768258"  # Public Objects, in both projects with the same version
FOLDER_VERSION = "C3D4E5F60718293A4B5C6D7E8F91A2B3"
OLDER, NEWER = "2019-01-01T00:00:00.000+0000", "2023-01-01T00:00:00.000+0000"  # the source's: 2021-03-04

# (action, what the target has, outcome). "other": same id, another version, dateModified older than the
# source's unless "target newer" says otherwise.
ROWS = [
    ("use_existing", "same", "nothing"), ("use_existing", "other", "nothing"), ("use_existing", "absent", "created"),
    ("replace", "same", "nothing"), ("replace", "other", "replaced"), ("replace", "absent", "created"),
    ("force_replace", "same", "replaced"), ("force_replace", "other", "replaced"),
    ("force_replace", "absent", "created"),
    ("keep_both", "same", "nothing"), ("keep_both", "other", "copied"), ("keep_both", "absent", "created"),
    ("use_newer", "same", "nothing"), ("use_newer", "other", "replaced"), ("use_newer", "other, target newer", "nothing"),
    ("use_newer", "absent", "created"),
    ("use_older", "same", "nothing"), ("use_older", "other", "nothing"), ("use_older", "other, target newer", "replaced"),
    ("use_older", "absent", "created"),
    ("delete", "same", "deleted"), ("delete", "other", "deleted"), ("delete", "absent", "nothing"),
]


@pytest.fixture(scope="module")
def fast():
    yield from running("--processing-seconds", "0.02")


@pytest.fixture
def api(fast) -> Api:
    fast.reset()
    client = Api(fast.base_url)
    client.login()
    return client


def prepare_target(server, case: str) -> str:
    """Give the target what the case says; return the target project."""
    if case == "absent":
        return DEMO  # Demo Project has no dashboard
    changes = {"name": "Target Dashboard"}
    if case.startswith("other"):
        changes.update(version=TARGET_VERSION, dateModified=NEWER if "target newer" in case else OLDER)
    server.patch_object(TUTORIAL, DASHBOARD, **changes)
    return TUTORIAL


def undo_object_ids(api, import_id: str, project: str, tmp_path) -> list:
    path = tmp_path / "undo.mmp"
    path.write_bytes(api.call("GET", undo_url(import_id), project=project).content)
    return [obj["id"] for obj in binaries.read_header(str(path))["objects"]]


@pytest.mark.parametrize("action, case, outcome", ROWS)
def test_import_action(fast, api, tmp_path, action, case, outcome):
    binary = export(api, project_body(object_id=DASHBOARD, object_type=55, include=False, action=action))
    project = prepare_target(fast, case)
    before = fast.objects()[project].get(DASHBOARD)
    _holder, result = run_import(api, binary, project=project)
    assert result["status"] == "IMPORTED", result
    after = fast.objects()[project]
    lookup = api.call("GET", "/api/objects/" + DASHBOARD, project=project, params={"type": 55})
    if outcome in ("nothing", "copied"):
        assert after.get(DASHBOARD) == before
    elif outcome in ("replaced", "created"):
        assert after[DASHBOARD]["name"] == "Sales Dashboard"
        assert lookup.json()["version"] == SOURCE_VERSION  # an import leaves the package's version behind
    else:
        assert DASHBOARD not in after and lookup.status_code == 404
    copies = [obj for obj in after.values() if obj["name"] == "Sales Dashboard (1)"]
    assert len(copies) == (outcome == "copied")
    if outcome == "copied":
        assert result["undoPackageCreated"] is False  # no undo package for keep_both
    else:
        changed = [] if outcome == "nothing" else [DASHBOARD]
        assert undo_object_ids(api, result["id"], project, tmp_path) == changed


def import_and_close(api, binary: bytes, project=DEMO) -> dict:
    holder, result = run_import(api, binary, project=project)
    assert result["status"] == "IMPORTED", result
    close(api, holder, result["id"], project=project)
    return result


def test_an_imported_folder_gets_a_new_version(fast, api):
    def folder_version():
        return api.call("GET", "/api/objects/" + FOLDER, project=DEMO, params={"type": 8}).json().get("version")

    replace = export(api, project_body(object_id=FOLDER, object_type=8, include=False, action="replace"))
    delete = export(api, project_body(object_id=FOLDER, object_type=8, include=False, action="delete"))
    import_and_close(api, replace)
    assert folder_version() == FOLDER_VERSION  # same version: replace does nothing
    import_and_close(api, delete)
    assert folder_version() is None
    import_and_close(api, replace)
    created = folder_version()
    assert created not in (None, FOLDER_VERSION)  # created, then filled: a version of its own
    import_and_close(api, replace)
    assert folder_version() not in (created, FOLDER_VERSION)  # so a folder is replaced on every import
