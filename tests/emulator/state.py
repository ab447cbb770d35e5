# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulated server's state: sessions, metadata, packages, imports, faults.

Everything is time-driven and lazy: ``advance()`` runs at the start of every
request and moves PROCESSING packages and imports on once their time is up,
so the server needs no background threads. All access goes through
``Emulator.lock``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Optional

from . import binaries, seed
from .conformance import Check, unknown_project
from .errors import ApiError, invalid_input, no_privilege, not_found, session_invalid, sub_error

ACTIONS = ("use_existing", "replace", "keep_both", "use_newer", "use_older", "force_replace", "delete")
ACL_ON_REPLACING = ("use_existing", "replace")
ACL_ON_NEW = ("keep_acl_as_source_object", "inherit_acl_as_dest_folder")
UPDATE_SCHEMA = ("recal_table_logical_size", "recal_table_keys_fact_entry_level", "update_schema_logical_info")
PACKAGE_TYPES = ("project", "configuration", "project_security")
OBJECT_ID = re.compile(r"^[0-9A-Fa-f]{32}$")
DETAIL_TYPES = {12: "attribute", 13: "fact", 14: "dimension_user", 15: "logical_table"}

VERSIONS = {
    "webVersion": "11.4.0900.0100J",
    "modelingVersion": "11.4.0900.0100",
    "iServerVersion": "11.4.0900.0064",
}


# What an import does to one object, by action: API_NOTES.md "What an import does to an object, by action".
# "newer" / "older": replaced when the source's dateModified is newer / older than the target's, else nothing.
IMPORT_OUTCOMES = {
    # action         same id, same version  same id, other version  id absent
    "use_existing": ("nothing", "nothing", "create"),
    "replace": ("nothing", "replace", "create"),
    "force_replace": ("replace", "replace", "create"),
    "keep_both": ("nothing", "copy", "create"),
    "use_newer": ("nothing", "newer", "create"),
    "use_older": ("nothing", "older", "create"),
    "delete": ("delete", "delete", "nothing"),
}
FOLDER = 8


def import_outcome(action: str, existing: Optional[dict], source: dict) -> str:
    """nothing, create, replace, copy (keep both: the source saved as a new object) or delete."""
    same_version, other_version, absent = IMPORT_OUTCOMES[action]
    if existing is None:
        return absent
    if existing["version"] == source["version"]:
        return same_version
    if other_version == "newer":
        return "replace" if source["dateModified"] > existing["dateModified"] else "nothing"
    if other_version == "older":
        return "replace" if source["dateModified"] < existing["dateModified"] else "nothing"
    return other_version


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def new_id(project_id: Optional[str]) -> str:
    raw = "%s:%s" % (project_id or "0" * 32, uuid.uuid4().hex.upper())
    return base64.b64encode(raw.encode()).decode()


class Faults:
    """Faults set at start-up or at run time through /__emulator__/faults."""

    FIELDS = ("latency_ms", "latency_jitter_ms", "fail_next", "fail_status", "fail_match", "fail_code",
              "fail_sub_errors",
              "reset_next", "reset_match", "drop_next_downloads", "drop_after_bytes",
              "fail_processing", "fail_imports", "expire_after_requests")

    def __init__(self):
        self.clear()

    def clear(self):
        self.latency_ms = 0.0
        self.latency_jitter_ms = 0.0
        self.fail_next = 0
        self.fail_status = 503
        self.fail_match = ""
        # With a code, an injected failure is the vendor's JSON error (subErrors from [id, name, reason] entries)
        # instead of a gateway's page.
        self.fail_code = ""
        self.fail_sub_errors: list = []
        self.reset_next = 0
        self.reset_match = ""
        self.drop_next_downloads = 0
        self.drop_after_bytes = 0
        self.fail_processing = 0
        self.fail_imports = 0
        self.expire_after_requests = 0

    def update(self, values: dict):
        unknown = set(values) - set(self.FIELDS) - {"expire_sessions"}
        if unknown:
            raise invalid_input("Unknown fault fields: %s" % ", ".join(sorted(unknown)))
        for key in self.FIELDS:
            if key in values:
                current = getattr(self, key)
                setattr(self, key, type(current)(values[key]))

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.FIELDS}

    def delay(self) -> float:
        jitter = random.uniform(0, self.latency_jitter_ms) if self.latency_jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000.0

    @staticmethod
    def _matches(pattern: str, request_line: str) -> bool:
        return not pattern or re.search(pattern, request_line) is not None

    def take_failure(self, request_line: str) -> Optional[int]:
        if self.fail_next > 0 and self._matches(self.fail_match, request_line):
            self.fail_next -= 1
            return self.fail_status
        return None

    def failure_error(self, status: int) -> Optional[ApiError]:
        """The vendor-shaped error of an injected failure, or None for a gateway's page."""
        if not self.fail_code:
            return None
        return ApiError(status, self.fail_code, "Injected failure (%s)." % self.fail_code,
                        sub_errors=[sub_error(*entry) for entry in self.fail_sub_errors] or None)

    def take_reset(self, request_line: str) -> bool:
        if self.reset_next > 0 and self._matches(self.reset_match, request_line):
            self.reset_next -= 1
            return True
        return False

    def count_towards_expiry(self) -> bool:
        """True when this API request is the last one the sessions live through."""
        if self.expire_after_requests > 0:
            self.expire_after_requests -= 1
            return self.expire_after_requests == 0
        return False

    def take_download_drop(self) -> Optional[int]:
        if self.drop_next_downloads > 0:
            self.drop_next_downloads -= 1
            return self.drop_after_bytes
        return None


class Emulator:
    def __init__(self, password="mstr-emulator", api_token="mstr-emulator-api-token",
                 processing_seconds=1.0, status_case="upper", padding_mb=0,
                 session_timeout=1800.0, lb_cookie=False, secure_cookies=False, record_downloads=False,
                 request_log: Optional[str] = None, extra_objects: int = 0, error_codes: str = "docs"):
        self.lock = threading.RLock()
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
        self.faults = Faults()
        self.request_counts: dict = {}
        # One JSON line per API request, flushed per line, for the conformance check (tests/conformance).
        self.request_log = None
        if request_log:
            self.request_log = open(request_log, "a", encoding="utf-8")  # pylint: disable=consider-using-with
        self.reset()

    # ----------------------------------------------------------------- admin
    def reset(self):
        with self.lock:
            for pkg in getattr(self, "packages", {}).values():
                self._discard_upload(pkg)
            self.metadata = seed.initial_metadata(self.extra_objects)
            self.sessions: dict = {}
            self.packages: dict = {}
            self.imports: dict = {}
            self.request_counts = {}
            self.deviations: list = []  # the last requests that deviated from the conformance table
            self.issued: list = []  # every token and cookie handed out, for leak tests
            self.downloads: list = []  # sha256 of each complete download, with --record-downloads
            self.faults.clear()

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

    def record_download(self, package_id: str, sha256: str, size: int):
        with self.lock:
            self.downloads.append({"packageId": package_id, "sha256": sha256, "size": size})
            del self.downloads[:-1000]

    def snapshot(self, checksums: bool = False, secrets_too: bool = False) -> dict:
        with self.lock:
            self.advance()
            packages = []
            for pkg in self.packages.values():
                item = {
                    "id": pkg["id"],
                    "status": self.fmt(pkg["status"]),
                    "type": pkg["type"],
                    "user": self.sessions[pkg["session"]]["user"],
                    "session": self.sessions[pkg["session"]]["label"],
                    "projectId": pkg["projectId"],
                    "source": pkg["source"],
                }
                if checksums and pkg["status"] == "READY":
                    item["sha256"] = binaries.sha256_of(self._binary_chunks(pkg))
                    item["size"] = self._binary_size(pkg)
                packages.append(item)
            return {
                "sessions": [
                    {"label": s["label"], "user": s["user"], "loginMode": s["loginMode"],
                     "packageId": s["packageId"], "idleSeconds": round(time.monotonic() - s["lastUsed"], 3)}
                    for s in self.sessions.values()
                ],
                "packages": packages,
                "imports": [
                    {"id": i["id"], "status": self.fmt(i["status"]), "packageId": i["packageId"],
                     "user": self.sessions[i["session"]]["user"], "progress": i["progress"]}
                    for i in self.imports.values()
                ],
                "requests": {"total": sum(self.request_counts.values()), "byRoute": dict(self.request_counts)},
                "deviations": copy.deepcopy(self.deviations),
                "faults": self.faults.as_dict(),
                "downloads": list(self.downloads),
                **({"issued": list(self.issued)} if secrets_too else {}),
            }

    def set_faults(self, values: dict):
        with self.lock:
            self.faults.update(values)
            if values.get("expire_sessions"):
                self.expire_all_sessions()

    def expire_all_sessions(self):
        with self.lock:
            for token in list(self.sessions):
                self._end_session(token)

    def patch_object(self, scope: str, object_id: str, changes: dict) -> dict:
        with self.lock:
            record = self.metadata.get(scope, {}).get(object_id)
            if record is None:
                raise not_found("Object %s not found in scope %s" % (object_id, scope))
            if changes.pop("bumpVersion", False):
                record["version"] = uuid.uuid4().hex.upper()
                record["dateModified"] = now_iso()
            record.update(changes)
            return copy.deepcopy(record)

    # --------------------------------------------------------------- helpers
    def fmt(self, status: str) -> str:
        return status.lower() if self.status_case == "lower" else status.upper()

    def advance(self):
        now = time.monotonic()
        for token, sess in list(self.sessions.items()):
            if now - sess["lastUsed"] > self.session_timeout:
                self._end_session(token)
        for pkg in self.packages.values():
            if pkg["status"] == "PROCESSING" and now >= pkg["readyAt"]:
                self._finish_definition(pkg)
        for imp in self.imports.values():
            if imp["status"] == "PROCESSING":
                duration = max(imp["doneAt"] - imp["started"], 1e-9)
                if now >= imp["doneAt"]:
                    self._finish_import(imp)
                else:
                    imp["progress"] = round(min(99.0, 100.0 * (now - imp["started"]) / duration), 1)

    def _end_session(self, token: str):
        sess = self.sessions.pop(token, None)
        if not sess:
            return
        for pid in [p for p, pkg in self.packages.items() if pkg["session"] == token]:
            self._discard_upload(self.packages.pop(pid))
        for iid in [i for i, imp in self.imports.items() if imp["session"] == token]:
            del self.imports[iid]

    def _discard_upload(self, pkg: dict):
        if pkg.get("uploadPath"):
            try:
                os.unlink(pkg["uploadPath"])
            except OSError:
                pass

    # ------------------------------------------------------------------ auth
    def login(self, body: dict) -> dict:
        try:
            mode = int(body.get("loginMode", 1))
        except (TypeError, ValueError) as exc:
            raise invalid_input("loginMode must be a number") from exc
        username = str(body.get("username") or "")
        password = str(body.get("password") or "")
        account_name = None
        if mode == 8:
            account_name = "guest"
        elif mode == 4096:
            if username and secrets.compare_digest(username, self.api_token):
                account_name = "administrator"
        elif mode in (1, 16):
            account = seed.ACCOUNTS.get(username.lower())
            if account and mode in account["login_modes"] and secrets.compare_digest(password, self.password):
                account_name = username.lower()
        else:
            raise invalid_input("Unsupported loginMode %s" % mode)
        if account_name is None:
            raise ApiError(401, "ERR003", "Login failed", iserver_code=-2147216959)
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

    def logout(self, sess: dict):
        with self.lock:
            self._end_session(sess["token"])

    def user_info(self, sess: dict) -> dict:
        account = seed.ACCOUNTS[sess["user"]]
        return {
            "id": account["id"],
            "name": account["name"],
            "username": sess["user"],
            "fullName": account["name"],
            "initials": account["name"][:2].upper(),
            "privileges": sorted(account["privileges"]),
        }

    def require_privilege(self, sess: dict, privilege: str):
        if privilege not in seed.ACCOUNTS[sess["user"]]["privileges"]:
            raise no_privilege(sess["user"], privilege)

    # -------------------------------------------------------------- metadata
    def project(self, project_id: Optional[str]) -> Optional[dict]:
        for proj in seed.PROJECTS:
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

    def get_object(self, object_id: str, object_type: int, rules: Check) -> dict:
        """An object of that type in the header's project, or in the configuration for configuration types."""
        with self.lock:
            project_id = rules.object_lookup(object_type)
            record = self.metadata[project_id or seed.CONFIGURATION_SCOPE].get(object_id.upper())
            if record is None or record["type"] != object_type:
                where = "project %s" % project_id if project_id else "the configuration"
                raise not_found("Object with ID '%s' and type %s was not found in %s." % (object_id, object_type, where))
            return self.public_object(record, project_id)

    def search(self, name: str, types: list, pattern: int, project_id: Optional[str]) -> list:
        with self.lock:
            scopes = [seed.CONFIGURATION_SCOPE]
            if project_id:
                scopes.insert(0, self.require_project(project_id))
            wanted = name.lower()
            matchers = {
                1: lambda n: n.startswith(wanted),
                2: lambda n: n == wanted,
                4: lambda n: wanted in n,
                5: lambda n: n.endswith(wanted),
            }
            match = matchers.get(pattern, matchers[4])
            results = []
            for scope in scopes:
                for record in self.metadata[scope].values():
                    if types and record["type"] not in types:
                        continue
                    if match(record["name"].lower()):
                        proj = None if scope == seed.CONFIGURATION_SCOPE else project_id
                        results.append(self.public_object(record, proj))
            return results

    # -------------------------------------------------------------- packages
    def _package_of(self, sess: dict, package_id: str) -> dict:
        pkg = self.packages.get(package_id)
        if pkg is None or pkg["session"] != sess["token"]:
            raise not_found("Package '%s' was not found in this session." % package_id)
        return pkg

    def create_package(self, sess: dict, rules: Check) -> dict:
        self.require_privilege(sess, seed.PRIV_CREATE_PACKAGE)
        with self.lock:
            project_id = rules.creation()
            if sess["packageId"] in self.packages:
                raise ApiError(400, "ERR0015",
                               "Only one package can exist in a user session; package '%s' already exists. "
                               "Delete it before creating another one." % sess["packageId"])
            pkg = {
                "id": new_id(project_id),
                "session": sess["token"],
                "projectId": project_id,
                "status": "EMPTY",
                "type": None,
                "settings": None,
                "content": [],
                "objects": [],
                "message": None,
                "subErrors": None,
                "source": None,
                "uploadPath": None,
                "header": None,
                "origin": None,  # of an uploaded package: the project it was exported from
                "createdAt": now_iso(),
            }
            self.packages[pkg["id"]] = pkg
            sess["packageId"] = pkg["id"]
            return pkg

    @staticmethod
    def _package_type(body) -> str:
        if not isinstance(body, dict):
            raise invalid_input("The package definition must be a JSON object.")
        package_type = body.get("type")
        if package_type not in PACKAGE_TYPES:
            raise invalid_input("Invalid package type '%s'; expected one of %s." % (package_type, ", ".join(PACKAGE_TYPES)))
        return package_type

    @staticmethod
    def _validate_definition(body: dict, package_type: str) -> tuple:
        settings = body.get("settings") or {}
        if not isinstance(settings, dict):
            raise invalid_input("settings must be a JSON object.")
        default_action = settings.get("defaultAction", "use_existing")
        if default_action not in ACTIONS:
            raise invalid_input("Invalid settings.defaultAction '%s'." % default_action)
        acl_replacing = settings.get("aclOnReplacingObjects")
        if acl_replacing is not None:
            if package_type == "project_security":
                raise invalid_input("settings.aclOnReplacingObjects is not supported for project security packages.")
            if acl_replacing not in ACL_ON_REPLACING:
                raise invalid_input("Invalid settings.aclOnReplacingObjects '%s'." % acl_replacing)
        acl_new = settings.get("aclOnNewObjects") or []
        if not isinstance(acl_new, list) or any(v not in ACL_ON_NEW for v in acl_new):
            raise invalid_input("Invalid settings.aclOnNewObjects %r." % (acl_new,))
        update_schema = settings.get("updateSchema")
        if update_schema:
            if package_type != "project":
                raise invalid_input("settings.updateSchema is only supported for project packages.")
            if not isinstance(update_schema, list) or any(v not in UPDATE_SCHEMA for v in update_schema):
                raise invalid_input("Invalid settings.updateSchema %r." % (update_schema,))
        content = body.get("content")
        if not isinstance(content, list) or not content:
            raise invalid_input("content must be a non-empty list of objects.")
        items = []
        for index, item in enumerate(content):
            if not isinstance(item, dict):
                raise invalid_input("content[%d] must be a JSON object." % index)
            oid = item.get("id")
            if not isinstance(oid, str) or not OBJECT_ID.match(oid):
                raise invalid_input("content[%d].id '%s' is not a valid object id." % (index, oid))
            otype = item.get("type")
            if isinstance(otype, bool) or not isinstance(otype, int):
                raise invalid_input("content[%d].type must be an object type number." % index)
            action = item.get("action") or default_action
            if action not in ACTIONS:
                raise invalid_input("content[%d].action '%s' is invalid." % (index, action))
            include = item.get("includeDependents", False)
            if not isinstance(include, bool):
                raise invalid_input("content[%d].includeDependents must be a boolean." % index)
            items.append({"id": oid.upper(), "name": item.get("name"), "type": otype,
                          "action": action, "includeDependents": include})
        clean_settings = {
            "updateSchema": update_schema if update_schema else None,
            "aclOnReplacingObjects": acl_replacing,
            "aclOnNewObjects": acl_new,
            "defaultAction": default_action,
        }
        return clean_settings, items

    def define_package(self, sess: dict, package_id: str, body, rules: Check) -> dict:
        self.require_privilege(sess, seed.PRIV_CREATE_PACKAGE)
        with self.lock:
            pkg = self._package_of(sess, package_id)
            package_type = self._package_type(body)
            rules.definition(pkg, package_type)
            settings, items = self._validate_definition(body, package_type)
            if pkg["status"] != "EMPTY":
                raise invalid_input("The definition of package '%s' can only be set while it is EMPTY "
                                    "(current status: %s)." % (package_id, self.fmt(pkg["status"])))
            pkg.update(type=package_type, settings=settings, requested=items,
                       status="PROCESSING", readyAt=time.monotonic() + self.processing_seconds,
                       source="definition")
            return pkg

    def _scope_for(self, package_type: str, project_id: Optional[str]) -> str:
        if package_type == "project":
            return project_id
        if package_type == "project_security":
            return seed.security_scope(project_id)
        return seed.CONFIGURATION_SCOPE

    def _fail_package(self, pkg: dict, message: str, objects: Optional[list] = None):
        """A failed build; ``objects`` ((id, name, reason), ...) become the answer's subErrors."""
        pkg["status"] = "CREATION_FAILED"
        pkg["message"] = message
        pkg["subErrors"] = [sub_error(*entry) for entry in objects or []] or None

    def _finish_definition(self, pkg: dict):
        if self.faults.fail_processing > 0:
            self.faults.fail_processing -= 1
            names = self.metadata[pkg["projectId"] if pkg["type"] == "project" else seed.CONFIGURATION_SCOPE]
            self._fail_package(pkg, "Package creation failed: the Intelligence Server reported an error "
                                    "while building the package (injected fault).",
                               [(item["id"], names.get(item["id"], {}).get("name", item["id"]),
                                 "The object could not be added to the package (injected fault).")
                                for item in pkg["requested"]])
            return
        package_type = pkg["type"]
        project_id = pkg["projectId"]
        # Objects are looked up where the package type says they live.
        lookup_scope = project_id if package_type == "project" else seed.CONFIGURATION_SCOPE
        where = self.project(project_id)["name"] if package_type == "project" else "the configuration"
        lookup = self.metadata[lookup_scope]
        explicit = {}
        for item in pkg["requested"]:
            record = lookup.get(item["id"])
            if record is None:
                if package_type == "project":
                    elsewhere = item["id"] in self.metadata[seed.CONFIGURATION_SCOPE]
                else:
                    elsewhere = any(item["id"] in self.metadata[p["id"]] for p in seed.PROJECTS)
                if elsewhere:
                    level = "configuration" if package_type == "project" else "project"
                    return self._fail_package(pkg, "Object '%s' is a %s object and cannot be added to a %s "
                                                   "package." % (item["id"], level, package_type))
                return self._fail_package(pkg, "Object '%s' (type %s) was not found in %s."
                                          % (item["id"], item["type"], where),
                                          [(item["id"], None, "Not found in %s." % where)])
            if record["type"] != item["type"]:
                return self._fail_package(pkg, "Object '%s' is of type %s, not %s."
                                          % (item["id"], record["type"], item["type"]),
                                          [(item["id"], record["name"],
                                            "Of type %s, not %s." % (record["type"], item["type"]))])
            if package_type == "project_security" and record["type"] != 34:
                return self._fail_package(pkg, "Only users and user groups can be added to a project security "
                                               "package; '%s' is of type %s." % (record["name"], record["type"]))
            explicit[item["id"]] = item
        # Expand dependents (transitively), keeping explicit items first.
        ordered = []
        seen = set()
        for oid, item in explicit.items():
            ordered.append((oid, item["action"], item["includeDependents"], True))
            seen.add(oid)
        queue = [oid for oid, item in explicit.items() if item["includeDependents"]]
        while queue:
            current = queue.pop(0)
            for dep in lookup[current].get("dependsOn", []):
                if dep in seen or dep not in lookup:
                    continue
                if package_type == "project_security" and lookup[dep]["type"] != 34:
                    continue
                seen.add(dep)
                ordered.append((dep, pkg["settings"]["defaultAction"], False, False))
                queue.append(dep)
        content = []
        objects = []
        for oid, action, include, is_explicit in ordered:
            record = lookup[oid]
            shown = self.public_object(record, None)
            shown.pop("subtype", None)
            shown.pop("description", None)
            shown.update(action=action, includeDependents=include, explicitIncluded=is_explicit,
                         level=record["level"])
            content.append(shown)
            if package_type == "project_security":
                links = self.metadata[seed.security_scope(project_id)].get(oid)
                carried = copy.deepcopy(links) if links else dict(
                    copy.deepcopy(record), securityRoles=[], securityFilters=[], dependsOn=[])
            else:
                carried = copy.deepcopy(record)
            carried["action"] = action
            objects.append(carried)
        pkg["content"] = content
        pkg["objects"] = objects
        pkg["status"] = "READY"
        pkg["header"] = {
            "format": "mstr-emulator-package/1",
            "packageId": pkg["id"],
            "createdAt": now_iso(),
            "type": package_type,
            "projectId": project_id,
            "settings": pkg["settings"],
            "content": content,
            "objects": objects,
            "paddingBytes": self.padding_bytes,
        }

    def package_view(self, pkg: dict, show_content: bool) -> dict:
        view = {"id": pkg["id"], "status": self.fmt(pkg["status"])}
        if pkg["message"]:
            view["message"] = pkg["message"]
        if pkg["subErrors"]:
            view["subErrors"] = copy.deepcopy(pkg["subErrors"])
        if pkg["settings"] is not None:
            view["settings"] = copy.deepcopy(pkg["settings"])
        if show_content:
            content = copy.deepcopy(pkg["content"]) if pkg["status"] == "READY" else []
            if pkg["source"] == "upload":
                # An uploaded package lists its objects without these flags (vendor sample).
                for item in content:
                    item.pop("includeDependents", None)
                    item.pop("explicitIncluded", None)
            view["content"] = content
        return view

    def get_package(self, sess: dict, package_id: str, rules: Check) -> dict:
        """The session's holder, once the request's project header fits it."""
        with self.lock:
            pkg = self._package_of(sess, package_id)
            rules.holder(pkg)
            return pkg

    def package_objects(self, sess: dict, package_id: str, ids: list, rules: Check) -> dict:
        with self.lock:
            pkg = self.get_package(sess, package_id, rules)
            if pkg["status"] != "READY":
                raise invalid_input("Package '%s' is not ready (status %s)." % (package_id, self.fmt(pkg["status"])))
            if pkg["type"] != "project":
                raise ApiError(400, "ERR0010", "Object details are only supported for project packages.")
            if not ids:
                raise invalid_input("Query parameter 'id' names no object.")
            by_id = {obj["id"]: obj for obj in pkg["objects"]}
            out = []
            for oid in ids:
                obj = by_id.get(oid.upper())
                if obj is None:
                    raise not_found("Object '%s' is not in package '%s'." % (oid, package_id))
                if obj["type"] not in DETAIL_TYPES:
                    raise ApiError(400, "ERR0010", "Object details are not supported for object type %s; "
                                                   "supported types are 12, 13, 14 and 15." % obj["type"])
                out.append({"id": obj["id"], "type": obj["type"], "definition": self._definition(obj)})
            return {"objects": out, "versions": dict(VERSIONS)}

    @staticmethod
    def _definition(obj: dict) -> dict:
        definition = {
            "information": {
                "dateCreated": obj["dateCreated"],
                "dateModified": obj["dateModified"],
                "versionId": obj["version"],
                "primaryLocale": "en-US",
                "objectId": obj["id"],
                "subType": DETAIL_TYPES[obj["type"]],
                "name": obj["name"],
            }
        }
        if obj["type"] == 12 and obj.get("dependsOn"):
            table = {"objectId": obj["dependsOn"][0]}
            alias = obj["name"].upper().replace(" ", "_")
            definition["forms"] = [{
                "id": "45C11FA478E745FEA08D781CEA190FE5", "name": "ID", "description": obj["name"] + " ID",
                "category": "ID", "type": "system", "displayFormat": "number",
                "dataType": {"type": "integer", "precision": 2, "scale": -2147483648},
                "alias": alias + "_ID", "lookupTable": table,
            }]
            definition["attributeLookupTable"] = table
            definition["keyForm"] = {"id": "45C11FA478E745FEA08D781CEA190FE5", "name": "ID"}
            definition["sorts"] = {}
        return definition

    def _binary_chunks(self, pkg: dict):
        if pkg["source"] == "upload":
            return binaries.iter_file(pkg["uploadPath"])
        return binaries.iter_binary(pkg["header"])

    def _binary_size(self, pkg: dict) -> int:
        if pkg["source"] == "upload":
            return os.path.getsize(pkg["uploadPath"])
        return binaries.binary_size(pkg["header"])

    def package_binary(self, sess: dict, package_id: str, rules: Check) -> tuple:
        with self.lock:
            pkg = self.get_package(sess, package_id, rules)
            if pkg["status"] != "READY":
                raise invalid_input("Package '%s' is not ready (status %s); its binary cannot be downloaded."
                                    % (package_id, self.fmt(pkg["status"])))
            chunks, size = self._binary_chunks(pkg), self._binary_size(pkg)
        if self.record_downloads:
            chunks = self._recorded(package_id, chunks, size)
        return chunks, size

    def _recorded(self, package_id: str, chunks, size: int):
        """Pass the chunks through, and remember the sha256 of a download served whole."""
        digest = hashlib.sha256()
        sent = 0
        for chunk in chunks:
            digest.update(chunk)
            sent += len(chunk)
            yield chunk
        if sent == size:
            self.record_download(package_id, digest.hexdigest(), size)

    def delete_package(self, sess: dict, package_id: str, rules: Check) -> dict:
        with self.lock:
            pkg = self.get_package(sess, package_id, rules)
            del self.packages[package_id]
            sess["packageId"] = None
            self._discard_upload(pkg)
            return {"id": package_id, "status": self.fmt("DELETING")}

    def upload_package(self, sess: dict, package_id: str, path: str, rules: Check) -> dict:
        """Adopt an uploaded file (already streamed to ``path``) as the package binary."""
        self.require_privilege(sess, seed.PRIV_IMPORT_PACKAGE)
        with self.lock:
            try:
                pkg = self._package_of(sess, package_id)  # its header was judged before the body was read
                if pkg["status"] != "EMPTY":
                    raise invalid_input("A binary can only be uploaded into an EMPTY package (current status: %s)."
                                        % self.fmt(pkg["status"]))
                try:
                    header = binaries.read_header(path)
                except binaries.CorruptBinary as exc:
                    raise invalid_input("Invalid package binary: %s." % exc) from exc
                if header is not None:
                    rules.package_type(header["type"], package_id, pkg["projectId"])
            except ApiError:
                os.unlink(path)
                raise
            pkg.update(status="READY", source="upload", uploadPath=path)
            if header is None:
                # A vendor-made binary: accepted, but its content cannot be listed here.
                pkg.update(type=None, settings=None, content=[], objects=[], header=None)
            else:
                pkg.update(type=header["type"], settings=header["settings"], content=header["content"],
                           objects=header["objects"], header=header, origin=header.get("projectId"))
            return {"id": pkg["id"], "status": self.fmt("READY")}

    # --------------------------------------------------------------- imports
    def create_import(self, sess: dict, package_id: str, generate_undo: bool, rules: Check) -> dict:
        self.require_privilege(sess, seed.PRIV_IMPORT_PACKAGE)
        with self.lock:
            pkg = self._package_of(sess, package_id)
            project_id = rules.import_into(pkg)
            if pkg["status"] != "READY":
                raise invalid_input("Package '%s' is not ready to be imported (status %s)."
                                    % (package_id, self.fmt(pkg["status"])))
            started = time.monotonic()
            imp = {
                "id": new_id(project_id),
                "session": sess["token"],
                "packageId": package_id,
                "projectId": project_id,
                "generateUndo": generate_undo,
                "status": "PROCESSING",
                "progress": 0.0,
                "undoPackageCreated": False,
                "undoHeader": None,
                "message": None,
                "subErrors": None,
                "started": started,
                "doneAt": started + self.processing_seconds,
                "package": pkg,
            }
            self.imports[imp["id"]] = imp
            return imp

    def import_view(self, imp: dict) -> dict:
        view = {"id": imp["id"], "status": self.fmt(imp["status"]),
                "undoPackageCreated": imp["undoPackageCreated"], "progress": float(imp["progress"])}
        if imp["message"]:
            view["message"] = imp["message"]
        if imp["subErrors"]:
            view["subErrors"] = copy.deepcopy(imp["subErrors"])
        return view

    def get_import(self, sess: dict, import_id: str, rules: Check) -> dict:
        """The session's import process, once the request's project header fits it."""
        with self.lock:
            imp = self.imports.get(import_id)
            if imp is None or imp["session"] != sess["token"]:
                raise not_found("Import process '%s' was not found." % import_id)
            rules.import_process(imp)
            return imp

    def delete_import(self, sess: dict, import_id: str, rules: Check):
        with self.lock:
            self.get_import(sess, import_id, rules)
            del self.imports[import_id]

    def undo_binary(self, sess: dict, import_id: str, rules: Check) -> tuple:
        with self.lock:
            imp = self.get_import(sess, import_id, rules)
            if imp["status"] != "IMPORTED":
                raise invalid_input("Import '%s' has not finished (status %s)." % (import_id, self.fmt(imp["status"])))
            if not imp["undoPackageCreated"]:
                raise not_found("No undo package was created for import '%s'." % import_id)
            header = imp["undoHeader"]
            chunks, size = binaries.iter_binary(header), binaries.binary_size(header)
        if self.record_downloads:
            chunks = self._recorded(header["packageId"], chunks, size)
        return chunks, size

    def _fail_import(self, imp: dict, message: str, objects: Optional[list] = None):
        """A failed import; ``objects`` ((id, name, reason), ...) become the answer's subErrors."""
        imp["status"] = "IMPORT_FAILED"
        imp["message"] = message
        imp["subErrors"] = [sub_error(*entry) for entry in objects or []] or None

    def _finish_import(self, imp: dict):
        if self.faults.fail_imports > 0:
            self.faults.fail_imports -= 1
            header = imp["package"]["header"] or {"objects": []}
            return self._fail_import(imp, "Import failed: the Intelligence Server reported an error while "
                                          "importing the package (injected fault).",
                                     [(obj["id"], obj["name"], "The object could not be imported: no write access "
                                                               "(injected fault).") for obj in header["objects"]])
        pkg = imp["package"]
        header = pkg["header"]
        if header is None:
            # A vendor-made binary: the emulator cannot read it, so nothing changes.
            header = {"type": pkg["type"], "settings": {"defaultAction": "replace"}, "objects": [], "content": []}
        scope = self._scope_for(header["type"], imp["projectId"]) if header["type"] else seed.CONFIGURATION_SCOPE
        target = copy.deepcopy(self.metadata.setdefault(scope, {}))
        undo_objects = []
        undo_possible = True
        deleted = []
        for obj in header["objects"]:
            record = {k: copy.deepcopy(v) for k, v in obj.items() if k != "action"}
            existing = target.get(obj["id"])
            outcome = import_outcome(obj["action"], existing, record)
            if outcome in ("create", "replace", "copy") and record["type"] == FOLDER:
                # A folder is created first and filled afterwards: it never keeps the source's version.
                record["version"] = uuid.uuid4().hex.upper()
            if outcome == "copy":
                record.update(id=uuid.uuid4().hex.upper(), name=record["name"] + " (1)")
                target[record["id"]] = record
                undo_possible = False  # the vendor: no undo package for keep_both
            elif outcome == "delete":
                del target[obj["id"]]
                deleted.append(existing)
                undo_objects.append(dict(copy.deepcopy(existing), action="replace"))
            elif outcome in ("create", "replace"):
                undo_objects.append(dict(copy.deepcopy(existing), action="replace") if existing
                                    else dict(copy.deepcopy(record), action="delete"))
                target[obj["id"]] = record
        for gone in deleted:
            users = [r for r in target.values() if gone["id"] in r.get("dependsOn", [])]
            if users:
                return self._fail_import(imp, "Cannot delete '%s' (%s): it is used by '%s' (%s)."
                                         % (gone["name"], gone["id"], users[0]["name"], users[0]["id"]),
                                         [(gone["id"], gone["name"], "The object has used-by dependencies: %s."
                                           % ", ".join("'%s' (%s)" % (u["name"], u["id"]) for u in users))])
        self.metadata[scope] = target
        imp["status"] = "IMPORTED"
        imp["progress"] = 100.0
        if imp["generateUndo"] and undo_possible:
            imp["undoPackageCreated"] = True
            imp["undoHeader"] = {
                "format": "mstr-emulator-package/1",
                "packageId": "undo:" + imp["id"],
                "createdAt": now_iso(),
                "type": header["type"],
                "projectId": imp["projectId"],
                "settings": dict(header["settings"], defaultAction="replace"),
                "content": [self._undo_item(o) for o in undo_objects],
                "objects": undo_objects,
                "paddingBytes": 0,
            }

    @staticmethod
    def _undo_item(obj: dict) -> dict:
        item = {key: copy.deepcopy(obj.get(key)) for key in
                ("id", "name", "version", "type", "owner", "dateCreated", "dateModified", "action")}
        item.update(includeDependents=False, explicitIncluded=True, level=obj.get("level"))
        return item
