# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which privileges each step needs, and the check that the logged-in user has them, before any work.

The vendor pages name them: creating a package needs Create Package
(``create-a-migration-package.md``), importing one needs Create Package and
Import Package (``import-a-migration-package.md``: the import starts with an
empty holder). The check reads the user's privileges in the project; a
missing one fails before anything is built or uploaded, naming the user,
the privilege and the project. A user who may not read privileges (that
needs Use User Manager) is not refused for it: the check is then skipped
with a warning, and the server still refuses a missing privilege later.
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.user_api import UserApi

CREATE_PACKAGE = "Create Package"
IMPORT_PACKAGE = "Import Package"
# What each step needs, with the words that say why.
EXPORT = ("exporting a package", (CREATE_PACKAGE,))
IMPORT = ("importing a package", (CREATE_PACKAGE, IMPORT_PACKAGE))
# The Workstation route (migration.py), per step and side. The pages ("Object migration between environments",
# "Validate migrations") ask for Create Package, Apply Package and Bypass all objects security check on both sides;
# checked here are the ones a user's privilege list names as the classic route does (Create Package to build on the
# source, Import Package to import, validate and undo on the target). Requesting and approving need Create Package or
# Apply Package (either one: the server decides), and Bypass all objects security check is the server's to refuse.
WS_CREATE = ("creating a migration on the source", (CREATE_PACKAGE,))
WS_IMPORT = ("importing a migration on the target", (IMPORT_PACKAGE,))
WS_VALIDATE = ("validating a migration on the target", (IMPORT_PACKAGE,))
WS_UNDO = ("undoing a migration on the target", (IMPORT_PACKAGE,))
WS_APPROVE = ("approving a migration on the source", ())
# The session module's choices: the step a later task will take.
CHOICES = {"create_package": EXPORT, "import_package": IMPORT}


def step_needing(choices: list) -> tuple:
    """The step (purpose, privileges) of the session module's ``privileges`` choices."""
    steps = [CHOICES[choice] for choice in choices]
    purpose = IMPORT[0] if IMPORT in steps else EXPORT[0]
    return purpose, tuple(sorted({name for _purpose, names in steps for name in names}))


def where(project: Optional[dict]) -> str:
    if not project:
        return "the configuration (no project)"
    return "project '%s' (%s)" % (project["name"], project["id"]) if project.get("name") else \
        "project %s" % project["id"]


def check_privileges(client, step: tuple, project: Optional[dict] = None, user: Optional[dict] = None) -> list:
    """Fail unless the user has every privilege ``step`` needs (``EXPORT``, ``IMPORT``: purpose, names) in
    ``project`` ({id, name}, None for the configuration); returns the warnings (the check could not be made).
    ``user``: the session's user when already read (``PackageApi.session_user``; {} when that read failed), else
    it is read here."""
    purpose, needed = step
    if not needed:
        return []
    if user is None:
        user = PackageApi(client, None).session_user()
    if not user.get("id"):
        return ["the privileges of the user could not be checked (the server did not say who is logged in); "
                "a missing %s fails when the server refuses it" % " or ".join(needed)]
    try:
        granted = UserApi(client).privilege_names(user["id"], project["id"] if project else None)
    except ApiError as exc:
        if exc.status != 403:
            raise
        answer = " ".join(str(part) for part in ("HTTP 403", exc.code, exc.server_message) if part)
        return ["the privileges of user '%s' on %s could not be checked: the server does not let this user read "
                "them (%s; reading privileges needs Use User Manager). Going on: a missing %s fails when the "
                "server refuses it" % (_name(user), client.base_url, answer.rstrip("."), " or ".join(needed))]
    missing = [name for name in needed if name.casefold() not in granted]
    if missing:
        # A security role grants privileges in a project only; the configuration's come directly or from a group.
        ways = "directly, through a user group, or through a security role in that project" if project else \
            "directly or through a user group"
        raise MstrError("user '%s' lacks the privilege%s %s in %s, which %s needs; ask an administrator to grant "
                        "it (%s), then run again. Nothing was built or imported" % (
                            _name(user), "s" if len(missing) > 1 else "", " and ".join("'%s'" % m for m in missing),
                            where(project), purpose, ways),
                        missing_privileges=missing)
    return []


def _name(user: dict) -> str:
    return user.get("username") or user.get("full_name") or user["id"]
