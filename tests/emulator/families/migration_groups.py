# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Migration groups: up to 100 migrations (configuration first, one per project) built, imported and undone in turn.

A group's children are migration records of the migrations family (their own
ids, ``groupId`` on both halves); the group holds the request statuses. Its
children are created one after another, imported one after another with fail
fast (a failure fails the children after it), and undone one after another
(a failure does not stop the others). On its source a group is edited (its
packages defined again, built again in turn) and certified; the target takes
the certification as sent or from the shared store. Pages are cited as
``file#section`` in ../shared/reference/microstrategy-rest-api/migrations-in-workstation.
"""

from __future__ import annotations

import copy
from typing import Optional

from .. import seed
from ..calls import Call, Response
from ..errors import ApiError, invalid_input, missing_info
from ..family import Family, route
from ..rules import JSON, Rule
from ..storage import CERTIFICATION
from .migrations import (EDIT_PAGE, TOLERATED, certification_state, check_service, import_package_info, package_info,
                         page_of)

GROUP_PAGE = "object-migration-groups-between-environments.md"
PATH = "/api/migrationGroups"
MAX_CHILDREN = 100
RUNNING = ("creating", "importing", "undoing")
CHILD_PURPOSES = (None, "migration_group", "migration_group_child")  # what a child may say; its place decides


def _children(body) -> list:
    """The checked children of a create body: at most 100, the configuration package first, one per project."""
    if not isinstance(body, dict) or not isinstance(body.get("migrations"), list) or not body["migrations"]:
        raise invalid_input("A migration group needs a non-empty list 'migrations'.")
    children = body["migrations"]
    if len(children) > MAX_CHILDREN:
        raise invalid_input("A migration group holds at most %d packages (%d sent)." % (MAX_CHILDREN, len(children)))
    infos = [child.get("packageInfo") if isinstance(child, dict) else None for child in children]
    if any(isinstance(info, dict) and info.get("purpose") not in CHILD_PURPOSES for info in infos):
        raise invalid_input("A group's package has the purpose migration_group (the first) or migration_group_child.")
    kinds = [package_info({"packageInfo": dict(info, purpose=None) if isinstance(info, dict) else info})[1]
             for info in infos]
    if "configuration" in kinds[1:]:
        raise invalid_input("The configuration package of a group must come first (else it may corrupt the metadata).")
    projects = [_project_of(child) for child in children[1 if kinds[0] == "configuration" else 0:]]
    if len(set(projects)) != len(projects):
        raise invalid_input("A migration group holds at most one package per project.")
    return children


def _project_of(child: dict) -> Optional[str]:
    project = ((child["packageInfo"].get("project") or {}).get("id") or "").upper()
    if not project:
        raise missing_info("A project package of a group names its project in packageInfo.project.")
    return project


class MigrationGroups(Family):
    name = "migration_groups"

    def __init__(self, emulator):
        super().__init__(emulator)
        self.groups: dict = {}

    @property
    def migrations(self):
        return self.emu.family("migrations")

    # ------------------------------------------------------------------ state
    def reset(self):
        self.groups = {}

    def advance(self, now: float):
        for group in self.groups.values():
            children = [self.migrations.records.get(cid) for cid in group["children"]]
            self._next_step([child for child in children if child is not None])

    @staticmethod
    def _next_step(children: list):
        """The children's steps one after another; a failed creation or import fails the children after it."""
        if any(c["packageInfo"]["status"] in RUNNING or c["importInfo"]["status"] in RUNNING for c in children):
            return
        waiting = [child for child in children if child["next"]]
        failed = [child for child in children if child["packageInfo"]["status"] == "create_failed"
                  or child["importInfo"]["status"] == "import_failed"]
        if not waiting:
            return
        if failed and waiting[0]["importInfo"]["status"] != "imported":
            for child in waiting:
                part, status = (("packageInfo", "create_failed") if child["packageInfo"]["status"] == "empty"
                                else ("importInfo", "import_failed"))
                child[part].update(status=status, message="Not run: an earlier package of the group failed.")
                child["next"] = None
            return
        step, waiting[0]["next"] = waiting[0]["next"], None
        step()

    def snapshot(self, checksums: bool = False) -> dict:
        return {"migrationGroups": [{"id": g["id"], "roles": [r for r in ("source", "target") if g[r]],
                                     "importRequestStatus": g["importRequestStatus"],
                                     "undoRequestStatus": g["undoRequestStatus"], "migrations": list(g["children"])}
                                    for g in self.groups.values()]}

    # ---------------------------------------------------------------- helpers
    def group(self, raw_id: str) -> dict:
        group_id = self.migrations.migration_id(raw_id)
        found = self.groups.get(group_id)
        if found is None:
            raise ApiError(404, "ERR004", "Migration group '%s' was not found on this Library." % group_id)
        return found

    def children(self, group: dict) -> list:
        return [self.migrations.records[cid] for cid in group["children"] if cid in self.migrations.records]

    def summary(self, group: dict) -> dict:
        children = []
        for child in self.children(group):
            view = self.migrations.summary(child)
            for part in ("packageInfo", "importInfo"):
                view[part] = {key: view[part][key] for key in ("id", "status", "progress")}
                view[part]["groupId"] = child[part]["groupId"]
            children.append(view)
        return {"id": group["id"], "name": group["name"], "importRequestStatus": group["importRequestStatus"],
                "undoRequestStatus": group["undoRequestStatus"], "migrations": children}

    def full(self, group: dict, show: str) -> dict:
        children = []
        for child in self.children(group):
            # The group page's GETs show the packages' tocView with or without showContent (its steps 2 and 6).
            view = self.migrations.full(child, "all" if show == "all" else "tocview")
            view["packageInfo"].pop("environment", None)
            for key in ("importRequestStatus", "undoRequestStatus", "environment"):
                view["importInfo"].pop(key, None)
            children.append(view)
        view = {"id": group["id"], "name": group["name"], "sourceEnvironment": group["sourceEnvironment"],
                "targetEnvironment": group["targetEnvironment"], "treeView": group["treeView"],
                "importRequestStatus": group["importRequestStatus"], "undoRequestStatus": group["undoRequestStatus"],
                "creationDate": group["creationDate"], "lastUpdatedDate": group["lastUpdatedDate"],
                "migrations": children, "version": group["version"]}
        if group.get("certification"):
            view["certification"] = copy.deepcopy(group["certification"])
        return view

    def _new_group(self, group_id: str, body: dict) -> dict:
        stamp = self.migrations.now()
        return {"id": group_id, "name": body.get("name") or "Migration group", "source": False, "target": False,
                "creationDate": stamp, "lastUpdatedDate": stamp,
                "sourceEnvironment": copy.deepcopy(body.get("sourceEnvironment") or {}),
                "targetEnvironment": copy.deepcopy(body.get("targetEnvironment") or {}),
                "treeView": copy.deepcopy(body.get("treeView") or {}), "importRequestStatus": "pending",
                "undoRequestStatus": "pending", "children": [], "version": body.get("version") or "2"}

    # ----------------------------------------------------------------- create
    @route("POST", PATH, Rule(TOLERATED, content_type=JSON,
                              pages=(GROUP_PAGE + "#step-1-use-the-post-apimigrationgroups-api-call-to-the-source-"
                                                  "library",)))
    def create_group(self, call: Call) -> Response:
        body = call.json_body()
        children = _children(body)
        self.emu.require_privilege(call.session, seed.PRIV_CREATE_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            group = self._new_group(self.migrations.new_id("group", self.groups), body)
            records = [self._child(call, group, child, index) for index, child in enumerate(children)]
            group["source"] = True
            for record in records:
                self.migrations.records[record["id"]] = record
                group["children"].append(record["id"])
            self.groups[group["id"]] = group
            return Response(201, self.summary(group))

    def _child(self, call: Call, group: dict, child: dict, index: int, child_id: Optional[str] = None) -> dict:
        info = dict(child["packageInfo"], name=group["name"], environment=group["sourceEnvironment"])
        kind = info["type"]
        project_id = self.emu.require_project(_project_of(child)) if kind != "configuration" else None
        body = {"packageInfo": info, "importInfo": {"environment": group["targetEnvironment"],
                                                    "project": (child.get("importInfo") or {}).get("project") or {}}}
        record = self.migrations.source_record(call, body, project_id,
                                               (kind, "migration_group" if index == 0 else "migration_group_child"),
                                               child_id or self.migrations.new_id("group child"))
        group_ids = group["id"].split(":")
        record["packageInfo"]["groupId"], record["importInfo"]["groupId"] = group_ids
        self.migrations.define(record, info, start=index == 0)
        if index:
            record["packageInfo"]["status"] = "empty"
        return record

    # ------------------------------------------------------------------- read
    @route("GET", PATH, Rule(TOLERATED, pages=(GROUP_PAGE + "#apis",)))
    def list_groups(self, call: Call) -> Response:
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            return Response(200, page_of(call, [self.summary(g) for g in self.groups.values()]))

    @route("GET", PATH + "/{gid}", Rule(TOLERATED, pages=(
        GROUP_PAGE + "#step-2-use-the-get-apimigrationgroupsmigrationgroupid-api-call-to-the-source-library",)))
    def get_group(self, call: Call, gid: str) -> Response:
        show = call.query.get("showContent", ["default"])[0].lower()
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            return Response(200, self.full(self.group(gid), show))

    # ------------------------------------------------------------------ patch
    @route("PATCH", PATH + "/{gid}", Rule(TOLERATED, content_type=JSON, pages=(
        GROUP_PAGE + "#step-3-use-the-patch-apimigrationgroupsmigrationgroupid-api-call-to-the-source-library",
        GROUP_PAGE + "#undo-migration-group")))
    def patch_group(self, call: Call, gid: str) -> Response:
        body = call.json_body()
        if not isinstance(body, dict):
            raise invalid_input("The request body must be a JSON object.")
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            group = self.group(gid)
            if "importRequestStatus" in body:
                self._import_request(group, body["importRequestStatus"])
            if "undoRequestStatus" in body:
                if "respond-async" not in call.headers.get("Prefer", "").lower():
                    call.rules.fail(missing_info("Header 'Prefer: respond-async' missing; a group's undo requires "
                                                 "it."))
                self._undo_request(call, group, body["undoRequestStatus"])
            return Response(200, self.summary(group))

    def _import_request(self, group: dict, wanted: str):
        children, current = self.children(group), group["importRequestStatus"]
        if not group["source"]:
            raise invalid_input("A group's import is requested and approved on its source.")
        if wanted == "requested" and not (current in ("pending", "rejected") and
                                          all(c["packageInfo"]["status"] == "created" for c in children)):
            raise invalid_input("A group's import can be requested once every package is 'created' (%s)."
                                % ", ".join(c["packageInfo"]["status"] for c in children))
        if wanted in ("approved", "rejected") and current != "requested":
            raise invalid_input("importRequestStatus cannot become '%s' from '%s': it must be 'requested' first."
                                % (wanted, current))
        if wanted not in ("requested", "approved", "rejected"):
            raise invalid_input("importRequestStatus cannot become '%s'." % wanted)
        group.update(importRequestStatus=wanted, lastUpdatedDate=self.migrations.now())
        for child in children:
            child["importInfo"]["importRequestStatus"] = wanted
            if wanted == "approved":
                child["packageInfo"]["status"] = "locked"

    def _undo_request(self, call: Call, group: dict, wanted: str):
        children, current = self.children(group), group["undoRequestStatus"]
        if wanted == "requested" and not (group["target"] and current == "pending" and all(
                c["importInfo"]["status"] == "imported" and c["importInfo"]["undoStorage"] for c in children)):
            raise invalid_input("A group's undo can be requested on its target once every package is imported with "
                                "an undo package.")
        if wanted == "approved" and current != "requested":
            raise invalid_input("undoRequestStatus cannot become 'approved' from '%s'." % current)
        if wanted not in ("requested", "approved"):
            raise invalid_input("undoRequestStatus cannot become '%s'." % wanted)
        if wanted == "approved":
            # As a single migration's undo: an undo is an import of the undo package.
            self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        group.update(undoRequestStatus=wanted, lastUpdatedDate=self.migrations.now())
        for index, child in enumerate(children):
            child["importInfo"]["undoRequestStatus"] = wanted
            if wanted == "approved":
                self.migrations.start_undo(child, start=index == 0)

    # ----------------------------------------------------------------- import
    @route("PUT", PATH + "/{gid}", Rule(TOLERATED, prefer_async=True, content_type=JSON, pages=(
        GROUP_PAGE + "#step-5-use-the-put-apimigrationgroupsmigrationgroupid-api-call-to-the-target-library",)))
    def import_group(self, call: Call, gid: str) -> Response:
        body = call.json_body()
        group_id = self.migrations.migration_id(gid)
        children = body.get("migrations") if isinstance(body, dict) else None
        if not children or not all(isinstance(c, dict) and (c.get("packageInfo") or {}).get("replicated") is True
                                   for c in children):
            return self._edit_group(call, gid, body)  # A10: an import sends every child replicated, an edit does not
        infos = [import_package_info(self.migrations.migration_id(c.get("id", "")), c) for c in children]
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "read")
            if group_id in self.groups and self.groups[group_id]["target"]:
                raise invalid_input("Migration group '%s' was already imported here." % group_id)
            headers = [self.migrations.stored_package(info) for info in infos]
            group = self.groups.get(group_id) or self._new_group(group_id, body)
            for index, (child, info, header) in enumerate(zip(children, infos, headers)):
                self._import_child(call, group, child, info, header, index)
            group.update(target=True, importRequestStatus="approved")
            self.groups[group_id] = group
            return Response(202, self.summary(group))

    def _import_child(self, call: Call, group: dict, child: dict, info: dict, header: dict, index: int):
        project = (((child.get("importInfo") or {}).get("project") or {}).get("id") or "").upper() or None
        if info["type"] == "configuration":
            project = None
        elif project is None:
            raise missing_info("Child '%s' of the group names no target project (importInfo.project)." % child["id"])
        else:
            self.emu.require_project(project)
        record = self.migrations.replica(call, child["id"].upper(), child, info)
        record["packageInfo"]["groupId"], record["importInfo"]["groupId"] = group["id"].split(":")
        self.migrations.start_import(call, record, header, project, start=index == 0)
        if record["id"] not in group["children"]:
            group["children"].append(record["id"])

    # ------------------------------------------------------------------- edit
    def _edit_group(self, call: Call, gid: str, body) -> Response:
        """The edit page: on the source, the group's packages defined again (name, treeView, migrations without
        ids) while none is blocked, built again one after another; the children keep their ids by position."""
        children = _children(body)
        self.emu.require_privilege(call.session, seed.PRIV_CREATE_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            group = self.groups.get(self.migrations.migration_id(gid))
            if group is None:
                raise ApiError(404, "ERR004", "Migration group '%s' was not found on this Library: a PUT edits a group "
                                              "on its source; an import sends every child with packageInfo.replicated: "
                                              "true." % gid.upper())
            old = self.children(group)
            if not group["source"] or group["importRequestStatus"] not in ("pending", "rejected") or any(
                    c["packageInfo"]["status"] not in ("created", "create_failed") for c in old):
                raise invalid_input("A group is edited on its source while every package is 'created' or "
                                    "'create_failed' and its import 'pending' or 'rejected'; an import sends every "
                                    "child with packageInfo.replicated: true.")
            edited, ids = dict(group, name=body.get("name") or group["name"]), [c["id"] for c in old]
            records = [self._child(call, edited, child, index, ids[index] if index < len(ids) else None)
                       for index, child in enumerate(children)]
            group.update(name=edited["name"], lastUpdatedDate=self.migrations.now(),
                         treeView=copy.deepcopy(body.get("treeView", group["treeView"])))
            for record in old:
                self.migrations.discard(record)
                del self.migrations.records[record["id"]]
            group["children"] = [record["id"] for record in records]
            self.migrations.records.update((record["id"], record) for record in records)
            return Response(202, self.summary(group))

    # ---------------------------------------------------------- certification
    @route("PATCH", PATH + "/{gid}/certification", Rule(TOLERATED, pages=(
        EDIT_PAGE + "#step-4-modify-the-certifications-state-in-the-source-and-target-environment",)))
    def certify_group(self, call: Call, gid: str) -> Response:
        auto = call.flag("autoSync", False) or call.flag("autosync", False)
        body = call.json_body()
        if not auto and (not isinstance(body, dict) or call.media_type() != JSON):
            raise missing_info("A certification change needs a JSON body (Content-Type: application/json); only "
                               "autoSync=true takes none.")
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            group = self.group(gid)
            path = self.certification_path(group)
            if auto:
                self.migrations.sync_certification(group, path, "migration group '%s'" % group["id"])
                return Response(204)
            # The page: flat {"status"} on the source; {"certification": {...}} with operator and date for the target.
            wanted = certification_state(body.get("certification", body), "certification")
            statuses = [c["packageInfo"]["status"] for c in self.children(group)]
            blocked = (None if group["source"] and set(statuses) == {"created"} else
                       "A group is certified on its source while every package is 'created' (%s)."
                       % ", ".join(statuses))
            self.migrations.certify(call, group, wanted, blocked, path)
        return Response(204)

    @staticmethod
    def certification_path(group: dict) -> str:
        return "%sgroup_%s.json" % (CERTIFICATION, group["id"].split(":")[0])

    # ----------------------------------------------------------------- delete
    @route("DELETE", PATH, Rule(TOLERATED, query=("packageGroupId",), pages=(GROUP_PAGE + "#delete-migration-group",)))
    def delete_group(self, call: Call) -> Response:
        package_group = call.query["packageGroupId"][0].upper()
        with self.emu.lock:
            call.judge()
            check_service(self.emu)
            found = [g for g in self.groups.values() if g["id"].split(":")[0] == package_group]
            if not found:
                raise ApiError(404, "ERR006", "No migration group of package group '%s' on this Library: it does not "
                                              "exist or was already deleted." % package_group)
            for group in found:
                if group["source"]:
                    self.emu.storage.remove(self.certification_path(group))
                for record in self.children(group):
                    self.migrations.discard(record)
                    del self.migrations.records[record["id"]]
                del self.groups[group["id"]]
        return Response(204)
