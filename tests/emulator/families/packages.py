# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Migration packages (the classic route): holders, definitions, binaries, uploads, imports and undo packages.

As the vendor documents for the package API: one holder per session (a
second answers 400 ERR0015), definition only while EMPTY, the definition and
the import are jobs (``jobs.Job``). Pages are cited as ``file#section`` in
../shared/reference/microstrategy-rest-api.
"""

from __future__ import annotations

import copy
import hashlib
import os
import time
from typing import Optional

from .. import binaries, importing, packaging, seed
from ..calls import Call, Response
from ..errors import ApiError, invalid_input, missing_info, not_found
from ..family import Family, route
from ..jobs import Job, JobKind
from ..rules import JSON, MULTIPART, OCTET_STREAM, ProjectRule, Rule
from ..stamps import new_id, now_iso

CREATE = "create-a-migration-package.md"
VIEW_NEW = "view-newly-created-package.md"
IMPORT_PAGE = "import-a-migration-package.md"
VIEW_UPLOADED = "view-uploaded-package.md"

DEFINITION_JOB = JobKind(success="READY", failed="CREATION_FAILED", fault="fail_processing")
IMPORT_JOB = JobKind(success="IMPORTED", failed="IMPORT_FAILED", fault="fail_imports", shows_progress=True)


# ------------------------------------------------------------ the project header
def fits_package_type(check, kind: Optional[str], package_id: str, holder_project: Optional[str]):
    """A package's type must fit the project its holder was created with (definition, upload)."""
    if kind in ("project", "project_security") and holder_project is None:
        check.fail(missing_info("A %s package needs the X-MSTR-ProjectID header on every call, creation included; "
                                "package '%s' was created without one." % (kind, package_id)))
    if kind == "configuration" and holder_project is not None:
        check.fail(invalid_input("A configuration package takes no X-MSTR-ProjectID header on any call; package "
                                 "'%s' was created with project %s." % (package_id, holder_project)))


def _creation(check) -> Optional[str]:
    """POST /api/packages: the holder's project, if any."""
    return check.loaded_project()


def _holder(check, pkg: dict):
    """Any call on a holder: its project, or the one an uploaded package came from (logged)."""
    origin = pkg.get("origin") if pkg.get("source") == "upload" else None
    check.expect_project(pkg["projectId"], "package '%s'" % pkg["id"], origin=origin)


def _definition(check, pkg: dict, kind: str):
    fits_package_type(check, kind, pkg["id"], pkg["projectId"])
    _holder(check, pkg)


def _import_into(check, pkg: dict) -> Optional[str]:
    """POST /api/packages/imports: the import's project, which is the holder's."""
    check.expect_project(pkg["projectId"], "package '%s'" % pkg["id"])
    return pkg["projectId"]


def _import(check, imp: dict):
    check.expect_project(imp["projectId"], "import '%s'" % imp["id"])


CREATION = ProjectRule("creation", "optional; a loaded project (else ERR006), which becomes the holder's project",
                       _creation)
DEFINITION = ProjectRule("definition", "type project / project_security: the holder's project, and the holder was "
                                       "created with one (else ERR005); configuration: absent, and the holder was "
                                       "created without one", _definition)
HOLDER = ProjectRule("holder", "the holder's project, absent if it has none; an uploaded package also takes the "
                               "project it came from (logged as a deviation)", _holder)
IMPORT_INTO = ProjectRule("import-into", "the holder's project, absent if it has none; it becomes the import's "
                                         "project", _import_into)
IMPORT = ProjectRule("import", "the import's project, absent for a configuration import", _import)


# -------------------------------------------------------------------- records
def _discard_upload(pkg: dict):
    if pkg.get("uploadPath"):
        try:
            os.unlink(pkg["uploadPath"])
        except OSError:
            pass


def _new_holder(sess: dict, project_id: Optional[str]) -> dict:
    return {
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
        "job": None,
    }


def _new_import(sess: dict, pkg: dict, project_id: Optional[str], generate_undo: bool) -> dict:
    return {
        "id": new_id(project_id),
        "session": sess["token"],
        "packageId": pkg["id"],
        "projectId": project_id,
        "generateUndo": generate_undo,
        "status": "PROCESSING",
        "progress": 0.0,
        "undoPackageCreated": False,
        "undoHeader": None,
        "message": None,
        "subErrors": None,
        "package": pkg,
        "job": None,
    }


def _binary_chunks(pkg: dict):
    if pkg["source"] == "upload":
        return binaries.iter_file(pkg["uploadPath"])
    return binaries.iter_binary(pkg["header"])


def _binary_size(pkg: dict) -> int:
    if pkg["source"] == "upload":
        return os.path.getsize(pkg["uploadPath"])
    return binaries.binary_size(pkg["header"])


def _uploaded_header(path: str) -> Optional[dict]:
    try:
        return binaries.read_header(path)
    except binaries.CorruptBinary as exc:
        raise invalid_input("Invalid package binary: %s." % exc) from exc


class Packages(Family):
    name = "packages"
    FAULTS = {"drop_next_downloads": 0, "drop_after_bytes": 0, "fail_processing": 0, "fail_imports": 0}

    def __init__(self, emulator):
        super().__init__(emulator)
        self.packages: dict = {}  # holders by id
        self.imports: dict = {}  # import processes by id
        self.downloads: list = []  # sha256 of each complete download, with --record-downloads

    # ------------------------------------------------------------------ state
    def reset(self):
        for pkg in self.packages.values():
            _discard_upload(pkg)
        self.packages = {}
        self.imports = {}
        self.downloads = []

    def advance(self, now: float):
        for record in list(self.packages.values()) + list(self.imports.values()):
            if record["job"] is not None:
                record["job"].advance(now, self.emu.faults)

    def end_session(self, token: str):
        for pid in [p for p, pkg in self.packages.items() if pkg["session"] == token]:
            _discard_upload(self.packages.pop(pid))
        for iid in [i for i, imp in self.imports.items() if imp["session"] == token]:
            del self.imports[iid]

    def snapshot(self, checksums: bool = False) -> dict:
        return {
            "packages": [self._package_state(pkg, checksums) for pkg in self.packages.values()],
            "imports": [
                {"id": i["id"], "status": self.emu.fmt(i["status"]), "packageId": i["packageId"],
                 "user": self.emu.sessions[i["session"]]["user"], "progress": i["progress"]}
                for i in self.imports.values()
            ],
            "downloads": list(self.downloads),
        }

    def _package_state(self, pkg: dict, checksums: bool) -> dict:
        sess = self.emu.sessions[pkg["session"]]
        item = {"id": pkg["id"], "status": self.emu.fmt(pkg["status"]), "type": pkg["type"], "user": sess["user"],
                "session": sess["label"], "projectId": pkg["projectId"], "source": pkg["source"]}
        if checksums and pkg["status"] == "READY":
            item["sha256"] = binaries.sha256_of(_binary_chunks(pkg))
            item["size"] = _binary_size(pkg)
        return item

    # ---------------------------------------------------------------- helpers
    def _package_of(self, sess: dict, package_id: str) -> dict:
        pkg = self.packages.get(package_id)
        if pkg is None or pkg["session"] != sess["token"]:
            raise not_found("Package '%s' was not found in this session." % package_id)
        return pkg

    def _holder(self, call: Call, package_id: str) -> dict:
        """The session's holder, once the request's project header fits it."""
        with self.emu.lock:
            pkg = self._package_of(call.session, package_id)
            call.judge(pkg)
            return pkg

    def _ready(self, pkg: dict, to: str = "", then: str = "") -> dict:
        """The package, once READY: else "Package '<id>' is not ready<to> (status <status>)<then>."."""
        if pkg["status"] != "READY":
            raise invalid_input("Package '%s' is not ready%s (status %s)%s."
                                % (pkg["id"], to, self.emu.fmt(pkg["status"]), then))
        return pkg

    def _import_of(self, call: Call, import_id: str) -> dict:
        """The session's import process, once the request's project header fits it."""
        with self.emu.lock:
            imp = self.imports.get(import_id)
            if imp is None or imp["session"] != call.session["token"]:
                raise not_found("Import process '%s' was not found." % import_id)
            call.judge(imp)
            return imp

    def _status(self, record: dict) -> dict:
        return {"id": record["id"], "status": self.emu.fmt(record["status"])}

    def _view(self, record: dict, **fields) -> dict:
        """Id, status, ``fields``, and the message and subErrors of a failure."""
        view = dict(self._status(record), **fields)
        if record["message"]:
            view["message"] = record["message"]
        if record["subErrors"]:
            view["subErrors"] = copy.deepcopy(record["subErrors"])
        return view

    def package_view(self, pkg: dict, show_content: bool) -> dict:
        view = self._view(pkg)
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

    def import_view(self, imp: dict) -> dict:
        return self._view(imp, undoPackageCreated=imp["undoPackageCreated"], progress=float(imp["progress"]))

    def _record_download(self, package_id: str, sha256: str, size: int):
        with self.emu.lock:
            self.downloads.append({"packageId": package_id, "sha256": sha256, "size": size})
            del self.downloads[:-1000]

    def _recorded(self, package_id: str, chunks, size: int):
        """Pass the chunks through, and remember the sha256 of a download served whole."""
        digest = hashlib.sha256()
        sent = 0
        for chunk in chunks:
            digest.update(chunk)
            sent += len(chunk)
            yield chunk
        if sent == size:
            self._record_download(package_id, digest.hexdigest(), size)

    def _binary_response(self, package_id: str, chunks, size: int, filename: str) -> Response:
        if self.emu.record_downloads:
            chunks = self._recorded(package_id, chunks, size)
        with self.emu.lock:
            drop = self.emu.faults.values["drop_after_bytes"] if self.emu.faults.take("drop_next_downloads") else None
        return Response(200, headers={"Content-Type": "application/octet-stream",
                                      "Content-Disposition": 'attachment; filename="%s"' % filename},
                        stream=chunks, length=size, drop_after=drop)

    # ------------------------------------------------------------------- jobs
    def _build(self, pkg: dict):
        """The definition job's work: look the objects up, expand dependents, make the binary's header."""
        emu = self.emu
        project = emu.project(pkg["projectId"])
        content, objects = packaging.build(emu.metadata, pkg["type"], pkg["projectId"], project and project["name"],
                                           pkg["settings"], pkg["requested"], emu.public_object)
        header = packaging.binary_header(pkg["id"], now_iso(), pkg["type"], pkg["projectId"], pkg["settings"],
                                         content, objects, emu.padding_bytes)
        pkg.update(content=content, objects=objects, header=header)

    def _import_package(self, imp: dict):
        """The import job's work: apply the package to the target, and keep its undo package."""
        pkg = imp["package"]
        header = pkg["header"]
        if header is None:
            # A vendor-made binary: the emulator cannot read it, so nothing changes.
            header = {"type": pkg["type"], "settings": {"defaultAction": "replace"}, "objects": [], "content": []}
        change = importing.apply_import(self.emu.metadata, header, imp["projectId"])
        if imp["generateUndo"] and change.undo_possible:
            imp["undoPackageCreated"] = True
            imp["undoHeader"] = importing.undo_header("undo:" + imp["id"], now_iso(), header, imp["projectId"], change)

    # ------------------------------------------------------------- holders
    @route("POST", "/api/packages", Rule(
        CREATION, pages=(CREATE + "#create-an-empty-package", IMPORT_PAGE + "#create-an-empty-package")))
    def create_package(self, call: Call) -> Response:
        call.read_body()
        sess = call.session
        self.emu.require_privilege(sess, seed.PRIV_CREATE_PACKAGE)
        with self.emu.lock:
            project_id = call.judge()
            if sess["packageId"] in self.packages:
                raise ApiError(400, "ERR0015",
                               "Only one package can exist in a user session; package '%s' already exists. "
                               "Delete it before creating another one." % sess["packageId"])
            pkg = _new_holder(sess, project_id)
            self.packages[pkg["id"]] = pkg
            sess["packageId"] = pkg["id"]
            return Response(201, self._status(pkg))

    @route("PUT", "/api/packages/{pid}", Rule(
        DEFINITION, prefer_async=True, content_type=JSON,
        pages=(CREATE + "#update-the-package-definition", CREATE + "#create-a-configuration-package")))
    def define_package(self, call: Call, pid: str) -> Response:
        body = call.json_body()
        self.emu.require_privilege(call.session, seed.PRIV_CREATE_PACKAGE)
        with self.emu.lock:
            pkg = self._package_of(call.session, pid)
            kind = packaging.package_type(body)
            call.judge(pkg, kind)
            settings, items = packaging.validate_definition(body, kind)
            if pkg["status"] != "EMPTY":
                raise invalid_input("The definition of package '%s' can only be set while it is EMPTY "
                                    "(current status: %s)." % (pid, self.emu.fmt(pkg["status"])))
            pkg.update(type=kind, settings=settings, requested=items, source="definition")
            pkg["job"] = Job(DEFINITION_JOB, pkg, time.monotonic(), self.emu.processing_seconds,
                             lambda: self._build(pkg),
                             lambda: packaging.injected_failure(self.emu.metadata, kind, pkg["projectId"], items))
            return Response(202, self._status(pkg))

    @route("GET", "/api/packages/{pid}", Rule(
        HOLDER, pages=(CREATE + "#get-the-package-definition", IMPORT_PAGE + "#get-the-package-definition")))
    def get_package(self, call: Call, pid: str) -> Response:
        show = call.flag("showContent", False)
        with self.emu.lock:
            return Response(200, self.package_view(self._holder(call, pid), show))

    @route("GET", "/api/packages/{pid}/objects", Rule(
        HOLDER, query=("id",),
        pages=(VIEW_NEW + "#get-the-package-detailed-definition",
               VIEW_UPLOADED + "#get-the-package-detailed-definition")))
    def package_objects(self, call: Call, pid: str) -> Response:
        ids = [part for raw in call.query.get("id", []) for part in raw.split(",") if part]
        with self.emu.lock:
            pkg = self._ready(self._holder(call, pid))
            if pkg["type"] != "project":
                raise ApiError(400, "ERR0010", "Object details are only supported for project packages.")
            if not ids:
                raise invalid_input("Query parameter 'id' names no object.")
            by_id = {obj["id"]: obj for obj in pkg["objects"]}
            return Response(200, {"objects": [self._detail(by_id, oid, pid) for oid in ids],
                                  "versions": dict(packaging.VERSIONS)})

    @staticmethod
    def _detail(by_id: dict, oid: str, package_id: str) -> dict:
        obj = by_id.get(oid.upper())
        if obj is None:
            raise not_found("Object '%s' is not in package '%s'." % (oid, package_id))
        if obj["type"] not in packaging.DETAIL_TYPES:
            raise ApiError(400, "ERR0010", "Object details are not supported for object type %s; "
                                           "supported types are 12, 13, 14 and 15." % obj["type"])
        return {"id": obj["id"], "type": obj["type"], "definition": packaging.detailed_definition(obj)}

    @route("GET", "/api/packages/{pid}/binary", Rule(
        HOLDER, accept=OCTET_STREAM, pages=(CREATE + "#download-the-package-and-save-it-as-a-binary-file",)))
    def download_package(self, call: Call, pid: str) -> Response:
        with self.emu.lock:
            pkg = self._ready(self._holder(call, pid), then="; its binary cannot be downloaded")
            chunks, size = _binary_chunks(pkg), _binary_size(pkg)
        return self._binary_response(pid, chunks, size, "package.mmp")

    @route("PUT", "/api/packages/{pid}/binary", Rule(
        HOLDER, content_type=MULTIPART, pages=(IMPORT_PAGE + "#upload-a-package-binary-file",)))
    def upload_package(self, call: Call, pid: str) -> Response:
        boundary = call.multipart_boundary()
        # Fail early, before reading a large body, when the request cannot succeed.
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        self._holder(call, pid)
        path = call.save_multipart(boundary, "file", self.emu.tmpdir)
        return Response(200, self._adopt(call, pid, path))

    def _adopt(self, call: Call, package_id: str, path: str) -> dict:
        """Adopt an uploaded file (already streamed to ``path``) as the package binary."""
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            try:
                pkg = self._package_of(call.session, package_id)  # its header was judged before the body was read
                if pkg["status"] != "EMPTY":
                    raise invalid_input("A binary can only be uploaded into an EMPTY package (current status: %s)."
                                        % self.emu.fmt(pkg["status"]))
                header = _uploaded_header(path)
                if header is not None:
                    fits_package_type(call.rules, header["type"], package_id, pkg["projectId"])
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
            return self._status(pkg)

    @route("DELETE", "/api/packages/{pid}", Rule(
        HOLDER, prefer_async=True, pages=(CREATE + "#delete-the-package", IMPORT_PAGE + "#delete-the-package")))
    def delete_package(self, call: Call, pid: str) -> Response:
        with self.emu.lock:
            pkg = self._holder(call, pid)
            del self.packages[pid]
            call.session["packageId"] = None
            _discard_upload(pkg)
            return Response(202, {"id": pid, "status": self.emu.fmt("DELETING")})

    # -------------------------------------------------------------- imports
    @route("POST", "/api/packages/imports", Rule(
        IMPORT_INTO, prefer_async=True, query=("packageId", "generateUndo"),
        pages=(IMPORT_PAGE + "#create-an-import-process-to-import-a-package", IMPORT_PAGE + "#more-examples")))
    def create_import(self, call: Call) -> Response:
        call.read_body()
        package_id = call.query["packageId"][0]
        generate_undo = call.flag("generateUndo", True)
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            pkg = self._package_of(call.session, package_id)
            project_id = call.judge(pkg)
            self._ready(pkg, to=" to be imported")
            imp = _new_import(call.session, pkg, project_id, generate_undo)
            imp["job"] = Job(IMPORT_JOB, imp, time.monotonic(), self.emu.processing_seconds,
                             lambda: self._import_package(imp), lambda: importing.injected_failure(pkg["header"]))
            self.imports[imp["id"]] = imp
            return Response(202, self.import_view(imp))

    @route("GET", "/api/packages/imports/{iid}", Rule(IMPORT, pages=(IMPORT_PAGE + "#query-the-import-status",)))
    def get_import(self, call: Call, iid: str) -> Response:
        with self.emu.lock:
            return Response(200, self.import_view(self._import_of(call, iid)))

    @route("GET", "/api/packages/imports/{iid}/undoPackage/binary", Rule(
        IMPORT, pages=(IMPORT_PAGE + "#download-an-undo-package-binary-file",)))
    def undo_binary(self, call: Call, iid: str) -> Response:
        with self.emu.lock:
            imp = self._import_of(call, iid)
            if imp["status"] != "IMPORTED":
                raise invalid_input("Import '%s' has not finished (status %s)." % (iid, self.emu.fmt(imp["status"])))
            if not imp["undoPackageCreated"]:
                raise not_found("No undo package was created for import '%s'." % iid)
            header = imp["undoHeader"]
            chunks, size = binaries.iter_binary(header), binaries.binary_size(header)
        return self._binary_response(header["packageId"], chunks, size, "undo-package.mmp")

    @route("DELETE", "/api/packages/imports/{iid}", Rule(
        IMPORT, prefer_async=True, pages=(IMPORT_PAGE + "#delete-the-import-process",)))
    def delete_import(self, call: Call, iid: str) -> Response:
        with self.emu.lock:
            self._import_of(call, iid)
            del self.imports[iid]
        return Response(202)
