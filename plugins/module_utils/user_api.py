# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The user API family: a user's privileges (``GET /api/users/{id}/privileges``), what goes over the wire.

As ``user-management/manage-server-level-privileges.md`` shows the call:
``Accept: application/json`` and the token (the transport's), no project
header; the project filter is the ``projectId`` parameter (the spelling the
vendor's SDK sends). No ``privilege.level``: a privilege granted at server
level counts as much as one granted in the project.
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.answers import mapping, objects_list, path_segment


class UserApi:
    def __init__(self, client):
        self.client = client

    def privilege_names(self, user_id: str, project_id: Optional[str]) -> set:
        """The names of the privileges ``user_id`` has (in ``project_id`` when given), in lower case."""
        params = {"projectId": project_id} if project_id else None
        answer = self.client.request("GET", "/users/%s/privileges" % path_segment(user_id, "user id"), params=params)
        entries = objects_list(mapping(answer, "the privileges").get("privileges"), "the privileges")
        names = set()
        for entry in entries:
            privilege = entry.get("privilege")
            if isinstance(privilege, dict) and isinstance(privilege.get("name"), str):
                names.add(privilege["name"].casefold())
        return names
