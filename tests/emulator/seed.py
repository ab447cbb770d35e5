# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Seeded metadata of the emulated Library server.

The ids, names and versions of the objects the vendor's workflow pages use
(MicroStrategy Tutorial, Demo Project, attribute Year, user Administrator) are
kept as printed there; the other objects fill in a small but realistic graph
so that ``includeDependents`` has real dependents to expand.
"""

from __future__ import annotations

import copy

TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEMO_PROJECT = "B19DEDCC11D4E0EFC000EB9495D0F44F"

ADMINISTRATOR = "54F3D26011D2896560009A8E67019608"
ANALYST = "7C1D2E3F4A5B46C78D9E0F1A2B3C4D5E"
LDAP_USER = "0E1F2A3B4C5D4E6F8091A2B3C4D5E6F7"
GUEST = "38A062302D4411D28E71006008960167"

YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
LU_YEAR = "8D6793C211D3E4981000E787EC6DE8A4"

PROJECT_OBJECT = "project_object"
CONFIGURATION_OBJECT = "configuration_object"

PRIV_CREATE_PACKAGE = "Create Package"
PRIV_IMPORT_PACKAGE = "Import Package"

PROJECTS = [
    {
        "id": TUTORIAL,
        "name": "MicroStrategy Tutorial",
        "alias": "",
        "description": "MicroStrategy Tutorial project and application set designed to illustrate the platform's rich functionality.",
        "status": 0,
    },
    {
        "id": DEMO_PROJECT,
        "name": "Demo Project",
        "alias": "",
        "description": "Target project of the vendor's import samples.",
        "status": 0,
    },
]

# Login accounts. Every seeded account uses the --password value; the analyst
# lacks the package privileges so that 403 ERR0014 can be exercised.
ACCOUNTS = {
    "administrator": {
        "id": ADMINISTRATOR,
        "name": "Administrator",
        "login_modes": {1},
        "privileges": {PRIV_CREATE_PACKAGE, PRIV_IMPORT_PACKAGE},
    },
    "analyst": {
        "id": ANALYST,
        "name": "Analyst",
        "login_modes": {1},
        "privileges": set(),
    },
    "ldapuser": {
        "id": LDAP_USER,
        "name": "LDAP User",
        "login_modes": {16},
        "privileges": {PRIV_CREATE_PACKAGE, PRIV_IMPORT_PACKAGE},
    },
    "guest": {
        "id": GUEST,
        "name": "Guest",
        "login_modes": {8},
        "privileges": set(),
    },
}


def _obj(oid, name, otype, subtype, version, created, modified, depends_on=(), **extra):
    record = {
        "id": oid,
        "name": name,
        "type": otype,
        "subtype": subtype,
        "version": version,
        "owner": {"id": ADMINISTRATOR},
        "dateCreated": created,
        "dateModified": modified,
        "dependsOn": list(depends_on),
    }
    record.update(extra)
    return record


# Configuration-level objects (shared by all projects of the environment).
CONFIGURATION_OBJECTS = [
    _obj(ADMINISTRATOR, "Administrator", 34, 8704, "A1B2C3D4E5F60718293A4B5C6D7E8F90",
         "2001-01-02T20:44:00.000+0000", "2021-03-04T03:50:00.000+0000",
         depends_on=["E96685CD4E60068559F7DFAC7C2AA851"], login="administrator"),
    _obj(ANALYST, "Analyst", 34, 8704, "B2C3D4E5F60718293A4B5C6D7E8F90A1",
         "2019-05-06T10:00:00.000+0000", "2021-03-04T03:50:00.000+0000",
         depends_on=["C82C6B1011D2894CC0009D9F29718E4F"], login="analyst"),
    _obj(LDAP_USER, "LDAP User", 34, 8704, "C3D4E5F60718293A4B5C6D7E8F90A1B2",
         "2019-05-06T10:00:00.000+0000", "2021-03-04T03:50:00.000+0000",
         depends_on=["C82C6B1011D2894CC0009D9F29718E4F"], login="ldapuser"),
    _obj(GUEST, "Guest", 34, 8704, "D4E5F60718293A4B5C6D7E8F90A1B2C3",
         "2001-01-02T20:44:00.000+0000", "2021-03-04T03:50:00.000+0000",
         depends_on=["C82C6B1011D2894CC0009D9F29718E4F"], login="guest"),
    _obj("E96685CD4E60068559F7DFAC7C2AA851", "System Administrators", 34, 8705,
         "E5F60718293A4B5C6D7E8F90A1B2C3D4", "2001-01-02T20:44:00.000+0000",
         "2021-03-04T03:50:00.000+0000", depends_on=["C82C6B1011D2894CC0009D9F29718E4F"]),
    _obj("C82C6B1011D2894CC0009D9F29718E4F", "Everyone", 34, 8705,
         "F60718293A4B5C6D7E8F90A1B2C3D4E5", "2001-01-02T20:44:00.000+0000",
         "2021-03-04T03:50:00.000+0000"),
    _obj("73F7482111D3596C60001B8F67019608", "Normal Users", 44, 11264,
         "0718293A4B5C6D7E8F90A1B2C3D4E5F6", "2001-01-02T20:44:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
    _obj("FF7BB7BF11D501F02000A8E8C2A3E36D", "Daily at 6am", 51, 13056,
         "18293A4B5C6D7E8F90A1B2C3D4E5F607", "2010-01-02T06:00:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
    _obj("AC0F6A4A11D4D0FC10009C9F29718E4F", "Tutorial Data", 29, 7424,
         "293A4B5C6D7E8F90A1B2C3D4E5F60718", "2001-01-02T20:44:00.000+0000",
         "2020-11-12T09:00:00.000+0000",
         depends_on=["AC0F6A4B11D4D0FC10009C9F29718E4F", "AC0F6A4C11D4D0FC10009C9F29718E4F"]),
    _obj("AC0F6A4B11D4D0FC10009C9F29718E4F", "Tutorial Data Connection", 31, 7936,
         "3A4B5C6D7E8F90A1B2C3D4E5F6071829", "2001-01-02T20:44:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
    _obj("AC0F6A4C11D4D0FC10009C9F29718E4F", "Tutorial Data Login", 30, 7680,
         "4B5C6D7E8F90A1B2C3D4E5F60718293A", "2001-01-02T20:44:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
]

# Project-level objects of MicroStrategy Tutorial. Year's version, dates and
# lookup table are those printed in the vendor's pages.
TUTORIAL_OBJECTS = [
    _obj(YEAR, "Year", 12, 3072, "2215B50211EB7C9D8F150080EF651EEA",
         "2001-01-02T20:48:10.000+0000", "2021-03-04T03:53:09.000+0000",
         depends_on=[LU_YEAR], description="Year"),
    _obj(LU_YEAR, "LU_YEAR", 15, 3840, "5C6D7E8F90A1B2C3D4E5F60718293A4B",
         "2001-01-02T20:48:10.000+0000", "2021-03-04T03:53:09.000+0000"),
    _obj("8D679D4211D3E4981000E787EC6DE8A4", "Revenue", 13, 3328,
         "6D7E8F90A1B2C3D4E5F60718293A4B5C", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000", depends_on=["8D6793C511D3E4981000E787EC6DE8A4"]),
    _obj("8D6793C511D3E4981000E787EC6DE8A4", "ORDER_FACT", 15, 3840,
         "7E8F90A1B2C3D4E5F60718293A4B5C6D", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000"),
    _obj("7FD5B69611D5AC76C000D98A4CC5F24F", "Revenue", 4, 1024,
         "8F90A1B2C3D4E5F60718293A4B5C6D7E", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000", depends_on=["8D679D4211D3E4981000E787EC6DE8A4"]),
    _obj("8D67A4EF11D3E4981000E787EC6DE8A4", "Time", 14, 3584,
         "90A1B2C3D4E5F60718293A4B5C6D7E8F", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000", depends_on=[YEAR]),
    _obj("D95D20B646A4B1B5D8A3CBAF1A7C0B6E", "Revenue by Year", 3, 768,
         "A1B2C3D4E5F60718293A4B5C6D7E8F91", "2015-06-01T12:00:00.000+0000",
         "2021-03-04T03:53:09.000+0000",
         depends_on=[YEAR, "7FD5B69611D5AC76C000D98A4CC5F24F"]),
    _obj("D43364C684E34F2FA7A2E5E6A1E5C9B1", "Sales Dashboard", 55, 14081,
         "B2C3D4E5F60718293A4B5C6D7E8F91A2", "2018-06-01T12:00:00.000+0000",
         "2021-03-04T03:53:09.000+0000", depends_on=["D95D20B646A4B1B5D8A3CBAF1A7C0B6E"]),
    _obj("98FE182C2A10427EACE0CD30B6768258", "Public Objects", 8, 2048,
         "C3D4E5F60718293A4B5C6D7E8F91A2B3", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000"),
]

# Demo Project starts without Year and LU_YEAR, so the vendor's sample import
# (Year from Tutorial into Demo Project) creates objects there.
DEMO_OBJECTS = [
    _obj("98FE182C2A10427EACE0CD30B6768258", "Public Objects", 8, 2048,
         "C3D4E5F60718293A4B5C6D7E8F91A2B3", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000"),
]


CONFIGURATION_SCOPE = "configuration"


def security_scope(project_id: str) -> str:
    return "security:" + project_id


# Project security links (security roles and security filters granted in a
# project) of users and groups; ids are those of the user or group.
TUTORIAL_SECURITY = [
    _obj(ADMINISTRATOR, "Administrator", 34, 8704, "1A2B3C4D5E6F708192A3B4C5D6E7F801",
         "2001-01-02T20:44:00.000+0000", "2021-03-04T03:50:00.000+0000",
         securityRoles=["73F7482111D3596C60001B8F67019608"], securityFilters=[]),
    _obj("E96685CD4E60068559F7DFAC7C2AA851", "System Administrators", 34, 8705,
         "2B3C4D5E6F708192A3B4C5D6E7F8011A", "2001-01-02T20:44:00.000+0000",
         "2021-03-04T03:50:00.000+0000",
         securityRoles=["73F7482111D3596C60001B8F67019608"], securityFilters=[]),
]


BULK_REPORT = "BB" + "F" * 30


def bulk_metric_id(number: int) -> str:
    """Id of the extra metric ``number`` (1-based)."""
    return "BB%030X" % number


def bulk_objects(count: int) -> list:
    """``count`` metrics and one report "Bulk Report" that uses them all (--extra-objects, Tutorial only).

    A project package of the report with includeDependents holds count + 1 objects.
    """
    if count <= 0:
        return []
    metrics = [_obj(bulk_metric_id(n), "Bulk Metric %04d" % n, 4, 1024, "BC%030X" % n,
                    "2020-01-01T00:00:00.000+0000", "2021-03-04T03:53:09.000+0000") for n in range(1, count + 1)]
    report = _obj(BULK_REPORT, "Bulk Report", 3, 768, "BD" + "F" * 30, "2020-01-01T00:00:00.000+0000",
                  "2021-03-04T03:53:09.000+0000", depends_on=[m["id"] for m in metrics])
    return metrics + [report]


def initial_metadata(extra_objects: int = 0) -> dict:
    """A fresh copy of the seeded metadata, keyed by scope then object id.

    Scopes: ``configuration`` for configuration objects, a project id for its
    project objects, ``security:<project id>`` for the project security links
    of users and user groups (what a project security package carries).
    ``extra_objects`` adds the bulk metrics and report to Tutorial.
    """
    scopes = {
        CONFIGURATION_SCOPE: CONFIGURATION_OBJECTS,
        TUTORIAL: TUTORIAL_OBJECTS + bulk_objects(extra_objects),
        DEMO_PROJECT: DEMO_OBJECTS,
        security_scope(TUTORIAL): TUTORIAL_SECURITY,
        security_scope(DEMO_PROJECT): [],
    }
    metadata = {}
    for scope, objects in scopes.items():
        level = PROJECT_OBJECT if scope in (TUTORIAL, DEMO_PROJECT) else CONFIGURATION_OBJECT
        metadata[scope] = {}
        for record in objects:
            item = copy.deepcopy(record)
            item["level"] = level
            metadata[scope][item["id"]] = item
    return metadata
