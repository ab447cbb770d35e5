# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Storage Service (shared file store) of the Workstation migration route: a directory on disk.

Emulator processes started with the same ``--storage-dir`` share it, as two
Library servers share one Storage Service; without it a process has a private
one in its temporary directory. It holds what the pages say it holds, under
the paths the pages print (``mstr/shared/`` is the directory itself):
package binaries ``mstr/shared/migrations/packages/<date>/<32 hex>.mmp``,
undo packages ``mstr/shared/migrations/undo/<packageId>/<importId>.mmp``,
validation results and shared-file metadata. Package binaries are in the
emulator's package format (``binaries.py``), the same a classic ``.mmp`` has.
Each process remembers what it wrote, so that a reset removes its own files
and never the other process's.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from datetime import datetime, timezone
from typing import Optional

from . import binaries
from .errors import ApiError, invalid_input

ROOT = "mstr/shared/"
PACKAGES = ROOT + "migrations/packages/"
UNDO = ROOT + "migrations/undo/"
VALIDATION = ROOT + "migrations/validation/"
FILES = ROOT + "migrations/files/"
CERTIFICATION = ROOT + "migrations/certification/"
FILE_TYPE = "migrations.packages"

# The pages' storage errors (API_NOTES_WORKSTATION.md section 11).
REQUIRES = "The API requires MicroStrategy Storage Service. Please contact your administrator."
NOT_CONFIGURED = ("The Storage Service is not configured properly, please contact your administrator to configure "
                  "Storage Service")
CANNOT_WRITE = ("Cannot create or modify the shared file. It may be temporarily unavailable for accessing the storage "
                "location.")
CANNOT_READ = "The shared file cannot be accessed. It may be deleted or the storage location cannot be accessed."
CLOCKS = ("The time difference between the source and target environments should be five minutes or less. Please "
          "modify the environment system time and try again.")


def unavailable(message: str) -> ApiError:
    """A storage error: the pages give no HTTP code; the emulator answers 503 ERR0016 (service not available)."""
    return ApiError(503, "ERR0016", message)


class Storage:
    def __init__(self, directory: Optional[str], private_parent: str, enabled: bool = True):
        self.shared = directory is not None
        self.enabled = enabled
        self.directory = os.path.abspath(directory) if directory else os.path.join(private_parent, "storage")
        os.makedirs(self.directory, exist_ok=True)
        self.written: set = set()  # storage paths this process wrote

    # ----------------------------------------------------------------- paths
    def local(self, path: str) -> str:
        """The file of a storage path (``mstr/shared/...``); 400 ERR006 for a path outside the store."""
        if not isinstance(path, str) or not path.startswith(ROOT) or ".." in path.split("/"):
            raise invalid_input("storage.path '%s' is not a path of the shared file store (%s...). %s"
                                % (path, ROOT, CANNOT_READ))
        return os.path.join(self.directory, path[len(ROOT):])

    def exists(self, path: str) -> bool:
        return os.path.isfile(self.local(path))

    @staticmethod
    def package_path(name: str) -> str:
        return "%s%s/%s.mmp" % (PACKAGES, datetime.now(timezone.utc).strftime("%Y-%m-%d"), name)

    @staticmethod
    def undo_path(package_id: str, import_id: str) -> str:
        return "%s%s/%s.mmp" % (UNDO, package_id, import_id)

    # ---------------------------------------------------------- read, write
    def _target(self, path: str) -> str:
        local = self.local(path)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        self.written.add(path)
        return local

    def write_package(self, path: str, header: dict) -> int:
        """Write an emulator package binary; its size."""
        local = self._target(path)
        with open(local + ".part", "wb") as out:
            for chunk in binaries.iter_binary(header):
                out.write(chunk)
        os.replace(local + ".part", local)
        return os.path.getsize(local)

    def write_json(self, path: str, value: dict):
        local = self._target(path)
        with open(local + ".part", "w", encoding="utf-8") as out:
            json.dump(value, out, sort_keys=True)
        os.replace(local + ".part", local)

    def read_json(self, path: str) -> Optional[dict]:
        try:
            with open(self.local(path), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def read_header(self, path: str) -> Optional[dict]:
        """The header of the package binary at ``path``; 400 ERR006 when it is not there or not a package."""
        if not self.exists(path):
            raise invalid_input("storage.path '%s' is not in the shared file store. %s" % (path, CANNOT_READ))
        try:
            return binaries.read_header(self.local(path))
        except binaries.CorruptBinary as exc:
            raise invalid_input("The file at '%s' is not a valid package: %s." % (path, exc)) from exc

    def size(self, path: str) -> int:
        return os.path.getsize(self.local(path))

    def remove(self, path: Optional[str]):
        if not path:
            return
        try:
            os.unlink(self.local(path))
        except (OSError, ApiError):
            pass
        self.written.discard(path)

    def reset(self):
        """Remove what this process wrote (a private store: everything)."""
        if not self.shared:
            shutil.rmtree(self.directory, ignore_errors=True)
            os.makedirs(self.directory, exist_ok=True)
        for path in list(self.written):
            self.remove(path)
        self.written = set()

    def adopt(self, path: str, local_file: str):
        """Move an uploaded file (``local_file``) to ``path`` in the store."""
        os.replace(local_file, self._target(path))

    # --------------------------------------------------- shared file metadata
    @staticmethod
    def file_id(name: str) -> str:
        """A shared file's id: base64 of "migrations.packages:<the file name in its path>" (the upload page)."""
        return base64.b64encode(("%s:%s" % (FILE_TYPE, name)).encode()).decode()

    @staticmethod
    def file_name(file_id: str) -> Optional[str]:
        try:
            kind, _sep, name = base64.b64decode(file_id.encode(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return name if kind == FILE_TYPE and re.match(r"^[0-9A-F]{32}$", name) else None

    def file_meta(self, file_id: str) -> Optional[dict]:
        name = self.file_name(file_id or "")
        return self.read_json(FILES + name + ".json") if name else None

    def save_file_meta(self, meta: dict):
        self.write_json(FILES + self.file_name(meta["id"]) + ".json", meta)

    def remove_file(self, meta: dict):
        self.remove(meta["path"])
        self.remove(FILES + self.file_name(meta["id"]) + ".json")

    def files(self) -> list:
        """Every shared file's metadata, oldest first."""
        folder = self.local(FILES)
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        found = [self.read_json(FILES + name) for name in names if name.endswith(".json")]
        return sorted((meta for meta in found if meta), key=lambda meta: meta["creationDate"])

    def file_at(self, path: str) -> Optional[dict]:
        """The shared file whose binary is at ``path``, if any."""
        return next((meta for meta in self.files() if meta["path"] == path), None)

    def listing(self) -> list:
        """Every file in the store, as storage paths, sorted."""
        found = []
        for folder, _dirs, names in os.walk(self.directory):
            for name in names:
                relative = os.path.relpath(os.path.join(folder, name), self.directory).replace(os.sep, "/")
                found.append(ROOT + relative)
        return sorted(found)

    def configuration(self) -> dict:
        """GET /api/mstrServices/library/storage: the shared file store's configuration."""
        return {"sharedFileStore": {
            "type": "file_system", "alias": "emulator-storage", "location": self.directory, "s3Region": "",
            "awsAccessId": "", "awsSecretKey": "", "azureStorageAccountName": "", "azureSecretKey": "",
            "gcsServiceAccountKey": "", "configured": True}}
