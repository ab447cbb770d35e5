# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Workstation migrations family (``/api/migrations``, 2021 Update 6): what goes over the wire for each step.

``MigrationApi`` owns every path (migration ids checked and quoted), header,
query parameter and answer check of the calls of the pages "Object migration
between environments" and "Validate migrations". The project header
(``X-MSTR-ProjectID``) goes exactly where those pages show it: the creation of
a project or project security migration (the source's project), its import
``PUT`` on the target and the undo approval on the target (the target's
project); a configuration migration never carries it, and the other calls
(reads, lists, requests, the validation) send none, which the pages' samples
show and servers tolerate. The same migration id is used on both Libraries;
each side holds its own record.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional
from urllib.parse import quote

from ansible_collections.mstr.migration.plugins.module_utils.answers import mapping, objects_list
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, ResponseError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.objects import project_header
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.waits import wait_deadline, wait_for_status

# "<packageId>:<importId>": two 32-character hex ids.
MIGRATION_ID = re.compile(r"[0-9A-Fa-f]{32}:[0-9A-Fa-f]{32}")
SHOW_CONTENT = ("default", "tocview", "treeview", "all")
PURPOSES = ("object_migration", "project_merge", "migration_from_shared_file_store", "migration_group",
            "migration_group_child")
PAGE_LIMIT = 1000  # the most GET /api/migrations gives at once
# Final statuses, compared upper case (waits.wait_for_status; every failed one contains FAIL).
CREATED = "CREATED"
IMPORTED = "IMPORTED"
UNDONE = "UNDO_SUCCESS"
VALIDATED = "VALIDATED"


def check_migration_id(value, option: str = "migration_id") -> str:
    """A migration id as the server gives it out (``<packageId>:<importId>``), upper case; refused before any
    request otherwise."""
    if not isinstance(value, str) or not MIGRATION_ID.fullmatch(value):
        raise ValidationError(option, "%r is not a migration id; a migration id is two 32-character hexadecimal ids "
                                      "joined by a colon, as a run of mstr.migration.migration returns it "
                                      "(migration_id)" % (value,))
    return value.upper()


def environment_id(base_url: str) -> str:
    """The environment id Workstation uses for a Library: its base URL without ``/api``, with a trailing slash."""
    return normalise_base_url(base_url) + "/"


def _migration_path(migration_id: str, suffix: str = "") -> str:
    return "/migrations/" + quote(check_migration_id(migration_id), safe=":") + suffix


def _answer_id(answer, migration_id: Optional[str], what: str) -> dict:
    """A summary or record of the server: a JSON object whose id is a migration id (this one, when known)."""
    body = mapping(answer, what)
    given = body.get("id")
    if not isinstance(given, str) or not MIGRATION_ID.fullmatch(given):
        raise ResponseError("unexpected answer from the server: %s has the id %r, which is not a migration id; is "
                            "base_url the Library address, or is a proxy answering?" % (what, str(given)[:100]))
    if migration_id and given.upper() != migration_id.upper():
        raise ResponseError("unexpected answer from the server: %s is about migration %s, not %s"
                            % (what, given, migration_id))
    for part in ("packageInfo", "importInfo"):
        mapping(body.get(part), "%s.%s" % (what, part))
    return body


class MigrationApi:
    """The migration calls of one Library session.

    ``project_id``: the project of the migration on this side (the source's project on the source, the target's on
    the target), sent only where the pages send it and never for a ``configuration`` migration.
    """

    def __init__(self, client, project_id: Optional[str] = None, package_type: Optional[str] = None):
        self.client = client
        self.project_id = project_header(package_type, project_id)

    # ---------------------------------------------------------------- storage
    def storage(self) -> dict:
        """The Storage Service configuration (``GET /api/mstrServices/library/storage``)."""
        answer = mapping(self.client.request("GET", "/mstrServices/library/storage"), "the storage configuration")
        return mapping(answer.get("sharedFileStore"), "the storage configuration's sharedFileStore")

    # ---------------------------------------------------------------- records
    def create(self, body: dict) -> dict:
        """``POST /api/migrations`` on the source: the package starts building (``creating``). Never repeated once
        sent (the client's rule for POST): a second one would make a second migration."""
        answer = self.client.request("POST", "/migrations", project_id=self.project_id, json_body=body,
                                     expect=(201, 200))
        return _answer_id(answer, None, "the new migration")

    def read(self, migration_id: str, show_content: str = "default") -> dict:
        """``GET /api/migrations/{id}``: this side's record (``showContent=all`` adds tocView and treeView)."""
        if show_content not in SHOW_CONTENT:
            raise ValueError(show_content)
        answer = self.client.request("GET", _migration_path(migration_id), params={"showContent": show_content})
        return _answer_id(answer, migration_id, "migration %s" % migration_id)

    def find(self, migration_id: str) -> Optional[dict]:
        """The record, or None when this Library has none (404)."""
        try:
            return self.read(migration_id)
        except ApiError as exc:
            if exc.not_found:
                return None
            raise

    def list(self, offset: int = 0, limit: int = PAGE_LIMIT, purposes: tuple = ("object_migration",)) -> dict:
        """One page of ``GET /api/migrations``: ``{"data": [...], "total": n}``. The server's default purpose is
        ``object_migration`` only, so the purposes are always sent."""
        if offset < 0 or not 1 <= limit <= PAGE_LIMIT:
            raise ValueError((offset, limit))
        answer = mapping(self.client.request("GET", "/migrations", params={
            "offset": offset, "limit": limit, "packageInfo.purpose": ",".join(purposes)}), "the migration list")
        data = objects_list(answer.get("data"), "the migration list")
        total = answer.get("total")
        if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
            raise ResponseError("unexpected answer from the server: the migration list's total is %r" % (total,))
        return {"data": [_answer_id(item, None, "an entry of the migration list") for item in data],
                "total": total}

    def list_all(self, purposes: tuple = ("object_migration",)) -> Iterator[dict]:
        """Every migration of these purposes, page after page."""
        offset = 0
        while True:
            page = self.list(offset, PAGE_LIMIT, purposes)
            yield from page["data"]
            offset += len(page["data"])
            if not page["data"] or (page["total"] is not None and offset >= page["total"]):
                return

    def _patch(self, migration_id: str, body: dict, project_id: Optional[str] = None) -> dict:
        answer = self.client.request("PATCH", _migration_path(migration_id), project_id=project_id, json_body=body,
                                     expect=(200, 202))
        return _answer_id(answer, migration_id, "migration %s" % migration_id)

    def set_import_request(self, migration_id: str, status: str) -> dict:
        """On the source: ``requested`` (the package is ``created``), then ``approved`` (it becomes ``locked``)."""
        return self._patch(migration_id, {"importInfo": {"importRequestStatus": status}})

    def set_undo_request(self, migration_id: str, status: str) -> dict:
        """On the target: ``requested``, then ``approved``, which carries the target's project (the pages:
        "required") and starts the undo."""
        return self._patch(migration_id, {"importInfo": {"undoRequestStatus": status}},
                           self.project_id if status == "approved" else None)

    def set_validating(self, migration_id: str) -> dict:
        """On the source, after the target's validation: the source reads the target's result."""
        return self._patch(migration_id, {"validation": {"status": "validating"}})

    def start_import(self, migration_id: str, record: dict, generate_undo: bool) -> dict:
        """``PUT /api/migrations/{id}`` on the target: the source's ``showContent=all`` read with
        ``packageInfo.replicated: true``. PUT is not repeated after it was sent (the client's rule)."""
        answer = self.client.request("PUT", _migration_path(migration_id), project_id=self.project_id,
                                     json_body=record, params={"generateUndo": "true" if generate_undo else "false"},
                                     expect=(201, 200, 202))
        return _answer_id(answer, migration_id, "the import of migration %s" % migration_id)

    def validate(self, migration_id: str, body: dict) -> None:
        """``PUT /api/migrations/{id}/validation`` on the target (no answer body)."""
        self.client.request("PUT", _migration_path(migration_id, "/validation"), json_body=body,
                            expect=(202, 200, 204))

    def delete(self, package_id: str) -> bool:
        """``DELETE /api/migrations?packageId=`` on this side; False when it held nothing of that package."""
        if not re.fullmatch(r"[0-9A-Fa-f]{32}", package_id or ""):
            raise ValueError(package_id)
        try:
            self.client.request("DELETE", "/migrations", params={"packageId": package_id.upper()},
                                expect=(204, 200, 202))
        except ApiError as exc:
            if exc.not_found:
                return False
            raise
        return True

    # ---------------------------------------------------------------- waits
    def _wait(self, migration_id: str, part: str, success: str, what: str, timeout: float) -> dict:
        """Poll this side's record until ``part``'s status is ``success``; the part, with ``record`` (the whole
        read) and ``elapsed``."""

        def read() -> dict:
            record = self.read(migration_id)
            return dict(mapping(record.get(part), "%s of migration %s" % (part, migration_id)), record=record)
        with self.client.deadline(wait_deadline(timeout)):
            return wait_for_status(read, success, what, timeout)

    def wait_created(self, migration_id: str, timeout: float) -> dict:
        return self._wait(migration_id, "packageInfo", CREATED, "the package of migration %s" % migration_id,
                          timeout)

    def wait_imported(self, migration_id: str, timeout: float) -> dict:
        return self._wait(migration_id, "importInfo", IMPORTED, "the import of migration %s" % migration_id, timeout)

    def wait_undone(self, migration_id: str, timeout: float) -> dict:
        return self._wait(migration_id, "importInfo", UNDONE, "the undo of migration %s" % migration_id, timeout)

    def wait_validated(self, migration_id: str, timeout: float) -> dict:
        return self._wait(migration_id, "validation", VALIDATED, "the validation of migration %s" % migration_id,
                          timeout)


def status_of(record: Optional[dict], part: str, key: str = "status") -> Optional[str]:
    """A status word of a record (``packageInfo.status``, ``importInfo.importRequestStatus``...), lower case."""
    value = mapping((record or {}).get(part), part).get(key) if record else None
    return str(value).lower() if value is not None else None
