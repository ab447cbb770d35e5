# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package definition rules: option validation and mapping, comparison, fingerprints, views.

The domain layer: pure functions over plain data, no HTTP (that is
``package_api.PackageApi``) and no AnsibleModule, except ``resolve_names``,
which finds ids through ``names.py``. Every rule about a package definition
lives here once.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.answers import (mapping, normalise_status, objects_list,
                                                                             strings_list)
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.names import find_by_name
from ansible_collections.mstr.migration.plugins.module_utils.objects import (CONFIGURATION, CONFIGURATION_LEVEL_TYPES,
                                                                             OBJECT_ID_EXAMPLE, PROJECT,
                                                                             PROJECT_LEVEL_TYPES, PROJECT_SECURITY,
                                                                             USER_TYPE, is_object_id,
                                                                             object_type_number, type_name)

PACKAGE_TYPES = (PROJECT, CONFIGURATION, PROJECT_SECURITY)
ACTIONS = ("use_existing", "replace", "keep_both", "use_newer", "use_older", "force_replace", "delete")
ACL_ON_REPLACING = ("use_existing", "replace")
ACL_ON_NEW = ("keep_acl_as_source_object", "inherit_acl_as_dest_folder")
UPDATE_SCHEMA = ("recal_table_logical_size", "recal_table_keys_fact_entry_level", "update_schema_logical_info")


# ---------------------------------------------------------------- validation
def check_project_id(package_type: Optional[str], project_id: Optional[str], option: str = "project_id",
                     project: Optional[str] = None) -> None:
    """The X-MSTR-ProjectID rule, before any request: required for project and project security packages, absent
    for configuration (``objects.project_header`` decides what is sent).

    ``project`` is a project name given instead of the id (looked up after login).
    """
    project_id = project_id or None  # an empty string (templated or from the environment) means unset
    if project_id is not None and not is_object_id(project_id):
        raise ValidationError(option, "'%s' is not a project id (32 hexadecimal characters); give the project's "
                                      "name as project instead" % project_id)
    if package_type == CONFIGURATION and (project_id or project):
        raise ValidationError("project" if project else option,
                              "must not be set for a configuration package (configuration objects live outside "
                              "projects); remove project and project_id, or unset MSTR_PROJECT_ID")
    if package_type in (PROJECT, PROJECT_SECURITY) and not (project_id or project):
        raise ValidationError(option, "is required for a %s package; set project_id (or MSTR_PROJECT_ID) to the "
                                      "project's id, or project to its name" % package_type)


def _choice(value, allowed, option):
    if value not in allowed:
        raise ValidationError(option, "%r is not allowed; use one of %s" % (value, ", ".join(allowed)))
    return value


def _choices(values, allowed, option) -> list:
    """A list option whose every element is one of ``allowed``."""
    if not isinstance(values, list):
        raise ValidationError(option, "must be a list")
    for value in values:
        _choice(value, allowed, option)
    return list(values)


def validate_settings(package_type: str, settings: Optional[dict]) -> dict:
    """Module settings (snake_case) -> API settings (camelCase), checked per package type."""
    if settings is not None and not isinstance(settings, dict):
        raise ValidationError("settings", "must be a dictionary of default_action, acl_on_replacing_objects, "
                                          "acl_on_new_objects and update_schema")
    settings = dict(settings or {})
    # Checked in this order, so that the first wrong setting is the one named.
    default_action = _choice(settings.get("default_action") or "use_existing", ACTIONS, "settings.default_action")
    acl_replacing = _acl_on_replacing(package_type, settings.get("acl_on_replacing_objects"))
    acl_new = settings.get("acl_on_new_objects")
    acl_new = _choices(["keep_acl_as_source_object"] if acl_new is None else acl_new, ACL_ON_NEW,
                       "settings.acl_on_new_objects")
    return {
        "updateSchema": _update_schema(package_type, settings.get("update_schema") or None),
        "aclOnReplacingObjects": acl_replacing,
        "aclOnNewObjects": acl_new,
        "defaultAction": default_action,
    }


def _acl_on_replacing(package_type: str, value) -> Optional[str]:
    if package_type != PROJECT_SECURITY:
        return _choice(value or "use_existing", ACL_ON_REPLACING, "settings.acl_on_replacing_objects")
    if value is not None:
        raise ValidationError("settings.acl_on_replacing_objects",
                              "is not supported for project security packages; remove it")
    return None


def _update_schema(package_type: str, value) -> Optional[list]:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValidationError("settings.update_schema", "must be a list")
    if package_type != PROJECT:
        raise ValidationError("settings.update_schema", "is only supported for project packages; remove it")
    return _choices(value, UPDATE_SCHEMA, "settings.update_schema")


def validate_content(package_type: str, content, default_action: str) -> list:
    """Module content items -> API items; ``id`` may be missing when ``name`` is given (resolved later)."""
    if not content:
        raise ValidationError("content", "is empty; list at least one object with id (or name) and type")
    if not isinstance(content, list):
        raise ValidationError("content", "must be a list of objects with id (or name) and type")
    items = [_content_item(package_type, item, default_action, "content[%d]" % index)
             for index, item in enumerate(content)]
    check_duplicates(items)
    return items


def _content_item(package_type: str, item, default_action: str, where: str) -> dict:
    if not isinstance(item, dict):
        raise ValidationError(where, "must be a dictionary with id or name, type, action, include_dependents")
    object_id, name = item.get("id"), item.get("name")
    if object_id is None and not name:
        raise ValidationError(where, "needs id (32 hexadecimal characters) or name")
    if name is not None and not isinstance(name, str):
        raise ValidationError(where + ".name", "must be a string")
    if object_id is not None and not is_object_id(object_id):
        raise ValidationError(where + ".id", "%r is not an object id; ids are 32 hexadecimal characters such as %s"
                              % (object_id, OBJECT_ID_EXAMPLE))
    if item.get("type") is None:
        raise ValidationError(where + ".type", "is required (a number such as 12 or a name such as attribute)")
    number = object_type_number(item["type"], where + ".type")
    _check_level(package_type, number, where + ".type")
    action = _choice(item.get("action") or default_action, ACTIONS, where + ".action")
    include = item.get("include_dependents", False)
    if not isinstance(include, bool):
        raise ValidationError(where + ".include_dependents", "must be true or false")
    entry = {"id": object_id.upper() if object_id else None, "type": number, "action": action,
             "includeDependents": include}
    if name:
        entry["name"] = name
    return entry


def _check_level(package_type: str, number: int, option: str) -> None:
    """Each package type takes the objects of its level (project security: users and user groups only)."""
    if package_type == PROJECT and number in CONFIGURATION_LEVEL_TYPES:
        raise ValidationError(option, "%s (type %s) is a configuration-level object and cannot go into a project "
                                      "package; use type: configuration" % (type_name(number), number))
    if package_type == CONFIGURATION and number in PROJECT_LEVEL_TYPES:
        raise ValidationError(option, "%s (type %s) is a project-level object and cannot go into a configuration "
                                      "package; use type: project" % (type_name(number), number))
    if package_type == PROJECT_SECURITY and number != USER_TYPE:
        raise ValidationError(option, "project security packages take users and user groups only, got %s (type %s)"
                              % (type_name(number), number))


def check_duplicates(items: list) -> None:
    """Each object once (by id, including ids found for names); counted once, linear for bulk packages."""
    counts = Counter(entry["id"] for entry in items if entry["id"])
    duplicates = sorted(object_id for object_id, count in counts.items() if count > 1)
    if duplicates:
        raise ValidationError("content", "lists %s more than once (by id, or by id and by name)"
                              % ", ".join(duplicates))


def validate_definition(package_type: str, settings: Optional[dict], content, project_id: Optional[str],
                        project: Optional[str] = None) -> dict:
    """All checks of a package definition, before any request. Returns the API body."""
    _choice(package_type, PACKAGE_TYPES, "type")
    check_project_id(package_type, project_id, project=project)
    api_settings = validate_settings(package_type, settings)
    items = validate_content(package_type, content, api_settings["defaultAction"])
    return {"type": package_type, "settings": api_settings, "content": items}


def resolve_names(api, body: dict) -> dict:
    """Fill in the id of content items given by name, through the server's search (``names.find_by_name``)."""
    for index, item in enumerate(body["content"]):
        if not item["id"]:
            item["id"] = find_by_name(api, item["name"], item["type"], "content[%d].name" % index)
    check_duplicates(body["content"])
    return body


# --------------------------------------------------------------- comparison
def _settings_key(settings: Optional[dict]) -> dict:
    settings = mapping(settings, "settings")
    return {
        "updateSchema": sorted(strings_list(settings.get("updateSchema"), "settings.updateSchema")),
        "aclOnReplacingObjects": settings.get("aclOnReplacingObjects"),
        "aclOnNewObjects": sorted(strings_list(settings.get("aclOnNewObjects"), "settings.aclOnNewObjects")),
        "defaultAction": settings.get("defaultAction"),
    }


def explicit_items(content) -> list:
    """The objects a user asked for (not the dependents the server added), comparable."""
    items = []
    for item in objects_list(content, "content"):
        if item.get("explicitIncluded") is False:
            continue
        items.append({"id": str(item.get("id", "")).upper(), "type": item.get("type"),
                      "action": item.get("action"), "includeDependents": bool(item.get("includeDependents"))})
    return sorted(items, key=lambda i: json.dumps(i, sort_keys=True, default=str))


def definition_differences(desired: dict, current: dict) -> list:
    """What differs between a desired API body and a package read back; empty when they match."""
    current = mapping(current, "the package")
    differences = []
    if current.get("type") and current["type"] != desired["type"]:
        differences.append("type is %s, not %s" % (current["type"], desired["type"]))
    if _settings_key(current.get("settings")) != _settings_key(desired["settings"]):
        differences.append("settings differ")
    if explicit_items(current.get("content")) != explicit_items(desired["content"]):
        differences.append("content differs")
    return differences


def fingerprint(settings: Optional[dict], content) -> str:
    """sha256 of what makes a package: its settings and every object's id, type, version and action.

    Only what a server returns when the package is read back counts (the read-back has no package type),
    so a fingerprint taken after creating a package equals one taken later by reading it.
    """
    objects = sorted(
        ([str(item.get("id", "")).upper(), item.get("type"), item.get("version"), item.get("action"),
          item.get("explicitIncluded", True)] for item in objects_list(content, "content")),
        key=lambda entry: json.dumps(entry, default=str))
    canonical = json.dumps({"settings": _settings_key(settings), "objects": objects},
                           sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ----------------------------------------------------------------- results
SETTING_NAMES = {"updateSchema": "update_schema", "aclOnReplacingObjects": "acl_on_replacing_objects",
                 "aclOnNewObjects": "acl_on_new_objects", "defaultAction": "default_action"}
ITEM_NAMES = {"id": "id", "name": "name", "type": "type", "version": "version", "action": "action",
              "includeDependents": "include_dependents", "explicitIncluded": "explicit_included",
              "level": "level", "dateCreated": "date_created", "dateModified": "date_modified"}


def definition_view(package_type: Optional[str], package: Optional[dict]) -> dict:
    """A definition as --diff shows it: type, settings and the explicitly included objects, snake_case."""
    if not package:
        return {}
    package = mapping(package, "the package")
    settings = mapping(package.get("settings"), "settings")
    return {
        "type": package.get("type") or package_type,
        "settings": {SETTING_NAMES[k]: v for k, v in settings.items() if k in SETTING_NAMES},
        "content": [{ITEM_NAMES[k]: v for k, v in item.items()} for item in explicit_items(package.get("content"))],
    }


def package_result(package: dict, package_type: Optional[str]) -> dict:
    """A package as the modules return it: snake_case keys, upper-case status, fingerprint."""
    package = mapping(package, "the package")
    settings = mapping(package.get("settings"), "settings") or None
    content = None if package.get("content") is None else objects_list(package.get("content"), "content")
    result = {
        "id": package.get("id"),
        "status": normalise_status(package.get("status")),
        "type": package.get("type") or package_type,
        "settings": {SETTING_NAMES[k]: v for k, v in settings.items() if k in SETTING_NAMES} if settings else None,
    }
    if content is not None:
        result["content"] = [dict({ITEM_NAMES[k]: v for k, v in item.items() if k in ITEM_NAMES},
                                  owner_id=mapping(item.get("owner"), "content[].owner").get("id"))
                             for item in content]
        result["fingerprint"] = fingerprint(settings, content)
    if package.get("message"):
        result["message"] = package["message"]
    return result


# ------------------------------------------------------------------ results
def import_result(body: dict) -> dict:
    body = mapping(body, "the import")
    result = {
        "id": body.get("id"),
        "status": normalise_status(body.get("status")),
        "progress": body.get("progress"),
        "undo_package_created": bool(body.get("undoPackageCreated")),
    }
    if body.get("message"):
        result["message"] = body["message"]
    if "elapsed" in body:
        result["elapsed"] = body["elapsed"]
    return result
