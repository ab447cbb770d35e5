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

import os
import shutil
import tempfile
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils import records
from ansible_collections.mstr.migration.plugins.module_utils import security_links
from ansible_collections.mstr.migration.plugins.module_utils.answers import not_a_package_warning
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError
from ansible_collections.mstr.migration.plugins.module_utils.objects import PROJECT_SECURITY
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.security_api import read_links


def check_paths(dest: str, manifest: str) -> None:
    files.check_dest(dest)
    files.check_distinct([], [("dest", dest), ("manifest", manifest)])
    files.check_dest(manifest, "manifest")


def file_matches(previous: dict, fingerprint: str, dest: str) -> bool:
    """``dest`` is still the export of a package with this fingerprint (read only when it can match)."""
    binary = previous.get("binary") or {}
    if (previous.get("package") or {}).get("fingerprint") != fingerprint:
        return False
    return not files.file_differs(dest, binary.get("size"), binary.get("sha256"))


def dest_is_current(previous: dict, fingerprint: str, links: Optional[dict], dest: str) -> bool:
    """``dest`` would not change: ``file_matches``, and its manifest records the same security links (a link
    changed on the source changes no object's version)."""
    return file_matches(previous, fingerprint, dest) and security_links.same_links(
        security_links.from_manifest(previous), security_links.from_manifest({"package": {"links": links}}))


def source_links(api: PackageApi, package_type: str, objects: list, warnings: list) -> Optional[dict]:
    """The links a project security package's users and groups have in the source project, as the REST API shows
    them (None for other packages, or when the server would not show them: said in ``warnings``)."""
    if package_type != PROJECT_SECURITY:
        return None
    links, why = read_links(api.client, api.project_id, [item["id"] for item in objects])
    if links is None:
        warnings.append("the security links of the package's users could not be read (%s): the manifest records "
                        "none, so an import of this package cannot tell whether the target already has them"
                        % why)
    return security_links.for_manifest(api.project_id, links)


def export_package(client, body: dict, project_id: Optional[str], dest: str, manifest: str, wait_timeout: float,
                   check_mode: bool, module=None, comment: Optional[str] = None) -> tuple:
    """Build, compare, download and clean up. Returns ``(changed, result, diff)``.

    Check mode builds the package too (the holder is scratch space, deleted at
    the end) so that it can say whether the file would change; it writes nothing.
    ``module`` replaces existing files with its ``atomic_move`` (``files.move_into_place``). ``comment`` goes
    into the manifest the export writes (an unchanged export keeps the manifest, and the comment, it had).
    """
    package_type = body["type"]
    api = PackageApi(client, project_id, package_type)
    body = definition.resolve_names(api, body)
    package_id = api.create_holder()
    warnings = []
    failed = True
    try:
        api.define(package_id, body)
        built = api.wait_ready(package_id, wait_timeout)
        package = definition.package_result(built, package_type)
        objects = records.manifest_objects(package)
        links = source_links(api, package_type, objects, warnings)
        previous = records.read_manifest(manifest)
        unchanged = dest_is_current(previous, package["fingerprint"], links, dest)
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
            binary = files.download_to(fetch, dest, False, compare=False, module=module)
            if fetched.get("package_magic") is False:
                warnings.append(not_a_package_warning(dest))
            described = records.build_manifest(package_type, package, objects, dest, binary, client.base_url,
                                               project_id, links, comment)
            records.write_json(manifest, described, module=module)
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
    if links is not None:
        before["links"], after["links"] = (previous.get("package") or {}).get("links"), links
    result = {
        "dest": dest, "manifest": manifest, "fingerprint": package["fingerprint"], "size": binary["size"],
        "sha256": binary["sha256"], "objects": objects, "package": package,
        "base_url": client.base_url, "wait_seconds": built.get("elapsed"), "warnings": warnings,
    }
    return not unchanged, result, {"before": before, "after": after}


def preview_package(client, body: dict, project_id: Optional[str], dest: str, manifest: str, wait_timeout: float,
                    module=None, comment: Optional[str] = None) -> tuple:
    """Build the package into a new temporary directory instead of ``dest``: ``(changed, result, diff)``.

    ``changed`` says whether an export would change ``dest`` (its manifest's fingerprint and the file's checksum
    decide, as in ``export_package``); ``dest`` and ``manifest`` are left untouched. The result names the package
    and manifest in ``preview_dir``, which an import can plan from (check mode) and which the caller removes; a
    failed preview removes it itself.
    """
    preview_dir = tempfile.mkdtemp(prefix="mstr-preview-")
    try:
        name = os.path.join(preview_dir, os.path.basename(dest))
        _changed, result, _diff = export_package(client, body, project_id, name, name + ".json", wait_timeout, False,
                                                 module, comment)
    except BaseException:
        shutil.rmtree(preview_dir, ignore_errors=True)
        raise
    previous = records.read_manifest(manifest)
    before = {"fingerprint": (previous.get("package") or {}).get("fingerprint"),
              "objects": (previous.get("package") or {}).get("objects", [])}
    after = {"fingerprint": result["fingerprint"], "objects": result["objects"]}
    result["preview_dir"] = preview_dir
    links = (records.read_manifest(result["manifest"]).get("package") or {}).get("links")
    return (not dest_is_current(previous, result["fingerprint"], links, dest), result,
            {"before": before, "after": after})
