# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Projects, objects and searches: what the seeded metadata (the emulator's) shows."""

from __future__ import annotations

from typing import Optional

from .. import seed
from ..calls import Call, Response
from ..errors import invalid_input, missing_info, not_found
from ..family import Family, route
from ..rules import ProjectRule, Rule

# Configuration-level object types: users and groups, security role, database instance / login /
# connection, transmitter, DBMS, schedule, content group. GET /api/objects takes no project header for them.
CONFIGURATION_TYPES = frozenset({34, 44, 29, 30, 31, 35, 57, 51, 77})

SEARCH_PATTERNS = {
    1: lambda name, wanted: name.startswith(wanted),
    2: lambda name, wanted: name == wanted,
    4: lambda name, wanted: wanted in name,
    5: lambda name, wanted: name.endswith(wanted),
}


def object_lookup(check, object_type: int) -> Optional[str]:
    """The project to look in, None for the configuration."""
    if object_type in CONFIGURATION_TYPES:
        check.expect_project(None, "a configuration-level object (type %d)" % object_type)
        return None
    sent = check.loaded_project()
    if sent is None:
        check.fail(missing_info("X-MSTR-ProjectID missing; objects of type %d live in a project." % object_type))
    return sent


OBJECT = ProjectRule("object", "required for project-level types, absent for configuration-level types (34, 44, "
                               "29, 30, 31, 35, 57, 51, 77)", object_lookup)


def type_numbers(call: Call) -> list:
    types = []
    for raw in call.query.get("type", []):
        for part in raw.split(","):
            if part.strip():
                try:
                    types.append(int(part))
                except ValueError as exc:
                    raise invalid_input("Query parameter 'type' must be numbers.") from exc
    return types


class ProjectsObjects(Family):
    name = "projects_objects"

    def search(self, name: str, types: list, pattern: int, project_id: Optional[str]) -> list:
        emu = self.emu
        with emu.lock:
            scopes = [seed.CONFIGURATION_SCOPE]
            if project_id:
                scopes.insert(0, emu.require_project(project_id))
            wanted = name.lower()
            match = SEARCH_PATTERNS.get(pattern, SEARCH_PATTERNS[4])
            results = []
            for scope in scopes:
                proj = None if scope == seed.CONFIGURATION_SCOPE else project_id
                results.extend(emu.public_object(record, proj) for record in emu.metadata[scope].values()
                               if (not types or record["type"] in types) and match(record["name"].lower(), wanted))
            return results

    # ---------------------------------------------------------------- routes
    @route("GET", "/api/projects")
    def projects(self, call: Call) -> Response:
        return Response(200, [dict(p) for p in self.emu.projects])

    # No vendor workflow page shows this call; API_NOTES.md ("Objects in a project") does.
    @route("GET", "/api/objects/{oid}", Rule(
        OBJECT, query=("type",), pages=("API_NOTES.md#objects-in-a-project-for-comparing-a-package-with-a-target",)))
    def get_object(self, call: Call, oid: str) -> Response:
        """An object of that type in the header's project, or in the configuration for configuration types."""
        object_type = call.int_param("type")
        if object_type is None:
            raise invalid_input("Query parameter 'type' must be an object type number.")
        with self.emu.lock:
            project_id = call.judge(object_type)
            record = self.emu.metadata[project_id or seed.CONFIGURATION_SCOPE].get(oid.upper())
            if record is None or record["type"] != object_type:
                where = "project %s" % project_id if project_id else "the configuration"
                raise not_found("Object with ID '%s' and type %s was not found in %s." % (oid, object_type, where))
            found = self.emu.public_object(record, project_id)
        return Response(200, found)

    @route("GET", "/api/searches/results")
    def search_results(self, call: Call) -> Response:
        types = type_numbers(call)
        pattern = call.int_param("pattern") or 4
        results = self.search(call.query.get("name", [""])[0], types, pattern, call.project_header())
        offset = call.int_param("offset") or 0
        limit = call.int_param("limit")
        page = results[offset:offset + limit] if limit and limit > 0 else results[offset:]
        return Response(200, {"totalItems": len(results), "result": page})
