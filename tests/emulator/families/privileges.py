# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A user's privileges (manage-server-level-privileges.md): what each seeded account was granted, and where from.

``GET /api/users/{id}/privileges`` as the page shows it: ``Accept:
application/json`` and the token, no project header; ``privilege.level``
(the page's curl; its text writes ``privilegeLevel``) ``server`` or
``project``, and ``projectId`` (the page's text: ``projectID``) to filter by
project, both optional. Reading privileges needs Use User Manager (the
page's note): without it the answer is 403 ERR0014, as for any missing
privilege. The accounts' privileges are granted in every project, so a
project filter changes which projects are accepted, not what is listed.
"""

from __future__ import annotations

from typing import Optional

from .. import seed
from ..calls import Call, Response
from ..errors import invalid_input, not_found
from ..family import Family, route
from ..rules import JSON, ProjectRule, Rule

PAGE = "user-management/manage-server-level-privileges.md"
LEVELS = ("server", "project")


def _no_project(check, *_subject):
    """The page sends no X-MSTR-ProjectID: the project is a query parameter here."""
    check.expect_project(None, "a user's privileges (the project filter is the projectId parameter)")


NO_PROJECT_HEADER = ProjectRule("none", "absent (the project filter is the `projectId` parameter)", _no_project)


def _first(call: Call, *names: str) -> Optional[str]:
    """The first of the parameter's spellings that was sent (the page spells them two ways)."""
    for name in names:
        if call.query.get(name):
            return call.query[name][0]
    return None


def _listing(account: dict, level: Optional[str]) -> list:
    source = {"direct": False, "group": dict(account["group"])} if account.get("group") else {"direct": True}
    listed = []
    for name in sorted(account["privileges"]):
        known = seed.PRIVILEGES[name]
        if level and known["level"] != level:
            continue
        listed.append({"privilege": {"id": known["id"], "name": name, "description": known["description"],
                                     "level": known["level"]},
                       "sources": [dict(source)]})
    return listed


class Privileges(Family):
    name = "privileges"

    @route("GET", "/api/users/{uid}/privileges", Rule(
        NO_PROJECT_HEADER, accept=JSON,
        pages=(PAGE + "#get-server-level-privilege-information-for-a-specific-user-or-group",)))
    def user_privileges(self, call: Call, uid: str) -> Response:
        level = _first(call, "privilege.level", "privilegeLevel")
        project = _first(call, "projectId", "projectID")
        with self.emu.lock:
            call.judge()
            self.emu.require_privilege(call.session, seed.PRIV_USE_USER_MANAGER)
            if level is not None and level.lower() not in LEVELS:
                raise invalid_input("privilege.level must be server or project (or left out for all), not '%s'."
                                    % level)
            if project is not None:
                self.emu.require_project(project)
            account = next((a for a in seed.ACCOUNTS.values() if a["id"] == uid.upper()), None)
            if account is None:
                raise not_found("User with ID '%s' was not found." % uid)
            return Response(200, {"privileges": _listing(account, level.lower() if level else None)})
