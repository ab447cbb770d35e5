# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A whole import in one call: verify, compare with the target, upload, import, undo package, record, clean up.

The mirror of ``export.py``. Before any request the file is checked against
its manifest. The package's objects are then looked up in the target and
each gets an outcome (``plan.py``); when nothing would change, nothing is
imported and nothing is written. An import's undo package and its record are
rollback points: they go to new files named after the moment of the import
and never replace an existing file. The holder and the import process are
released whatever fails.
"""

from __future__ import annotations

import os
import time
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils import records
from ansible_collections.mstr.migration.plugins.module_utils import plan as planning
from ansible_collections.mstr.migration.plugins.module_utils import security_links
from ansible_collections.mstr.migration.plugins.module_utils.answers import (PACKAGE_READY, normalise_status,
                                                                             not_a_package_warning, objects_list)
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, OperationFailed, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.objects import FOLDER_TYPE, PROJECT_SECURITY, USER_TYPE
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.security_api import read_links
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url

SECURITY_UNKNOWN = ("a project security package carries the users' security links in the project, and nothing beside "
                    "this file records the source's links (an undo package, a manifest of an older release, or a "
                    "source that would not show them), so it is imported every time; export it again to compare")
SECURITY_UNREAD = ("the target's security links could not be read (%s), so the package is imported; give the target's "
                   "user the privileges to read security roles and security filters")
EMPTY_UNKNOWN = "the server listed no objects in the package, so it could not be compared with the target"
DUPLICATE_NOTE = ("keep_both with another version in the target saves the package's object as a new copy at every "
                  "import, so this package is never up to date there")


# ------------------------------------------------------------ before any request
def verify_source(src: str, manifest: Optional[str], skip_format_check: bool = False) -> dict:
    """Check ``src`` against its manifest (``<src>.json`` when ``manifest`` is not given), before any request."""
    files.check_src(src, skip_format_check)
    path = manifest or records.manifest_path(src, None)
    if not manifest and not os.path.exists(path):
        return {"src": src, "size": os.path.getsize(src), "sha256": None, "manifest": None, "type": None,
                "objects": None, "record_target": None, "links": None, "story": None}
    if files.same_file(path, src):
        raise ValidationError("manifest", "is the package file itself; give its manifest (%s.json)" % src)
    data = records.load_json(path, "manifest")
    described = records.described_file(data)
    if not described:
        raise ValidationError("manifest", "%s describes no package file (it is an import record without an undo "
                                          "package); give the manifest of %s" % (path, src))
    size = os.path.getsize(src)
    sha256 = files.file_sha256(src) if size == described["size"] else None
    if size != described["size"] or sha256 != described["sha256"]:
        raise ValidationError("src", "%s does not match its manifest %s: the file has %d bytes and sha256 %s, the "
                                     "manifest says %d bytes and sha256 %s. The file was changed or damaged after it "
                                     "was written; export it again (or restore it) rather than import it"
                              % (src, path, size, sha256 or files.file_sha256(src), described["size"],
                                 described["sha256"]))
    package_type = (data.get("package") or {}).get("type")
    if package_type is not None and package_type not in definition.PACKAGE_TYPES:
        raise ValidationError("manifest", "%s gives the package type %r; a package is one of %s"
                              % (path, package_type, ", ".join(definition.PACKAGE_TYPES)))
    target = data.get("target") if data["format"] == records.RECORD_FORMAT else None
    return {"src": src, "size": size, "sha256": sha256, "manifest": path, "type": package_type,
            "objects": records.planned_objects(path, data),
            "record_target": target if isinstance(target, dict) else None,
            "links": security_links.from_manifest(data) if data["format"] == records.MANIFEST_FORMAT else None,
            "story": records.package_story(path, data)}


def check_record_target(source: dict, base_url: Optional[str], project_header: Optional[str]) -> None:
    """An undo package goes back where its import went: the server and the project of its record."""
    target = source.get("record_target")
    if not target:
        return
    if base_url and target.get("base_url") and normalise_base_url(base_url) != normalise_base_url(target["base_url"]):
        raise ValidationError("manifest", "%s records an import into %s, and this task imports into %s: an undo "
                                          "package restores only the server it was made on"
                              % (source["manifest"], target["base_url"], normalise_base_url(base_url)))
    if (target.get("project_id") or None) != (project_header or None):
        raise ValidationError("project_id", "%s records an import into project %s: its undo package restores only "
                                            "that project; set project_id to it" % (
                                                source["manifest"], target.get("project_id") or "(none)"))


# ------------------------------------------------------------------ comparing
def compare(api: PackageApi, objects: list, unknown_reason: Optional[str] = None) -> list:
    """The plan of ``objects`` (server keys) against the target; one lookup per object, several at once."""
    if unknown_reason:
        return planning.build_plan(objects, [None] * len(objects), unknown_reason)
    return planning.build_plan(objects, api.read_objects(planning.lookups(objects)))


def _same_objects(first: list, second: list) -> bool:
    def key(items):
        return sorted((str(i.get("id", "")).upper(), i.get("type"), i.get("version"), i.get("action")) for i in items)
    return key(first) == key(second)


def _versions_after(api: PackageApi, objects: list, plan: list) -> Optional[str]:
    """Read back what the import changed (and the folders, which an import may copy anew whatever the plan said);
    every other object kept its version. Returns why the read failed, if it did: the import is done by then, so
    its record must still be written."""
    read = [index for index, entry in enumerate(plan)
            if entry["outcome"] in planning.CHANGING or entry["type"] == FOLDER_TYPE]
    try:
        after = dict(zip(read, api.read_objects(planning.lookups([objects[index] for index in read]))))
    except MstrError as exc:
        after, error = {index: {"version": None} for index in read}, exc.message
    else:
        error = None
    for index, entry in enumerate(plan):
        entry["version_after"] = (after[index] or {}).get("version") if index in after else entry["version_before"]
    return error


# ------------------------------------------------------------------ the import
class Import:
    """One whole import; ``run()`` returns ``(changed, result, diff)``."""

    def __init__(self, client, source: dict, project_id: Optional[str], undo_dir: str, generate_undo: bool,
                 force: bool, wait_timeout: float, check_mode: bool, comment: Optional[str] = None):
        self.client = client
        self.comment = comment
        self.source = source
        self.undo_dir = undo_dir
        self.generate_undo = generate_undo
        self.force = force
        self.wait_timeout = wait_timeout
        self.check_mode = check_mode
        self.api = PackageApi(client, project_id, source["type"])
        self.started_at = records.now()
        self.stamp = records.file_stamp()
        self.compare_seconds = 0.0
        self.notes: list = []
        if source["manifest"] is None:
            self.notes.append("%s has no manifest (%s.json): it is imported without a size and checksum check"
                              % (source["src"], source["src"]))

    def _package_type(self, objects: list) -> Optional[str]:
        """The manifest's type; else what the content shows. The read-back of an uploaded package has no type, but
        only a project security package lists users and groups alone while uploaded into a project (a
        configuration package is refused there)."""
        if self.source["type"] or not self.api.project_id:
            return self.source["type"]
        if objects and all(item.get("type") == USER_TYPE for item in objects):
            return PROJECT_SECURITY
        return None

    def _compare(self, objects: list) -> list:
        started = time.monotonic()
        security = bool(objects) and self._package_type(objects) == PROJECT_SECURITY
        reason = EMPTY_UNKNOWN if not objects else None
        if security and not self.source.get("links"):
            reason = SECURITY_UNKNOWN
        if reason and reason not in self.notes:
            self.notes.append(reason)
        try:
            return self._compare_security(objects) if security else compare(self.api, objects, reason)
        finally:
            self.compare_seconds += time.monotonic() - started

    def _compare_security(self, objects: list) -> list:
        """Users and groups are looked up as any object (the diff shows them as they are); their links in the
        project as the REST API shows them, and as the import records say for the kinds it does not show."""
        targets = self.api.read_objects(planning.lookups(objects))
        package_links = self.source.get("links") or {}
        if not package_links:
            return planning.build_plan(objects, targets, SECURITY_UNKNOWN)
        target_links, why = read_links(self.client, self.api.project_id, [item.get("id") for item in objects])
        if target_links is None:
            self.notes.append(SECURITY_UNREAD % why)
            return planning.build_plan(objects, targets, SECURITY_UNREAD % why)
        records_found = security_links.newest_records(self.undo_dir, self.client.base_url, self.api.project_id)
        return security_links.build_plan(objects, targets, package_links, target_links, records_found,
                                         self.source["sha256"], SECURITY_UNKNOWN)

    def _goes_no_further(self, plan: list) -> bool:
        """Check mode has its answer once there is a plan; a real run stops when the plan changes nothing."""
        return self.check_mode or not (self.force or planning.needs_import(plan))

    def run(self) -> tuple:
        objects = self.source["objects"]
        plan = None
        if objects is not None:
            # The manifest lists what the file holds: compare first, and upload only when something would change.
            plan = self._compare(objects)
            if self._goes_no_further(plan):
                return self._result(plan, imported=False)
        package_id = self.api.create_holder()
        import_id = None
        undo = None
        failed = True
        try:
            package = self._upload(package_id)
            content = objects_list(package.get("content"), "the package content")
            if objects is None or not _same_objects(objects, content):
                objects, plan = content, self._compare(content)
            if self._goes_no_further(plan):
                failed = False
                return self._result(plan, imported=False)
            import_id = self.api.start_import(package_id, self.generate_undo)["id"]
            done = self._wait(import_id)
            # The target has changed: from here on, whatever fails, the rollback point is saved and said so.
            undo = self._download_undo(import_id, done)
            read_error = _versions_after(self.api, objects, plan)
            if read_error:
                self.notes.append("the versions after the import could not be read back (%s); the record has "
                                  "null for them" % read_error)
            result = self._finish(plan, done, undo)
            failed = False
            return result
        finally:
            if undo is not None and undo["sink"] is not None:
                undo["sink"].discard()
            self._release(package_id, import_id, failed)

    def _upload(self, package_id: str) -> dict:
        """Upload ``src``; it must still be the file that was checked against its manifest."""
        answer, sent = self.api.upload(package_id, self.source["src"])
        if self.source["sha256"] and sent["sha256"] != self.source["sha256"]:
            raise MstrError("%s changed while it was being imported: it was checked against %s with sha256 %s, but "
                            "the bytes sent have sha256 %s; nothing was imported (is another run writing it?)"
                            % (self.source["src"], self.source["manifest"], self.source["sha256"], sent["sha256"]))
        self.source["sha256"] = sent["sha256"]
        if isinstance(answer, dict) and normalise_status(answer.get("status")) == PACKAGE_READY:
            return self.api.read(package_id)
        return self.api.wait_ready(package_id, self.wait_timeout)

    def _wait(self, import_id: str) -> dict:
        try:
            return self.api.wait_import(import_id, self.wait_timeout)
        except OperationFailed as exc:
            exc.details.setdefault("import_id", import_id)
            raise
        except MstrError as exc:
            # No terminal status was seen: the import may still finish on the server.
            exc.message += ("; the outcome of import %s is unknown, so the target may have changed (no undo "
                            "package or record could be saved)" % import_id)
            exc.details.setdefault("import_id", import_id)
            raise

    def _download_undo(self, import_id: str, done: dict) -> Optional[dict]:
        if not done.get("undoPackageCreated"):
            if self.generate_undo:
                self.notes.append("the server made no undo package for this import (it cannot for packages with "
                                  "keep_both); the import record is the only trace of it")
            return None
        undo = {"sink": None, "stats": None, "error": None}
        try:
            undo["sink"] = files.TempFileSink(os.path.join(self.undo_dir,
                                                           records.stem(self.source["src"]) + ".undo.mmp"))
            undo["stats"] = self.api.download_undo(import_id, undo["sink"])
            undo["sink"].close()
        except MstrError as exc:
            # The import is done: the record must still say so, and why there is no undo package.
            undo["error"] = exc.message
        except OSError as exc:
            undo["error"] = "writing it to %s failed: %s" % (self.undo_dir, exc.strerror)
        return undo

    def _release(self, package_id: str, import_id: Optional[str], failed: bool) -> None:
        """Close the import and delete the holder. After a failure the first error is the one to report; after a
        success a failed release is only a note (the result, already built, lists the notes): the import and its
        rollback point matter more, and what is left ends with the session."""
        for release, resource in ((self.api.delete_import, import_id), (self.api.delete, package_id)):
            if resource is None:
                continue
            try:
                release(resource)
            except MstrError as exc:
                if not failed:
                    self.notes.append("cleanup: %s (it ends with the session)" % exc.message)

    def _user(self) -> Optional[dict]:
        try:
            return self.api.session_user()
        except MstrError:
            return None  # the record is worth more than the name of its user

    def _finish(self, plan: list, done: dict, undo: Optional[dict]) -> tuple:
        user = self._user()
        stats = undo["stats"] if undo and not undo["error"] else None
        status = definition.import_result(done)

        target = {"base_url": self.client.base_url, "project_id": self.api.project_id, "user": user}
        package = {"file": os.path.basename(self.source["src"]), "size": self.source["size"],
                   "sha256": self.source["sha256"], "type": self.source["type"],
                   "manifest": os.path.basename(self.source["manifest"]) if self.source["manifest"] else None,
                   "forced": self.force}

        def record_for(undo_path):
            return records.build_record(target, self.started_at, status, package, plan, planning.summary(plan),
                                        undo_path, stats, undo["error"] if undo else None,
                                        records.record_story(self.source.get("story"), self.comment))
        try:
            undo_path, record_path = records.place_rollback_point(
                self.undo_dir, records.stem(self.source["src"]), self.stamp, undo["sink"].path if stats else None,
                record_for)
        except MstrError as exc:
            raise MstrError("the package was imported (import %s), but %s" % (done.get("id"), exc.message),
                            import_id=done.get("id"), plan=plan, **exc.details) from exc
        if undo and undo["error"]:
            raise MstrError("the package was imported (import %s), but its undo package could not be downloaded: %s. "
                            "The import record %s says what changed; no undo package was saved"
                            % (done.get("id"), undo["error"], record_path), import_id=done.get("id"),
                            record=record_path, plan=plan)
        if stats and stats.get("package_magic") is False:
            self.notes.append(not_a_package_warning(undo_path))
        changed, result, diff = self._result(plan, imported=True, import_status=status, record=record_path)
        if stats:
            result.update(undo_package=undo_path, undo_size=stats["size"], undo_sha256=stats["sha256"])
        return changed, result, diff

    # ------------------------------------------------------------------ result
    def _result(self, plan: list, imported: bool, import_status: Optional[dict] = None,
                record: Optional[str] = None) -> tuple:
        counts = planning.summary(plan)
        would_change = self.force or planning.needs_import(plan)
        if counts[planning.DUPLICATE] and DUPLICATE_NOTE not in self.notes:
            self.notes.append(DUPLICATE_NOTE)
        if imported:
            message = "Imported %s%s: %s." % (self.source["src"], " (forced)" if self.force else "",
                                              planning.describe(counts))
        elif would_change:
            message = "Check mode, nothing was imported: importing %s%s would end with %s." % (
                self.source["src"], " (forced)" if self.force else "", planning.describe(counts))
        else:
            message = "The target is already up to date: the %d object(s) of %s match it; nothing was imported." % (
                len(plan), self.source["src"])
        result = {
            "message": message, "imported": imported, "src": self.source["src"], "size": self.source["size"],
            "sha256": self.source["sha256"], "manifest": self.source["manifest"],
            "verified": self.source["manifest"] is not None, "plan": plan, "summary": counts,
            "compare_seconds": round(self.compare_seconds, 3), "import": import_status,
            "import_id": (import_status or {}).get("id"), "undo_package": None, "undo_size": None,
            "undo_sha256": None, "record": record, "base_url": self.client.base_url,
            "project_id": self.api.project_id, "notes": self.notes,
        }
        return imported or (self.check_mode and would_change), result, _diff(plan)


def _diff(plan: list) -> dict:
    """The objects the import changes (or would): their version in the target before and after."""
    before, after = {}, {}
    for entry in plan:
        if entry["outcome"] == planning.NONE:
            continue
        key = "%s %s (%s)" % (entry["id"], entry["name"], definition.type_name(entry["type"]))
        if "links_package" in entry:
            # A project security package changes a user's links in the project, never the user.
            before[key] = dict(entry["links_target"], version=entry["version_before"] or "absent")
            after[key] = dict(entry["links_package"], version=entry["version_before"] or "absent")
            continue
        before[key] = entry["version_before"] or "absent"
        after[key] = {planning.CREATE: entry["version_package"], planning.REPLACE: entry["version_package"],
                      planning.DELETE: "absent", planning.DUPLICATE: "%s, and a copy of %s" % (
                          entry["version_before"], entry["version_package"])}.get(entry["outcome"], "unknown")
    return {"before": before, "after": after}
