# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulated server's shared state: options, sessions, metadata, faults, the request log, and its families.

Everything is time-driven and lazy: ``advance()`` runs at the start of every
request and lets each family move its asynchronous work on (``jobs.Job``), so
the server needs no background threads. All access goes through
``Emulator.lock``. What belongs to one API family (its routes, records,
faults and part of ``/__emulator__/state``) lives in ``families/``.
"""

from __future__ import annotations

import copy
import json
import secrets
import shutil
import threading
import time
from typing import Optional

from . import binaries, seed
from .errors import no_privilege, not_found, session_invalid
from .faults import Faults
from .families import FAMILIES
from .routing import Router
from .rules import unknown_project
from .stamps import new_version, now_iso
from .storage import Storage


class Emulator:
    def __init__(self, password="mstr-emulator", api_token="mstr-emulator-api-token",
                 processing_seconds=1.0, status_case="upper", padding_mb=0,
                 session_timeout=1800.0, lb_cookie=False, secure_cookies=False, record_downloads=False,
                 request_log: Optional[str] = None, extra_objects: int = 0, error_codes: str = "docs",
                 storage_dir: Optional[str] = None, storage_service: bool = True, clock_offset: float = 0.0,
                 empty_projects=(), project_names: Optional[dict] = None):
        self.lock = threading.RLock()
        # Environments that do not start identical (--empty-project, --project-name): seeded ids, given names.
        self.empty_projects = tuple(seed.project_key(project) for project in empty_projects)
        self.projects = seed.projects({seed.project_key(key): name for key, name in (project_names or {}).items()})
        self.error_codes = error_codes
        self.password = password
        self.api_token = api_token
        self.processing_seconds = float(processing_seconds)
        self.status_case = status_case
        self.padding_bytes = int(padding_mb) * 1024 * 1024
        self.session_timeout = float(session_timeout)
        self.lb_cookie = lb_cookie
        self.secure_cookies = secure_cookies
        self.record_downloads = record_downloads
        self.extra_objects = int(extra_objects)
        self.tmpdir = binaries.new_temp_dir()
        # The Workstation route (families/migrations.py and the families next to it): the Storage Service this
        # Library uses (shared with the processes given the same --storage-dir), its environment id (its base URL
        # with a trailing slash; __main__ sets it once the port is known) and its clock's offset.
        self.storage = Storage(storage_dir, self.tmpdir, enabled=storage_service)
        self.environment_id = "http://127.0.0.1/MicroStrategyLibrary/"
        self.clock_offset = float(clock_offset)
        self.families = [family(self) for family in FAMILIES]
        self.faults = Faults({key: value for family in self.families for key, value in family.FAULTS.items()})
        self.router = Router([(entry, family) for family in self.families for entry in family.routes()])
        self.request_counts: dict = {}
        # One JSON line per API request, flushed per line, for the conformance check (tests/conformance).
        self.request_log = None
        if request_log:
            self.request_log = open(request_log, "a", encoding="utf-8")  # pylint: disable=consider-using-with
        self.reset()

    # ----------------------------------------------------------------- admin
    def reset(self):
        with self.lock:
            self.metadata = seed.initial_metadata(self.extra_objects, self.empty_projects)
            self.sessions: dict = {}
            self.request_counts = {}
            self.deviations: list = []  # the last requests that deviated from the conformance table
            self.issued: list = []  # every token and cookie handed out, for leak tests
            self.faults.clear()
            self.storage.reset()
            for family in self.families:
                family.reset()

    def close(self):
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.request_log:
            self.request_log.close()

    def record_request(self, entry: dict):
        """Count a served API request; log it and keep its deviations (``entry`` holds no secrets)."""
        with self.lock:
            key = entry["route"]
            self.request_counts[key] = self.request_counts.get(key, 0) + 1
            if entry["deviations"]:
                self.deviations.append({k: entry[k] for k in ("method", "route", "path", "status", "deviations")})
                del self.deviations[:-200]
            if self.request_log:
                self.request_log.write(json.dumps(dict(entry, time=now_iso()), sort_keys=True) + "\n")
                self.request_log.flush()

    def snapshot(self, checksums: bool = False, secrets_too: bool = False) -> dict:
        with self.lock:
            self.advance()
            now = time.monotonic()
            state = {"sessions": [
                {"label": s["label"], "user": s["user"], "loginMode": s["loginMode"],
                 "packageId": s["packageId"], "idleSeconds": round(now - s["lastUsed"], 3)}
                for s in self.sessions.values()
            ]}
            for family in self.families:
                state.update(family.snapshot(checksums=checksums))
            state.update({
                "requests": {"total": sum(self.request_counts.values()), "byRoute": dict(self.request_counts)},
                "deviations": copy.deepcopy(self.deviations),
                "faults": self.faults.as_dict(),
            })
            if secrets_too:
                state["issued"] = list(self.issued)
            return state

    def set_faults(self, values: dict):
        with self.lock:
            self.faults.update(values)
            if values.get("expire_sessions"):
                self.expire_all_sessions()

    def expire_all_sessions(self):
        with self.lock:
            for token in list(self.sessions):
                self.end_session(token)

    def patch_object(self, scope: str, object_id: str, changes: dict) -> dict:
        with self.lock:
            record = self.metadata.get(scope, {}).get(object_id)
            if record is None:
                raise not_found("Object %s not found in scope %s" % (object_id, scope))
            if changes.pop("bumpVersion", False):
                record["version"] = new_version()
                record["dateModified"] = now_iso()
            record.update(changes)
            return copy.deepcopy(record)

    # --------------------------------------------------------------- helpers
    def family(self, name: str):
        """The family called ``name`` (for a family that uses another's records, such as shared files)."""
        return next(family for family in self.families if family.name == name)

    def fmt(self, status: str) -> str:
        return status.lower() if self.status_case == "lower" else status.upper()

    def advance(self):
        now = time.monotonic()
        for token, sess in list(self.sessions.items()):
            if now - sess["lastUsed"] > self.session_timeout:
                self.end_session(token)
        for family in self.families:
            family.advance(now)

    def end_session(self, token: str):
        if self.sessions.pop(token, None) is None:
            return
        for family in self.families:
            family.end_session(token)

    # -------------------------------------------------------------- sessions
    def open_session(self, account_name: str, mode: int) -> dict:
        token = secrets.token_hex(13)
        sess = {
            "token": token,
            "cookie": secrets.token_hex(16).upper(),
            "lbCookie": secrets.token_hex(8) if self.lb_cookie else None,
            "label": "s-" + secrets.token_hex(4),
            "user": account_name,
            "loginMode": mode,
            "lastUsed": time.monotonic(),
            "packageId": None,
        }
        with self.lock:
            self.sessions[token] = sess
            self.issued.append({"token": token, "cookie": sess["cookie"], "lbCookie": sess["lbCookie"]})
            del self.issued[:-1000]
        return sess

    def authenticate(self, token: Optional[str], cookies: dict) -> dict:
        """Return the session of a request; both the token and cookies must match."""
        with self.lock:
            self.advance()
            sess = self.sessions.get(token or "")
            if sess is None or cookies.get("JSESSIONID") != sess["cookie"]:
                raise session_invalid()
            if sess["lbCookie"] and cookies.get("AWSALB") != sess["lbCookie"]:
                raise session_invalid()
            sess["lastUsed"] = time.monotonic()
            return sess

    def require_privilege(self, sess: dict, privilege: str):
        if privilege not in seed.ACCOUNTS[sess["user"]]["privileges"]:
            raise no_privilege(sess["user"], privilege)

    def require_any_privilege(self, sess: dict, privileges: tuple):
        if not set(privileges) & seed.ACCOUNTS[sess["user"]]["privileges"]:
            raise no_privilege(sess["user"], " or ".join(privileges))

    # -------------------------------------------------------------- metadata
    def project(self, project_id: Optional[str]) -> Optional[dict]:
        for proj in self.projects:
            if project_id and proj["id"] == project_id.upper():
                return proj
        return None

    def require_project(self, project_id: str) -> str:
        if self.project(project_id) is None:
            raise unknown_project(project_id)
        return project_id.upper()

    @staticmethod
    def public_object(record: dict, project_id: Optional[str]) -> dict:
        out = {key: copy.deepcopy(record[key]) for key in
               ("id", "name", "type", "subtype", "version", "owner", "dateCreated", "dateModified")}
        if "description" in record:
            out["description"] = record["description"]
        if project_id:
            out["projectId"] = project_id
        return out
