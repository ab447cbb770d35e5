# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API families the emulator serves: ``FAMILIES`` is the one place a family is registered.

docs/emulator.md ("Families") shows ``markdown_table()``; a test keeps the two equal.
"""

from __future__ import annotations

import sys

from .auth import Auth
from .projects_objects import ProjectsObjects
from .packages import Packages
from .migrations import Migrations
from .shared_files import SharedFiles
from .migration_groups import MigrationGroups
from .security import Security
from .privileges import Privileges

FAMILIES = (Auth, ProjectsObjects, Packages, Migrations, SharedFiles, MigrationGroups, Security, Privileges)


def markdown_table() -> str:
    lines = ["| family | file | routes | its faults | what it serves |", "|---|---|---|---|---|"]
    for family in FAMILIES:
        module = sys.modules[family.__module__]
        lines.append("| `%s` | `tests/emulator/families/%s.py` | %d | %s | %s |" % (
            family.name, family.__module__.rsplit(".", 1)[-1], len(family.routes()),
            ", ".join("`%s`" % name for name in family.FAULTS) or "none",
            module.__doc__.strip().splitlines()[0]))
    return "\n".join(lines)
