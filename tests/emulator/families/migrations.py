# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Migrations in Workstation (the current route): records, the package in the Storage Service, import, undo, validation.

Each emulator process is one Library with its own record database (this
family's ``records``) and its environment id; the package binaries, undo
packages and validation results live in the Storage Service
(``storage.Storage``, shared by the processes given one ``--storage-dir``).
The source builds the package (``creating``), it is requested and approved
there (approval locks it); the target learns of the migration only from the
``PUT`` body and the package file in the shared store, imports it and makes
its undo package. Every asynchronous step is a ``jobs.Job``. Pages are cited
as ``file#section`` in ../shared/reference/microstrategy-rest-api/migrations-in-workstation.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Optional

from .. import binaries, importing, packaging, seed
from ..calls import Call, Response
from ..errors import ApiError, invalid_input, missing_info, sub_error
from ..family import Family, route
from ..jobs import Job, JobFailed, JobKind
from ..rules import JSON, ProjectRule, Rule
from ..storage import CANNOT_READ, CANNOT_WRITE, CERTIFICATION, CLOCKS, NOT_CONFIGURED, REQUIRES, VALIDATION, unavailable

OBJECT_PAGE = "object-migration-between-environments.md"
MERGE_PAGE = "project-merge-between-environments.md"
VALIDATE_PAGE = "validate-migrations.md"
UPLOAD_PAGE = "upload-and-download-migration-packages.md"
EDIT_PAGE = "edit-migrations-and-migration-groups.md"
NOTES = "API_NOTES_WORKSTATION.md"

CREATE_JOB = JobKind(success="created", failed="create_failed", fault="fail_migration_create", running="creating",
                     shows_progress=True)
IMPORT_JOB = JobKind(success="imported", failed="import_failed", fault="fail_migration_import", running="importing",
                     shows_progress=True)
UNDO_JOB = JobKind(success="undo_success", failed="undo_failed", fault="fail_migration_undo", running="undoing",
                   shows_progress=True)
VALIDATION_JOB = JobKind(success="validated", failed="validation_failed", fault="fail_migration_validation",
                         running="validating", shows_progress=True)

MIGRATION_ID = re.compile(r"^([0-9A-Fa-f]{32}):([0-9A-Fa-f]{32})$")
PURPOSES = ("object_migration", "project_merge")
CERTIFICATION_STATES = ("uncertified", "requested", "certified", "rejected")
# (from, to): an Architect requests and takes a request back; an Administrator certifies, rejects and decertifies.
CERTIFICATION_STEPS = {("uncertified", "requested"), ("requested", "uncertified"), ("requested", "certified"),
                       ("requested", "rejected"), ("certified", "uncertified"), ("rejected", "requested"),
                       ("rejected", "uncertified")}
TRANSLATION_ACTIONS = ("existing", "not_merged", "use_existing", "replace", "force_replace")
FROM_FILE = "migration_from_shared_file_store"
SHOW_CONTENT = ("default", "tocview", "treeview", "all")
PROJECT_KINDS = ("project", "project_security")
MAX_LIMIT = 1000
# Reading or changing a migration record (GET and PATCH /api/migrations/{id}); the validate page, since Sep 2023.
RECORD_PRIVILEGES = (seed.PRIV_CREATE_PACKAGE, seed.PRIV_IMPORT_PACKAGE)


def hex_id() -> str:
    return uuid.uuid4().hex.upper()


# ------------------------------------------------------------ the project header
def _package_project(check, kind: str) -> Optional[str]:
    """A project package names its project in the header (loaded), a configuration package sends none."""
    check.project_judged = True
    sent = check.sent.project_id
    if kind in PROJECT_KINDS and sent is None:
        check.fail(missing_info("X-MSTR-ProjectID missing: a %s package needs the project header (the pages: "
                                "'required for creating project package')." % kind))
    if kind == "configuration" and sent is not None:
        check.fail(invalid_input("X-MSTR-ProjectID '%s' sent: a configuration package takes no project header (the "
                                 "pages: 'the project ID should not be used')." % check.sent.project))
    return check.loaded_project()


def _tolerated(check, *_subject):
    """Neither required nor refused (mstrio sends the session's project header on these calls)."""
    check.project_judged = True


def _undo_approval(check, record: dict, approving_undo: bool):
    """The undo approval names the import's project; every other PATCH tolerates the header."""
    if not approving_undo:
        _tolerated(check)
        return
    project = record["importInfo"]["project"].get("id")
    check.expect_project(project, "the import of migration '%s'" % record["id"])


PACKAGE_PROJECT = ProjectRule("migration-package", "type project / project_security: required, a loaded project "
                                                   "(the package's project on the source, the import's on the "
                                                   "target); configuration: absent", _package_project)
TOLERATED = ProjectRule("tolerated", "tolerated, never required", _tolerated)
UNDO_APPROVAL = ProjectRule("undo-approval", "for `undoRequestStatus: approved`: the import's project (absent for a "
                                             "configuration import); tolerated otherwise", _undo_approval)


# ---------------------------------------------------------------- bodies
def _object(body, what: str) -> dict:
    if not isinstance(body, dict):
        raise invalid_input("%s must be a JSON object." % what)
    return body


def package_info(body) -> tuple:
    """(packageInfo, kind, purpose) of a create body (section 3.1 of the notes)."""
    info = _object(_object(body, "The request body").get("packageInfo"), "packageInfo")
    kind = packaging.package_type(info)
    purpose = info.get("purpose") or "object_migration"
    if purpose not in PURPOSES:
        raise invalid_input("packageInfo.purpose '%s' is not one of %s." % (purpose, ", ".join(PURPOSES)))
    if purpose == "project_merge" and kind != "project":
        raise invalid_input("A project merge is a package of type project, not %s." % kind)
    _object(info.get("tocView"), "packageInfo.tocView")
    return info, kind, purpose


def _merge_settings(settings) -> dict:
    """The project merge's extra settings (the merge page, step 1)."""
    settings = _object(settings or {}, "tocView.settings")
    if not isinstance(settings.get("validateDependencies", False), bool):
        raise invalid_input("tocView.settings.validateDependencies must be a boolean.")
    for key, fields in (("folderActions", ("id",)), ("objectTypeActions", ("type",)), ("objectActions", ("id",))):
        entries = settings.get(key) or []
        if not isinstance(entries, list) or any(not isinstance(e, dict) or e.get("action") not in packaging.ACTIONS
                                                or any(f not in e for f in fields) for e in entries):
            raise invalid_input("tocView.settings.%s must be a list of {%s, action} with an action of %s."
                                % (key, ", ".join(fields), ", ".join(packaging.ACTIONS)))
    if settings.get("translationAction", "existing") not in TRANSLATION_ACTIONS:
        raise invalid_input("tocView.settings.translationAction must be one of %s." % ", ".join(TRANSLATION_ACTIONS))
    return settings


def _merge_action(obj: dict, settings: dict) -> str:
    """An object's action in a merge: its own, else its folder's, else its type's, else the default."""
    for entry in settings.get("objectActions") or []:
        if entry["id"].upper() == obj["id"]:
            return entry["action"]
    for entry in settings.get("folderActions") or []:
        if entry["id"].upper() in (obj.get("folder"), obj["id"]):
            return entry["action"]
    for entry in settings.get("objectTypeActions") or []:
        if entry["type"] == obj["type"] and entry.get("subtype") in (None, obj.get("subtype")):
            return entry["action"]
    return settings.get("defaultAction") or "use_existing"


def import_package_info(migration_id: str, body) -> dict:
    """The packageInfo of an import PUT: the migration's, replicated, locked, with its package in the store."""
    body = _object(body, "The request body")
    if body.get("id") not in (None, migration_id):
        raise invalid_input("The body's id '%s' is not the migration '%s' of the path." % (body.get("id"), migration_id))
    info = _object(body.get("packageInfo"), "packageInfo")
    if info.get("id", "").upper() != migration_id.split(":")[0]:
        raise invalid_input("packageInfo.id '%s' is not the package of migration '%s'." % (info.get("id"), migration_id))
    if info.get("replicated") is not True:
        raise invalid_input("packageInfo.replicated must be true: the target imports a package built on the source "
                            "(the pages: change \"replicated\": false to true).")
    if info.get("status") != "locked":
        raise invalid_input("packageInfo.status is '%s': only an approved (locked) package can be imported."
                            % info.get("status"))
    packaging.package_type(info)
    if not isinstance(info.get("storage"), dict) or not info["storage"].get("path"):
        raise invalid_input("packageInfo.storage.path is missing: the target reads the package from the shared "
                            "file store.")
    return info


def check_service(emu, access: str = ""):
    """The Storage Service must be there; ``access`` "read" / "write": the shared files are used (the faults)."""
    if not emu.storage.enabled:
        raise unavailable(REQUIRES)
    if emu.faults.take("storage_not_configured"):
        raise unavailable(NOT_CONFIGURED)
    if access == "read" and (emu.faults.values["storage_unreachable"] or emu.faults.take("storage_read_errors")):
        raise unavailable(CANNOT_READ)
    if access == "write" and emu.faults.take("storage_write_errors"):
        raise unavailable(CANNOT_WRITE)


def file_response(storage, path: str, name: str) -> Response:
    """A package binary from the store, named (unquoted, as mstrio reads it) after the package."""
    size = storage.size(path)
    filename = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    return Response(200, headers={"Content-Type": "application/octet-stream",
                                  "Content-Disposition": "attachment; filename=%s.mmp" % filename},
                    stream=binaries.iter_file(storage.local(path)), length=size)


def page_of(call: Call, items: list) -> dict:
    """{"data", "total"} of ``items`` by the query's offset and limit (at most 1000)."""
    offset, limit = call.int_param("offset") or 0, call.int_param("limit")
    if offset < 0 or (limit is not None and not 0 < limit <= MAX_LIMIT):
        raise invalid_input("offset must be 0 or more and limit between 1 and %d." % MAX_LIMIT)
    return {"data": items[offset:offset + limit if limit else None], "total": len(items)}


def _date(value) -> Optional[str]:
    """A date with milli- or microseconds (mstrio sends microseconds), or null, as the route prints dates."""
    if value is None:
        return None
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except (TypeError, ValueError) as exc:
        raise invalid_input("lastUpdatedDate '%s' is not a date like 2022-03-30T19:54:27.205+0000." % value) from exc
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _certification(body) -> dict:
    """The certification of the page's body ({"packageInfo": {"certification": {...}}}) or mstrio's flat one."""
    body = _object(body, "The request body")
    wanted = ((body.get("packageInfo") or {}).get("certification")) if "packageInfo" in body else body
    return certification_state(wanted, "packageInfo.certification")


def certification_state(wanted, what: str) -> dict:
    """A wanted certification: {status[, operator, lastUpdatedDate]} with a known status."""
    wanted = _object(wanted, what)
    if wanted.get("status") not in CERTIFICATION_STATES:
        raise invalid_input("certification.status must be one of %s." % ", ".join(CERTIFICATION_STATES))
    if "operator" in wanted and wanted["operator"] is None:
        del wanted["operator"]
    return wanted


def body_project(body: dict) -> Optional[str]:
    project = ((body.get("importInfo") or {}).get("project") or {}).get("id")
    return project.upper() if isinstance(project, str) and project else None


def _validation_body(migration_id: str, body, header_project: Optional[str]) -> tuple:
    """(packageInfo, target project) of a validation PUT (section 3.5 of the notes: every field but the projects)."""
    body = _object(body, "The request body")
    info = _object(body.get("packageInfo"), "packageInfo")
    target = _object(body.get("importInfo"), "importInfo")
    missing = [name for name, value in (("id", body.get("id")), ("packageInfo.id", info.get("id")),
                                        ("packageInfo.type", info.get("type")),
                                        ("packageInfo.environment", info.get("environment")),
                                        ("packageInfo.storage.path", (info.get("storage") or {}).get("path")),
                                        ("packageInfo.status", info.get("status")), ("importInfo.id", target.get("id")),
                                        ("importInfo.environment", target.get("environment"))) if not value]
    if missing:
        raise missing_info("The validation body lacks %s." % ", ".join(missing))
    if "%s:%s" % (info["id"].upper(), target["id"].upper()) != migration_id or body["id"].upper() != migration_id:
        raise invalid_input("The body's ids are not those of migration '%s'." % migration_id)
    kind = packaging.package_type(info)
    project = body_project(body) or header_project
    if kind in PROJECT_KINDS and project is None:
        raise missing_info("A %s package is validated against a target project: importInfo.project or "
                           "X-MSTR-ProjectID is required." % kind)
    if kind == "configuration":
        project = None
    return info, project


def _injected_validation_failure(header: dict) -> JobFailed:
    objects = header["objects"]
    return JobFailed("Validation failed: the target reported an error while validating the package (injected fault).",
                     [(obj["id"], obj["name"], "The object would fail to import (injected fault).") for obj in objects])


class Migrations(Family):
    name = "migrations"
    FAULTS = {"fail_migration_create": 0, "fail_migration_import": 0, "fail_migration_undo": 0,
              "fail_migration_validation": 0, "storage_not_configured": 0, "storage_write_errors": 0,
              "storage_read_errors": 0, "storage_unreachable": 0}

    def __init__(self, emulator):
        super().__init__(emulator)
        self.records: dict = {}  # this Library's record database: migrations by id
        self.first_ids = copy.deepcopy(seed.FIRST_IDS)

    # ------------------------------------------------------------------ state
    def reset(self):
        self.records = {}
        self.first_ids = copy.deepcopy(seed.FIRST_IDS)

    def advance(self, now: float):
        for record in self.records.values():
            for job in record["jobs"]:
                job.advance(now, self.emu.faults)

    def snapshot(self, checksums: bool = False) -> dict:
        storage = self.emu.storage
        return {
            "migrations": [self._record_state(record) for record in self.records.values()],
            "storage": {"directory": storage.directory, "shared": storage.shared, "enabled": storage.enabled,
                        "environmentId": self.emu.environment_id, "files": storage.listing()},
        }

    @staticmethod
    def _record_state(record: dict) -> dict:
        package, imp = record["packageInfo"], record["importInfo"]
        return {"id": record["id"], "roles": [r for r in ("source", "target") if record[r]],
                "packageStatus": package["status"], "importRequestStatus": imp["importRequestStatus"],
                "importStatus": imp["status"], "undoRequestStatus": imp["undoRequestStatus"],
                "validation": (record["validation"] or {}).get("status"),
                "storage": package.get("storage", {}).get("path"), "undoStorage": imp["undoStorage"].get("path")}

    # ---------------------------------------------------------------- helpers
    def now(self) -> str:
        """This server's time as the route prints it (milliseconds, +0000), with its --clock-offset."""
        moment = datetime.now(timezone.utc) + timedelta(seconds=self.emu.clock_offset)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"

    def user(self, call: Call) -> dict:
        account = seed.ACCOUNTS[call.session["user"]]
        return {"id": account["id"], "name": account["name"]}

    @staticmethod
    def migration_id(raw: str) -> str:
        match = MIGRATION_ID.match(raw or "")
        if not match:
            raise invalid_input("'%s' is not a migration id ('<packageId>:<importId>', two 32-character hex ids)."
                                % raw)
        return raw.upper()

    def record(self, raw_id: str) -> dict:
        migration_id = self.migration_id(raw_id)
        found = self.records.get(migration_id)
        if found is None:
            raise ApiError(404, "ERR004", "Migration '%s' was not found on this Library (%s)."
                           % (migration_id, self.emu.environment_id))
        return found

    def new_id(self, kind: str, taken=(), prefix: str = "") -> str:
        """A new migration (or group) id: the pages' sample id of ``kind`` the first time after a start or reset
        (seed.FIRST_IDS; not when this Library holds it, or it does not begin with ``prefix``), else a random one."""
        queue = self.first_ids[kind]
        if queue and queue[0].startswith(prefix):
            candidate = queue.pop(0)
            if candidate not in self.records and candidate not in taken:
                return candidate
        return prefix + hex_id() if prefix else "%s:%s" % (hex_id(), hex_id())

    def project_ref(self, project_id: Optional[str]) -> dict:
        project = self.emu.project(project_id)
        return {"id": project["id"], "name": project["name"]} if project else {}

    def new_job(self, kind: JobKind, part: dict, work, injected) -> Job:
        return Job(kind, part, time.monotonic(), self.emu.processing_seconds, work, injected)

    # ------------------------------------------------------------------ views
    @staticmethod
    def _public(part: dict) -> dict:
        shown = copy.deepcopy(part)
        if not shown.get("subErrors"):
            shown.pop("subErrors", None)
        return shown

    def summary(self, record: dict) -> dict:
        package, imp = record["packageInfo"], record["importInfo"]
        view = {"id": record["id"],
                "packageInfo": {"id": package["id"], "status": package["status"], "progress": package["progress"]},
                "importInfo": {key: imp[key] for key in ("id", "status", "importRequestStatus", "undoRequestStatus",
                                                         "progress")}}
        if record["validation"]:
            view["validation"] = {key: record["validation"][key] for key in ("status", "progress")}
        return view

    def full(self, record: dict, show: str = "default") -> dict:
        package = self._public(record["packageInfo"])
        if show in ("tocview", "all"):
            package["tocView"] = copy.deepcopy(record["tocView"])
        if show in ("treeview", "all"):
            package["treeView"] = copy.deepcopy(record["treeView"])
        view = {"id": record["id"], "packageInfo": package, "importInfo": self._public(record["importInfo"])}
        if record["validation"]:
            view["validation"] = self._public(record["validation"])
        view["version"] = record["version"]
        return view

    # ------------------------------------------------------------------- jobs
    def _build(self, record: dict):
        """The creation job's work: look the objects up, write the package binary into the Storage Service."""
        emu, package = self.emu, record["packageInfo"]
        project_id = package["project"].get("id")
        content, objects = packaging.build(emu.metadata, package["type"], project_id,
                                           package["project"].get("name"), record["settings"], record["requested"],
                                           emu.public_object)
        header = packaging.binary_header(package["id"], package["creationDate"], package["type"], project_id,
                                         record["settings"], content, objects, emu.padding_bytes)
        header["migration"] = {"id": record["id"], "purpose": package["purpose"], "name": package["name"],
                               "environment": emu.environment_id, "clockOffset": emu.clock_offset}
        path = emu.storage.package_path(hex_id())
        size = emu.storage.write_package(path, header)
        package.update(storage={"size": size, "path": path}, existing=True, lastUpdatedDate=self.now())
        record["tocView"]["content"] = content

    def _import(self, record: dict, header: dict):
        """The import job's work: apply the package to the target, write its undo package into the store."""
        imp = record["importInfo"]
        project_id = imp["project"].get("id")
        change = importing.apply_import(self.emu.metadata, header, project_id)
        imp["lastUpdatedDate"] = self.now()
        if record["generateUndo"] and change.undo_possible:
            path = self.emu.storage.undo_path(record["packageInfo"]["id"], imp["id"])
            undo = importing.undo_header("undo:" + record["id"], self.now(), header, project_id, change)
            imp["undoStorage"] = {"size": self.emu.storage.write_package(path, undo), "path": path}

    def _undo(self, record: dict, header: dict):
        importing.apply_import(self.emu.metadata, header, record["importInfo"]["project"].get("id"))
        record["importInfo"]["lastUpdatedDate"] = self.now()

    # ------------------------------------------------------------- records
    def _new_record(self, call: Call, migration_id: str) -> dict:
        package_id, import_id = migration_id.split(":")
        stamp = self.now()
        return {
            "id": migration_id, "version": "2", "source": False, "target": False, "jobs": [], "next": None,
            "validation": None,
            "settings": None, "requested": [], "generateUndo": True, "tocView": {}, "treeView": {},
            "packageInfo": {"id": package_id, "replicated": False, "type": None, "purpose": "object_migration",
                            "name": None, "creator": self.user(call), "creationDate": stamp,
                            "lastUpdatedDate": stamp, "environment": {}, "storage": {}, "project": {},
                            "status": "empty", "message": "", "progress": 0, "deleted": False, "existing": False},
            "importInfo": {"id": import_id, "creator": {}, "creationDate": stamp, "lastUpdatedDate": stamp,
                           "environment": {}, "status": "pending", "importRequestStatus": "pending",
                           "undoRequestStatus": "pending", "progress": 0, "message": "", "undoStorage": {},
                           "project": {}, "deleted": False},
        }

    def source_record(self, call: Call, body: dict, project_id: Optional[str], definition: tuple,
                      migration_id: Optional[str] = None) -> dict:
        kind, purpose = definition
        info = body["packageInfo"]
        record = self._new_record(call, migration_id or self.new_id("migration"))
        record["source"] = True
        name = info.get("name") or datetime.now(timezone.utc).strftime("New Migration Package %m-%d-%Y %I:%M:%S %p")
        record["packageInfo"].update(type=kind, purpose=purpose, name=name, project=self.project_ref(project_id),
                                     environment=copy.deepcopy(info.get("environment") or {}))
        target = body.get("importInfo") or {}
        record["importInfo"].update(environment=copy.deepcopy(target.get("environment") or {}),
                                    project=copy.deepcopy(target.get("project") or {}))
        return record

    # ------------------------------------------------------------ storage
    @route("GET", "/api/mstrServices/library/storage", Rule(TOLERATED, pages=(NOTES + "#2-endpoint-table",)))
    def storage_configuration(self, call: Call) -> Response:
        call.judge()
        if not self.emu.storage.enabled:
            raise unavailable(REQUIRES)
        return Response(200, self.emu.storage.configuration())

    # ------------------------------------------------------------ create
    @route("POST", "/api/migrations", Rule(
        PACKAGE_PROJECT, content_type=JSON,
        pages=(OBJECT_PAGE + "#step-1-use-the-post-apimigrations-api-call-to-the-source-library",
               MERGE_PAGE + "#step-1-use-the-post-apimigrations-api-call-to-the-source-library")))
    def create_migration(self, call: Call) -> Response:
        body = call.json_body()
        self.emu.require_privilege(call.session, seed.PRIV_CREATE_PACKAGE)
        if ((_object(body, "The request body").get("packageInfo") or {}).get("purpose") == FROM_FILE):
            return self._create_from_file(call, body)
        info, kind, purpose = package_info(body)
        with self.emu.lock:
            check_service(self.emu, "write")
            project_id = call.judge(kind)
            record = self.source_record(call, body, project_id, (kind, purpose))
            self.define(record, info)
            self.records[record["id"]] = record
            return Response(201, self.summary(record))

    def queue(self, record: dict, start: bool, *job):
        """Start the job (kind, part, work, injected) now, or keep it as the record's next step (a group's child
        waits for its turn: ``record["next"]``)."""
        def begin():
            record["jobs"].append(self.new_job(*job))
        record["next"] = None
        if start:
            begin()
        else:
            record["next"] = begin

    def define(self, record: dict, info: dict, start: bool = True):
        """Check a definition (tocView) and start building its package: creating."""
        package = record["packageInfo"]
        kind, project_id, toc = package["type"], package["project"].get("id"), info["tocView"]
        if package["purpose"] == "project_merge":
            # All objects of the source project, each with the action the merge settings give it.
            merge = _merge_settings(toc.get("settings"))
            content = [{"id": oid, "type": obj["type"], "action": _merge_action(obj, merge), "includeDependents": False}
                       for oid, obj in self.emu.metadata[project_id].items()]
            settings, items = packaging.validate_definition({"settings": merge, "content": content}, kind)
        else:
            settings, items = packaging.validate_definition(toc, kind)
        # The settings read back as sent, with updateSchema a list (the group page: [] for a configuration package).
        shown = dict(copy.deepcopy(toc.get("settings") or {}), updateSchema=settings.get("updateSchema") or [])
        record.update(settings=settings, requested=items, treeView=copy.deepcopy(info.get("treeView") or {}),
                      tocView={"settings": shown, "content": []})
        package.update(storage={}, existing=False, message="", lastUpdatedDate=self.now())
        self.queue(record, start, CREATE_JOB, package, lambda: self._build(record),
                   lambda: packaging.injected_failure(self.emu.metadata, kind, project_id, items))

    def _create_from_file(self, call: Call, body: dict) -> Response:
        """On the target: a migration of an uploaded file, approved at once and importing (the upload page, step 4)."""
        info = body["packageInfo"]
        file_id = (((info.get("storage") or {}).get("sharedFileStore") or {}).get("files") or {}).get("id")
        with self.emu.lock:
            check_service(self.emu, "read")
            meta = self.emu.storage.file_meta(file_id)
            if meta is None or not meta["existing"]:
                raise invalid_input("packageInfo.storage.sharedFileStore.files.id '%s' is not an uploaded file of the "
                                    "shared file store (its metadata and its binary)." % file_id)
            kind = meta["extraInfo"]["packageType"]
            project_id = call.judge(kind)
            if body_project(body) not in (None, project_id):
                raise invalid_input("importInfo.project '%s' is not the X-MSTR-ProjectID '%s'."
                                    % (body_project(body), project_id))
            header = self._header_at(meta["path"], kind)
            record = self._new_record(call, self.new_id("from file", prefix=meta["extraInfo"]["packageId"] + ":"))
            record.update(tocView={"settings": copy.deepcopy(header["settings"]), "content": header["content"]})
            record["packageInfo"].update(
                name=meta.get("name") or meta["extraInfo"]["packageId"], replicated=True, purpose=FROM_FILE,
                type=kind, storage={"size": meta["size"], "path": meta["path"]}, status="locked", progress=100.0,
                existing=True, project=self.project_ref(project_id), environment=copy.deepcopy(meta["environment"]))
            record["importInfo"]["environment"] = copy.deepcopy((body.get("importInfo") or {}).get("environment") or {})
            self.start_import(call, record, header, project_id)
            return Response(201, self.summary(record))

    def start_import(self, call: Call, record: dict, header: dict, project_id: Optional[str], start: bool = True):
        record["generateUndo"] = call.flag_or_header("generateUndo", True)
        record["importInfo"].update(status="pending", importRequestStatus="approved",
                                    project=self.project_ref(project_id), creator=self.user(call),
                                    creationDate=self.now(), lastUpdatedDate=self.now())
        self.queue(record, start, IMPORT_JOB, record["importInfo"], lambda: self._import(record, header),
                   lambda: importing.injected_failure(header))
        record["target"] = True
        self.records[record["id"]] = record

    def start_undo(self, record: dict, start: bool = True):
        check_service(self.emu, "read")
        header = self.emu.storage.read_header(record["importInfo"]["undoStorage"]["path"])
        self.queue(record, start, UNDO_JOB, record["importInfo"], lambda: self._undo(record, header),
                   lambda: importing.injected_failure(header))

    # ------------------------------------------------------------- read
    @route("GET", "/api/migrations", Rule(TOLERATED, pages=(NOTES + "#2-endpoint-table",)))
    def list_migrations(self, call: Call) -> Response:
        call.judge()
        raw = call.query.get("packageInfo.purpose", ["object_migration"])[0]
        purposes = {part.strip() for part in raw.split(",") if part.strip()}
        with self.emu.lock:
            check_service(self.emu)
            found = [self.full(r) for r in self.records.values() if r["packageInfo"]["purpose"] in purposes]
            return Response(200, page_of(call, found))

    @route("GET", "/api/migrations/{mid}", Rule(
        TOLERATED, pages=(OBJECT_PAGE + "#step-2-use-the-get-apimigrationsmigrationid-api-call-to-the-source-library",
                          OBJECT_PAGE + "#step-4-use-the-get-apimigrationsmigrationidshowcontentall-api-call-to-the-"
                                        "source-library")))
    def get_migration(self, call: Call, mid: str) -> Response:
        call.judge()
        show = call.query.get("showContent", ["default"])[0].lower()
        if show not in SHOW_CONTENT:
            raise invalid_input("showContent '%s' is not one of %s." % (show, ", ".join(SHOW_CONTENT)))
        with self.emu.lock:
            check_service(self.emu)
            self.emu.require_any_privilege(call.session, RECORD_PRIVILEGES)
            return Response(200, self.full(self.record(mid), show))

    # ------------------------------------------------------------ update
    @route("PATCH", "/api/migrations/{mid}", Rule(
        UNDO_APPROVAL, content_type=JSON,
        pages=(OBJECT_PAGE + "#step-3-use-the-patch-apimigrationsmigrationid-api-call-to-the-source-library",
               OBJECT_PAGE + "#undo-migration", VALIDATE_PAGE + "#step-4-use-the-patch-apimigrationsmigrationid-api-"
                                                                "call-to-the-source-library")))
    def patch_migration(self, call: Call, mid: str) -> Response:
        body = _object(call.json_body(), "The request body")
        target = _object(body.get("importInfo") or {}, "importInfo")
        with self.emu.lock:
            check_service(self.emu)
            self.emu.require_any_privilege(call.session, RECORD_PRIVILEGES)
            record = self.record(mid)
            call.judge(record, target.get("undoRequestStatus") == "approved")
            self._unchangeable(record, body)
            self._set_target(record, target)
            self._import_request(record, target.get("importRequestStatus"))
            self._undo_request(call, record, target.get("undoRequestStatus"))
            self._validation_status(record, body.get("validation"))
            self._rename(record, body.get("packageInfo"))
            return Response(200, self.summary(record))

    @staticmethod
    def _unchangeable(record: dict, body: dict):
        info = body.get("packageInfo") or {}
        for key in ("type", "purpose"):
            if key in info and info[key] != record["packageInfo"][key]:
                raise invalid_input("packageInfo.%s cannot be changed (it is '%s')." % (key, record["packageInfo"][key]))

    @staticmethod
    def _set_target(record: dict, target: dict):
        if not ("environment" in target or "project" in target):
            return
        if not record["source"] or record["importInfo"]["importRequestStatus"] == "approved":
            raise invalid_input("The target of migration '%s' can only be set on the source before the import is "
                                "approved." % record["id"])
        for key in ("environment", "project"):
            if key in target:
                record["importInfo"][key] = copy.deepcopy(_object(target[key], "importInfo." + key))

    def _import_request(self, record: dict, wanted: Optional[str]):
        """importRequestStatus: pending/rejected -> requested (package created), requested -> approved | rejected."""
        if wanted is None:
            return
        imp, package = record["importInfo"], record["packageInfo"]
        current = imp["importRequestStatus"]
        if not record["source"]:
            raise invalid_input("The import of migration '%s' is requested and approved on its source Library, not "
                                "here." % record["id"])
        if wanted == "requested":
            if current not in ("pending", "rejected") or package["status"] != "created":
                raise invalid_input("The import can only be requested while the package is 'created' and not yet "
                                    "requested (package '%s', importRequestStatus '%s')." % (package["status"], current))
        elif wanted in ("approved", "rejected") and current != "requested":
            raise invalid_input("importRequestStatus cannot become '%s' from '%s': it must be 'requested' first (the "
                                "pages: you must successfully PATCH requested)." % (wanted, current))
        elif wanted not in ("requested", "approved", "rejected"):
            raise invalid_input("importRequestStatus cannot become '%s' from '%s'." % (wanted, current))
        imp.update(importRequestStatus=wanted, lastUpdatedDate=self.now())
        if wanted == "approved":
            package.update(status="locked", lastUpdatedDate=self.now())

    def _undo_request(self, call: Call, record: dict, wanted: Optional[str]):
        """undoRequestStatus on the target: pending -> requested (imported with an undo package) -> approved."""
        if wanted is None:
            return
        imp = record["importInfo"]
        current = imp["undoRequestStatus"]
        if wanted == "requested":
            if not record["target"] or imp["status"] != "imported" or not imp["undoStorage"] or current != "pending":
                raise invalid_input("An undo can only be requested on the target of an imported migration with an "
                                    "undo package (import status '%s', undoStorage %s, undoRequestStatus '%s')."
                                    % (imp["status"], imp["undoStorage"] or "empty", current))
        elif wanted in ("approved", "rejected"):
            if current != "requested":
                raise invalid_input("undoRequestStatus cannot become '%s' from '%s': it must be 'requested' first."
                                    % (wanted, current))
        else:
            raise invalid_input("undoRequestStatus cannot become '%s'." % wanted)
        if wanted == "approved":
            self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
            self.start_undo(record)
        imp.update(undoRequestStatus=wanted, lastUpdatedDate=self.now())

    def _validation_status(self, record: dict, validation):
        """validation.status 'validating' on the source, while the package is created; the target's result follows."""
        if validation is None:
            return
        wanted = _object(validation, "validation").get("status")
        if wanted != "validating":
            raise invalid_input("validation.status can only be set to 'validating' (the result comes from the target).")
        if not record["source"] or record["packageInfo"]["status"] != "created":
            raise invalid_input("A migration can only be validated while its package is 'created' (it is '%s')."
                                % record["packageInfo"]["status"])
        stamp = self.now()
        record["validation"] = {"status": "validating", "progress": 0, "creationDate": stamp,
                                "lastUpdatedDate": stamp, "message": ""}
        record["jobs"].append(self.new_job(VALIDATION_JOB, record["validation"], lambda: self._validation_outcome(record),
                                           lambda: _injected_validation_failure(self._stored_header(record))))

    def _rename(self, record: dict, info):
        if info and "name" in info:
            if not isinstance(info["name"], str) or not info["name"].strip():
                raise invalid_input("packageInfo.name must be a non-empty string.")
            record["packageInfo"].update(name=info["name"], lastUpdatedDate=self.now())

    # ------------------------------------------------------------- import
    @route("PUT", "/api/migrations/{mid}", Rule(
        PACKAGE_PROJECT, content_type=JSON,
        pages=(OBJECT_PAGE + "#step-5-use-the-put-apimigrationsmigrationid-api-call-to-the-target-library",
               MERGE_PAGE + "#step-5-use-the-put-apimigrationsmigrationid-api-call-to-the-target-library")))
    def import_migration(self, call: Call, mid: str) -> Response:
        body = call.json_body()
        migration_id = self.migration_id(mid)
        info = import_package_info(migration_id, body)
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            check_service(self.emu, "read")
            project_id = call.judge(info["type"])
            if body_project(body) not in (None, project_id):
                raise invalid_input("importInfo.project '%s' of the body is not the X-MSTR-ProjectID '%s' the "
                                    "migration is imported into." % (body_project(body), project_id))
            header = self.stored_package(info)
            record = self.replica(call, migration_id, body, info)
            self.start_import(call, record, header, project_id)
            return Response(201, self.summary(record))

    def stored_package(self, info: dict) -> dict:
        """The header of the package the body points at, which must be this migration's package."""
        header = self._header_at(info["storage"]["path"], info["type"])
        if header.get("packageId") is None:
            return header
        if header["packageId"] != info["id"].upper():
            raise invalid_input("The file at '%s' is the package '%s', not '%s'."
                                % (info["storage"]["path"], header["packageId"], info["id"]))
        return header

    def _header_at(self, path: str, kind: str) -> dict:
        """The header of the package binary at ``path``, which must be of type ``kind``."""
        header = self.emu.storage.read_header(path)
        if header is None:
            # A binary the emulator did not make: it cannot be read, so importing it changes nothing.
            return {"type": kind, "settings": {"defaultAction": "replace"}, "objects": [], "content": []}
        if header["type"] != kind:
            raise invalid_input("The package type is '%s', the stored package's is '%s'." % (kind, header["type"]))
        return header

    def replica(self, call: Call, migration_id: str, body: dict, info: dict) -> dict:
        """The record the import runs on: the source's own on one Library, else a replica made from the body."""
        existing = self.records.get(migration_id)
        if existing is not None and existing["target"]:
            raise invalid_input("Migration '%s' was already imported here (import status '%s'); a migration is "
                                "imported once." % (migration_id, existing["importInfo"]["status"]))
        if existing is not None:
            if existing["importInfo"]["importRequestStatus"] != "approved":
                raise invalid_input("The import of migration '%s' has not been approved." % migration_id)
            return existing
        record = self._new_record(call, migration_id)
        record["packageInfo"] = {key: copy.deepcopy(value) for key, value in info.items()
                                 if key not in ("tocView", "treeView")}
        record.update(tocView=copy.deepcopy(info.get("tocView") or {}), treeView=copy.deepcopy(info.get("treeView")
                                                                                               or {}))
        record["importInfo"].update(importRequestStatus="approved", environment=copy.deepcopy(
            (body.get("importInfo") or {}).get("environment") or {"id": self.emu.environment_id,
                                                                  "name": "emulator"}))
        return record

    # --------------------------------------------------------------- edit
    @route("PUT", "/api/migrations/{mid}/packageInfo", Rule(
        TOLERATED, prefer_async=True, content_type=JSON,
        pages=(EDIT_PAGE + "#step-2-edit-the-migration-package-info",)))
    def edit_migration(self, call: Call, mid: str) -> Response:
        info = _object(call.json_body(), "The request body (the packageInfo)")
        self.emu.require_privilege(call.session, seed.PRIV_CREATE_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            record = self.record(mid)
            self._editable(record, info)
            _object(info.get("tocView"), "tocView")
            old = record["packageInfo"].get("storage", {}).get("path")
            self.define(record, info)
            self.emu.storage.remove(old)
            if info.get("name"):
                record["packageInfo"]["name"] = info["name"]
            package = record["packageInfo"]
            return Response(202, {"id": package["id"], "status": package["status"], "progress": package["progress"]})

    @staticmethod
    def _editable(record: dict, info: dict):
        """The edit page: on the source, package created or create_failed, import pending or rejected."""
        package, request = record["packageInfo"], record["importInfo"]["importRequestStatus"]
        if not record["source"] or package["purpose"] == FROM_FILE:
            raise invalid_input("Migration '%s' can only be edited on its source, and not when it was made from an "
                                "uploaded file." % record["id"])
        if package["status"] not in ("created", "create_failed") or request not in ("pending", "rejected"):
            raise invalid_input("A migration can only be edited while its package is 'created' or 'create_failed' "
                                "and its import 'pending' or 'rejected' (package '%s', import request '%s')."
                                % (package["status"], request))
        for key in ("type", "purpose"):
            if info.get(key, package[key]) != package[key]:
                raise invalid_input("packageInfo.%s cannot be changed (it is '%s')." % (key, package[key]))

    # ------------------------------------------------------- certification
    @route("PATCH", "/api/migrations/{mid}/packageInfo/certification", Rule(
        TOLERATED, pages=(EDIT_PAGE + "#4-modify-the-certifications-state-in-the-source-and-target-environment",)))
    def certify_migration(self, call: Call, mid: str) -> Response:
        auto = call.flag("autoSync", False) or call.flag("autosync", False)
        body = call.json_body()
        if not auto and (body is None or call.media_type() != JSON):
            raise missing_info("A certification change needs a JSON body (Content-Type: application/json); only "
                               "autoSync=true takes none.")
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            record = self.record(mid)
            package, path = record["packageInfo"], self.certification_path(record["packageInfo"]["id"])
            if auto:
                self.sync_certification(package, path, "package '%s'" % package["id"])
            else:
                blocked = (None if record["source"] and package["status"] == "created" else
                           "A package is certified on its source while it is 'created' (it is '%s')."
                           % package["status"])
                self.certify(call, package, _certification(body), blocked, path)
        return Response(204)

    def certify(self, call: Call, holder: dict, wanted: dict, blocked: Optional[str], path: str):
        """A certification change of ``holder`` (a packageInfo or a group): the target takes the source's state as
        sent, with its operator and date; on the source the state machine, refused with ``blocked`` if given."""
        if "operator" in wanted:
            holder["certification"] = {"status": wanted["status"], "operator": copy.deepcopy(wanted["operator"]),
                                       "lastUpdatedDate": _date(wanted.get("lastUpdatedDate")) or self.now()}
            return
        current = holder.get("certification", {}).get("status", "uncertified")
        if blocked:
            raise invalid_input(blocked)
        if (current, wanted["status"]) not in CERTIFICATION_STEPS:
            raise invalid_input("Certification cannot go from '%s' to '%s'." % (current, wanted["status"]))
        user = self.user(call)
        holder["certification"] = {"status": wanted["status"], "operator": dict(user, fullName=user["name"]),
                                   "lastUpdatedDate": self.now()}
        self.emu.storage.write_json(path, holder["certification"])

    def sync_certification(self, holder: dict, path: str, what: str):
        """autoSync=true: the state the source wrote into the store."""
        found = self.emu.storage.read_json(path)
        if found is None:
            raise invalid_input("No certification of %s to sync in the shared file store." % what)
        holder["certification"] = found

    @staticmethod
    def certification_path(package_id: str) -> str:
        return "%s%s.json" % (CERTIFICATION, package_id)

    # ------------------------------------------------------------- delete
    @route("DELETE", "/api/migrations", Rule(
        TOLERATED, query=("packageId",), pages=(OBJECT_PAGE + "#delete-package",)))
    def delete_migration(self, call: Call) -> Response:
        call.judge()
        package_id = call.query["packageId"][0].upper()
        with self.emu.lock:
            check_service(self.emu)
            found = [r for r in self.records.values() if r["packageInfo"]["id"] == package_id]
            if not found:
                raise ApiError(404, "ERR006", "No migration of package '%s' on this Library: it does not exist or "
                                              "was already deleted." % package_id)
            for record in found:
                self.discard(record)
                del self.records[record["id"]]
        return Response(204)

    def discard(self, record: dict):
        """What this side wrote into the store: the source's package and validation result, the target's undo."""
        storage = self.emu.storage
        if record["source"]:
            storage.remove(record["packageInfo"].get("storage", {}).get("path"))
            storage.remove(self.validation_path(record["id"]))
            storage.remove(self.certification_path(record["packageInfo"]["id"]))
        if record["target"]:
            storage.remove(record["importInfo"]["undoStorage"].get("path"))

    # ----------------------------------------------------------- download
    @route("GET", "/api/migrations/packages/{pkg}/binary", Rule(TOLERATED, pages=(UPLOAD_PAGE + "#download-a-package",)))
    def download_package(self, call: Call, pkg: str) -> Response:
        call.judge()
        with self.emu.lock:
            check_service(self.emu, "read")
            found = [r for r in self.records.values()
                     if r["packageInfo"]["id"] == pkg.upper() and r["packageInfo"].get("storage", {}).get("path")]
            if not found:
                raise ApiError(404, "ERR004", "No package '%s' with a binary on this Library." % pkg)
            package = found[0]["packageInfo"]
            return file_response(self.emu.storage, package["storage"]["path"], package.get("name") or package["id"])

    # --------------------------------------------------------- validation
    @route("PUT", "/api/migrations/{mid}/validation", Rule(
        TOLERATED, content_type=JSON,
        pages=(VALIDATE_PAGE + "#step-3-use-the-put-apimigrationsmigrationidvalidation-api-call-to-the-target-"
                               "library",)))
    def validate_migration(self, call: Call, mid: str) -> Response:
        body = call.json_body()
        migration_id = self.migration_id(mid)
        info, project_id = _validation_body(migration_id, body, call.rules.sent.project_id)
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "read")
            if project_id is not None:
                self.emu.require_project(project_id)
            if self.emu.storage.file_at(info["storage"]["path"]):
                raise invalid_input("A package uploaded to the shared file store cannot be validated (the upload "
                                    "page: it can be imported, but not validated).")
            header = self.stored_package(info)
            self._validation_allowed(migration_id, header)
            self.emu.storage.write_json(self.validation_path(migration_id),
                                        dict(self._validation_result(header, project_id), id=migration_id,
                                             lastUpdatedDate=self.now()))
        return Response(202)

    def _validation_allowed(self, migration_id: str, header: dict):
        own = self.records.get(migration_id)
        if own is not None and own["target"]:
            raise invalid_input("Migration '%s' was already imported here: a migration is validated before it is "
                                "run." % migration_id)
        migration = header.get("migration") or {}
        if abs(float(migration.get("clockOffset", 0.0)) - self.emu.clock_offset) > 300:
            raise invalid_input(CLOCKS)

    def _dry_run(self, header: dict, project_id: Optional[str]):
        """The validation job's work: would the import succeed? JobFailed names the objects that would fail."""
        metadata = self.emu.metadata
        target = metadata.get(importing.scope_for(header["type"], project_id), {})
        in_package = {obj["id"] for obj in header["objects"]}
        missing = [(obj, dep) for obj in header["objects"] for dep in obj.get("dependsOn", [])
                   if dep not in in_package and dep not in target and dep not in metadata[seed.CONFIGURATION_SCOPE]]
        if missing:
            raise JobFailed("Validation failed: %d object(s) would fail to import: %s." % (len(missing), ", ".join(
                "'%s' (%s) depends on %s, which is neither in the package nor in the target" % (obj["name"], obj["id"],
                                                                                                dep)
                for obj, dep in missing)),
                [(obj["id"], obj["name"], "It depends on %s, which is neither in the package nor in the target."
                  % dep) for obj, dep in missing])
        importing.apply_import(copy.deepcopy(metadata), header, project_id)

    def _validation_result(self, header: dict, project_id: Optional[str]) -> dict:
        """What the target finds, written into the store at once: the source's validation job reads it."""
        try:
            if self.emu.faults.take("fail_migration_validation"):
                raise _injected_validation_failure(header)
            self._dry_run(header, project_id)
        except JobFailed as error:
            return {"status": "validation_failed", "message": error.message,
                    "subErrors": [sub_error(*entry) for entry in error.objects] or None}
        return {"status": "validated", "message": "", "subErrors": None}

    @staticmethod
    def validation_path(migration_id: str) -> str:
        return "%s%s.json" % (VALIDATION, migration_id.replace(":", "_"))

    def _stored_header(self, record: dict) -> dict:
        return self.emu.storage.read_header(record["packageInfo"]["storage"]["path"]) or {"objects": []}

    def _validation_outcome(self, record: dict):
        """The source's validation job's work: the result the target wrote into the store (JobFailed: failed)."""
        result = self.emu.storage.read_json(self.validation_path(record["id"]))
        if result is None:
            raise JobFailed("No validation result from the target in the shared file store: validate the migration "
                            "on the target (PUT .../validation) first. " + CANNOT_READ)
        record["validation"]["lastUpdatedDate"] = result.get("lastUpdatedDate") or self.now()
        if result["status"] != "validated":
            raise JobFailed(result["message"], [(entry["additionalProperties"]["objectId"],
                                                 entry["additionalProperties"]["objectName"], entry["message"])
                                                for entry in result.get("subErrors") or []])
