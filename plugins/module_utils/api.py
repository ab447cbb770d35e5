# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What goes over the wire for each step of the package workflows, in one file.

``PackageApi`` owns every endpoint path (ids checked and quoted), the headers
each call sends, the status words, the answer-shape checks and the waits.
The project header is decided once, when the object is made: every call of a
``project`` or ``project_security`` package, and of an import into a project,
carries ``X-MSTR-ProjectID``; a ``configuration`` package never does (the
vendor pages, ``create-a-migration-package.md`` and
``import-a-migration-package.md``). Login and logout are the client's.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional
from urllib.parse import quote

from ansible_collections.mstr.migration.plugins.module_utils.errors import (ApiError, MstrError, OperationFailed,
                                                                            PackageGone, ResponseError, TransportError,
                                                                            ValidationError, WaitTimeout,
                                                                            describe_sub_errors, sub_errors)

# Name patterns of GET /api/searches/results.
SEARCH_BEGINS_WITH = 1
SEARCH_EXACTLY = 2
SUGGESTION_CANDIDATES = 500
PACKAGE_READY = "READY"
PACKAGE_EMPTY = "EMPTY"
IMPORT_DONE = "IMPORTED"
PROJECT_OBJECT = "project_object"
# Object types that live outside projects (API_NOTES: configuration-level objects): configuration packages hold
# them, and they are read without a project header.
CONFIGURATION_LEVEL_TYPES = frozenset((29, 30, 31, 34, 35, 44, 51, 57, 77))
# How many object lookups run at once when a package is compared with a target.
LOOKUP_WORKERS = 8

# Ids the server hands out (base64 of "<project id>:<32 hex>"): opaque, but never a path of their own.
_SERVER_ID = re.compile(r"[A-Za-z0-9+=_.:~-]{1,512}")
_OBJECT_ID = re.compile(r"[0-9A-Fa-f]{32}")


# ------------------------------------------------------------ answer shapes
def mapping(value, what: str) -> dict:
    """A JSON object from the server, or a clear error instead of a traceback."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ResponseError("unexpected answer from the server: %s is %s, not a JSON object"
                            % (what, type(value).__name__))
    return value


def list_of(value, kind: type, kind_name: str, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise ResponseError("unexpected answer from the server: %s is not a list of %s" % (what, kind_name))
    return value


def objects_list(value, what: str) -> list:
    return list_of(value, dict, "JSON objects", what)


def strings_list(value, what: str) -> list:
    """A list of strings (settings lists), or a clear error."""
    return list_of(value, str, "strings", what)


def _new_id(answer, what: str) -> str:
    """The id of a new holder or import, held to the rule of ids the user passes: it goes into paths too."""
    new_id = mapping(answer, what).get("id")
    if not isinstance(new_id, str) or not new_id:
        raise ResponseError("unexpected answer from the server: %s has no id" % what)
    if not _is_server_id(new_id):
        raise ResponseError("unexpected answer from the server: %s has the id %r, which is not an id the server "
                            "gives out; is base_url the Library address, or is a proxy answering?"
                            % (what, new_id[:100]))
    return new_id


# ------------------------------------------------------------------ statuses
def normalise_status(status) -> str:
    """Servers print ``READY`` or ``ready``; compare upper case."""
    return str(status or "").upper()


def is_failed(status) -> bool:
    return "FAIL" in normalise_status(status)


def wait_for_status(read: Callable[[], dict], success: str, what: str, timeout: float,
                    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                    min_interval: float = 0.05, max_interval: float = 5.0) -> dict:
    """Poll ``read`` until its status is ``success``.

    Polls fast at first, then every tenth of the time already waited (so a
    change is seen within about 10 % of the processing time), never slower
    than ``max_interval``. A status containing FAIL stops at once with the
    server's message; ``timeout`` stops with the last status and elapsed time.
    A read that gets no answer or a 5xx (after the client's own retries) does
    not stop the wait: the package or import goes on on the server, and a long
    import must not be given up over a short outage of a gateway.
    """
    started = clock()
    status, outage = None, None
    while True:
        try:
            body = mapping(read(), what)
        except (TransportError, ApiError) as exc:
            if isinstance(exc, ApiError) and exc.status < 500:
                raise
            body, outage = None, exc
        elapsed = clock() - started
        if body is not None:
            outage = None
            status = normalise_status(body.get("status"))
            if status == success:
                body["elapsed"] = round(elapsed, 3)
                return body
            if is_failed(status):
                objects = sub_errors(body.get("subErrors"))
                raise OperationFailed("%s ended with status %s after %.1f s: %s%s"
                                      % (what, status, elapsed,
                                         str(body.get("message") or "the server gave no message").rstrip("."),
                                         ". Objects: " + describe_sub_errors(objects) if objects else ""),
                                      status=status, elapsed=round(elapsed, 3), sub_errors=objects)
        if elapsed >= timeout:
            if outage is not None:
                raise WaitTimeout("%s could not be read for the last part of the %.1f s waited (wait_timeout=%s): %s"
                                  % (what, elapsed, timeout, outage.message), status=status, elapsed=round(elapsed, 3))
            raise WaitTimeout("%s is still %s after %.1f s (wait_timeout=%s); raise wait_timeout or check the "
                              "server" % (what, status or "without status", elapsed, timeout),
                              status=status, elapsed=round(elapsed, 3))
        sleep(max(0.0, min(max_interval, max(min_interval, elapsed / 10.0), timeout - elapsed)))


def wait_deadline(timeout: float) -> float:
    """How long the requests of a wait of ``timeout`` may take in all: the wait polls until ``timeout``, and its
    last read gets a tenth more (at least 0.5 s, at most 5 s), so that a slow request cannot stretch the wait to
    several times the client's ``timeout`` plus backoff."""
    return timeout + min(5.0, max(0.5, timeout / 10.0))


# ----------------------------------------------------------------- ids, header
def _is_server_id(value) -> bool:
    return isinstance(value, str) and bool(_SERVER_ID.fullmatch(value)) and not set(value) <= {"."}


def check_server_id(value, option: str) -> str:
    """A package or import id as the server gave it out; refused before any request when it could leave its path."""
    if not _is_server_id(value):
        raise ValidationError(option, "%r is not a package or import id; pass the id an earlier task returned "
                                      "(for example \"{{ package.package_id }}\") unchanged" % (value,))
    return value


def _segment(value: str, option: str) -> str:
    # '=' stays as the vendor pages print it; anything else outside the id alphabet was refused above.
    return quote(check_server_id(value, option), safe="=+:~")


def project_header(package_type: Optional[str], project_id: Optional[str]) -> Optional[str]:
    """The X-MSTR-ProjectID rule: the project for project and project security packages, none for configuration."""
    return None if package_type == "configuration" else (project_id or None)


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
        return _new_id(self._call("POST", "/packages", expect=(201, 200)), "the new package")

    def define(self, package_id: str, body: dict) -> None:
        self._call("PUT", "/packages/" + _segment(package_id, "package_id"), prefer_async=True, json_body=body,
                   expect=(202, 200, 204))

    def read(self, package_id: str, show_content: bool = True) -> dict:
        try:
            answer = self._call("GET", "/packages/" + _segment(package_id, "package_id"),
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
        return self._delete("/packages/" + _segment(package_id, "package_id"))

    def object_details(self, package_id: str, object_ids: list) -> list:
        """Readable definitions of objects in a package."""
        details = self._call("GET", "/packages/%s/objects" % _segment(package_id, "package_id"),
                             params={"id": ",".join(object_ids)})
        return objects_list(mapping(details, "the object details").get("objects"), "the object details")

    def download(self, package_id: str, sink) -> dict:
        return self.client.download("/packages/%s/binary" % _segment(package_id, "package_id"), sink,
                                    self.project_id)

    def upload(self, package_id: str, file_path: str) -> tuple:
        path = "/packages/%s/binary" % _segment(package_id, "package_id")
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
        _new_id(started, "the new import")
        return started

    def read_import(self, import_id: str) -> dict:
        return mapping(self._call("GET", "/packages/imports/" + _segment(import_id, "import_id")), "the import")

    def wait_import(self, import_id: str, timeout: float) -> dict:
        with self.client.deadline(wait_deadline(timeout)):
            return wait_for_status(lambda: self.read_import(import_id), IMPORT_DONE, "import %s" % import_id,
                                   timeout)

    def delete_import(self, import_id: str) -> bool:
        """Close an import process; False when it was already closed."""
        return self._delete("/packages/imports/" + _segment(import_id, "import_id"))

    def download_undo(self, import_id: str, sink) -> dict:
        return self.client.download("/packages/imports/%s/undoPackage/binary" % _segment(import_id, "import_id"),
                                    sink, self.project_id)

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
    def object_header(self, object_type, level: Optional[str]) -> Optional[str]:
        """Project objects are read in the project; configuration objects (users, roles, ...) without one."""
        if level:
            return self.project_id if level == PROJECT_OBJECT else None
        return None if object_type in CONFIGURATION_LEVEL_TYPES else self.project_id

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
        if not isinstance(object_id, str) or not _OBJECT_ID.fullmatch(object_id) or isinstance(object_type, bool) \
                or not isinstance(object_type, int):
            raise ResponseError("unexpected answer from the server: the package lists an object with id %r and "
                                "type %r" % (object_id, object_type))
        try:
            answer = client.request("GET", "/objects/" + object_id, params={"type": object_type},
                                    project_id=self.object_header(object_type, item.get("level")))
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
def by_name(items: list, name: str) -> list:
    """The entries named ``name``: the exact matches, else those that differ only in case (the rule for all names)."""
    exact = [item for item in items if item["name"] == name]
    return exact or [item for item in items if item["name"].casefold() == name.casefold()]


def listed(texts: list, limit: int = 20) -> str:
    """``'a', 'b' and 3 more``: what a message shows of a long list."""
    shown = ", ".join(texts[:limit])
    return shown + (" and %d more" % (len(texts) - limit) if len(texts) > limit else "")


def visible_projects(client) -> list:
    """The projects the user can see (``GET /api/projects``), each with a string id and name."""
    return [p for p in objects_list(client.request("GET", "/projects"), "the project list")
            if isinstance(p.get("name"), str) and isinstance(p.get("id"), str)]


def visible_project(client, project_id: str, option: str = "project_id") -> dict:
    """``{id, name}`` of the project with this id, when the user can see it."""
    projects = visible_projects(client)
    for project in projects:
        if project["id"].upper() == project_id.upper():
            return {"id": project["id"].upper(), "name": project["name"]}
    described = ["'%s' (%s)" % (p["name"], p["id"]) for p in sorted(projects, key=lambda p: p["name"])]
    raise ValidationError(option, "no project with id %s is visible to this user (it does not exist, is not loaded, "
                                  "or the user has no access); the user sees %s"
                          % (project_id, listed(described) or "no project"))


def project_id_by_name(client, name: str, option: str = "project") -> str:
    """The id of the project the user can see under ``name``: an exact match, else the one that differs in case."""
    projects = visible_projects(client)
    matches = by_name(projects, name)
    if len(matches) == 1:
        return matches[0]["id"].upper()
    if matches:
        raise ValidationError(option, "%d projects are named %r (%s); give project_id instead"
                              % (len(matches), name, ", ".join(p["id"] for p in matches)))
    names = sorted(p["name"] for p in projects)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    raise ValidationError(option, "no project named %r is visible to this user%s; the user sees %s"
                          % (name, "; close names: %s" % ", ".join(repr(n) for n in close) if close else "",
                             listed([repr(n) for n in names]) or "no project"))
