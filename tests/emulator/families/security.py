# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security roles with their project members, security filters with theirs: what project security packages carry.

The links themselves are the records of the ``security:<project id>`` scopes
(``seed.TUTORIAL_SECURITY``: each user's or group's ``securityRoles`` and
``securityFilters`` in that project), which an import of a project security
package replaces and its undo package restores (``importing.py``); these
routes only read them. Pages: ``create-security-roles.md`` (user-management)
and the vendor's "Retrieve a security filter's member" page (modeling,
``retrieve-a-security-filters-member.md``).
"""

from __future__ import annotations

from typing import Optional

from .. import seed
from ..calls import Call, Response
from ..errors import missing_info, not_found
from ..family import Family, route
from ..rules import JSON, ProjectRule, Rule

ROLES_PAGE = "create-security-roles.md"
FILTER_MEMBERS_PAGE = "retrieve-a-security-filters-member.md"
ROLE_TYPE = 44
FILTER_TYPE = 58
USER_SUBTYPE = 8704


def _configuration_call(check):
    """Security roles are configuration objects: the pages send no project header."""
    check.expect_project(None, "a security role (a configuration object)")


def _filter_project(check) -> str:
    """A security filter is a project object: the pages send the project it is in."""
    sent = check.loaded_project()
    if sent is None:
        check.fail(missing_info("X-MSTR-ProjectID missing; a security filter lives in a project and its members are "
                                "read in it."))
    return sent


CONFIGURATION_CALL = ProjectRule("configuration-call", "absent (security roles are configuration objects; the pages "
                                                       "send none)", _configuration_call)
FILTER_PROJECT = ProjectRule("filter-project", "required, a loaded project holding the filter", _filter_project)


class Security(Family):
    name = "security"

    def _members(self, project_id: str, kind: str, object_id: str) -> list:
        """The users and groups whose links in ``project_id`` name ``object_id`` (``kind``: the link field)."""
        links = self.emu.metadata.get(seed.security_scope(project_id), {})
        configuration = self.emu.metadata[seed.CONFIGURATION_SCOPE]
        members = []
        for member_id, record in sorted(links.items()):
            if object_id in (record.get(kind) or []):
                shown = configuration.get(member_id, record)
                members.append({"id": member_id, "name": shown["name"], "type": shown["type"],
                                "subtype": shown.get("subtype")})
        return members

    def _role(self, role_id: str) -> dict:
        record = self.emu.metadata[seed.CONFIGURATION_SCOPE].get(role_id.upper())
        if record is None or record["type"] != ROLE_TYPE:
            raise not_found("Security role with ID '%s' was not found." % role_id)
        return record

    def _summary(self, record: dict) -> dict:
        shown = self.emu.public_object(record, None)
        shown.update(acg=255, extType=0, description=record.get("description", ""))
        return shown

    # ---------------------------------------------------------------- routes
    @route("GET", "/api/securityRoles", Rule(
        CONFIGURATION_CALL, accept=JSON, pages=(ROLES_PAGE + "#get-information-about-all-security-roles",)))
    def list_roles(self, call: Call) -> Response:
        with self.emu.lock:
            call.judge()
            roles = [self._summary(record) for record in self.emu.metadata[seed.CONFIGURATION_SCOPE].values()
                     if record["type"] == ROLE_TYPE]
        return Response(200, roles)

    @route("GET", "/api/securityRoles/{rid}", Rule(
        CONFIGURATION_CALL, accept=JSON, pages=(ROLES_PAGE + "#get-information-about-a-specific-security-role",)))
    def get_role(self, call: Call, rid: str) -> Response:
        with self.emu.lock:
            call.judge()
            record = self._role(rid)
            role = self._summary(record)
            role["privileges"] = []
            # Every project with its <project, members> relations, as the page's sample lists them.
            role["projects"] = [{"name": project["name"], "id": project["id"],
                                 "members": self._members(project["id"], "securityRoles", record["id"])}
                                for project in self.emu.projects]
        return Response(200, role)

    @route("GET", "/api/securityFilters/{fid}/members", Rule(
        FILTER_PROJECT, accept=JSON, pages=(FILTER_MEMBERS_PAGE,)))
    def filter_members(self, call: Call, fid: str) -> Response:
        with self.emu.lock:
            project_id = call.judge()
            record = self.emu.metadata.get(project_id, {}).get(fid.upper())
            if record is None or record["type"] != FILTER_TYPE:
                raise not_found("Security filter with ID '%s' was not found in project %s." % (fid, project_id))
            members = self._members(project_id, "securityFilters", record["id"])
        users = [member for member in members if member["subtype"] == USER_SUBTYPE]
        groups = [member for member in members if member["subtype"] != USER_SUBTYPE]
        return Response(200, {"users": users, "userGroups": groups, "totalUsers": len(users),
                              "totalUserGroups": len(groups)})

    def snapshot(self, checksums: bool = False) -> dict:
        return {"securityLinks": {project["id"]: self.links(project["id"]) for project in self.emu.projects}}

    def links(self, project_id: str, member_id: Optional[str] = None) -> dict:
        """{member id: {securityRoles, securityFilters}} of a project, as tests read them from the state."""
        scope = self.emu.metadata.get(seed.security_scope(project_id), {})
        return {oid: {"securityRoles": sorted(record.get("securityRoles") or []),
                      "securityFilters": sorted(record.get("securityFilters") or [])}
                for oid, record in scope.items() if member_id in (None, oid)}
