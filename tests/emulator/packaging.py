# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What goes into a package: its definition checked, its objects looked up in the metadata with their dependents.

Pure functions of a definition and the metadata (``seed.initial_metadata``
shape), for every family that builds packages.
"""

from __future__ import annotations

import copy
import re
from typing import Optional

from . import seed
from .errors import invalid_input
from .jobs import JobFailed

ACTIONS = ("use_existing", "replace", "keep_both", "use_newer", "use_older", "force_replace", "delete")
ACL_ON_REPLACING = ("use_existing", "replace")
ACL_ON_NEW = ("keep_acl_as_source_object", "inherit_acl_as_dest_folder")
UPDATE_SCHEMA = ("recal_table_logical_size", "recal_table_keys_fact_entry_level", "update_schema_logical_info")
PACKAGE_TYPES = ("project", "configuration", "project_security")
OBJECT_ID = re.compile(r"^[0-9A-Fa-f]{32}$")
USER = 34  # users and user groups: all a project security package holds
HEADER_FORMAT = "mstr-emulator-package/1"


# ------------------------------------------------------------------ definition
def package_type(body) -> str:
    if not isinstance(body, dict):
        raise invalid_input("The package definition must be a JSON object.")
    kind = body.get("type")
    if kind not in PACKAGE_TYPES:
        raise invalid_input("Invalid package type '%s'; expected one of %s." % (kind, ", ".join(PACKAGE_TYPES)))
    return kind


def _acl_on_replacing(settings: dict, kind: str) -> Optional[str]:
    value = settings.get("aclOnReplacingObjects")
    if value is not None:
        if kind == "project_security":
            raise invalid_input("settings.aclOnReplacingObjects is not supported for project security packages.")
        if value not in ACL_ON_REPLACING:
            raise invalid_input("Invalid settings.aclOnReplacingObjects '%s'." % value)
    return value


def _update_schema(settings: dict, kind: str) -> Optional[list]:
    value = settings.get("updateSchema")
    if not value:
        return None
    if kind != "project":
        raise invalid_input("settings.updateSchema is only supported for project packages.")
    if not isinstance(value, list) or any(v not in UPDATE_SCHEMA for v in value):
        raise invalid_input("Invalid settings.updateSchema %r." % (value,))
    return value


def _settings(body: dict, kind: str) -> dict:
    settings = body.get("settings") or {}
    if not isinstance(settings, dict):
        raise invalid_input("settings must be a JSON object.")
    default_action = settings.get("defaultAction", "use_existing")
    if default_action not in ACTIONS:
        raise invalid_input("Invalid settings.defaultAction '%s'." % default_action)
    acl_replacing = _acl_on_replacing(settings, kind)
    acl_new = settings.get("aclOnNewObjects") or []
    if not isinstance(acl_new, list) or any(v not in ACL_ON_NEW for v in acl_new):
        raise invalid_input("Invalid settings.aclOnNewObjects %r." % (acl_new,))
    update_schema = _update_schema(settings, kind)
    return {"updateSchema": update_schema, "aclOnReplacingObjects": acl_replacing, "aclOnNewObjects": acl_new,
            "defaultAction": default_action}


def _content_item(index: int, item, default_action: str) -> dict:
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
    return {"id": oid.upper(), "name": item.get("name"), "type": otype, "action": action, "includeDependents": include}


def validate_definition(body: dict, kind: str) -> tuple:
    """(settings, requested items) of a definition body of type ``kind``; 400 ERR006 for a structural mistake."""
    settings = _settings(body, kind)
    content = body.get("content")
    if not isinstance(content, list) or not content:
        raise invalid_input("content must be a non-empty list of objects.")
    return settings, [_content_item(index, item, settings["defaultAction"]) for index, item in enumerate(content)]


# ---------------------------------------------------------------------- build
def _lookup_scope(kind: str, project_id: Optional[str]) -> str:
    """Where a package type's objects are looked up."""
    return project_id if kind == "project" else seed.CONFIGURATION_SCOPE


def injected_failure(metadata: dict, kind: str, project_id: Optional[str], requested: list) -> JobFailed:
    """The failure of a definition that a ``fail_processing`` fault fails."""
    names = metadata[_lookup_scope(kind, project_id)]
    return JobFailed("Package creation failed: the Intelligence Server reported an error while building the "
                     "package (injected fault).",
                     [(item["id"], names.get(item["id"], {}).get("name", item["id"]),
                       "The object could not be added to the package (injected fault).") for item in requested])


def _missing(metadata: dict, kind: str, item: dict, where: str) -> JobFailed:
    if kind == "project":
        elsewhere = item["id"] in metadata[seed.CONFIGURATION_SCOPE]
    else:
        elsewhere = any(item["id"] in metadata[p["id"]] for p in seed.PROJECTS)
    if elsewhere:
        level = "configuration" if kind == "project" else "project"
        return JobFailed("Object '%s' is a %s object and cannot be added to a %s package." % (item["id"], level, kind))
    return JobFailed("Object '%s' (type %s) was not found in %s." % (item["id"], item["type"], where),
                     [(item["id"], None, "Not found in %s." % where)])


def _explicit(metadata: dict, kind: str, lookup: dict, requested: list, where: str) -> dict:
    """The requested items by id, each checked against the metadata."""
    explicit = {}
    for item in requested:
        record = lookup.get(item["id"])
        if record is None:
            raise _missing(metadata, kind, item, where)
        if record["type"] != item["type"]:
            raise JobFailed("Object '%s' is of type %s, not %s." % (item["id"], record["type"], item["type"]),
                            [(item["id"], record["name"], "Of type %s, not %s." % (record["type"], item["type"]))])
        if kind == "project_security" and record["type"] != USER:
            raise JobFailed("Only users and user groups can be added to a project security package; '%s' is of "
                            "type %s." % (record["name"], record["type"]))
        explicit[item["id"]] = item
    return explicit


def _with_dependents(explicit: dict, lookup: dict, kind: str, default_action: str) -> list:
    """[(id, action, includeDependents, explicitIncluded)]: the explicit items first, then their dependents
    (transitively, breadth first)."""
    ordered = [(oid, item["action"], item["includeDependents"], True) for oid, item in explicit.items()]
    seen = set(explicit)
    queue = [oid for oid, item in explicit.items() if item["includeDependents"]]
    while queue:
        current = queue.pop(0)
        for dep in lookup[current].get("dependsOn", []):
            if dep in seen or dep not in lookup or (kind == "project_security" and lookup[dep]["type"] != USER):
                continue
            seen.add(dep)
            ordered.append((dep, default_action, False, False))
            queue.append(dep)
    return ordered


def _listed(record: dict, action: str, include: bool, is_explicit: bool, public_object) -> dict:
    shown = public_object(record, None)
    shown.pop("subtype", None)
    shown.pop("description", None)
    shown.update(action=action, includeDependents=include, explicitIncluded=is_explicit, level=record["level"])
    return shown


def _carried(metadata: dict, record: dict, kind: str, project_id: Optional[str], action: str) -> dict:
    """The full record a binary carries: a project security package carries the project's security links."""
    if kind == "project_security":
        links = metadata[seed.security_scope(project_id)].get(record["id"])
        carried = copy.deepcopy(links) if links else dict(
            copy.deepcopy(record), securityRoles=[], securityFilters=[], dependsOn=[])
    else:
        carried = copy.deepcopy(record)
    carried["action"] = action
    return carried


def build(metadata: dict, kind: str, project_id: Optional[str], project_name: Optional[str], settings: dict,
          requested: list, public_object) -> tuple:
    """(content, objects) of a definition: what a read lists and what the binary carries; JobFailed when an object
    is missing, of another type or level."""
    lookup = metadata[_lookup_scope(kind, project_id)]
    where = project_name if kind == "project" else "the configuration"
    explicit = _explicit(metadata, kind, lookup, requested, where)
    ordered = _with_dependents(explicit, lookup, kind, settings["defaultAction"])
    content = [_listed(lookup[oid], action, include, is_explicit, public_object)
               for oid, action, include, is_explicit in ordered]
    objects = [_carried(metadata, lookup[oid], kind, project_id, action) for oid, action, _include, _explicit in ordered]
    return content, objects


def binary_header(package_id: str, created_at: str, kind: Optional[str], project_id: Optional[str], settings: dict,
                  content: list, objects: list, padding_bytes: int = 0) -> dict:
    """The header of an emulator binary (binaries.py): the definition and the objects' full records."""
    return {
        "format": HEADER_FORMAT,
        "packageId": package_id,
        "createdAt": created_at,
        "type": kind,
        "projectId": project_id,
        "settings": settings,
        "content": content,
        "objects": objects,
        "paddingBytes": padding_bytes,
    }


# ------------------------------------------------------------ object details
DETAIL_TYPES = {12: "attribute", 13: "fact", 14: "dimension_user", 15: "logical_table"}
VERSIONS = {
    "webVersion": "11.4.0900.0100J",
    "modelingVersion": "11.4.0900.0100",
    "iServerVersion": "11.4.0900.0064",
}
ID_FORM = "45C11FA478E745FEA08D781CEA190FE5"


def detailed_definition(obj: dict) -> dict:
    """An object's detailed definition as GET /api/packages/{id}/objects shows it (types DETAIL_TYPES)."""
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
            "id": ID_FORM, "name": "ID", "description": obj["name"] + " ID",
            "category": "ID", "type": "system", "displayFormat": "number",
            "dataType": {"type": "integer", "precision": 2, "scale": -2147483648},
            "alias": alias + "_ID", "lookupTable": table,
        }]
        definition["attributeLookupTable"] = table
        definition["keyForm"] = {"id": ID_FORM, "name": "ID"}
        definition["sorts"] = {}
    return definition
