# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The package API family (``/api/packages``, 2021 Update 2): what goes over the wire for each step, in one file.

``PackageApi`` owns every endpoint path (ids checked and quoted), the headers
each call sends and the waits; answer shapes and status words are
``answers.py``'s, the project-header rule ``objects.py``'s. The header is
decided once, when the object is made: every call of a ``project`` or
``project_security`` package, and of an import into a project, carries
``X-MSTR-ProjectID``; a ``configuration`` package never does (the vendor
pages, ``create-a-migration-package.md`` and ``import-a-migration-package.md``).
Login and logout are the transport's.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.answers import (IMPORT_DONE, PACKAGE_READY,
                                                                             check_package_head, check_server_id,
                                                                             mapping, new_id, objects_list,
                                                                             path_segment)
from ansible_collections.mstr.migration.plugins.module_utils.errors import (ApiError, MstrError, PackageGone,
                                                                            ResponseError)
from ansible_collections.mstr.migration.plugins.module_utils.objects import (is_object_id, object_project,
                                                                             project_header)
from ansible_collections.mstr.migration.plugins.module_utils.waits import wait_deadline, wait_for_status

# Name patterns of GET /api/searches/results.
SEARCH_BEGINS_WITH = 1
SEARCH_EXACTLY = 2
SUGGESTION_CANDIDATES = 500
# How many object lookups run at once when a package is compared with a target.
LOOKUP_WORKERS = 8


class PackageApi:
    """The package and import calls of one server session, each with exactly the headers the vendor pages send.

    ``package_type`` None means "not known yet" (a holder to upload into, a
    cleanup by id): the project header is then sent whenever a project is given.
    """

    def __init__(self, client, project_id: Optional[str], package_type: Optional[str] = None):
        self.client = client
        self.project_id = project_header(package_type, project_id)

    def _call(self, method: str, path: str, **kwargs):
        return self.client.request(method, path, project_id=self.project_id, **kwargs)

    # ---------------------------------------------------------------- holders
    def create_holder(self) -> str:
        return new_id(self._call("POST", "/packages", expect=(201, 200)), "the new package")

    def define(self, package_id: str, body: dict) -> None:
        self._call("PUT", "/packages/" + path_segment(package_id, "package_id"), prefer_async=True, json_body=body,
                   expect=(202, 200, 204))

    def read(self, package_id: str, show_content: bool = True) -> dict:
        try:
            answer = self._call("GET", "/packages/" + path_segment(package_id, "package_id"),
                                params={"showContent": "true" if show_content else "false"})
        except ApiError as exc:
            if exc.not_found:
                raise PackageGone("package %s was not found: it was deleted, or the session that created it ended "
                                  "(a package lives only in its own session; pass the same session to every task)"
                                  % package_id, package_id=package_id, http_status=exc.status) from exc
            raise
        return mapping(answer, "the package")

    def wait_ready(self, package_id: str, timeout: float) -> dict:
        with self.client.deadline(wait_deadline(timeout)):
            return wait_for_status(lambda: self.read(package_id), PACKAGE_READY, "package %s" % package_id, timeout)

    def delete(self, package_id: str) -> bool:
        """Delete a package holder; False when it was already gone."""
        return self._delete("/packages/" + path_segment(package_id, "package_id"))

    def object_details(self, package_id: str, object_ids: list) -> list:
        """Readable definitions of objects in a package."""
        details = self._call("GET", "/packages/%s/objects" % path_segment(package_id, "package_id"),
                             params={"id": ",".join(object_ids)})
        return objects_list(mapping(details, "the object details").get("objects"), "the object details")

    def download(self, package_id: str, sink) -> dict:
        return self._download("/packages/%s/binary" % path_segment(package_id, "package_id"), sink)

    def upload(self, package_id: str, file_path: str) -> tuple:
        path = "/packages/%s/binary" % path_segment(package_id, "package_id")
        try:
            return self.client.upload(path, file_path, self.project_id)
        except MstrError as exc:
            exc.details.setdefault("package_id", package_id)  # whatever came back, cleanup can find the holder
            raise

    # ---------------------------------------------------------------- imports
    def start_import(self, package_id: str, generate_undo: bool) -> dict:
        # POST is never repeated blindly (the client's rule): a second import would apply the package twice.
        started = self._call("POST", "/packages/imports", prefer_async=True,
                             params={"packageId": check_server_id(package_id, "package_id"),
                                     "generateUndo": "true" if generate_undo else "false"},
                             expect=(202, 200, 201))
        new_id(started, "the new import")
        return started

    def read_import(self, import_id: str) -> dict:
        return mapping(self._call("GET", "/packages/imports/" + path_segment(import_id, "import_id")), "the import")

    def wait_import(self, import_id: str, timeout: float) -> dict:
        with self.client.deadline(wait_deadline(timeout)):
            return wait_for_status(lambda: self.read_import(import_id), IMPORT_DONE, "import %s" % import_id,
                                   timeout)

    def delete_import(self, import_id: str) -> bool:
        """Close an import process; False when it was already closed."""
        return self._delete("/packages/imports/" + path_segment(import_id, "import_id"))

    def download_undo(self, import_id: str, sink) -> dict:
        return self._download("/packages/imports/%s/undoPackage/binary" % path_segment(import_id, "import_id"), sink)

    def _download(self, path: str, sink) -> dict:
        """A package binary; ``package_magic`` says whether it starts as packages do (a page is refused)."""
        stats = self.client.download(path, sink, self.project_id, inspect=check_package_head)
        stats["package_magic"] = stats.pop("inspected")
        return stats

    def _delete(self, path: str) -> bool:
        """An asynchronous DELETE; False when the resource was already gone."""
        try:
            self._call("DELETE", path, prefer_async=True, expect=(202, 200, 204))
        except ApiError as exc:
            # Gone, or its session is: a holder and an import die with the session that owns them.
            if exc.not_found or exc.session_expired:
                return False
            raise
        return True

    # ---------------------------------------------------------------- objects
    def search(self, name: str, object_type: int, pattern: int = SEARCH_EXACTLY, limit: Optional[int] = None) -> list:
        query = {"name": name, "type": object_type, "pattern": pattern}
        if limit:
            query["limit"] = limit
        found = self._call("GET", "/searches/results", params=query)
        return objects_list(mapping(found, "the search").get("result"), "the search result")

    def search_like(self, name: str, object_type: int) -> list:
        """Objects of the type whose names begin with the same letter: candidates for "did you mean"."""
        return self.search(name[:1], object_type, SEARCH_BEGINS_WITH, limit=SUGGESTION_CANDIDATES) if name else []

    def read_objects(self, items: list, workers: int = LOOKUP_WORKERS) -> list:
        """The target's copy of each ``{id, type, level}`` (None where it has none), in order.

        Up to ``workers`` lookups run at once, each on its own connection of this
        session: a package of a thousand objects is not a thousand round trips in a row.
        """
        if not items:
            return []
        forks: list = []
        local = threading.local()
        lock = threading.Lock()

        def lookup(item):
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = self.client.fork()
                with lock:
                    forks.append(client)
            return self._read_object(client, item)

        try:
            with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="lookup") as pool:
                return list(pool.map(lookup, items))
        finally:
            for client in forks:
                client.close()

    def _read_object(self, client, item: dict) -> Optional[dict]:
        object_id, object_type = item["id"], item["type"]
        if not is_object_id(object_id) or isinstance(object_type, bool) or not isinstance(object_type, int):
            raise ResponseError("unexpected answer from the server: the package lists an object with id %r and "
                                "type %r" % (object_id, object_type))
        try:
            answer = client.request("GET", "/objects/" + object_id, params={"type": object_type},
                                    project_id=object_project(self.project_id, object_type, item.get("level")))
        except ApiError as exc:
            if exc.not_found:
                return None
            raise
        return mapping(answer, "object %s" % object_id)

    # ---------------------------------------------------------------- session
    def session_user(self) -> dict:
        """The logged-in user (one read, not retried: it is for display and records)."""
        info = mapping(self.client.request("GET", "/sessions", retries=0), "the session")
        return {"id": info.get("id"), "username": info.get("username"), "full_name": info.get("fullName")}


# ------------------------------------------------------------------ projects
def list_projects(client) -> list:
    """The projects the user can see (``GET /api/projects``), each with a string id and name."""
    return [p for p in objects_list(client.request("GET", "/projects"), "the project list")
            if isinstance(p.get("name"), str) and isinstance(p.get("id"), str)]
