# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security links of users and groups in a project, as the REST API shows them: roles and security filters.

A project security package carries, per user and group, links to security
roles, security filters, connection mappings, profile folder links and
personal preferences (``create-a-migration-package.md``). Two of them can be
read: a security role lists its ``<project, members>`` relations
(``GET /api/securityRoles``, ``GET /api/securityRoles/{id}``; configuration
objects, no project header, ``create-security-roles.md``), and a security
filter its members (``GET /api/securityFilters/{id}/members`` with the
project header, the vendor's "Retrieve a security filter's member" page); the
filters of a project are found by a search of their type. Every call sends
``Accept: application/json`` (the client's default).
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.answers import mapping, objects_list, path_segment
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi

SECURITY_ROLES = "security_roles"
SECURITY_FILTERS = "security_filters"
ROLE_TYPE = 44
FILTER_TYPE = 58
SEARCH_CONTAINS = 4  # with an empty name: every object of the type


def _ids(members, what: str) -> list:
    return [str(member.get("id", "")).upper() for member in objects_list(members, what)]


class SecurityApi:
    """The readable security links of one project (``project_id``), for the members asked about."""

    def __init__(self, client, project_id: str):
        self.client = client
        self.project_id = project_id

    def roles(self) -> list:
        return objects_list(self.client.request("GET", "/securityRoles"), "the security roles")

    def role(self, role_id: str) -> dict:
        return mapping(self.client.request("GET", "/securityRoles/" + path_segment(role_id, "role id")),
                       "security role %s" % role_id)

    def role_members(self, role_id: str) -> list:
        """The ids of the users and groups the role is given to in this project."""
        for project in objects_list(self.role(role_id).get("projects"), "the projects of a security role"):
            if str(project.get("id", "")).upper() == self.project_id.upper():
                return _ids(project.get("members"), "the members of a security role")
        return []

    def filters(self) -> list:
        return PackageApi(self.client, self.project_id, "project").search("", FILTER_TYPE, SEARCH_CONTAINS)

    def filter_members(self, filter_id: str) -> list:
        path = "/securityFilters/%s/members" % path_segment(filter_id, "filter id")
        answer = mapping(self.client.request("GET", path, project_id=self.project_id),
                         "the members of a security filter")
        return (_ids(answer.get("users") or [], "the users of a security filter")
                + _ids(answer.get("userGroups") or [], "the user groups of a security filter"))

    def links(self, member_ids: list) -> dict:
        """``{member id: {security_roles: [{id, name}], security_filters: [{id, name}]}}`` for every member asked
        about (empty lists when it has none), each list sorted by id."""
        wanted = {str(member).upper() for member in member_ids}
        links: dict = {member: {SECURITY_ROLES: [], SECURITY_FILTERS: []} for member in wanted}
        for kind, found, members_of in ((SECURITY_ROLES, self.roles(), self.role_members),
                                        (SECURITY_FILTERS, self.filters(), self.filter_members)):
            for item in found:
                if not item.get("id"):
                    continue
                for member in set(members_of(str(item["id"]))) & wanted:
                    links[member][kind].append({"id": str(item["id"]).upper(), "name": item.get("name")})
        for member in links.values():
            for kind in (SECURITY_ROLES, SECURITY_FILTERS):
                member[kind].sort(key=lambda link: link["id"])
        return links


def read_links(client, project_id: Optional[str], member_ids: list) -> tuple:
    """``(links, None)``, or ``(None, why)`` when the server would not show them (a missing privilege, say): the
    caller then goes on without them."""
    try:
        return SecurityApi(client, project_id or "").links(member_ids), None
    except MstrError as exc:
        return None, exc.message
