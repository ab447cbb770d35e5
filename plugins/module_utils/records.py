# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The files the collection writes beside packages (the domain layer): manifests, import records, rollback points.

A manifest (format ``mstr.migration/manifest-1``) describes an exported
package file; an import record (``mstr.migration/import-record-1``) an
import and its undo package. Both are read back before any request.

Format versions: a key added beside the others keeps the version (readers
take a missing key as "not recorded", so files written before it stay
readable, and older releases read new files); a key that goes away,
changes its meaning or becomes required gets a new version, which readers
accept beside the old ones. The story keys (``comment`` in manifests;
``source``, ``controller`` and ``comment`` in records) came in that way.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.objects import CONFIGURATION, is_object_id

MANIFEST_FORMAT = "mstr.migration/manifest-1"
RECORD_FORMAT = "mstr.migration/import-record-1"
# date_modified and level let an import plan from the manifest (importer.py) before anything is uploaded.
MANIFEST_OBJECT_KEYS = ("id", "name", "type", "version", "action", "explicit_included", "date_modified", "level")
# What a manifest object needs to stand in for the server's reading of the uploaded file.
PLAN_KEYS = ("id", "type", "version", "action")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # in manifests and records
FILE_STAMP = "%Y%m%dT%H%M%SZ"  # in the names of rollback points


def now() -> str:
    return time.strftime(TIME_FORMAT, time.gmtime())


def file_stamp() -> str:
    return time.strftime(FILE_STAMP, time.gmtime())


# ------------------------------------------------------------------ manifests
def manifest_path(dest: str, manifest: Optional[str]) -> str:
    return manifest or dest + ".json"


def read_manifest(path: str) -> dict:
    """The previous manifest, or {} when there is none or it is not ours (it is then rewritten)."""
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else {}


def manifest_objects(package: dict) -> list:
    return [{key: item.get(key) for key in MANIFEST_OBJECT_KEYS} for item in package.get("content") or []]


def build_manifest(package_type: str, package: dict, objects: list, dest: str, binary: dict, base_url: str,
                   project_id: Optional[str], links: Optional[dict] = None, comment: Optional[str] = None) -> dict:
    """``links``: a project security package's links as the source showed them (``security_links.for_manifest``);
    an optional key, so manifests without it (older ones, other package types) read as before."""
    described = {"type": package_type, "settings": package["settings"], "fingerprint": package["fingerprint"],
                 "objects": objects}
    if links is not None:
        described["links"] = links
    return {
        "comment": comment or None,
        "format": MANIFEST_FORMAT,
        "package": described,
        "binary": {"file": os.path.basename(dest), "size": binary["size"], "sha256": binary["sha256"]},
        "source": {"base_url": base_url, "project_id": project_id if package_type != CONFIGURATION else None},
        "exported_at": now(),
    }


def write_json(path: str, data: dict, replace: bool = True, module=None) -> None:
    """A manifest or an import record, in one JSON layout (see ``files.write_file`` for ``replace``, ``module``)."""
    files.write_file(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode(), replace, module)


def build_record(target: dict, started_at: str, status: dict, package: dict, plan: list, summary: dict,
                 undo_path: Optional[str], undo_stats: Optional[dict], undo_error: Optional[str],
                 story: Optional[dict] = None) -> dict:
    """An import record: where the import went, when, what it did to each object, and its undo package; ``story``
    (``record_story``): where the package came from, who ran the import from where, and why."""
    return dict(story or {}, **{
        "format": RECORD_FORMAT,
        "target": target,
        "started_at": started_at, "finished_at": now(),
        "import": status,
        "package": package,
        "plan": plan, "summary": summary,
        "undo": {"file": os.path.basename(undo_path), "size": undo_stats["size"], "sha256": undo_stats["sha256"]}
        if undo_path else None,
        "undo_error": undo_error,
    })


def _text(value) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def package_story(path: str, data: dict) -> dict:
    """Where a package came from, as its manifest tells it; for an undo package, its import record (the undo
    package came from that import's target). Keys a file written before them lacks are None."""
    if data.get("format") == RECORD_FORMAT:
        target = data.get("target") if isinstance(data.get("target"), dict) else {}
        return {"base_url": _text(target.get("base_url")), "project_id": _text(target.get("project_id")),
                "exported_at": _text(data.get("finished_at")), "comment": _text(data.get("comment")),
                "undo_of": os.path.basename(path)}
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    return {"base_url": _text(source.get("base_url")), "project_id": _text(source.get("project_id")),
            "exported_at": _text(data.get("exported_at")), "comment": _text(data.get("comment")), "undo_of": None}


# AWX / Automation Platform: AWX_JOB_ID as the playbooks pass the job's awx_job_id variable; JOB_ID as AWX sets it
# in a job's environment (beside AWX_HOST: other schedulers set a JOB_ID of their own).
def awx_job_id(environ=None) -> Optional[str]:
    environ = os.environ if environ is None else environ
    return environ.get("AWX_JOB_ID") or (environ.get("JOB_ID") if environ.get("AWX_HOST") else None) or None


def controller_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user with no passwd entry (an AWX execution environment)
        return "uid %d" % os.getuid()


def record_story(package: Optional[dict], comment: Optional[str], environ=None) -> dict:
    """The record's story: the package's source (``package_story``, None without a manifest), the controller
    that ran the import (user, host, AWX job id) and the import's ``comment``."""
    return {"source": package,
            "controller": {"user": controller_user(), "host": socket.gethostname(), "awx_job_id": awx_job_id(environ)},
            "comment": comment or None}


# ------------------------------------------------------------------ reading them back
def load_json(path: str, option: str) -> dict:
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ValidationError(option, "%s cannot be read: %s" % (path, exc.strerror)) from exc
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested deeper than Python recurses
        raise ValidationError(option, "%s is not JSON (%s); give the manifest mstr.migration.package_export "
                                      "wrote, or an import record" % (path, exc)) from exc
    if not isinstance(data, dict) or data.get("format") not in (MANIFEST_FORMAT, RECORD_FORMAT):
        raise ValidationError(option, "%s is not a manifest of mstr.migration.package_export (format %s) nor an "
                                      "import record (format %s)" % (path, MANIFEST_FORMAT, RECORD_FORMAT))
    if data.get("package") is not None and not isinstance(data["package"], dict):
        raise ValidationError(option, "%s is damaged: its \"package\" is %s, not an object. Export the package "
                                      "again (or restore the file) rather than edit it"
                              % (path, type(data["package"]).__name__))
    return data


def described_file(data: dict) -> dict:
    """The size and sha256 a manifest (the package) or an import record (its undo package) promises."""
    described = data.get("binary") if data["format"] == MANIFEST_FORMAT else data.get("undo")
    if not isinstance(described, dict):
        return {}
    if not isinstance(described.get("size"), int) or not isinstance(described.get("sha256"), str):
        raise ValidationError("manifest", "the size and sha256 it gives for the package file are damaged (%r, %r)"
                              % (described.get("size"), described.get("sha256")))
    return described


def planned_objects(path: str, data: dict) -> Optional[list]:
    """The package's objects as the server listed them at export time, when complete enough to plan with."""
    objects = (data.get("package") or {}).get("objects") if data["format"] == MANIFEST_FORMAT else None
    if not isinstance(objects, list) or not objects or not all(
            isinstance(item, dict) and all(item.get(key) is not None for key in PLAN_KEYS) for item in objects):
        return None
    for item in objects:
        if not is_object_id(item["id"]) or isinstance(item["type"], bool) \
                or not isinstance(item["type"], int):
            raise ValidationError("manifest", "%s lists an object with id %r and type %r, which no server gives out; "
                                              "the manifest is damaged: export the package again"
                                  % (path, item["id"], item["type"]))
    return [{"id": item["id"], "name": item.get("name"), "type": item["type"], "version": item["version"],
             "action": item["action"], "dateModified": item.get("date_modified"), "level": item.get("level")}
            for item in objects]


# ------------------------------------------------------------------ rollback points
def stem(src: str) -> str:
    name = os.path.basename(src)
    return name[:-len(".mmp")] if name.lower().endswith(".mmp") and len(name) > 4 else name


def place_rollback_point(undo_dir: str, name: str, stamp: str, undo_temp: Optional[str], record_for) -> tuple:
    """Give the undo package and the record new names; an existing file is never replaced, a later suffix is used.

    The undo package goes first: if the record then cannot be written, the undo package stays (a rollback
    point without its record is still a rollback point) and the error names it.
    """
    attempt = 1
    while True:
        suffix = stamp if attempt == 1 else "%s-%d" % (stamp, attempt)
        attempt += 1
        undo_path = os.path.join(undo_dir, "%s.undo.%s.mmp" % (name, suffix)) if undo_temp else None
        record_path = os.path.join(undo_dir, "%s.import.%s.json" % (name, suffix))
        if os.path.lexists(record_path) or not _link_undo(undo_temp, undo_path):
            continue
        if _write_record(record_path, record_for, undo_temp, undo_path):
            return undo_path, record_path


def _link_undo(undo_temp: Optional[str], undo_path: Optional[str]) -> bool:
    """Give the undo package (if any) its name; False when the name is taken."""
    if not undo_path:
        return True
    try:
        files.link_new(undo_temp, undo_path)
    except FileExistsError:
        return False
    except OSError as exc:
        raise MstrError("the undo package could not be saved as %s: %s" % (undo_path, exc.strerror),
                        path=undo_path) from exc
    return True


def _write_record(record_path: str, record_for, undo_temp: Optional[str], undo_path: Optional[str]) -> bool:
    """Write the record under a new name; False (the undo package's name given back) when the name is taken."""
    try:
        write_json(record_path, record_for(undo_path), replace=False)
        return True
    except FileExistsError:
        if undo_path:
            _unplace(undo_temp, undo_path)
        return False
    except (OSError, files.WriteError) as exc:
        # WriteError: the bytes could not be written (files.TempFileSink); OSError: the name could not be given
        why = exc.reason if isinstance(exc, files.WriteError) else exc.strerror
        raise MstrError("the import record could not be written to %s: %s%s" % (
            record_path, why, "; the undo package was saved as %s" % undo_path if undo_path else ""),
            undo_package=undo_path, path=record_path) from exc


def _unplace(temp: str, path: str) -> None:
    """Take the name ``path`` back from a file that also has (or had) the name ``temp``."""
    if os.path.exists(temp):
        os.unlink(path)  # a hard link: the temporary name still holds the file
    else:
        os.replace(path, temp)  # renamed (no hard links here): back to its temporary name
