# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Objects as the server knows them, each rule once: ids, type numbers and names, levels, the project header.

Pure data and functions, beside ``answers.py`` and below the API classes.
"""

from __future__ import annotations

import re
from typing import Optional

from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError

# Object ids (and project ids) are 32 hexadecimal characters.
OBJECT_ID = re.compile(r"[0-9A-Fa-f]{32}")
OBJECT_ID_EXAMPLE = "8D679D5111D3E4981000E787EC6DE8A4"

# Object type names users may write instead of the numbers.
OBJECT_TYPES = {
    "filter": 1, "template": 2, "report": 3, "metric": 4, "folder": 8, "prompt": 10, "attribute": 12,
    "fact": 13, "hierarchy": 14, "dimension": 14, "table": 15, "database_instance": 29,
    "database_login": 30, "database_connection": 31, "user": 34, "user_group": 34, "transmitter": 35,
    "security_role": 44, "consolidation": 47, "document": 55, "dashboard": 55, "drill_map": 56,
    "dbms": 57, "security_filter": 58, "schedule": 51, "content_group": 77,
}
FOLDER_TYPE = 8
USER_TYPE = 34
MAX_OBJECT_TYPE = 100  # the server's object types (EnumDSSObjectType) are numbered below this

# Levels (API_NOTES: configuration-level objects): configuration packages hold the configuration types, which are
# read without a project header; project packages hold the project types.
CONFIGURATION_LEVEL_TYPES = frozenset((29, 30, 31, 34, 35, 44, 51, 57, 77))
PROJECT_LEVEL_TYPES = frozenset((1, 2, 3, 4, 8, 10, 12, 13, 14, 15, 47, 55, 56, 58))
PROJECT_OBJECT = "project_object"  # the level a package's content gives its project objects
# Package types: the project header goes with project and project security packages, never with configuration ones.
PROJECT = "project"
PROJECT_SECURITY = "project_security"
CONFIGURATION = "configuration"


def is_object_id(value) -> bool:
    return isinstance(value, str) and bool(OBJECT_ID.fullmatch(value))


# The name messages use for a type number (types with two names, such as 34 for users and user groups, say both).
def _names_by_number() -> dict:
    names: dict = {}
    for name, number in sorted(OBJECT_TYPES.items()):
        names.setdefault(number, []).append(name)
    return {number: " or ".join(listed) for number, listed in names.items()}


TYPE_NAMES = _names_by_number()


def type_name(number) -> str:
    """``attribute`` for 12; ``type 77`` for a number without a name here."""
    return TYPE_NAMES.get(number, "type %s" % number)


def object_type_number(value, option: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(option, "%r is not an object type" % (value,))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    elif isinstance(value, str) and value.strip().lower() in OBJECT_TYPES:
        return OBJECT_TYPES[value.strip().lower()]
    else:
        raise ValidationError(option, "unknown object type %r; use a type number or one of %s"
                              % (value, ", ".join(sorted(OBJECT_TYPES))))
    if not 0 < number < MAX_OBJECT_TYPE:
        raise ValidationError(option, "%s is not a MicroStrategy object type number (1 to %d), for example 12 for "
                                      "an attribute" % (number, MAX_OBJECT_TYPE - 1))
    return number


# ------------------------------------------------------------ the project header
def project_header(package_type: Optional[str], project_id: Optional[str]) -> Optional[str]:
    """The X-MSTR-ProjectID of a package's calls: the project for project and project security packages, none for
    configuration packages (the vendor pages); a package of unknown type sends the project whenever one is given."""
    return None if package_type == CONFIGURATION else (project_id or None)


def object_project(project_id: Optional[str], object_type, level: Optional[str]) -> Optional[str]:
    """The X-MSTR-ProjectID of an object read: project objects are read in the project, configuration objects
    (users, roles, ...) without one; the object's level decides when it is known, else its type."""
    if level:
        return project_id if level == PROJECT_OBJECT else None
    return None if object_type in CONFIGURATION_LEVEL_TYPES else project_id
