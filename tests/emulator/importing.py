# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an import does to the target: each object by its action, atomically, and the undo package's objects.

Pure functions of a binary's header and the metadata, for every family that imports packages.
"""

from __future__ import annotations

import copy
from typing import Optional

from . import packaging, seed
from .jobs import JobFailed
from .stamps import new_version

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
# A project security package's object is a user's or group's links in the project: they are "the same version"
# when they name the same roles and filters, and a user without any link has none there (seed.TUTORIAL_SECURITY).
LINK_FIELDS = ("securityRoles", "securityFilters")
UNDO_FIELDS = ("id", "name", "version", "type", "owner", "dateCreated", "dateModified", "action")


def same_links(first: dict, second: dict) -> bool:
    return all(sorted(first.get(field) or []) == sorted(second.get(field) or []) for field in LINK_FIELDS)


def has_links(record: Optional[dict]) -> bool:
    return record is not None and any(record.get(field) for field in LINK_FIELDS)


def import_outcome(action: str, existing: Optional[dict], source: dict, links: bool = False) -> str:
    """nothing, create, replace, copy (keep both: the source saved as a new object) or delete.

    ``links``: the objects are project security links, compared by what they link to, not by version."""
    same_version, other_version, absent = IMPORT_OUTCOMES[action]
    if existing is None or (links and not has_links(existing)):
        return absent
    if same_links(existing, source) if links else existing["version"] == source["version"]:
        return same_version
    if other_version == "newer":
        return "replace" if source["dateModified"] > existing["dateModified"] else "nothing"
    if other_version == "older":
        return "replace" if source["dateModified"] < existing["dateModified"] else "nothing"
    return other_version


def scope_for(kind: Optional[str], project_id: Optional[str]) -> str:
    """Where an import of a package type writes."""
    if kind == "project":
        return project_id
    if kind == "project_security":
        return seed.security_scope(project_id)
    return seed.CONFIGURATION_SCOPE


def injected_failure(header: Optional[dict]) -> JobFailed:
    """The failure of an import that a ``fail_imports`` fault fails."""
    objects = (header or {"objects": []})["objects"]
    return JobFailed("Import failed: the Intelligence Server reported an error while importing the package "
                     "(injected fault).",
                     [(obj["id"], obj["name"], "The object could not be imported: no write access (injected fault).")
                      for obj in objects])


class Change:
    """One import's changes to a copy of the target scope, and what its undo package must hold."""

    def __init__(self, target: dict, links: bool = False):
        self.target = target
        self.links = links
        self.undo_objects: list = []
        self.undo_possible = True
        self.deleted: list = []

    def apply(self, obj: dict):
        record = {k: copy.deepcopy(v) for k, v in obj.items() if k != "action"}
        existing = self.target.get(obj["id"])
        outcome = import_outcome(obj["action"], existing, record, self.links)
        if outcome in ("create", "replace", "copy") and record["type"] == FOLDER:
            # A folder is created first and filled afterwards: it never keeps the source's version.
            record["version"] = new_version()
        if outcome == "copy":
            record.update(id=new_version(), name=record["name"] + " (1)")
            self.target[record["id"]] = record
            self.undo_possible = False  # the vendor: no undo package for keep_both
        elif outcome == "delete":
            del self.target[obj["id"]]
            self.deleted.append(existing)
            self.undo_objects.append(dict(copy.deepcopy(existing), action="replace"))
        elif outcome in ("create", "replace"):
            self.undo_objects.append(dict(copy.deepcopy(existing), action="replace") if existing
                                     else dict(copy.deepcopy(record), action="delete"))
            self.target[obj["id"]] = record

    def check_deletions(self):
        """A deleted object that another object still uses fails the whole import."""
        for gone in self.deleted:
            users = [r for r in self.target.values() if gone["id"] in r.get("dependsOn", [])]
            if users:
                raise JobFailed("Cannot delete '%s' (%s): it is used by '%s' (%s)."
                                % (gone["name"], gone["id"], users[0]["name"], users[0]["id"]),
                                [(gone["id"], gone["name"], "The object has used-by dependencies: %s."
                                  % ", ".join("'%s' (%s)" % (u["name"], u["id"]) for u in users))])


def apply_import(metadata: dict, header: dict, project_id: Optional[str]) -> Change:
    """Apply a binary's objects to the target, all or nothing (JobFailed: nothing changed)."""
    scope = scope_for(header["type"], project_id) if header["type"] else seed.CONFIGURATION_SCOPE
    change = Change(copy.deepcopy(metadata.setdefault(scope, {})), links=header["type"] == "project_security")
    for obj in header["objects"]:
        change.apply(obj)
    change.check_deletions()
    metadata[scope] = change.target
    return change


def undo_item(obj: dict) -> dict:
    item = {key: copy.deepcopy(obj.get(key)) for key in UNDO_FIELDS}
    item.update(includeDependents=False, explicitIncluded=True, level=obj.get("level"))
    return item


def undo_header(package_id: str, created_at: str, header: dict, project_id: Optional[str], change: Change) -> dict:
    """The binary header of the undo package of an import of ``header`` that made ``change``."""
    return packaging.binary_header(package_id, created_at, header["type"], project_id,
                                   dict(header["settings"], defaultAction="replace"),
                                   [undo_item(o) for o in change.undo_objects], change.undo_objects)
