# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Migrations in Workstation: two emulator processes (source and target Libraries) sharing one --storage-dir.

Every step of the object migration page (create, request, approve, read, import on the target, undo, delete on
each side), the validation, the refusals of the notes' section 11, the tolerated variants of the vendor SDK and
the faults; after each test both sides are reset and the shared store is empty.
"""

from __future__ import annotations

import base64
import hashlib
import time

import pytest

from conftest import ADMINISTRATOR, DEMO, LU_YEAR, TUTORIAL, YEAR, Api
from test_auth import assert_vendor_error
from tests.emulator.binaries import VENDOR_MAGIC
from tests.emulator.process import EmulatorProcess
from tests.emulator.storage import CANNOT_READ, CANNOT_WRITE, CLOCKS, NOT_CONFIGURED, REQUIRES

RUNNING = {"packageInfo": "creating", "importInfo": ("importing", "undoing"), "validation": "validating"}


class Library(Api):
    """A client of one Library of the pages' route (JSON bodies, the project header where the pages send it)."""

    def __init__(self, server: EmulatorProcess):
        super().__init__(server.base_url)
        self.server = server
        assert self.login().status_code == 204

    def create(self, body: dict, project=TUTORIAL, **kwargs):
        return self.call("POST", "/api/migrations", project=project, json=body, **kwargs)

    def get(self, migration_id: str, **params):
        return self.call("GET", "/api/migrations/" + migration_id, params=params)

    def patch(self, migration_id: str, body: dict, project=None, **kwargs):
        return self.call("PATCH", "/api/migrations/" + migration_id, project=project, json=body, **kwargs)

    def put(self, migration_id: str, body: dict, project=DEMO, **kwargs):
        return self.call("PUT", "/api/migrations/" + migration_id, project=project, json=body, **kwargs)

    def delete(self, package_id: str):
        return self.call("DELETE", "/api/migrations", params={"packageId": package_id})

    def wait(self, migration_id: str, part: str, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(migration_id).json()
            if body.get(part, {}).get("status") not in RUNNING[part] or time.monotonic() > deadline:
                return body
            time.sleep(0.05)


def create_body(object_id=YEAR, include=True, action="replace", kind="project", **settings) -> dict:
    return {
        "packageInfo": {
            "type": kind,
            "name": "ProjectMigration_success",
            "environment": {"id": "Source Environment URL", "name": "environment name"},
            "tocView": {
                "settings": {"updateSchema": ["recal_table_logical_size"] if kind == "project" else None,
                             "aclOnReplacingObjects": "replace", "aclOnNewObjects": ["inherit_acl_as_dest_folder"],
                             "defaultAction": "replace", **settings},
                "content": [{"id": object_id, "name": "Year", "type": 34 if kind == "configuration" else 12,
                             "action": action, "includeDependents": include}],
            },
            "treeView": {},
        },
        "importInfo": {"environment": {"id": "Target Environment URL", "name": "environment name"},
                       "project": {"id": DEMO, "name": "Demo Project"} if kind == "project" else {}},
    }


CONFIGURATION = create_body(ADMINISTRATOR, include=False, kind="configuration")


@pytest.fixture
def pair(storage_pair):
    for server in storage_pair:
        server.reset()
    yield [Library(server) for server in storage_pair]
    for server in storage_pair:
        server.reset()
    assert storage_pair[0].state()["storage"]["files"] == []  # each side removed what it wrote: nothing is left


def created(source: Library, body=None, project=TUTORIAL) -> str:
    response = source.create(body or create_body(), project=project)
    assert response.status_code == 201, response.text
    migration_id = response.json()["id"]
    assert source.wait(migration_id, "packageInfo")["packageInfo"]["status"] == "created"
    return migration_id


def approved(source: Library, body=None, project=TUTORIAL) -> tuple:
    """(id, the showContent=all body of the approved migration, with replicated: true)."""
    migration_id = created(source, body, project)
    for status in ("requested", "approved"):
        response = source.patch(migration_id, {"importInfo": {"importRequestStatus": status}})
        assert response.status_code == 200, response.text
    full = source.get(migration_id, showContent="all").json()
    full["packageInfo"]["replicated"] = True
    return migration_id, full


def imported(source: Library, target: Library, body=None, project=TUTORIAL, target_project=DEMO, **params) -> tuple:
    migration_id, full = approved(source, body, project)
    response = target.put(migration_id, full, project=target_project, params=params)
    assert response.status_code == 201, response.text
    assert response.json()["importInfo"]["status"] == "importing"
    return migration_id, target.wait(migration_id, "importInfo")


def target_objects(library: Library, scope=DEMO) -> dict:
    return library.server.objects()[scope]


# ------------------------------------------------------------------ topology
def test_both_libraries_report_the_one_storage_service(pair):
    source, target = pair
    configurations = [lib.call("GET", "/api/mstrServices/library/storage").json() for lib in pair]
    assert configurations[0] == configurations[1]
    assert configurations[0]["sharedFileStore"]["configured"] is True
    ids = [lib.server.state()["storage"]["environmentId"] for lib in (source, target)]
    assert ids[0] != ids[1] and all(i.endswith("/MicroStrategyLibrary/") for i in ids)
    assert ids[0] == source.base_url + "/"


def test_without_storage_service_every_call_of_the_route_says_so(start_emulator):
    library = Library(start_emulator("--no-storage-service"))
    calls = [("GET", "/api/mstrServices/library/storage", {}), ("GET", "/api/migrations", {}),
             ("POST", "/api/migrations", {"json": create_body(), "project": TUTORIAL}),
             ("DELETE", "/api/migrations", {"params": {"packageId": "A" * 32}})]
    for method, path, kwargs in calls:
        response = library.call(method, path, **kwargs)
        assert_vendor_error(response, 503, "ERR0016")
        assert response.json()["message"] == REQUIRES


def test_one_library_migrates_to_itself_with_a_private_store(start_emulator):
    library = Library(start_emulator("--processing-seconds", "0.1"))
    assert library.server.state()["storage"]["shared"] is False
    migration_id, done = imported(library, library)
    assert done["importInfo"]["status"] == "imported"
    assert YEAR in target_objects(library)
    assert library.delete(migration_id.split(":")[0]).status_code == 204
    state = library.server.state()
    assert state["migrations"] == [] and state["storage"]["files"] == []


# --------------------------------------------------------- object migration
def test_the_pages_object_migration_from_source_to_target(pair):
    source, target = pair
    response = source.create(create_body())
    assert response.status_code == 201, response.text
    summary = response.json()
    migration_id = summary["id"]
    package_id, import_id = migration_id.split(":")
    assert summary["packageInfo"] == {"id": package_id, "status": "creating", "progress": 0.0}
    assert summary["importInfo"] == {"id": import_id, "status": "pending", "importRequestStatus": "pending",
                                     "undoRequestStatus": "pending", "progress": 0}
    record = source.wait(migration_id, "packageInfo")
    package = record["packageInfo"]
    assert package["status"] == "created" and package["progress"] == 100.0 and package["existing"] is True
    assert package["replicated"] is False and package["project"] == {"id": TUTORIAL, "name": "MicroStrategy Tutorial"}
    assert package["creator"] == {"id": ADMINISTRATOR, "name": "Administrator"}
    assert package["storage"]["path"].startswith("mstr/shared/migrations/packages/")
    assert "tocView" not in package
    assert record["importInfo"]["creator"] == {} and record["version"] == "2"
    assert package["storage"]["path"] in target.server.state()["storage"]["files"]  # the one shared store

    binary = source.call("GET", "/api/migrations/packages/%s/binary" % package_id)
    assert binary.status_code == 200 and binary.content[:8] == VENDOR_MAGIC
    assert len(binary.content) == package["storage"]["size"]
    assert binary.headers["Content-Disposition"] == "attachment; filename=ProjectMigration_success.mmp"

    requested = source.patch(migration_id, {"importInfo": {"importRequestStatus": "requested"}}).json()
    assert (requested["packageInfo"]["status"], requested["importInfo"]["importRequestStatus"]) == (
        "created", "requested")
    approved_ = source.patch(migration_id, {"importInfo": {"importRequestStatus": "approved"}}).json()
    assert (approved_["packageInfo"]["status"], approved_["importInfo"]["importRequestStatus"]) == (
        "locked", "approved")

    full = source.get(migration_id, showContent="all").json()
    assert [item["id"] for item in full["packageInfo"]["tocView"]["content"]] == [YEAR, LU_YEAR]
    assert full["packageInfo"]["treeView"] == {}
    assert_vendor_error(target.get(migration_id), 404, "ERR004")  # the target knows it only from the PUT
    full["packageInfo"]["replicated"] = True
    assert YEAR not in target_objects(target)
    started = target.put(migration_id, {"id": migration_id, "packageInfo": full["packageInfo"]})
    assert started.status_code == 201, started.text
    assert started.json()["importInfo"] == {"id": import_id, "status": "importing", "importRequestStatus": "approved",
                                            "undoRequestStatus": "pending", "progress": 0.0}
    done = target.wait(migration_id, "importInfo")["importInfo"]
    assert done["status"] == "imported" and done["progress"] == 100.0
    assert done["creator"] == {"id": ADMINISTRATOR, "name": "Administrator"}
    assert done["project"] == {"id": DEMO, "name": "Demo Project"}
    assert done["undoStorage"]["path"] == "mstr/shared/migrations/undo/%s/%s.mmp" % (package_id, import_id)
    assert {YEAR, LU_YEAR} <= set(target_objects(target))
    assert YEAR not in target_objects(source)  # the source's database is its own

    undo_requested = target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}).json()
    assert undo_requested["importInfo"]["undoRequestStatus"] == "requested"
    undoing = target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}, project=DEMO).json()
    assert (undoing["importInfo"]["status"], undoing["importInfo"]["undoRequestStatus"]) == ("undoing", "approved")
    assert target.wait(migration_id, "importInfo")["importInfo"]["status"] == "undo_success"
    assert not {YEAR, LU_YEAR} & set(target_objects(target))

    assert source.delete(package_id).status_code == 204
    assert_vendor_error(source.get(migration_id), 404, "ERR004")
    assert target.get(migration_id).status_code == 200  # each side is deleted separately
    assert target.delete(package_id).status_code == 204
    for library in pair:
        state = library.server.state()
        assert state["migrations"] == [] and state["storage"]["files"] == []
        assert_vendor_error(library.delete(package_id), 404, "ERR006")


def test_reading_or_changing_a_migration_needs_create_or_import_package(pair):
    """The validate page (Sep 2023): GET and PATCH of a migration record need Create Package or Apply Package."""
    source, _target = pair
    migration_id = source.create(create_body()).json()["id"]
    source.wait(migration_id, "packageInfo")
    analyst, exporter = Api(source.base_url), Api(source.base_url)
    assert analyst.login("analyst").status_code == 204 and exporter.login("exporter").status_code == 204
    path = "/api/migrations/" + migration_id
    for refused in (analyst.call("GET", path),
                    analyst.call("PATCH", path, json={"importInfo": {"importRequestStatus": "requested"}})):
        assert_vendor_error(refused, 403, "ERR0014")
        assert "Create Package or Import Package" in refused.json()["message"]
    assert source.get(migration_id).json()["importInfo"]["importRequestStatus"] == "pending"  # nothing changed
    assert exporter.call("GET", path).status_code == 200  # Create Package alone is enough
    assert source.delete(migration_id.split(":")[0]).status_code == 204


def test_a_configuration_migration_sends_no_project_header(pair):
    source, target = pair
    target.server.patch_object("configuration", ADMINISTRATOR, bumpVersion=True)
    before = target.server.objects()["configuration"][ADMINISTRATOR]["version"]
    migration_id, done = imported(source, target, CONFIGURATION, project=None, target_project=None)
    assert done["importInfo"]["status"] == "imported" and done["importInfo"]["project"] == {}
    after = target.server.objects()["configuration"][ADMINISTRATOR]["version"]
    assert after != before and after == source.server.objects()["configuration"][ADMINISTRATOR]["version"]
    assert target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}).status_code == 200
    assert_vendor_error(target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}, project=DEMO),
                        400, "ERR006")
    assert target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}).status_code == 200
    assert target.wait(migration_id, "importInfo")["importInfo"]["status"] == "undo_success"
    assert target.server.objects()["configuration"][ADMINISTRATOR]["version"] == before


def test_keep_both_makes_no_undo_package(pair):
    source, target = pair
    imported(source, target, create_body(include=False))  # Year in the target, as in the source
    source.server.patch_object(TUTORIAL, YEAR, bumpVersion=True)  # then another version in the source
    migration_id, done = imported(source, target, create_body(action="keep_both", include=False))
    assert done["importInfo"]["status"] == "imported" and done["importInfo"]["undoStorage"] == {}
    assert "Year (1)" in [obj["name"] for obj in target_objects(target).values()]
    assert_vendor_error(target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}), 400, "ERR006")


@pytest.mark.parametrize("word", ["False", "false", "0"])
def test_generate_undo_false_makes_no_undo_package(pair, word):
    source, target = pair
    migration_id, done = imported(source, target, generateUndo=word)
    assert done["importInfo"]["undoStorage"] == {}


def test_list_with_offset_limit_and_purpose(pair):
    source, _target = pair
    ids = [created(source) for _n in range(3)]
    listing = source.call("GET", "/api/migrations", params={"offset": 1, "limit": 1}).json()
    assert listing["total"] == 3 and [item["id"] for item in listing["data"]] == ids[1:2]
    assert "tocView" not in listing["data"][0]["packageInfo"]
    merged = source.call("GET", "/api/migrations", params={"packageInfo.purpose": "project_merge"}).json()
    assert merged == {"data": [], "total": 0}
    both = source.call("GET", "/api/migrations", params={"packageInfo.purpose": "object_migration,project_merge"})
    assert both.json()["total"] == 3
    assert_vendor_error(source.call("GET", "/api/migrations", params={"limit": 1001}), 400, "ERR006")


# -------------------------------------------------------------- refusals
def rule_error(response, status: int, code: str, *words):
    assert_vendor_error(response, status, code)
    for word in words:
        assert word in response.json()["message"], response.json()["message"]


def test_create_refusals(pair):
    source, _target = pair
    rule_error(source.create(create_body(), project=None), 400, "ERR005", "X-MSTR-ProjectID")
    rule_error(source.create(CONFIGURATION, project=TUTORIAL), 400, "ERR006", "configuration")
    rule_error(source.create(create_body(), project="0" * 32), 400, "ERR006", "0" * 32)
    rule_error(source.call("POST", "/api/migrations", project=TUTORIAL, data="{}",
                           headers={"Content-Type": "text/plain"}), 400, "ERR006", "Content-Type")
    body = create_body()
    body["packageInfo"]["purpose"] = "other"
    rule_error(source.create(body), 400, "ERR006", "purpose")
    assert source.server.state()["migrations"] == []
    failing = source.create(create_body(object_id="0" * 32))
    assert failing.status_code == 201
    record = source.wait(failing.json()["id"], "packageInfo")["packageInfo"]
    assert record["status"] == "create_failed" and "0" * 32 in record["message"]


def test_request_and_approval_refusals(pair):
    source, target = pair
    response = source.create(create_body())
    migration_id = response.json()["id"]
    rule_error(source.patch(migration_id, {"importInfo": {"importRequestStatus": "requested"}}), 400, "ERR006",
               "'created'")
    source.wait(migration_id, "packageInfo")
    rule_error(source.patch(migration_id, {"importInfo": {"importRequestStatus": "approved"}}), 400, "ERR006",
               "requested")
    rule_error(source.patch(migration_id, {"packageInfo": {"type": "configuration"}}), 400, "ERR006", "type")
    rule_error(target.put(migration_id, dict(source.get(migration_id, showContent="all").json())), 400, "ERR006",
               "replicated")
    full = source.get(migration_id, showContent="all").json()
    full["packageInfo"]["replicated"] = True
    rule_error(target.put(migration_id, full), 400, "ERR006", "locked")
    source.patch(migration_id, {"importInfo": {"importRequestStatus": "requested"}})
    source.patch(migration_id, {"importInfo": {"importRequestStatus": "approved"}})
    rule_error(source.patch(migration_id, {"importInfo": {"importRequestStatus": "requested"}}), 400, "ERR006")
    rule_error(source.patch(migration_id, {"validation": {"status": "validating"}}), 400, "ERR006", "'created'")


def test_import_refusals(pair):
    source, target = pair
    migration_id, full = approved(source)
    rule_error(target.put(migration_id, full, project=None), 400, "ERR005", "X-MSTR-ProjectID")
    moved = dict(full, packageInfo=dict(full["packageInfo"], storage={"size": 1, "path": "/etc/passwd"}))
    rule_error(target.put(migration_id, moved), 400, "ERR006", "shared file store")
    elsewhere = dict(full, packageInfo=dict(full["packageInfo"], storage={
        "size": 1, "path": "mstr/shared/migrations/packages/2022-03-16/9A838E0F9C9E4910AF57344299327DF9.mmp"}))
    rule_error(target.put(migration_id, elsewhere), 400, "ERR006", CANNOT_READ)
    other = dict(full, importInfo={"project": {"id": TUTORIAL}})
    rule_error(target.put(migration_id, other), 400, "ERR006", "importInfo.project")
    wrong_id = "%s:%s" % (migration_id.split(":")[0], "F" * 32)
    rule_error(target.put(wrong_id, full), 400, "ERR006", "id")
    assert target.put(migration_id, full).status_code == 201
    rule_error(target.put(migration_id, full), 400, "ERR006", "already imported")
    assert target.wait(migration_id, "importInfo")["importInfo"]["status"] == "imported"


def test_undo_refusals(pair):
    source, target = pair
    migration_id, _done = imported(source, target)
    rule_error(target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}, project=DEMO), 400,
               "ERR006", "requested")
    rule_error(source.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}), 400, "ERR006",
               "target")
    assert target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}).status_code == 200
    rule_error(target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}), 400, "ERR005",
               DEMO)
    rule_error(target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}, project=TUTORIAL), 400,
               "ERR006", "another project")
    deviations = [entry["route"] for entry in target.server.state()["deviations"]]
    assert deviations.count("PATCH /api/migrations/{mid}") == 2  # the project header; the others are states


def test_unknown_ids(pair):
    source, _target = pair
    unknown = "A" * 32 + ":" + "B" * 32
    for response in (source.get(unknown), source.patch(unknown, {"importInfo": {"importRequestStatus": "requested"}})):
        rule_error(response, 404, "ERR004", unknown)
        assert response.json()["message"] != "HTTP 404 Not Found"
    rule_error(source.get("not-a-migration"), 400, "ERR006", "not a migration id")
    rule_error(source.delete("A" * 32), 404, "ERR006")
    rule_error(source.call("DELETE", "/api/migrations"), 400, "ERR005", "packageId")
    rule_error(source.call("GET", "/api/migrations/packages/%s/binary" % ("A" * 32)), 404, "ERR004")


# ------------------------------------------------------------- tolerance
def test_the_vendor_sdk_variants_are_accepted(pair):
    source, target = pair
    response = source.call("POST", "/api/migrations", json=create_body(), prefer_async=True,
                           headers={"x-mstr-projectid": TUTORIAL}, params={"unlockOnStart": "True", "fields": "id"})
    assert response.status_code == 201, response.text
    migration_id = response.json()["id"]
    source.wait(migration_id, "packageInfo")
    for status in ("requested", "approved"):
        body = {"importInfo": {"environment": {"id": target.base_url + "/"}, "project": {"id": DEMO},
                               "importRequestStatus": status}}
        assert source.patch(migration_id, body, project=TUTORIAL, params={"migrationId": migration_id}).ok
    full = source.get(migration_id, showContent="ALL", fields="id").json()
    full["packageInfo"]["replicated"] = True
    started = target.call("PUT", "/api/migrations/" + migration_id, json=full, prefer_async=True,
                          headers={"x-mstr-projectid": DEMO.lower()}, params={"generateUndo": "True"})
    assert started.status_code == 201, started.text
    assert target.wait(migration_id, "importInfo")["importInfo"]["status"] == "imported"
    assert target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}}, project=DEMO,
                        prefer_async=True).ok
    assert target.server.state()["deviations"] == []
    assert source.call("DELETE", "/api/migrations", params={"packageId": migration_id.split(":")[0],
                                                            "userComments": "done"}).status_code == 204


# ---------------------------------------------------------------- faults
def test_injected_creation_import_and_undo_failures(pair):
    source, target = pair
    source.server.faults(fail_migration_create=1)
    failing = source.create(create_body()).json()["id"]
    package = source.wait(failing, "packageInfo")["packageInfo"]
    assert package["status"] == "create_failed" and "injected" in package["message"]
    assert [e["additionalProperties"]["objectId"] for e in package["subErrors"]] == [YEAR]
    target.server.faults(fail_migration_import=1)
    migration_id, done = imported(source, target)
    assert done["importInfo"]["status"] == "import_failed" and done["importInfo"]["subErrors"]
    assert YEAR not in target_objects(target)
    migration_id, done = imported(source, target)
    target.server.faults(fail_migration_undo=1)
    target.patch(migration_id, {"importInfo": {"undoRequestStatus": "requested"}})
    target.patch(migration_id, {"importInfo": {"undoRequestStatus": "approved"}}, project=DEMO)
    undo = target.wait(migration_id, "importInfo")["importInfo"]
    assert undo["status"] == "undo_failed" and undo["message"]
    assert YEAR in target_objects(target)


def test_injected_storage_errors(pair):
    source, target = pair
    source.server.faults(storage_not_configured=1)
    rule_error(source.call("GET", "/api/migrations"), 503, "ERR0016", NOT_CONFIGURED)
    source.server.faults(storage_write_errors=1)
    rule_error(source.create(create_body()), 503, "ERR0016", CANNOT_WRITE)
    migration_id, full = approved(source)
    target.server.faults(storage_unreachable=1)
    rule_error(target.put(migration_id, full), 503, "ERR0016", CANNOT_READ)
    rule_error(target.put(migration_id, full), 503, "ERR0016", CANNOT_READ)
    target.server.faults(storage_unreachable=0)
    source.server.faults(storage_read_errors=1)
    rule_error(source.call("GET", "/api/migrations/packages/%s/binary" % migration_id.split(":")[0]), 503,
               "ERR0016", CANNOT_READ)
    assert target.put(migration_id, full).status_code == 201


# ------------------------------------------------------------ validation
def validation_body(full: dict) -> dict:
    package = full["packageInfo"]
    return {"id": full["id"],
            "packageInfo": {key: package[key] for key in ("id", "type", "environment", "storage", "project")},
            "importInfo": {"id": full["importInfo"]["id"], "environment": {"id": "sss", "name": "sss"},
                           "project": {"id": DEMO, "name": "Demo Project"}},
            }


def validate(source: Library, target: Library, migration_id: str) -> dict:
    full = source.get(migration_id, showContent="all").json()
    body = validation_body(full)
    body["packageInfo"]["status"] = "locked"
    response = target.call("PUT", "/api/migrations/%s/validation" % migration_id, json=body)
    assert response.status_code == 202 and response.content == b"", response.text
    summary = source.patch(migration_id, {"validation": {"status": "validating"}}).json()
    assert summary["validation"]["status"] in ("validating", "validated", "validation_failed")
    return source.wait(migration_id, "validation")["validation"]


def test_validation_on_the_target_reaches_the_source(pair):
    source, target = pair
    migration_id = created(source)
    validation = validate(source, target, migration_id)
    assert validation["status"] == "validated" and validation["progress"] == 100
    assert source.get(migration_id).json()["packageInfo"]["status"] == "created"
    assert YEAR not in target_objects(target)  # validating imports nothing


def test_validation_names_a_dependency_missing_in_the_target(pair):
    source, target = pair
    migration_id = created(source, create_body(include=False))
    validation = validate(source, target, migration_id)
    assert validation["status"] == "validation_failed"
    assert LU_YEAR in validation["message"] and "Year" in validation["message"]


def test_injected_validation_failure(pair):
    source, target = pair
    target.server.faults(fail_migration_validation=1)
    validation = validate(source, target, created(source))
    assert validation["status"] == "validation_failed" and "injected" in validation["message"]


def test_validation_refusals(pair, storage_pair, start_emulator):
    source, target = pair
    migration_id = created(source)
    body = validation_body(source.get(migration_id, showContent="all").json())
    rule_error(target.call("PUT", "/api/migrations/%s/validation" % migration_id, json=body), 400, "ERR005",
               "packageInfo.status")
    body["packageInfo"]["status"] = "created"
    late = Library(start_emulator("--storage-dir", storage_pair[0].state()["storage"]["directory"],
                                  "--clock-offset", "301"))
    rule_error(late.call("PUT", "/api/migrations/%s/validation" % migration_id, json=body), 400, "ERR006", CLOCKS)
    close = Library(start_emulator("--storage-dir", storage_pair[0].state()["storage"]["directory"],
                                   "--clock-offset", "-290"))
    assert close.call("PUT", "/api/migrations/%s/validation" % migration_id, json=body).status_code == 202
    close.server.reset()


# ------------------------------------------------------- upload and download
FILES = "/api/mstrServices/library/storage/sharedFileStore/files"


def file_metadata(binary: bytes, kind="project", **changes) -> dict:
    body = {"name": "ProjectMigration_success_upload", "type": "migrations.packages", "size": len(binary),
            "sha256": hashlib.sha256(binary).hexdigest(), "extension": "mmp",
            "environment": {"id": "Source environment URL", "name": "Source environment name"},
            "extraInfo": {"packageType": kind, "packagePurpose": "object_migration"}}
    body.update(changes)
    return body


def uploaded(library: Library, binary: bytes, kind="project") -> dict:
    meta = library.call("POST", FILES, json=file_metadata(binary, kind))
    assert meta.status_code == 200, meta.text
    assert meta.json()["existing"] is False
    response = library.call("PUT", "%s/%s/binary" % (FILES, meta.json()["id"]),
                            files={"file": ("package.mmp", binary)})
    assert response.status_code == 200, response.text
    assert response.json()["existing"] is True
    return response.json()


def from_file(file_id: str) -> dict:
    return {"packageInfo": {"storage": {"sharedFileStore": {"files": {"id": file_id}}},
                            "purpose": "migration_from_shared_file_store"},
            "importInfo": {"environment": {"id": "https://target/MicroStrategyLibrary/", "name": "upload"},
                           "project": {"id": DEMO, "name": "Demo Project"}}}


def test_download_upload_and_import_between_libraries_without_a_shared_store(start_emulator):
    source = Library(start_emulator("--processing-seconds", "0.1"))
    target = Library(start_emulator("--processing-seconds", "0.1"))
    migration_id = created(source)
    binary = source.call("GET", "/api/migrations/packages/%s/binary" % migration_id.split(":")[0]).content
    meta = uploaded(target, binary)
    assert base64.b64decode(meta["id"]).decode() == "migrations.packages:" + meta["path"][-36:-4]
    assert target.call("GET", FILES, params={"type": "migrations.packages"}).json()["total"] == 1
    again = target.call("GET", "%s/%s/binary" % (FILES, meta["id"]))
    assert again.content == binary and "filename=ProjectMigration_success_upload.mmp" in again.headers[
        "Content-Disposition"]
    response = target.create(from_file(meta["id"]), project=DEMO)
    assert response.status_code == 201, response.text
    summary = response.json()
    assert summary["id"].split(":")[0] == meta["extraInfo"]["packageId"]
    assert (summary["packageInfo"]["status"], summary["importInfo"]["status"],
            summary["importInfo"]["importRequestStatus"]) == ("locked", "importing", "approved")
    record = target.wait(summary["id"], "importInfo")
    assert record["importInfo"]["status"] == "imported" and record["packageInfo"]["replicated"] is True
    assert record["packageInfo"]["purpose"] == "migration_from_shared_file_store"
    assert YEAR in target_objects(target)
    listed = target.call("GET", "/api/migrations",
                         params={"packageInfo.purpose": "migration_from_shared_file_store"}).json()
    assert listed["total"] == 1
    target.patch(summary["id"], {"importInfo": {"undoRequestStatus": "requested"}})
    target.patch(summary["id"], {"importInfo": {"undoRequestStatus": "approved"}}, project=DEMO)
    assert target.wait(summary["id"], "importInfo")["importInfo"]["status"] == "undo_success"
    assert YEAR not in target_objects(target)
    assert target.call("DELETE", "%s/%s" % (FILES, meta["id"])).status_code == 204
    assert target.delete(summary["id"].split(":")[0]).status_code == 204
    assert target.server.state()["storage"]["files"] == [] and target.server.state()["migrations"] == []
    rule_error(target.call("DELETE", "%s/%s" % (FILES, meta["id"])), 404, "ERR006")


def test_upload_refusals(pair):
    source, target = pair
    migration_id = created(source)
    binary = source.call("GET", "/api/migrations/packages/%s/binary" % migration_id.split(":")[0]).content
    for change, word in (({"type": "other"}, "type"), ({"extension": "zip"}, "extension"),
                         ({"size": 3 * 1024 ** 3}, "2 GB"), ({"sha256": "abc"}, "sha256"),
                         ({"extraInfo": {"packageType": "x", "packagePurpose": "object_migration"}}, "type")):
        rule_error(target.call("POST", FILES, json=file_metadata(binary, **change)), 400, "ERR006", word)
    rule_error(target.call("GET", FILES), 400, "ERR005", "type")
    rule_error(target.call("GET", FILES, params={"type": "other"}), 400, "ERR006", "type")
    for wrong in (binary[:-1], binary[:-1] + b"x"):
        meta = target.call("POST", FILES, json=file_metadata(binary)).json()
        rule_error(target.call("PUT", "%s/%s/binary" % (FILES, meta["id"]), files={"file": ("p.mmp", wrong)}),
                   400, "ERR006", "not the file of the metadata")
        rule_error(target.create(from_file(meta["id"]), project=DEMO), 400, "ERR006", "uploaded file")
        assert target.call("DELETE", "%s/%s" % (FILES, meta["id"])).status_code == 204
    text = b"not a package"
    meta = target.call("POST", FILES, json=file_metadata(text)).json()
    rule_error(target.call("PUT", "%s/%s/binary" % (FILES, meta["id"]), files={"file": ("p.mmp", text)}), 400,
               "ERR006", "not a migration package")
    meta = uploaded(target, binary)
    rule_error(target.create(from_file(meta["id"]), project=None), 400, "ERR005", "X-MSTR-ProjectID")
    body = validation_body(source.get(migration_id, showContent="all").json())
    body["packageInfo"].update(status="created", storage={"size": meta["size"], "path": meta["path"]})
    rule_error(target.call("PUT", "/api/migrations/%s/validation" % migration_id, json=body), 400, "ERR006",
               "uploaded")
    assert target.call("DELETE", "%s/%s" % (FILES, meta["id"])).status_code == 204
    rule_error(target.call("DELETE", "%s/%s" % (FILES, "x")), 404, "ERR006")


# -------------------------------------------------- merge, edit, certification
def merge_body(**settings) -> dict:
    body = create_body()
    body["packageInfo"].update(purpose="project_merge", name="ProjectMerge_success")
    body["packageInfo"]["tocView"] = {"settings": {
        "updateSchema": ["recal_table_logical_size"], "aclOnReplacingObjects": "use_existing",
        "aclOnNewObjects": ["keep_acl_as_source_object"], "validateDependencies": True,
        "defaultAction": "use_existing", "folderActions": [], "translationAction": "existing",
        "objectTypeActions": [{"type": 1, "subtype": 256, "action": "use_existing"}],
        "objectActions": [{"id": YEAR, "action": "replace"}], **settings}}
    return body


def test_a_project_merge_merges_every_object_of_the_project(pair):
    source, target = pair
    migration_id, done = imported(source, target, merge_body())
    assert done["importInfo"]["status"] == "imported" and done["importInfo"]["undoStorage"]
    full = source.get(migration_id, showContent="all").json()
    assert full["packageInfo"]["purpose"] == "project_merge"
    actions = {item["id"]: item["action"] for item in full["packageInfo"]["tocView"]["content"]}
    assert actions[YEAR] == "replace" and set(actions.values()) == {"replace", "use_existing"}
    assert set(target_objects(source, TUTORIAL)) <= set(target_objects(target))
    listed = source.call("GET", "/api/migrations", params={"packageInfo.purpose": "project_merge"}).json()
    assert [item["id"] for item in listed["data"]] == [migration_id]
    rule_error(source.create(merge_body(objectActions=[{"id": YEAR, "action": "merge"}])), 400, "ERR006",
               "objectActions")
    wrong = merge_body()
    wrong["packageInfo"]["type"] = "configuration"
    rule_error(source.create(wrong, project=None), 400, "ERR006", "project merge")


def test_edit_a_migration_before_it_is_requested(pair):
    source, _target = pair
    migration_id = created(source, create_body(include=False))
    old_path = source.get(migration_id).json()["packageInfo"]["storage"]["path"]
    info = source.get(migration_id, showContent="all").json()["packageInfo"]
    info.update(name="Object_Migration_edit")
    info["tocView"]["content"] = [{"id": YEAR, "type": 12, "action": "replace", "includeDependents": True}]
    path = "/api/migrations/%s/packageInfo" % migration_id
    rule_error(source.call("PUT", path, json=info), 400, "ERR005", "Prefer")
    response = source.call("PUT", path, json=info, prefer_async=True)
    assert response.status_code == 202, response.text
    assert response.json() == {"id": migration_id.split(":")[0], "status": "creating", "progress": 0.0}
    record = source.wait(migration_id, "packageInfo")
    assert record["packageInfo"]["name"] == "Object_Migration_edit" and record["packageInfo"]["status"] == "created"
    content = source.get(migration_id, showContent="tocview").json()["packageInfo"]["tocView"]["content"]
    assert [item["id"] for item in content] == [YEAR, LU_YEAR]
    assert old_path not in source.server.state()["storage"]["files"]
    rule_error(source.call("PUT", path, json=dict(info, type="configuration"), prefer_async=True), 400, "ERR006",
               "type")
    source.patch(migration_id, {"importInfo": {"importRequestStatus": "requested"}})
    rule_error(source.call("PUT", path, json=info, prefer_async=True), 400, "ERR006", "requested")
    source.patch(migration_id, {"importInfo": {"importRequestStatus": "rejected"}})
    assert source.call("PUT", path, json=info, prefer_async=True).status_code == 202


def test_certification_on_the_source_and_its_sync_to_the_target(pair):
    source, target = pair
    migration_id = created(source)
    path = "/api/migrations/%s/packageInfo/certification" % migration_id

    def certify(library, status, **certification):
        body = {"packageInfo": {"certification": dict(status=status, **certification)}}
        return library.call("PATCH", path, json=body)
    rule_error(certify(source, "certified"), 400, "ERR006", "'uncertified' to 'certified'")
    for status in ("requested", "uncertified", "requested", "certified"):
        response = certify(source, status)
        assert response.status_code == 204 and response.content == b""
    certification = source.get(migration_id).json()["packageInfo"]["certification"]
    assert certification["status"] == "certified" and certification["operator"]["id"] == ADMINISTRATOR
    rule_error(source.call("PATCH", path, data="{}"), 400, "ERR005")
    for status in ("requested", "approved"):
        source.patch(migration_id, {"importInfo": {"importRequestStatus": status}})
    full = source.get(migration_id, showContent="all").json()
    full["packageInfo"]["replicated"] = True
    assert target.put(migration_id, full).status_code == 201
    rule_error(certify(source, "uncertified"), 400, "ERR006", "'created'")
    mstrio = {"status": "rejected", "operator": {"id": "1" * 32, "name": "x", "fullName": "X"},
              "lastUpdatedDate": "2022-03-30T19:54:27.205000+0000"}
    assert target.call("PATCH", path, json=mstrio).status_code == 204
    synced = target.get(migration_id).json()["packageInfo"]["certification"]
    assert synced["lastUpdatedDate"] == "2022-03-30T19:54:27.205+0000" and synced["status"] == "rejected"
    assert target.call("PATCH", path, params={"autoSync": "True"}).status_code == 204
    assert target.get(migration_id).json()["packageInfo"]["certification"]["status"] == "certified"


# ---------------------------------------------------------------- groups
def group_body(*children) -> dict:
    return {"name": "test_migrationGroup", "sourceEnvironment": {"id": "environment_url_src", "name": "src"},
            "targetEnvironment": {"id": "environment_url_tar", "name": "tar"}, "treeView": {}, "version": "2",
            "migrations": list(children)}


CONFIGURATION_CHILD = {"packageInfo": {"type": "configuration", "tocView": CONFIGURATION["packageInfo"]["tocView"]},
                       "importInfo": {}}


PUBLIC_OBJECTS = "98FE182C2A10427EACE0CD30B6768258"  # the folder Demo Project has


def project_child(project=TUTORIAL, target=DEMO, include=True) -> dict:
    toc = create_body(include=include)["packageInfo"]["tocView"]
    if project == DEMO:
        toc["content"] = [{"id": PUBLIC_OBJECTS, "type": 8, "action": "replace", "includeDependents": False}]
    return {"packageInfo": {"type": "project", "project": {"id": project, "name": "p"}, "tocView": toc},
            "importInfo": {"project": {"id": target, "name": "t"}}}


def wait_group(library: Library, group_id: str, timeout=15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = library.call("GET", "/api/migrationGroups/" + group_id, params={"showContent": "all"}).json()
        busy = [c for c in body["migrations"] if c["packageInfo"]["status"] in ("empty", "creating")
                or c["importInfo"]["status"] in ("importing", "undoing")
                or (c["importInfo"]["status"] == "pending" and c["packageInfo"]["replicated"])]
        if not busy or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_a_migration_group_from_source_to_target_and_its_undo(pair):
    source, target = pair
    response = source.call("POST", "/api/migrationGroups", json=group_body(CONFIGURATION_CHILD, project_child()))
    assert response.status_code == 201, response.text
    summary = response.json()
    group_id = summary["id"]
    assert [c["packageInfo"]["status"] for c in summary["migrations"]] == ["creating", "empty"]
    assert all(c["packageInfo"]["groupId"] == group_id.split(":")[0] for c in summary["migrations"])
    group = wait_group(source, group_id)
    assert [c["packageInfo"]["status"] for c in group["migrations"]] == ["created", "created"]
    assert [c["packageInfo"]["purpose"] for c in group["migrations"]] == ["migration_group", "migration_group_child"]
    rule_error(source.call("PATCH", "/api/migrationGroups/" + group_id, json={"importRequestStatus": "approved"}),
               400, "ERR006", "requested")
    for status in ("requested", "approved"):
        assert source.call("PATCH", "/api/migrationGroups/" + group_id, json={"importRequestStatus": status}).ok
    full = source.call("GET", "/api/migrationGroups/" + group_id, params={"showContent": "all"}).json()
    assert [c["packageInfo"]["status"] for c in full["migrations"]] == ["locked", "locked"]
    for child in full["migrations"]:
        child["packageInfo"]["replicated"] = True
    rule_error(target.call("PUT", "/api/migrationGroups/" + group_id, json=full), 400, "ERR005", "Prefer")
    started = target.call("PUT", "/api/migrationGroups/" + group_id, json=full, prefer_async=True,
                          headers={"generateUndo": "true"})
    assert started.status_code == 202, started.text
    assert [c["importInfo"]["status"] for c in started.json()["migrations"]] == ["importing", "pending"]
    done = wait_group(target, group_id)
    assert [c["importInfo"]["status"] for c in done["migrations"]] == ["imported", "imported"]
    assert YEAR in target_objects(target)
    path = "/api/migrationGroups/" + group_id
    assert target.call("PATCH", path, json={"undoRequestStatus": "requested"}, prefer_async=True).ok
    # Approving the undo needs Import Package, as a single migration's undo does: refused, nothing undone.
    exporter = Api(target.base_url)
    assert exporter.login("exporter").status_code == 204
    refused = exporter.call("PATCH", path, json={"undoRequestStatus": "approved"}, prefer_async=True)
    assert_vendor_error(refused, 403, "ERR0014")
    assert "Import Package" in refused.json()["message"]
    assert wait_group(target, group_id)["undoRequestStatus"] == "requested"
    undoing = target.call("PATCH", path, json={"undoRequestStatus": "approved"}, prefer_async=True).json()
    assert [c["importInfo"]["status"] for c in undoing["migrations"]] == ["undoing", "imported"]
    undone = wait_group(target, group_id)
    assert [c["importInfo"]["status"] for c in undone["migrations"]] == ["undo_success", "undo_success"]
    assert YEAR not in target_objects(target)
    for library in (source, target):
        assert library.call("DELETE", "/api/migrationGroups",
                            params={"packageGroupId": group_id.split(":")[0]}).status_code == 204
        state = library.server.state()
        assert state["migrationGroups"] == [] and state["migrations"] == []
        rule_error(library.call("DELETE", "/api/migrationGroups", params={"packageGroupId": group_id.split(":")[0]}),
                   404, "ERR006")


def test_group_rules_and_fail_fast(pair):
    source, target = pair
    post = "/api/migrationGroups"
    rule_error(source.call("POST", post, json=group_body(project_child(), CONFIGURATION_CHILD)), 400, "ERR006",
               "first")
    rule_error(source.call("POST", post, json=group_body(project_child(), project_child())), 400, "ERR006",
               "one package per project")
    rule_error(source.call("POST", post, json=group_body(*[project_child()] * 101)), 400, "ERR006", "100")
    source.server.faults(fail_migration_create=1)
    failing = source.call("POST", post, json=group_body(project_child(), project_child(DEMO, TUTORIAL))).json()
    group = wait_group(source, failing["id"])
    assert [c["packageInfo"]["status"] for c in group["migrations"]] == ["create_failed", "create_failed"]
    assert "earlier package" in group["migrations"][1]["packageInfo"]["message"]
    group_id = source.call("POST", post, json=group_body(project_child(), project_child(DEMO, TUTORIAL))).json()["id"]
    wait_group(source, group_id)
    for status in ("requested", "approved"):
        source.call("PATCH", post + "/" + group_id, json={"importRequestStatus": status})
    full = source.call("GET", post + "/" + group_id, params={"showContent": "all"}).json()
    for child in full["migrations"]:
        child["packageInfo"]["replicated"] = True
    target.server.faults(fail_migration_import=1)
    response = target.call("PUT", post + "/" + group_id, json=full, prefer_async=True)
    assert response.status_code == 202, response.text
    done = wait_group(target, group_id)
    assert [c["importInfo"]["status"] for c in done["migrations"]] == ["import_failed", "import_failed"]
    assert YEAR not in target_objects(target)


# ------------------------------------------ generateUndo: a query parameter or a header (the notes' A11)
def approved_group(source: Library) -> tuple:
    """(id, the showContent=all body of an approved group, every child replicated: true)."""
    post = "/api/migrationGroups"
    group_id = source.call("POST", post, json=group_body(CONFIGURATION_CHILD, project_child())).json()["id"]
    assert [c["packageInfo"]["status"] for c in wait_group(source, group_id)["migrations"]] == ["created", "created"]
    for status in ("requested", "approved"):
        assert source.call("PATCH", post + "/" + group_id, json={"importRequestStatus": status}).ok
    full = source.call("GET", post + "/" + group_id, params={"showContent": "all"}).json()
    for child in full["migrations"]:
        child["packageInfo"]["replicated"] = True
    return group_id, full


@pytest.mark.parametrize("headers, params, undo", [
    ({}, {}, True),  # the default
    ({"generateUndo": "false"}, {}, False),  # the group page's header
    ({"GENERATEUNDO": "False"}, {}, False),  # a header name in any case
    ({}, {"generateUndo": "False"}, False),  # the classic route's and the vendor SDK's query parameter
    ({"generateUndo": "true"}, {"generateUndo": "True"}, True),
])
def test_a_group_import_takes_generate_undo_as_a_header_or_a_query_parameter(pair, headers, params, undo):
    source, target = pair
    group_id, full = approved_group(source)
    path = "/api/migrationGroups/" + group_id
    started = target.call("PUT", path, json=full, prefer_async=True, headers=headers, params=params)
    assert started.status_code == 202, started.text
    done = wait_group(target, group_id)
    assert [c["importInfo"]["status"] for c in done["migrations"]] == ["imported", "imported"]
    assert [bool(c["importInfo"]["undoStorage"]) for c in done["migrations"]] == [undo, undo]
    requested = target.call("PATCH", path, json={"undoRequestStatus": "requested"}, prefer_async=True)
    if undo:
        assert requested.status_code == 200, requested.text
    else:
        rule_error(requested, 400, "ERR006", "undo package")


def test_generate_undo_sent_twice_with_different_values_is_refused(pair):
    source, target = pair
    group_id, full = approved_group(source)
    for headers, params in (({"generateUndo": "false"}, {"generateUndo": "true"}),
                            ({"generateUndo": "yes"}, {})):
        response = target.call("PUT", "/api/migrationGroups/" + group_id, json=full, prefer_async=True,
                               headers=headers, params=params)
        rule_error(response, 400, "ERR006", "generateUndo")
    assert target.server.state()["migrationGroups"] == []  # nothing imported
    migration_id, single = approved(source)
    rule_error(target.put(migration_id, single, headers={"generateUndo": "true"}, params={"generateUndo": "false"}),
               400, "ERR006", "generateUndo")
    assert target.server.state()["migrations"] == []


@pytest.mark.parametrize("headers, params", [({"generateUndo": "false"}, {}), ({}, {"generateUndo": "false"})])
def test_a_single_import_takes_generate_undo_as_a_header_too(pair, headers, params):
    source, target = pair
    migration_id, full = approved(source)
    response = target.put(migration_id, full, headers=headers, params=params)
    assert response.status_code == 201, response.text
    assert target.wait(migration_id, "importInfo")["importInfo"]["undoStorage"] == {}
