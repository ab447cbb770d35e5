# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A whole export in one call: create, define, wait, download, manifest, delete.

One module run instead of one per step: each Ansible task costs about half a
second of start-up, more than the server needs for most packages. The holder
is scratch space and is deleted whatever happens; files are replaced only
when whole.
"""

from __future__ import annotations

import json
import os
import time
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import package as pkg
from ansible_collections.mstr.migration.plugins.module_utils import transfer
from ansible_collections.mstr.migration.plugins.module_utils.api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.client import not_a_package_warning
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError

MANIFEST_FORMAT = "mstr.migration/manifest-1"
# date_modified and level let an import plan from the manifest (importer.py) before anything is uploaded.
MANIFEST_OBJECT_KEYS = ("id", "name", "type", "version", "action", "explicit_included", "date_modified", "level")


def manifest_path(dest: str, manifest: Optional[str]) -> str:
    return manifest or dest + ".json"


def check_paths(dest: str, manifest: str) -> None:
    transfer.check_dest(dest)
    transfer.check_distinct([], [("dest", dest), ("manifest", manifest)])
    transfer.check_dest(manifest, "manifest")


def read_manifest(path: str) -> dict:
    """The previous manifest, or {} when there is none or it is not ours (it is then rewritten)."""
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else {}


def file_matches(previous: dict, fingerprint: str, dest: str) -> bool:
    """``dest`` is still the export of a package with this fingerprint (read only when it can match)."""
    binary = previous.get("binary") or {}
    if (previous.get("package") or {}).get("fingerprint") != fingerprint:
        return False
    return not transfer.file_differs(dest, binary.get("size"), binary.get("sha256"))


def manifest_objects(package: dict) -> list:
    return [{key: item.get(key) for key in MANIFEST_OBJECT_KEYS} for item in package.get("content") or []]


def build_manifest(package_type: str, package: dict, objects: list, dest: str, binary: dict, base_url: str,
                   project_id: Optional[str]) -> dict:
    return {
        "format": MANIFEST_FORMAT,
        "package": {"type": package_type, "settings": package["settings"], "fingerprint": package["fingerprint"],
                    "objects": objects},
        "binary": {"file": os.path.basename(dest), "size": binary["size"], "sha256": binary["sha256"]},
        "source": {"base_url": base_url, "project_id": project_id if package_type != "configuration" else None},
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_json(path: str, data: dict, replace: bool = True, module=None) -> None:
    """A manifest or an import record, in one JSON layout (see ``transfer.write_file`` for ``replace``, ``module``)."""
    transfer.write_file(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode(), replace, module)


def export_package(client, body: dict, project_id: Optional[str], dest: str, manifest: str, wait_timeout: float,
                   check_mode: bool, module=None) -> tuple:
    """Build, compare, download and clean up. Returns ``(changed, result, diff)``.

    Check mode builds the package too (the holder is scratch space, deleted at
    the end) so that it can say whether the file would change; it writes nothing.
    ``module`` replaces existing files with its ``atomic_move`` (``transfer.move_into_place``).
    """
    package_type = body["type"]
    api = PackageApi(client, project_id, package_type)
    body = pkg.resolve_names(api, body)
    package_id = api.create_holder()
    warnings = []
    failed = True
    try:
        api.define(package_id, body)
        built = api.wait_ready(package_id, wait_timeout)
        package = pkg.package_result(built, package_type)
        objects = manifest_objects(package)
        previous = read_manifest(manifest)
        unchanged = file_matches(previous, package["fingerprint"], dest)
        if unchanged:
            binary = {"size": previous["binary"]["size"], "sha256": previous["binary"]["sha256"]}
        elif check_mode:
            binary = {"size": None, "sha256": None}  # not downloaded: the fingerprint already says it changed
        else:
            # The old file's checksum is not needed: a new fingerprint (or a damaged file) means a new file.
            fetched = {}

            def fetch(sink):
                fetched.update(api.download(package_id, sink))
                return fetched
            binary = transfer.download_to(fetch, dest, False, compare=False, module=module)
            if fetched.get("package_magic") is False:
                warnings.append(not_a_package_warning(dest))
            write_json(manifest, build_manifest(package_type, package, objects, dest, binary, client.base_url,
                                                project_id), module=module)
        failed = False
    finally:
        try:
            api.delete(package_id)
        except MstrError:
            if not failed:
                raise
            # else: the first failure is the one to report; the holder dies with the session anyway.
    before = {"fingerprint": (previous.get("package") or {}).get("fingerprint"),
              "objects": (previous.get("package") or {}).get("objects", [])}
    after = {"fingerprint": package["fingerprint"], "objects": objects}
    result = {
        "dest": dest, "manifest": manifest, "fingerprint": package["fingerprint"], "size": binary["size"],
        "sha256": binary["sha256"], "objects": objects, "package": package,
        "base_url": client.base_url, "wait_seconds": built.get("elapsed"), "warnings": warnings,
    }
    return not unchanged, result, {"before": before, "after": after}
