# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a project security package: per user or group, per kind of link, what decided.

A project security package carries a user's (or group's) links in the
project: security roles, security filters, connection mappings, profile
folder links and personal preferences. The REST API shows the first two
(``security_api.py``); the export writes them into the manifest (``links``),
and the import compares them with the target's, by the package's action as
for any object (``plan.outcome``, with the links standing for the version).
The other three no call shows: for them the newest import record of this
target and project that lists the user decides. When it imported the same
package file (sha256) and the links that can be compared are the same, the
user is up to date "as recorded" there; otherwise the package is imported.
"""

from __future__ import annotations

import glob
import json
import os
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils import plan as planning
from ansible_collections.mstr.migration.plugins.module_utils.objects import PROJECT_SECURITY, type_name
from ansible_collections.mstr.migration.plugins.module_utils.records import RECORD_FORMAT
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url

SECURITY_ROLES = "security_roles"
SECURITY_FILTERS = "security_filters"
READABLE = (SECURITY_ROLES, SECURITY_FILTERS)
# The kinds no REST call shows, decided by the import records.
UNSHOWN = "other_links"
UNSHOWN_TEXT = "connection mappings, profile folder links and personal preferences"
KIND_TEXT = {SECURITY_ROLES: "security roles", SECURITY_FILTERS: "security filters", UNSHOWN: UNSHOWN_TEXT}
SAME = "same"
DIFFERS = "differs: "


# ------------------------------------------------------------------ the manifest
def for_manifest(project_id: Optional[str], links: Optional[dict]) -> Optional[dict]:
    """What the manifest keeps of the source's links (``security_api.SecurityApi.links``), None when unread."""
    return None if links is None else {"project_id": project_id, "members": links}


def from_manifest(data: dict) -> Optional[dict]:
    """``{member id: {kind: [{id, name}]}}`` from a manifest, None when it has none (older manifests, or the links
    could not be read at export time) or they are damaged (then the package is compared as before: not at all)."""
    package = data.get("package") if isinstance(data, dict) else None
    links = package.get("links") if isinstance(package, dict) else None
    members = links.get("members") if isinstance(links, dict) else None
    if not isinstance(members, dict):
        return None
    for kinds in members.values():
        if not isinstance(kinds, dict) or not all(
                isinstance(kinds.get(kind), list) and all(_is_link(link) for link in kinds[kind]) for kind in READABLE):
            return None
    return {str(member).upper(): kinds for member, kinds in members.items()}


def _is_link(link) -> bool:
    """{id[, name]}: an id, and a name (when there is one) that is text too."""
    return (isinstance(link, dict) and isinstance(link.get("id"), str)
            and (link.get("name") is None or isinstance(link["name"], str)))


def same_links(first: Optional[dict], second: Optional[dict]) -> bool:
    """Two readings of the links (a manifest's, the server's) name the same roles and filters."""
    def key(links):
        return None if links is None else {
            member: {kind: sorted(link["id"].upper() for link in kinds.get(kind) or []) for kind in READABLE}
            for member, kinds in links.items()}
    return key(first) == key(second)


# ------------------------------------------------------------------ the records
def newest_records(undo_dir: str, base_url: str, project_id: Optional[str]) -> dict:
    """``{member id: {file, finished_at, sha256}}``: per user or group, the newest import record of a project
    security package into this server and project (in ``undo_dir``, where the import writes them) that lists it."""
    newest: dict = {}
    for path in glob.glob(os.path.join(glob.escape(undo_dir), "*.import.*.json")):
        if not os.path.isfile(path):  # a FIFO or a device would block the read, a directory is not a record
            continue
        record = _read_record(path)
        target = record.get("target") if isinstance(record.get("target"), dict) else {}
        package = record.get("package") if isinstance(record.get("package"), dict) else {}
        if package.get("type") != PROJECT_SECURITY or not _same_target(target, base_url, project_id):
            continue
        seen = {"file": os.path.basename(path), "finished_at": str(record.get("finished_at") or ""),
                "sha256": package.get("sha256")}
        for entry in record.get("plan") if isinstance(record.get("plan"), list) else []:
            member = str(entry.get("id", "")).upper() if isinstance(entry, dict) else ""
            known = newest.get(member)
            if member and (known is None or (seen["finished_at"], seen["file"]) > (known["finished_at"],
                                                                                   known["file"])):
                newest[member] = seen
    return newest


def _read_record(path: str) -> dict:
    """A record, or {} for a file that is not one (it is then simply not a witness)."""
    try:
        with open(path, "rb") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python recurses
        return {}
    return data if isinstance(data, dict) and data.get("format") == RECORD_FORMAT else {}


def _same_target(target: dict, base_url: str, project_id: Optional[str]) -> bool:
    try:
        same_server = normalise_base_url(str(target.get("base_url"))) == normalise_base_url(base_url)
    except ValueError:
        return False
    return same_server and str(target.get("project_id") or "").upper() == str(project_id or "").upper()


# ------------------------------------------------------------------ the plan
def _names(links: list) -> list:
    return [link.get("name") or link["id"] for link in links]


def compare_kind(package_links: list, target_links: list) -> str:
    """``same``, or ``differs: adds 'A'; removes 'B'`` (what the import would make of the target's links)."""
    package_ids = {link["id"].upper(): link for link in package_links}
    target_ids = {link["id"].upper(): link for link in target_links}
    added = [package_ids[key] for key in sorted(set(package_ids) - set(target_ids))]
    removed = [target_ids[key] for key in sorted(set(target_ids) - set(package_ids))]
    if not added and not removed:
        return SAME
    parts = ["%s '%s'" % (word, "', '".join(_names(links))) for word, links in (("adds", added), ("removes", removed))
             if links]
    return DIFFERS + "; ".join(parts)


def _decide_unshown(member: str, records: dict, sha256: Optional[str]) -> tuple:
    """``(up to date, what decided)`` for the kinds no call shows."""
    record = records.get(member)
    if record is None:
        return False, "unknown: no import record of a project security package into this project lists it"
    if not sha256 or record["sha256"] != sha256:
        return False, "unknown: the newest import record listing it (%s, %s) imported another package file" % (
            record["file"], record["finished_at"])
    return True, "as recorded on %s in %s" % (record["finished_at"], record["file"])


def _entry(item: dict, target: Optional[dict], package_links: dict, target_links: dict) -> dict:
    return {
        "id": item.get("id"), "name": item.get("name"), "type": item.get("type"),
        "type_name": type_name(item.get("type")), "action": item.get("action"),
        "version_before": (target or {}).get("version"), "version_package": item.get("version"),
        "links_target": {kind: _names(target_links[kind]) for kind in READABLE},
        "links_package": {kind: _names(package_links[kind]) for kind in READABLE},
    }


def plan_entry(item: dict, target: Optional[dict], package_links: dict, target_links: dict, records: dict,
               sha256: Optional[str]) -> dict:
    """The plan entry of one user or group: the outcome of its links by the package's action, and per kind of
    link what decided (``links``)."""
    entry = _entry(item, target, package_links, target_links)
    decided = {kind: compare_kind(package_links[kind], target_links[kind]) for kind in READABLE}
    # The links stand for the version: the action table decides as for any object (plan.py).
    key = "|".join(",".join(sorted(link["id"].upper() for link in package_links[kind])) for kind in READABLE)
    target_key = "|".join(",".join(sorted(link["id"].upper() for link in target_links[kind])) for kind in READABLE)
    exists = any(target_links[kind] for kind in READABLE)
    outcome, reason = planning.outcome(item.get("action"), {"type": item.get("type"), "version": key or "-"},
                                       {"version": target_key or "-"} if exists else None)
    if outcome == planning.NONE:
        up_to_date, decided[UNSHOWN] = _decide_unshown(str(item.get("id", "")).upper(), records, sha256)
        if not up_to_date:
            outcome, reason = planning.UNKNOWN, "%s: %s" % (UNSHOWN_TEXT, decided[UNSHOWN])
    else:
        decided[UNSHOWN] = "not compared: the import carries them with the rest"
    entry.update(outcome=outcome, links=decided)
    if reason:
        entry["reason"] = reason
    entry["line"] = line(entry)
    return entry


def _said(decided: str) -> str:
    """A decision as a line says it: ``the same``, ``differ (adds 'A'; removes 'B')``, or as it is."""
    if decided == SAME:
        return "the same"
    if decided.startswith(DIFFERS):
        return "differ (%s)" % decided[len(DIFFERS):]
    return decided


def line(entry: dict) -> str:
    """``replace the links of 'Administrator' (54F3...) in the project: security roles differ (adds 'X'); ...``"""
    word = "unchanged" if entry["outcome"] == planning.NONE else entry["outcome"]
    return "%s the links of '%s' (%s) in the project: %s" % (word, entry["name"], entry["id"], "; ".join(
        "%s %s" % (KIND_TEXT[kind], _said(entry["links"][kind])) for kind in READABLE + (UNSHOWN,)))


def build_plan(objects: list, targets: list, package_links: dict, target_links: dict, records: dict,
               sha256: Optional[str], unknown_reason: str) -> list:
    """The plan of a project security package's users and groups; one whose links the manifest does not hold is
    ``unknown`` (``unknown_reason``)."""
    plan = []
    for item, target in zip(objects, targets):
        member = str(item.get("id", "")).upper()
        if member not in package_links or member not in target_links:
            plan.extend(planning.build_plan([item], [target], unknown_reason))
            continue
        plan.append(plan_entry(item, target, package_links[member], target_links[member], records, sha256))
    return plan
