# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What an import would do to each object of a package in a target: the plan.

Pure functions. The rule is the vendor SDK's table of import actions, restated
in API_NOTES ("What an import does to an object, by action"): an object that
exists in the target with the same id and the same version is identical, so
only ``force_replace`` and ``delete`` touch it. A folder's version says
nothing (non-empty folders never keep the source's version), so for folders
only existence counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.objects import FOLDER_TYPE, type_name

CREATE, REPLACE, DELETE, DUPLICATE, NONE, UNKNOWN = "create", "replace", "delete", "duplicate", "none", "unknown"
OUTCOMES = (CREATE, REPLACE, DELETE, DUPLICATE, NONE, UNKNOWN)
# The outcomes that give an object of the package another version in the target (or take it away).
CHANGING = (CREATE, REPLACE, DELETE)
_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


def _date(value) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    text = value.replace("Z", "+0000")
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def outcome(action: str, package_object: dict, target_object: Optional[dict]) -> tuple:
    """``(outcome, reason)`` for one object; ``reason`` says why when the outcome is ``unknown``."""
    if target_object is None:
        return (NONE, None) if action == "delete" else (CREATE, None)
    if action in ALWAYS:
        return ALWAYS[action], None
    if package_object.get("type") == FOLDER_TYPE:
        return NONE, None  # it exists; a folder's version cannot tell more
    source_version, target_version = package_object.get("version"), target_object.get("version")
    if not source_version or not target_version:
        return UNKNOWN, "no version to compare"
    if source_version.upper() == target_version.upper() or action == "use_existing":
        return NONE, None
    if action in OTHER_VERSION:
        return OTHER_VERSION[action], None
    if action in ("use_newer", "use_older"):
        return _by_dates(action, package_object, target_object)
    return UNKNOWN, "unknown action %r" % (action,)


# What an action does to an object the target has: whatever its version, and when the version differs.
ALWAYS = {"delete": DELETE, "force_replace": REPLACE}
OTHER_VERSION = {"replace": REPLACE, "keep_both": DUPLICATE}


def _by_dates(action: str, package_object: dict, target_object: dict) -> tuple:
    """use_newer and use_older: the modification dates decide."""
    source_date, target_date = _date(package_object.get("dateModified")), _date(target_object.get("dateModified"))
    if source_date is None or target_date is None:
        return UNKNOWN, "no modification dates to compare for %s" % action
    wins = source_date > target_date if action == "use_newer" else source_date < target_date
    return (REPLACE, None) if wins else (NONE, None)


def lookups(objects: list) -> list:
    """What to read in the target for each package object (server keys): ``{id, type, level}``."""
    return [{"id": str(item.get("id", "")).upper(), "type": item.get("type"), "level": item.get("level")}
            for item in objects]


def build_plan(objects: list, targets: list, unknown_reason: Optional[str] = None) -> list:
    """One entry per package object (server keys, camelCase) with the target's copy (or None) beside it.

    ``unknown_reason`` marks every object ``unknown`` (the target cannot be compared for this package).
    """
    plan = []
    for item, target in zip(objects, targets):
        if unknown_reason:
            result, reason = UNKNOWN, unknown_reason
        else:
            result, reason = outcome(item.get("action"), item, target)
        entry = {
            "id": item.get("id"), "name": item.get("name"), "type": item.get("type"),
            "type_name": type_name(item.get("type")), "action": item.get("action"),
            "version_before": (target or {}).get("version"), "version_package": item.get("version"),
            "outcome": result,
        }
        if reason:
            entry["reason"] = reason
        entry["line"] = line(entry)
        plan.append(entry)
    return plan


def line(entry: dict) -> str:
    """``create attribute 'Year' (8D67...)``: one plan entry as a playbook prints it (``unchanged`` for ``none``)."""
    word = "unchanged" if entry["outcome"] == NONE else entry["outcome"]
    return "%s %s '%s' (%s)" % (word, entry["type_name"], entry["name"], entry["id"])


def summary(plan: list) -> dict:
    counts = dict.fromkeys(OUTCOMES, 0)
    for entry in plan:
        counts[entry["outcome"]] += 1
    return counts


def needs_import(plan: list) -> bool:
    """True when the import would change something, or when that cannot be told (an empty or unknown plan)."""
    return not plan or any(entry["outcome"] != NONE for entry in plan)


LABELS = {CREATE: "created", REPLACE: "replaced", DELETE: "deleted", DUPLICATE: "copied beside the existing one",
          NONE: "unchanged", UNKNOWN: "not comparable"}


def describe(counts: dict) -> str:
    """``2 created, 1 unchanged`` (the outcomes that occur, in a fixed order)."""
    return ", ".join("%d %s" % (counts[name], LABELS[name]) for name in OUTCOMES if counts.get(name)) or "no objects"
