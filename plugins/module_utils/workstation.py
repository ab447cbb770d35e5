# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A whole migration on the Workstation route in one call, and its undo by the server.

The pages' sequence ("Object migration between environments", "Validate
migrations"): create the migration on the source, wait until its package is
``created``, (validate it on the target), request and approve the import on the
source, read the whole record (``showContent=all``), import it on the target
(``PUT`` with ``packageInfo.replicated: true``) and wait until ``imported``.

Before anything is created the content is planned against the target object
by object, with the plan of the classic import (``plan.py``): the package is
built once in a scratch holder of the classic route on the source (deleted at
once) to learn its objects and versions, dependents included, and each is
looked up in the target. Nothing would change: no migration on either side.

Every step that fails names its side, its step and the server's words. A
migration created but not imported is deleted on the source (the message says
so, or that it is kept because the delete failed); once the target accepted
the import, the migration is kept on both sides and an import record is
written whatever the import's outcome, beside the classic route's records and
by the same rules (``records.py``: a record never replaces another).
"""

from __future__ import annotations

import contextlib
import copy
import re
import time
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import plan as planning
from ansible_collections.mstr.migration.plugins.module_utils import privileges
from ansible_collections.mstr.migration.plugins.module_utils import records
from ansible_collections.mstr.migration.plugins.module_utils.answers import mapping, objects_list
from ansible_collections.mstr.migration.plugins.module_utils.definition import import_result, resolve_names
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.migration_api import (MigrationApi, check_migration_id,
                                                                                   environment_id, status_of)
from ansible_collections.mstr.migration.plugins.module_utils.names import by_name
from ansible_collections.mstr.migration.plugins.module_utils.objects import PROJECT_SECURITY
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi

ROUTE = "workstation"
SECURITY_NOT_COMPARED = ("a project security migration carries the users' security links, which this route's plan "
                         "does not compare, so it is migrated every time")
SOURCE, TARGET = "source", "target"
STOPPED = "the task was stopped (interrupted or terminated)"


def record_stem(name: str) -> str:
    """The migration's name as the start of a record's file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "migration"


def load_record(path: str, option: str = "record") -> dict:
    """An import record of this route (``records.RECORD_FORMAT`` with ``route: workstation``), before any request."""
    data = records.load_json(path, option)
    migration = data.get("migration") if isinstance(data.get("migration"), dict) else {}
    if data.get("format") != records.RECORD_FORMAT or data.get("route") != ROUTE or not migration.get("id"):
        raise ValidationError(option, "%s is not an import record of mstr.migration.migration (route workstation, "
                                      "with a migration id); an import record of package_import is undone by "
                                      "importing its undo package" % path)
    try:
        migration_id = check_migration_id(migration["id"], option)
    except ValidationError as exc:
        raise ValidationError(option, "%s is damaged: its migration id %r is not a migration id (two 32-character "
                                      "hexadecimal ids joined by a colon); give the record the run wrote, or the "
                                      "migration_id itself" % (path, migration["id"])) from exc
    target = data.get("target") if isinstance(data.get("target"), dict) else {}
    return {"migration_id": migration_id, "base_url": target.get("base_url"),
            "project_id": target.get("project_id"), "path": path}


@contextlib.contextmanager
def step(side: str, base_url: str, what: str, **details):
    """A failure inside names the side, its Library and the step, before the server's words."""
    try:
        yield
    except MstrError as exc:
        if "step" not in exc.details:
            exc.message = "%s (%s), %s: %s" % (side, base_url, what, exc.message)
            exc.details.update(side=side, step=what, **details)
        raise


class Side:
    """One Library of a migration: its client, project and environment (as Workstation names it)."""

    def __init__(self, name: str, client, project_id: Optional[str], package_type: Optional[str],
                 environment: Optional[dict] = None):
        self.name = name
        self.client = client
        self.project_id = project_id
        self.type = package_type
        environment = environment or {}
        self.environment = {"id": environment.get("id") or environment_id(client.base_url),
                            "name": environment.get("name") or client.base_url}
        self.api = MigrationApi(client, project_id, package_type)

    def step(self, what: str, **details):
        return step(self.name, self.client.base_url, what, **details)

    def project(self) -> dict:
        return {"id": self.project_id} if self.project_id else {}

    def view(self, record: Optional[dict]) -> dict:
        return {"base_url": self.client.base_url, "environment_id": self.environment["id"],
                "project_id": self.project_id,
                "package_status": status_of(record, "packageInfo"),
                "import_request_status": status_of(record, "importInfo", "importRequestStatus"),
                "import_status": status_of(record, "importInfo"),
                "undo_request_status": status_of(record, "importInfo", "undoRequestStatus")}


class Migration:
    """One migration between two Libraries; ``run()`` returns ``(changed, result, diff)``.

    ``options``: ``body`` (the definition's API body: type, settings, content), ``name``, ``approval`` (auto,
    request, approve), ``migration_id``, ``force``, ``validate``, ``generate_undo``, ``wait_timeout``,
    ``undo_dir``, ``comment``.
    """

    def __init__(self, source: Side, target: Side, options: dict, check_mode: bool):
        self.source, self.target = source, target
        self.options = options
        self.check_mode = check_mode
        self.started = time.monotonic()
        self.started_at = records.now()
        self.stamp = records.file_stamp()
        self.elapsed: dict = {}
        self.notes: list = []
        self.warnings: list = []
        self.records: dict = {SOURCE: None, TARGET: None}
        self.migration_id: Optional[str] = None
        self.plan: list = []
        self.built: list = []
        self.validation: Optional[dict] = None
        self.approved = False

    # ------------------------------------------------------------ the run
    def run(self) -> tuple:
        if self.options["approval"] == "approve":
            return self._approve_waiting()
        self._check_privileges()
        body = resolve_names(PackageApi(self.source.client, self.source.project_id, self.source.type),
                             copy.deepcopy(self.options["body"]))
        self.plan = self._plan(body)
        would_change = self.options["force"] or planning.needs_import(self.plan)
        if not would_change:
            return self._result(False, "The target is already up to date: the %d object(s) match it; no migration "
                                       "was created." % len(self.plan))
        twin = self._waiting_twin() if self.options["approval"] == "request" and not self.options["force"] else None
        if twin:
            self.migration_id = twin
            return self._result(False, "Migration %s of this name, built from the same objects for the same target, "
                                       "already waits for approval on the source; no migration was created." % twin,
                                requested=True)
        if self.check_mode:
            return self._result(True, "Check mode, nothing was created: migrating would end with %s."
                                % planning.describe(planning.summary(self.plan)))
        self._create(body)
        self._before_approval()
        if self.options["approval"] == "request":
            return self._result(True, "Migration %s was requested on the source and waits for approval (approval: "
                                      "approve, by an approver)." % self.migration_id, requested=True)
        return self._approve_and_import()

    def _check_privileges(self) -> None:
        """Before any work: each side's user has what its steps need (privileges.py), in its project."""
        steps = []
        if self.options["approval"] != "approve":
            steps.append((self.source, privileges.WS_CREATE))
        if self.options["approval"] != "request":
            steps.append((self.target, privileges.WS_IMPORT))
        if self.options["validate"] and self.options["approval"] != "approve":
            steps.append((self.target, privileges.WS_VALIDATE))
        for side, needs in steps:
            project = {"id": side.project_id} if side.project_id else None
            with side.step("checking privileges"):
                self.warnings.extend(privileges.check_privileges(side.client, needs, project))
        for side in {id(side): side for side, _needs in steps}.values():
            self._check_storage(side)

    @staticmethod
    def _check_storage(side: Side) -> None:
        """The route needs the Storage Service on each side (the pages: configure the package storage location)."""
        with side.step("checking the Storage Service"):
            configured = side.api.storage().get("configured")
        if configured is False:
            raise MstrError("%s (%s), checking the Storage Service: the Library reports its shared file store as not "
                            "configured; configure the package storage location (Workstation, Storage Service) "
                            "on both Libraries, with one storage both reach. Nothing was created"
                            % (side.name, side.client.base_url), side=side.name, step="checking the Storage Service")

    # ------------------------------------------------------------ plan
    def _plan(self, body: dict) -> list:
        """Build the package once in a scratch holder of the source (deleted at once) and compare its objects with
        the target's."""
        started = time.monotonic()
        packages = PackageApi(self.source.client, self.source.project_id, self.source.type)
        with self.source.step("planning (building the package in a scratch holder)"):
            holder = packages.create_holder()
            try:
                packages.define(holder, {key: body[key] for key in ("type", "settings", "content")})
                built = packages.wait_ready(holder, self.options["wait_timeout"])
            finally:
                self._release_holder(packages, holder)
        objects = objects_list(built.get("content"), "the package content")
        self.built = objects
        plan = self._compare(objects)
        self.elapsed["plan"] = round(time.monotonic() - started, 3)
        return plan

    def _waiting_twin(self) -> Optional[str]:
        """approval: request run again: the migration of this name that already waits for approval on the source,
        for this target and built from the same objects at the same versions (None when there is none)."""
        wanted = _fingerprint(self.built)
        with self.source.step("looking for a migration of this name that waits for approval"):
            found = by_name([dict(r, name=str(r["packageInfo"].get("name"))) for r in self.source.api.list_all()],
                            self.options["name"])
            for summary in found:
                info = summary["importInfo"]
                if status_of(summary, "importInfo", "importRequestStatus") != "requested" or \
                        mapping(info.get("environment"), "importInfo.environment").get("id") != \
                        self.target.environment["id"] or \
                        (mapping(info.get("project"), "importInfo.project").get("id") or None) != \
                        (self.target.project().get("id") or None):
                    continue
                record = self.source.api.read(summary["id"], "tocview")
                content = mapping(record["packageInfo"].get("tocView"), "tocView").get("content")
                if _fingerprint(objects_list(content, "the migration's content")) == wanted:
                    self.records[SOURCE] = record
                    return summary["id"].upper()
        return None

    def _release_holder(self, packages: PackageApi, holder: str) -> None:
        try:
            packages.delete(holder)
        except MstrError as exc:
            self.notes.append("the scratch package holder %s could not be deleted (%s); it ends with the session"
                              % (holder, exc.message))

    def _compare(self, objects: list) -> list:
        reason = None
        if self.source.type == PROJECT_SECURITY:
            reason = SECURITY_NOT_COMPARED
            self.notes.append(reason)
        with self.target.step("planning (reading the objects in the target)"):
            if reason:
                return planning.build_plan(objects, [None] * len(objects), reason)
            found = PackageApi(self.target.client, self.target.project_id, self.target.type).read_objects(
                planning.lookups(objects))
        return planning.build_plan(objects, found)

    # ------------------------------------------------------------ steps on the source
    def _create(self, body: dict) -> None:
        request = {
            "packageInfo": {"type": body["type"], "purpose": "object_migration", "name": self.options["name"],
                            "environment": self.source.environment,
                            "tocView": {"settings": body["settings"], "content": body["content"]}, "treeView": {}},
            "importInfo": {"environment": self.target.environment, "project": self.target.project()},
        }
        before = self._named_ids()
        try:
            with self.source.step("creating the migration"):
                self.migration_id = self.source.api.create(request)["id"].upper()
        except MstrError as exc:
            self._discard_unanswered(exc, before)
            raise

    def _named_ids(self) -> set:
        """The ids of the source's migrations of this run's name."""
        with self.source.step("listing the migrations of this name"):
            listed = [dict(r, name=str(r["packageInfo"].get("name"))) for r in self.source.api.list_all()]
        return {r["id"].upper() for r in by_name(listed, self.options["name"])}

    def _discard_unanswered(self, exc: MstrError, before: set) -> None:
        """A creation whose answer was lost or unreadable (a gateway's page, a timeout) may have created the
        migration anyway: one of this name that was not there before is deleted, so that no run leaves one behind."""
        if isinstance(exc, ApiError) and 400 <= exc.status < 500:
            return  # the server refused it: nothing was created
        try:
            created = sorted(self._named_ids() - before)
        except MstrError as error:
            exc.message += ("; whether the source created the migration anyway is unknown (listing its migrations "
                            "failed: %s)" % error.message)
            return
        for mid in created:
            try:
                self.source.api.delete(mid.split(":")[0])
            except MstrError as error:
                exc.message += ("; the source had created migration %s anyway, and it is kept (deleting it failed: "
                                "%s)" % (mid, error.message))
                exc.details.update(migration_id=mid, migration_kept=True)
            else:
                exc.message += "; the source had created migration %s anyway: it was deleted" % mid
                exc.details.update(migration_id=mid, migration_kept=False)

    def _before_approval(self) -> None:
        """Wait for the package, validate, request: a failure deletes the migration on the source."""
        mid = self.migration_id
        with self._discarded_on_failure():
            with self.source.step("building the package", migration_id=mid):
                built = self.source.api.wait_created(mid, self.options["wait_timeout"])
            self.elapsed["create"] = built["elapsed"]
            self.records[SOURCE] = built["record"]
            if self.options["validate"]:
                self._validate()
            with self.source.step("requesting the import", migration_id=mid):
                self.records[SOURCE] = self.source.api.set_import_request(mid, "requested")

    @contextlib.contextmanager
    def _discarded_on_failure(self):
        """A failure or a stop inside, before the target has the import: the migration is deleted on the source."""
        try:
            yield
        except MstrError as exc:
            self._discard(exc)
            raise
        except KeyboardInterrupt:
            raise self._stopped_before_import() from None

    def _stopped_before_import(self) -> MstrError:
        """Ctrl-C or SIGTERM before the target had the import: the migration is deleted on the source."""
        exc = MstrError("%s before migration %s was imported" % (STOPPED, self.migration_id),
                        migration_id=self.migration_id)
        self._discard(exc)
        return exc

    def _validate(self) -> None:
        mid = self.migration_id
        with self.source.step("reading the migration for the validation", migration_id=mid):
            record = self.source.api.read(mid)
        package = mapping(record.get("packageInfo"), "packageInfo")
        body = {"id": mid,
                "packageInfo": {key: package.get(key) for key in ("id", "type", "environment", "storage", "project",
                                                                  "status")},
                "importInfo": {"id": mapping(record.get("importInfo"), "importInfo").get("id"),
                               "environment": self.target.environment, "project": self.target.project()}}
        with self.target.step("validating the migration", migration_id=mid):
            self.target.api.validate(mid, body)
        with self.source.step("reading the validation result", migration_id=mid):
            self.source.api.set_validating(mid)
            done = self.source.api.wait_validated(mid, self.options["wait_timeout"])
        self.elapsed["validate"] = done["elapsed"]
        self.validation = {"status": "validated", "message": done.get("message") or ""}

    def _discard(self, exc: MstrError) -> None:
        """A migration that will not be imported is deleted on the source; the failure says so (or why not). One
        that another run requested and this one could not approve still waits: the approval can be tried again."""
        mid = self.migration_id
        exc.details.setdefault("migration_id", mid)
        if self.options["approval"] == "approve" and not self.approved:
            exc.message += "; migration %s is kept on the source, still waiting for approval" % mid
            exc.details["migration_kept"] = True
            return
        try:
            self.source.api.delete(mid.split(":")[0])
        except MstrError as error:
            exc.message += "; migration %s is kept on the source (deleting it failed: %s)" % (mid, error.message)
            exc.details["migration_kept"] = True
        else:
            exc.message += "; migration %s was deleted on the source, nothing was imported" % mid
            exc.details["migration_kept"] = False

    # ------------------------------------------------------------ approval and import
    def _approve_waiting(self) -> tuple:
        """approval: approve: the waiting migration found by id or name, approved and imported."""
        mid = self._find_waiting()
        self.migration_id = mid
        with self.source.step("reading the migration", migration_id=mid):
            record = self.source.api.read(mid, "all")
        self.records[SOURCE] = record
        self._adopt(record)
        self._check_privileges()
        content = mapping(record["packageInfo"].get("tocView"), "tocView").get("content")
        self.plan = self._compare(objects_list(content, "the migration's content"))
        request = status_of(record, "importInfo", "importRequestStatus")
        if request != "requested":
            return self._not_waiting(mid, request)
        if self.check_mode:
            return self._result(True, "Check mode, nothing was approved: approving migration %s would end with %s."
                                % (mid, planning.describe(planning.summary(self.plan))))
        return self._approve_and_import()

    def _adopt(self, record: dict) -> None:
        """A migration built by another run: its type, and its target project unless the task names one."""
        package_type = record["packageInfo"].get("type")
        target_project = mapping(record["importInfo"].get("project"), "importInfo.project").get("id")
        self._check_requested_target(record, target_project)
        self.source.type = self.target.type = package_type
        self.target.project_id = self.target.project_id or target_project
        self.target.api = MigrationApi(self.target.client, self.target.project_id, package_type)

    def _check_requested_target(self, record: dict, target_project: Optional[str]) -> None:
        """What is approved goes where it was requested for: the target environment and project the source's record
        names, not another Library or project this task happens to name."""
        mid = self.migration_id
        requested = mapping(record["importInfo"].get("environment"), "importInfo.environment").get("id")
        given = self.target.environment["id"]
        if requested and _environment_of(record) != _environment_key(given):
            raise ValidationError("target.base_url", "migration %s was requested for the target environment %s, not "
                                                     "%s: an approval imports it only where it was requested (and "
                                                     "reviewed) for; nothing was done" % (mid, requested, given))
        if target_project and self.target.project_id and target_project.upper() != self.target.project_id.upper():
            raise ValidationError("target.project_id", "migration %s was requested for the target project %s, not "
                                                       "%s; leave the target's project out (it is the migration's) or "
                                                       "name that one; nothing was done"
                                  % (mid, target_project, self.target.project_id))

    def _not_waiting(self, mid: str, request: Optional[str]) -> tuple:
        target = self.target.api.find(mid)
        self.records[TARGET] = target
        if request == "approved" and target is not None:
            return self._result(False, "Migration %s was already approved and imported (import status %s); nothing "
                                       "was done." % (mid, status_of(target, "importInfo")))
        raise MstrError("source (%s): migration %s does not wait for approval (its import request is %s%s); "
                        "nothing was done" % (self.source.client.base_url, mid, request,
                                              ", approved but never imported into the target" if request == "approved"
                                              else ""), migration_id=mid, side=SOURCE, step="finding the migration")

    def _find_waiting(self) -> str:
        if self.options.get("migration_id"):
            return self.options["migration_id"]
        with self.source.step("finding the migration by name"):
            found = by_name([dict(r, name=str(r["packageInfo"].get("name"))) for r in self.source.api.list_all()],
                            self.options["name"])
        waiting = [r for r in found if status_of(r, "importInfo", "importRequestStatus") == "requested"]
        # Two requests of one name for two targets (test, then prod) are told apart by the task's target.
        here = [r for r in waiting if _environment_of(r) == _environment_key(self.target.environment["id"])]
        chosen = here or waiting or found
        if len(chosen) != 1:
            raise MstrError("source (%s): %s migration(s) named %r%s; give migration_id instead (%s)" % (
                self.source.client.base_url, len(chosen) or "no", self.options["name"],
                " wait for approval" if waiting else "", ", ".join(r["id"] for r in chosen) or "none found"),
                option="name", side=SOURCE, step="finding the migration by name")
        return chosen[0]["id"].upper()

    def _approve_and_import(self) -> tuple:
        mid = self.migration_id
        with self._discarded_on_failure():
            with self.source.step("approving the import", migration_id=mid):
                self.source.api.set_import_request(mid, "approved")
            self.approved = True
            with self.source.step("reading the whole migration (showContent=all)", migration_id=mid):
                record = self.source.api.read(mid, "all")
            self.records[SOURCE] = record
            replica = copy.deepcopy(record)
            replica["packageInfo"]["replicated"] = True
        try:
            with self.target.step("starting the import", migration_id=mid):
                self.target.api.start_import(mid, replica, self.options["generate_undo"])
        except MstrError as exc:
            # An answer lost or replaced on the way (a gateway's page, a timeout) may hide an import the target
            # accepted: the target is asked before anything is deleted.
            accepted = self._target_accepted()
            if accepted:
                self.notes.append("the answer to the import request could not be used (%s), but the target had "
                                  "accepted the import, which was followed to its end" % exc.message)
                return self._wait_import()
            if accepted is None:
                exc.message += ("; whether the target accepted the import is unknown (reading it failed too), so "
                                "migration %s is kept on the source" % mid)
                exc.details.update(migration_id=mid, migration_kept=True)
                raise
            self._discard(exc)
            raise
        except KeyboardInterrupt:
            # The import request was on its way: the target may have accepted it, so nothing is deleted and what
            # the target holds is recorded.
            return self._interrupted_import()
        return self._wait_import()

    def _target_accepted(self) -> Optional[bool]:
        """Whether the target holds an import of the migration (its import started); None when it cannot be read.
        (On a one-Library migration the record is the source's too: only an import status other than pending
        says the import was accepted.)"""
        try:
            held = self.target.api.find(self.migration_id)
        except MstrError:
            return None
        return held is not None and status_of(held, "importInfo") not in (None, "pending")

    def _interrupted_import(self):
        mid = self.migration_id
        if self._target_accepted() is False:
            raise self._stopped_before_import() from None
        exc = MstrError("%s while the target was importing migration %s; it is kept on both sides"
                        % (STOPPED, mid), migration_id=mid,
                        side=TARGET, step="importing")
        self._record_failure(exc)
        raise exc from None

    def _wait_import(self) -> tuple:
        """The target accepted the import: from here on the migration is kept and the record is written."""
        mid = self.migration_id
        try:
            with self.target.step("importing", migration_id=mid):
                done = self.target.api.wait_imported(mid, self.options["wait_timeout"])
        except MstrError as exc:
            exc.message += "; migration %s is kept on both sides" % mid
            exc.details.setdefault("migration_id", mid)
            self._record_failure(exc)
            raise
        except KeyboardInterrupt:
            return self._interrupted_import()
        self.elapsed["import"] = done["elapsed"]
        self.records[TARGET] = done["record"]
        path = self._write_record(done, done["elapsed"])
        return self._result(True, "Migration %s imported: %s." % (mid, planning.describe(planning.summary(self.plan))),
                            imported=True, record=path)

    def _record_failure(self, exc: MstrError) -> None:
        try:
            record = self.target.api.read(self.migration_id)
        except MstrError:
            record = None
        self.records[TARGET] = record
        part = (record or {}).get("importInfo") or {"status": exc.details.get("status") or "unknown"}
        try:
            exc.details["record"] = self._write_record(dict(part, message=part.get("message") or exc.message),
                                                       exc.details.get("elapsed"))
        except MstrError as error:
            exc.message += "; %s" % error.message
        else:
            exc.message += "; the import record %s says what is known" % exc.details["record"]

    # ------------------------------------------------------------ the record
    def _write_record(self, part: dict, elapsed) -> str:
        mid = self.migration_id
        source = self.records[SOURCE] or {}
        package_info = mapping(source.get("packageInfo"), "packageInfo")
        undo = mapping(part.get("undoStorage"), "undoStorage") or None
        status = import_result({"id": mid, "status": part.get("status"), "progress": part.get("progress"),
                                "undoPackageCreated": bool(undo and undo.get("path")),
                                "message": part.get("message"), "elapsed": elapsed})
        target = {"base_url": self.target.client.base_url, "project_id": self.target.project_id,
                  "user": self._user()}
        storage = mapping(package_info.get("storage"), "storage")
        package = {"file": None, "size": storage.get("size"), "sha256": None, "type": self.target.type,
                   "manifest": None, "forced": self.options["force"], "name": package_info.get("name")}
        story = records.record_story({"base_url": self.source.client.base_url, "project_id": self.source.project_id,
                                      "exported_at": package_info.get("creationDate"), "comment": None,
                                      "undo_of": None}, self.options.get("comment"))

        def record_for(_undo_path):
            written = records.build_record(target, self.started_at, status, package, self.plan,
                                           planning.summary(self.plan), None, None, None, story)
            written.update(route=ROUTE, migration={
                "id": mid, "name": package_info.get("name"), "storage": storage or None, "undo_storage": undo,
                "source_environment": self.source.environment, "target_environment": self.target.environment})
            return written
        with self.target.step("writing the import record", migration_id=mid):
            _undo, path = records.place_rollback_point(self.options["undo_dir"],
                                                       record_stem(self._name() or mid), self.stamp, None,
                                                       record_for)
        return path

    def _name(self) -> Optional[str]:
        """The task's name, else (a migration approved by id) the name the source shows."""
        package_info = mapping((self.records[SOURCE] or {}).get("packageInfo"), "packageInfo")
        return self.options.get("name") or package_info.get("name")

    def _user(self) -> Optional[dict]:
        try:
            return PackageApi(self.target.client, None).session_user()
        except MstrError:
            return None

    # ------------------------------------------------------------ the result
    def _result(self, changed: bool, message: str, imported: bool = False, requested: bool = False,
                record: Optional[str] = None) -> tuple:
        target = self.records[TARGET] or {}
        undo = mapping(mapping(target.get("importInfo"), "importInfo").get("undoStorage"), "undoStorage")
        self.elapsed["total"] = round(time.monotonic() - self.started, 3)
        result = {
            "message": message, "migration_id": self.migration_id, "name": self._name(),
            "approval": self.options["approval"], "imported": imported, "requested": requested,
            "source": self.source.view(self.records[SOURCE]), "target": self.target.view(self.records[TARGET]),
            "undo_storage": undo.get("path"), "plan": self.plan, "summary": planning.summary(self.plan),
            "record": record, "validation": self.validation, "elapsed": self.elapsed,
            "notes": self.notes, "warnings": self.warnings,
        }
        return changed, result, _diff(self.plan)


def _environment_key(environment_id) -> str:
    return str(environment_id).rstrip("/").lower()


def _environment_of(record: dict) -> Optional[str]:
    """The target environment a migration was requested for, compared as _environment_key; None when unnamed."""
    given = mapping(mapping(record.get("importInfo"), "importInfo").get("environment"), "importInfo.environment")
    return _environment_key(given["id"]) if given.get("id") else None


def _fingerprint(objects: list) -> list:
    """What a package holds, to compare two builds: each object's id, type, version and action."""
    return sorted((str(item.get("id")).upper(), str(item.get("type")), str(item.get("version")),
                   str(item.get("action"))) for item in objects)


def _diff(plan: list) -> dict:
    before, after = {}, {}
    for entry in plan:
        if entry["outcome"] == planning.NONE:
            continue
        key = "%s %s (%s)" % (entry["id"], entry["name"], entry["type_name"])
        before[key] = entry["version_before"] or "absent"
        after[key] = "absent" if entry["outcome"] == planning.DELETE else (entry["version_package"] or "unknown")
    return {"before": before, "after": after}


# ------------------------------------------------------------------ undo
def undo(target: Side, migration_id: str, wait_timeout: float, check_mode: bool) -> tuple:
    """``state: undone``: request and approve the undo on the target, wait for ``undo_success``."""
    started = time.monotonic()
    with target.step("reading the migration", migration_id=migration_id):
        record = target.api.find(migration_id)
    if record is None:
        raise MstrError("target (%s): migration %s was never imported there (the target has no record of it); "
                        "nothing was undone" % (target.client.base_url, migration_id), migration_id=migration_id,
                        side=TARGET, step="reading the migration")
    # The project the migration was imported into, unless the task names one: the undo approval carries it.
    project_id = target.project_id or mapping(record["importInfo"].get("project"), "project").get("id")
    with target.step("checking privileges"):
        warnings = privileges.check_privileges(target.client, privileges.WS_UNDO,
                                               {"id": project_id} if project_id else None)
    api = MigrationApi(target.client, project_id, record["packageInfo"].get("type"))
    changed, record = _undo_steps(target, api, migration_id, record, wait_timeout, check_mode)
    undo_storage = mapping(record["importInfo"].get("undoStorage"), "undoStorage")
    status = status_of(record, "importInfo")
    message = {True: "Migration %s was undone on the target." % migration_id,
               False: "Migration %s is already undone on the target (%s); nothing was done." % (migration_id, status)}
    if check_mode and changed:
        message[True] = "Check mode, nothing was undone: migration %s would be undone on the target." % migration_id
    return changed, {"message": message[changed], "migration_id": migration_id, "state": "undone",
                     "target": target.view(record), "undo_storage": undo_storage.get("path"),
                     "elapsed": {"total": round(time.monotonic() - started, 3)}, "warnings": warnings,
                     "notes": []}, None


def _undo_steps(target: Side, api: MigrationApi, mid: str, record: dict, timeout: float, check_mode: bool) -> tuple:
    status = status_of(record, "importInfo")
    request = status_of(record, "importInfo", "undoRequestStatus")
    if status == "undo_success":
        return False, record
    if status == "undoing":
        with target.step("waiting for the undo", migration_id=mid):
            return False, api.wait_undone(mid, timeout)["record"]
    undo_storage = mapping(record["importInfo"].get("undoStorage"), "undoStorage")
    if status != "imported" or not undo_storage.get("path"):
        raise MstrError("target (%s): migration %s cannot be undone: its import status is %s%s; nothing was done"
                        % (target.client.base_url, mid, status, "" if undo_storage.get("path") else
                           " and the server made no undo package (generate_undo false, or keep_both)"),
                        migration_id=mid, side=TARGET, step="undoing")
    if check_mode:
        return True, record
    if request == "pending":
        with target.step("requesting the undo", migration_id=mid):
            api.set_undo_request(mid, "requested")
    with target.step("approving the undo", migration_id=mid):
        api.set_undo_request(mid, "approved")
    with target.step("undoing", migration_id=mid):
        return True, api.wait_undone(mid, timeout)["record"]
