# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Seeded metadata of the emulated Library server.

The ids, names and versions of the objects the vendor's workflow pages use
(MicroStrategy Tutorial, Demo Project, attribute Year, user Administrator, and
the objects of the Workstation pages' packages) are kept as printed there; the
other objects fill in a small but realistic graph so that ``includeDependents``
has real dependents to expand. The Workstation pages' migration, group and
shared-file ids are the first ids a Library hands out (``FIRST_IDS``).
"""

from __future__ import annotations

import copy
from typing import Optional

TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEMO_PROJECT = "B19DEDCC11D4E0EFC000EB9495D0F44F"

ADMINISTRATOR = "54F3D26011D2896560009A8E67019608"
ANALYST = "7C1D2E3F4A5B46C78D9E0F1A2B3C4D5E"
LDAP_USER = "0E1F2A3B4C5D4E6F8091A2B3C4D5E6F7"
GUEST = "38A062302D4411D28E71006008960167"

YEAR = "8D679D5111D3E4981000E787EC6DE8A4"

# Security roles (configuration objects) and a security filter (a project object, in both projects): the ids of
# the vendor pages (create-security-roles.md, the security filter pages).
NORMAL_USERS_ROLE = "73F7482111D3596C60001B8F67019608"
NEW_SECURITY_ROLE = "F80E38174DA4A8AF4C82D18F34A2D5E8"
YEAR_FILTER = "8018C24FEBC4406CB9E36838C01C82D1"
LU_YEAR = "8D6793C211D3E4981000E787EC6DE8A4"

# The objects of the Workstation pages' packages (API_NOTES_WORKSTATION.md section 13.1), with their versions and
# dates as printed: the group page's user and its project package, the edit page's migration (Add, Category, ...).
USER_KOREAN = "989875724CB91A7EC2E365BD0228EB50"
ADD = "0DFE6FB4356F4FA2A0C1C10D0B415355"
SAVE_AS_DOCUMENT_TEST = "1334ECBB11E78F4D109F0080EFD55D0D"
DOSSIER_TEST = "D8EE8AEC11E794390FF00080EF053519"

# The ids the Workstation pages' samples show are the first a Library hands out after it starts or is reset (one of
# each, when the Library holds no record of it): a replay of the pages meets the pages' ids. The shared file's are
# handed out while the Storage Service holds no file of them (families/shared_files.py).
SAMPLE_MIGRATION = "35958BEB7C56491C9A43F7661501E177:B71E7ECF60104A62BA15625C444A623F"
SAMPLE_GROUP = "11C09927B0B748A6970AE958CBD44FCE:FB6A954D2AB14BB09E2F98B72E634224"
SAMPLE_GROUP_CHILDREN = ["ACEE65A19AD34FA38200A3D59BA879A9:0AE4FFDD4289481084005D39EF516FB4",
                         "61794A98597D45B684BB9C711295BB9B:597576B451BB46CFBDD29FB71EC5CC98"]
SAMPLE_FILE = "C4EF8D22948047259F2FD3BC3516FB6D"  # the file's name in its path; its id is base64 of its type and name
SAMPLE_FILE_PACKAGE = "C337C6D1FAC94E1998DB162B20D6B95E"
SAMPLE_FROM_FILE = SAMPLE_FILE_PACKAGE + ":C5B8D2D7B76641E1817496B1D77EE09A"
FIRST_IDS = {"migration": [SAMPLE_MIGRATION], "group": [SAMPLE_GROUP], "group child": SAMPLE_GROUP_CHILDREN,
             "from file": [SAMPLE_FROM_FILE]}

PROJECT_OBJECT = "project_object"
CONFIGURATION_OBJECT = "configuration_object"

PRIV_CREATE_PACKAGE = "Create Package"
PRIV_IMPORT_PACKAGE = "Import Package"
# What GET /api/users/{id}/privileges needs (manage-server-level-privileges.md: DssXmlPrivilegesUseUserManager).
PRIV_USE_USER_MANAGER = "Use User Manager"

# The privileges the emulator knows, as GET /api/users/{id}/privileges describes them. The pages print no id for
# these three, so the ids are the emulator's own; the collection goes by the names the pages use.
PRIVILEGES = {
    PRIV_CREATE_PACKAGE: {"id": "281", "description": "Create a migration package of objects.", "level": "project"},
    PRIV_IMPORT_PACKAGE: {"id": "282", "description": "Import a migration package into a project or the "
                                                      "configuration.", "level": "project"},
    PRIV_USE_USER_MANAGER: {"id": "32", "description": "Use User Manager: read and change users, groups and their "
                                                       "privileges.", "level": "server"},
}

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
# lacks the package privileges so that 403 ERR0014 can be exercised. The
# exporter cannot import, the importer cannot create packages, and the
# packager has both package privileges but may not read privileges (no Use
# User Manager), so that each side's privilege check has a user to fail on.
ACCOUNTS = {
    "administrator": {
        "id": ADMINISTRATOR,
        "name": "Administrator",
        "login_modes": {1},
        "privileges": {PRIV_CREATE_PACKAGE, PRIV_IMPORT_PACKAGE, PRIV_USE_USER_MANAGER},
        # Granted through this group, as the page's sample shows inherited privileges.
        "group": {"name": "System Administrators", "id": "E96685CD4E60068559F7DFAC7C2AA851"},
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
        "privileges": {PRIV_CREATE_PACKAGE, PRIV_IMPORT_PACKAGE, PRIV_USE_USER_MANAGER},
    },
    "exporter": {
        "id": "5A1E0C2B3D4F46A7B8C9D0E1F2A3B4C5",
        "name": "Exporter",
        "login_modes": {1},
        "privileges": {PRIV_CREATE_PACKAGE, PRIV_USE_USER_MANAGER},
    },
    "importer": {
        "id": "6B2F1D3C4E5A47B8C9D0E1F2A3B4C5D6",
        "name": "Importer",
        "login_modes": {1},
        "privileges": {PRIV_IMPORT_PACKAGE, PRIV_USE_USER_MANAGER},
    },
    "packager": {
        "id": "7C3A2E4D5F6B48C9D0E1F2A3B4C5D6E7",
        "name": "Packager",
        "login_modes": {1},
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
    _obj(NORMAL_USERS_ROLE, "Normal Users", 44, 11264,
         "0718293A4B5C6D7E8F90A1B2C3D4E5F6", "2001-01-02T20:44:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
    _obj(NEW_SECURITY_ROLE, "NewSecurityRole", 44, 11264,
         "F07A19FC4CCEC22CC2E2A9978DF79A4F", "2019-05-21T18:34:36.000+0000",
         "2019-05-21T18:34:36.000+0000", description="a new Security Role for testing"),
    _obj("FF7BB7BF11D501F02000A8E8C2A3E36D", "Daily at 6am", 51, 13056,
         "18293A4B5C6D7E8F90A1B2C3D4E5F607", "2010-01-02T06:00:00.000+0000",
         "2020-11-12T09:00:00.000+0000"),
    _obj(USER_KOREAN, "User_Korean", 34, 8704, "385DE21942CBD4AD3BFED28070A54C7E",
         "2008-12-23T09:17:03.000+0000", "2017-04-11T20:16:37.000+0000",
         depends_on=["C82C6B1011D2894CC0009D9F29718E4F"]),
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
    # The Workstation pages' objects (their packages are built from the project the pages call MicroStrategy Tutorial).
    _obj(ADD, "Add", 11, 2816, "1F348F3E11EB7C9D8F150080EF651EEA",
         "2008-12-22T14:51:20.000+0000", "2021-03-04T03:53:04.000+0000"),
    _obj("8D679D3711D3E4981000E787EC6DE8A4", "Category", 12, 3072, "21D7619E11EB7C9D8F150080EF753EEA",
         "2001-01-02T20:48:11.000+0000", "2021-03-04T03:53:08.000+0000"),
    _obj(DOSSIER_TEST, "DossierTest", 55, 14081, "62D8E88A11EB7CA13A550080EFC5563B",
         "2017-09-08T02:03:03.000+0000", "2021-03-04T04:23:35.000+0000"),
    _obj(SAVE_AS_DOCUMENT_TEST, "SaveAsDocumentTest", 55, 14081, "6283BF7211EB7CA13A950080EFE5963B",
         "2017-09-01T19:38:06.000+0000", "2021-03-04T04:23:35.000+0000"),
    _obj("811B7AEB11EB53EF4E920080EFE51106", "ReportDataSource", 3, 768, "2CE7AC0F11EB7CA92C0E0080EF455F4D",
         "2021-01-11T09:29:29.000+0000", "2021-03-04T05:19:21.000+0000"),
    _obj("8BC2E91D4AA8E9A14E7FBAB740B5B932", "MD partition", 15, 3840, "22C4810411EB7C9D8F150080EF753EEA",
         "2012-12-26T03:44:12.000+0000", "2021-03-04T03:53:10.000+0000"),
    _obj("F0B5CE694B42895AC7EE4C81433BD6D3", "Cost Target", 13, 3328, "230C4E6C11EB7C9D8F150080EF651EEA",
         "2009-02-16T10:17:19.000+0000", "2021-03-04T03:53:10.000+0000"),
    _obj("0451E0F3418DEDB7468C7F94D59E231D", "Choose Custom Group", 10, 2560, "C38F6AE011EB7CA2A3000080EF9572D2",
         "2006-06-30T11:42:27.000+0000", "2021-03-04T04:33:27.000+0000"),
]

# Demo Project starts without Year and LU_YEAR, so the vendor's sample import
# (Year from Tutorial into Demo Project) creates objects there.
DEMO_OBJECTS = [
    _obj("98FE182C2A10427EACE0CD30B6768258", "Public Objects", 8, 2048,
         "C3D4E5F60718293A4B5C6D7E8F91A2B3", "2001-01-02T20:48:10.000+0000",
         "2021-03-04T03:53:09.000+0000"),
]


def _year_filter():
    return _obj(YEAR_FILTER, "Year > 2015", 58, 14848, "9E0A1B2C3D4E5F60718293A4B5C6D7E8",
                "2021-01-02T10:00:00.000+0000", "2021-03-04T03:53:09.000+0000")


# A security filter exists in both projects, so that a user's link to it can be copied from one to the other.
TUTORIAL_OBJECTS.append(_year_filter())
DEMO_OBJECTS.append(_year_filter())


CONFIGURATION_SCOPE = "configuration"


def security_scope(project_id: str) -> str:
    return "security:" + project_id


# Project security links (security roles and security filters granted in a
# project) of users and groups; ids are those of the user or group. A role's
# project members and a filter's members (families/security.py) are read from
# these records, so an import of a project security package changes them.
TUTORIAL_SECURITY = [
    _obj(ADMINISTRATOR, "Administrator", 34, 8704, "1A2B3C4D5E6F708192A3B4C5D6E7F801",
         "2001-01-02T20:44:00.000+0000", "2021-03-04T03:50:00.000+0000",
         securityRoles=[NORMAL_USERS_ROLE], securityFilters=[]),
    _obj("E96685CD4E60068559F7DFAC7C2AA851", "System Administrators", 34, 8705,
         "2B3C4D5E6F708192A3B4C5D6E7F8011A", "2001-01-02T20:44:00.000+0000",
         "2021-03-04T03:50:00.000+0000",
         securityRoles=[NORMAL_USERS_ROLE], securityFilters=[]),
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


# What a project holds when an environment starts with it empty (--empty-project): its root folder, as a project
# that was created and never given an object has.
EMPTY_PROJECT_OBJECTS = [obj for obj in DEMO_OBJECTS if obj["type"] == 8]


def project_key(text: str) -> str:
    """The seeded project ``text`` names, by id or by its seeded name (any case); ValueError when none."""
    for project in PROJECTS:
        if text.upper() == project["id"] or text.lower() == project["name"].lower():
            return project["id"]
    raise ValueError("no seeded project %r: one of %s" % (text, ", ".join(
        "%s (%s)" % (p["name"], p["id"]) for p in PROJECTS)))


def projects(names: Optional[dict] = None) -> list:
    """A fresh copy of the seeded projects, with ``names`` ({project id: name}) given to some of them."""
    names = names or {}
    return [dict(project, name=names.get(project["id"], project["name"])) for project in PROJECTS]


def initial_metadata(extra_objects: int = 0, empty_projects=()) -> dict:
    """A fresh copy of the seeded metadata, keyed by scope then object id.

    Scopes: ``configuration`` for configuration objects, a project id for its
    project objects, ``security:<project id>`` for the project security links
    of users and user groups (what a project security package carries).
    ``extra_objects`` adds the bulk metrics and report to Tutorial.
    A project in ``empty_projects`` (ids) holds only its root folder and no
    security links, as in an environment that never received an object.
    """
    scopes = {
        CONFIGURATION_SCOPE: CONFIGURATION_OBJECTS,
        TUTORIAL: TUTORIAL_OBJECTS + bulk_objects(extra_objects),
        DEMO_PROJECT: DEMO_OBJECTS,
        security_scope(TUTORIAL): TUTORIAL_SECURITY,
        security_scope(DEMO_PROJECT): [],
    }
    for project_id in empty_projects:
        scopes[project_id] = EMPTY_PROJECT_OBJECTS
        scopes[security_scope(project_id)] = []
    metadata = {}
    for scope, objects in scopes.items():
        level = PROJECT_OBJECT if scope in (TUTORIAL, DEMO_PROJECT) else CONFIGURATION_OBJECT
        metadata[scope] = {}
        for record in objects:
            item = copy.deepcopy(record)
            item["level"] = level
            metadata[scope][item["id"]] = item
    return metadata
