# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Names where users think in names: projects and objects found by name, through an API.

One rule for every name: the exact matches, else those that differ only in
case; two or more are listed, none gets close names as suggestions.
"""

from __future__ import annotations

import difflib

from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError, listed
from ansible_collections.mstr.migration.plugins.module_utils.objects import type_name
from ansible_collections.mstr.migration.plugins.module_utils.package_api import list_projects


def by_name(items: list, name: str) -> list:
    """The entries named ``name``: the exact matches, else those that differ only in case (the rule for all names)."""
    exact = [item for item in items if item["name"] == name]
    return exact or [item for item in items if item["name"].casefold() == name.casefold()]


def visible_project(client, project_id: str, option: str = "project_id") -> dict:
    """``{id, name}`` of the project with this id, when the user can see it."""
    projects = list_projects(client)
    for project in projects:
        if project["id"].upper() == project_id.upper():
            return {"id": project["id"].upper(), "name": project["name"]}
    described = ["'%s' (%s)" % (p["name"], p["id"]) for p in sorted(projects, key=lambda p: p["name"])]
    raise ValidationError(option, "no project with id %s is visible to this user (it does not exist, is not loaded, "
                                  "or the user has no access); the user sees %s"
                          % (project_id, listed(described) or "no project"))


def project_id_by_name(client, name: str, option: str = "project") -> str:
    """The id of the project the user can see under ``name``: an exact match, else the one that differs in case."""
    projects = list_projects(client)
    matches = by_name(projects, name)
    if len(matches) == 1:
        return matches[0]["id"].upper()
    if matches:
        raise ValidationError(option, "%d projects are named %r (%s); give project_id instead"
                              % (len(matches), name, ", ".join(p["id"] for p in matches)))
    names = sorted(p["name"] for p in projects)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    raise ValidationError(option, "no project named %r is visible to this user%s; the user sees %s"
                          % (name, "; close names: %s" % ", ".join(repr(n) for n in close) if close else "",
                             listed([repr(n) for n in names]) or "no project"))


def find_by_name(api, name: str, object_type: int, option: str) -> str:
    """The id of the one object of this type with this name: an exact match, else the one case-insensitive match.

    Two or more candidates are listed (id, type, folder when the server gives
    it); none gets the close names of that type as suggestions.
    """
    found = [r for r in api.search(name, object_type)
             if r.get("type") == object_type and isinstance(r.get("id"), str) and isinstance(r.get("name"), str)]
    matches = by_name(found, name)
    if len(matches) == 1:
        return matches[0]["id"].upper()
    if matches:
        raise MstrError("%s: %d objects of type %s are named %r: %s; give the id of the one you mean"
                        % (option, len(matches), type_name(object_type), name,
                           "; ".join(_describe_candidate(r) for r in matches[:10])), option=option)
    candidates = {r["name"] for r in api.search_like(name, object_type)
                  if r.get("type") == object_type and isinstance(r.get("name"), str)}
    close = difflib.get_close_matches(name, sorted(candidates), n=5, cutoff=0.6)
    hint = ("; close names: %s" % ", ".join(repr(n) for n in close)) if close else "; check the name and the type"
    raise MstrError("%s: no %s named %r was found%s" % (option, type_name(object_type), name, hint), option=option)


def _describe_candidate(found: dict) -> str:
    text = "%s (%s)" % (found["name"], found["id"].upper())
    ancestors = found.get("ancestors")
    if isinstance(ancestors, list) and ancestors:
        text += " in " + "/".join(str(a.get("name")) for a in ancestors if isinstance(a, dict))
    return text
