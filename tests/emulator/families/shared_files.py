# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Storage Service's shared file store: upload (metadata, then the binary), download, list and delete packages.

A file's metadata and binary live in the Storage Service (``storage.Storage``),
so every Library sharing it sees them; a migration is created from an
uploaded file with ``POST /api/migrations`` (families/migrations.py). The
storage faults are the migrations family's. Pages are cited as
``file#section`` in ../shared/reference/microstrategy-rest-api/migrations-in-workstation.
"""

from __future__ import annotations

import os
import re
import uuid

from .. import binaries, packaging, seed
from ..calls import Call, Response
from ..errors import ApiError, invalid_input, missing_info
from ..family import Family, route
from ..rules import JSON, MULTIPART, Rule
from ..storage import FILE_TYPE
from .migrations import TOLERATED, check_service, file_response, page_of

UPLOAD_PAGE = "upload-and-download-migration-packages.md"
FILES = "/api/mstrServices/library/storage/sharedFileStore/files"
MAX_SIZE = 2 * 1024 ** 3
PURPOSES = ("object_migration", "project_merge", "migration_from_shared_file_store")
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _metadata_body(body) -> dict:
    """The checked request of POST .../files (the upload page, step 2)."""
    if not isinstance(body, dict):
        raise invalid_input("The request body must be a JSON object.")
    if body.get("type") != FILE_TYPE:
        raise invalid_input("type must be '%s' (the only type of shared file supported)." % FILE_TYPE)
    if body.get("extension") != "mmp":
        raise invalid_input("extension must be 'mmp'.")
    size = body.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_SIZE:
        raise invalid_input("size must be the file's size in bytes, at most 2 GB.")
    if not isinstance(body.get("sha256"), str) or not SHA256.match(body["sha256"]):
        raise invalid_input("sha256 must be the file's SHA-256 as 64 hex digits.")
    extra = body.get("extraInfo")
    if not isinstance(extra, dict):
        raise missing_info("extraInfo with packageType and packagePurpose is required.")
    packaging.package_type({"type": extra.get("packageType")})
    if extra.get("packagePurpose") not in PURPOSES:
        raise invalid_input("extraInfo.packagePurpose must be one of %s." % ", ".join(PURPOSES))
    return body


class SharedFiles(Family):
    name = "shared_files"

    def _meta(self, file_id: str) -> dict:
        meta = self.emu.storage.file_meta(file_id)
        if meta is None:
            raise ApiError(404, "ERR004", "Shared file '%s' was not found in the Storage Service." % file_id)
        return meta

    @route("POST", FILES, Rule(TOLERATED, content_type=JSON,
                               pages=(UPLOAD_PAGE + "#step-2-use-the-post-apimstrserviceslibrarystoragesharedfilestore"
                                                    "files-api-call-to-the-target-library",)))
    def create_file(self, call: Call) -> Response:
        body = _metadata_body(call.json_body())
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        migrations = self.emu.family("migrations")
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            name, package_id = self._new_file(migrations)
            stamp = migrations.now()
            meta = {"id": self.emu.storage.file_id(name), "type": FILE_TYPE, "name": body.get("name"),
                    "path": self.emu.storage.package_path(name), "sha256": body["sha256"].lower(), "existing": False,
                    "size": body["size"], "extension": "mmp", "creator": migrations.user(call),
                    "environment": body.get("environment") or {}, "creationDate": stamp, "lastUpdatedDate": stamp,
                    "extraInfo": {"packageId": package_id, "packageType": body["extraInfo"]["packageType"],
                                  "packagePurpose": body["extraInfo"]["packagePurpose"]}}
            self.emu.storage.save_file_meta(meta)
            return Response(200, meta)

    def _new_file(self, migrations) -> tuple:
        """(file name, package id) of a new file: the upload page's while the store and this Library hold neither."""
        storage = self.emu.storage
        if storage.file_meta(storage.file_id(seed.SAMPLE_FILE)) is None and not any(
                meta["extraInfo"]["packageId"] == seed.SAMPLE_FILE_PACKAGE for meta in storage.files()) and not any(
                r["packageInfo"]["id"] == seed.SAMPLE_FILE_PACKAGE for r in migrations.records.values()):
            return seed.SAMPLE_FILE, seed.SAMPLE_FILE_PACKAGE
        return uuid.uuid4().hex.upper(), uuid.uuid4().hex.upper()

    @route("PUT", FILES + "/{fid}/binary", Rule(
        TOLERATED, content_type=MULTIPART,
        pages=(UPLOAD_PAGE + "#step-3-use-the-put-apimstrserviceslibrarystoragesharedfilestorefilesfileidbinary-api-"
                             "call-to-the-target-library",)))
    def upload_binary(self, call: Call, fid: str) -> Response:
        boundary = call.multipart_boundary()
        self.emu.require_privilege(call.session, seed.PRIV_IMPORT_PACKAGE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            meta = self._meta(fid)
        path = call.save_multipart(boundary, "file", self.emu.tmpdir)
        return Response(200, self._adopt(meta, path))

    def _adopt(self, meta: dict, path: str) -> dict:
        """The uploaded binary, if it is the file the metadata describes, becomes the file's binary."""
        try:
            size, digest = os.path.getsize(path), binaries.sha256_of(binaries.iter_file(path))
            if (size, digest) != (meta["size"], meta["sha256"]):
                raise invalid_input("The binary (%d bytes, sha256 %s) is not the file of the metadata (%d bytes, "
                                    "sha256 %s)." % (size, digest, meta["size"], meta["sha256"]))
            try:
                binaries.read_header(path)
            except binaries.CorruptBinary as exc:
                raise invalid_input("The binary is not a migration package: %s." % exc) from exc
        except ApiError:
            os.unlink(path)
            raise
        with self.emu.lock:
            self.emu.storage.adopt(meta["path"], path)
            meta.update(existing=True, lastUpdatedDate=self.emu.family("migrations").now())
            self.emu.storage.save_file_meta(meta)
            return meta

    @route("GET", FILES + "/{fid}/binary", Rule(
        TOLERATED, pages=(UPLOAD_PAGE + "#step-1-use-the-get-apimigrationspackagespackageidbinary-api-call-to-the-"
                                        "source-library",)))
    def download_binary(self, call: Call, fid: str) -> Response:
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "read")
            meta = self._meta(fid)
            if not meta["existing"]:
                raise invalid_input("Shared file '%s' has no binary yet." % fid)
            return file_response(self.emu.storage, meta["path"], meta.get("name") or meta["extraInfo"]["packageId"])

    @route("GET", FILES, Rule(TOLERATED, query=("type",), pages=(UPLOAD_PAGE + "#apis",)))
    def list_files(self, call: Call) -> Response:
        if call.query["type"][0] != FILE_TYPE:
            raise invalid_input("type must be '%s'." % FILE_TYPE)
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "read")
            return Response(200, page_of(call, self.emu.storage.files()))

    @route("DELETE", FILES + "/{fid}", Rule(TOLERATED, pages=(UPLOAD_PAGE + "#delete-uploaded-migration-package",)))
    def delete_file(self, call: Call, fid: str) -> Response:
        with self.emu.lock:
            call.judge()
            check_service(self.emu, "write")
            meta = self.emu.storage.file_meta(fid)
            if meta is None:
                raise ApiError(404, "ERR006", "Shared file '%s' does not exist or was already deleted." % fid)
            self.emu.storage.remove_file(meta)
        return Response(204)
