#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: migration_info
short_description: List the migrations of a Library (Workstation route), or read one in full
version_added: 1.0.0
description:
  - Read-only. Without O(migration_id), lists the migrations this Library holds (C(GET /api/migrations), every
    page), of the purposes in O(purpose), filtered by O(name) and O(status). With O(migration_id), reads that one
    migration in full (C(GET /api/migrations/{id}?showContent=all)).
  - Each Library holds its own record of a migration; the source shows how it was built, requested and approved,
    the target how it was imported and undone.
  - Always reports no change.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_READ_ONLY
  - mstr.migration.attributes.DIFF_NONE
options:
  migration_id:
    description: The migration to read in full (C(<packageId>:<importId>)).
    type: str
  name:
    description: Only the migrations of this name (exact first, else ignoring case, as everywhere in the collection).
    type: str
  status:
    description:
      - Only the migrations with this status in any of C(packageInfo.status), C(importInfo.status),
        C(importInfo.importRequestStatus) or C(importInfo.undoRequestStatus), for example V(requested) (waiting
        for approval), V(imported) or V(undo_success).
    type: str
  purpose:
    description: The purposes to list; an empty list lists V(object_migration), as the server does when none is
      given.
    type: list
    elements: str
    choices: [object_migration, project_merge, migration_from_shared_file_store, migration_group,
              migration_group_child]
    default: [object_migration]
seealso:
  - module: mstr.migration.migration
"""

EXAMPLES = r"""
- name: The migrations that wait for approval on dev
  mstr.migration.migration_info:
    base_url: https://dev.example.com/MicroStrategyLibrary
    username: approver
    password: "{{ vault_approver_password }}"
    status: requested
  register: waiting

- name: One migration in full
  mstr.migration.migration_info:
    base_url: https://dev.example.com/MicroStrategyLibrary
    username: approver
    password: "{{ vault_approver_password }}"
    migration_id: "{{ waiting.migrations[0].id }}"
  when: waiting.migrations | length > 0
"""

RETURN = r"""
migrations:
  description:
    - The migrations, as the server lists them (camelCase, as C(GET /api/migrations) answers), oldest first; with
      O(migration_id), that one migration.
  returned: always
  type: list
  elements: dict
  sample:
    - {id: "35958BEB7C56491C9A43F7661501E177:B71E7ECF60104A62BA15625C444A623F",
       packageInfo: {name: Year attribute, status: created, type: project},
       importInfo: {status: pending, importRequestStatus: requested, undoRequestStatus: pending}}
migration:
  description: The migration of O(migration_id) in full (with C(packageInfo.tocView)); null without O(migration_id).
  returned: always
  type: dict
total:
  description: How many migrations the server holds of these purposes (before O(name) and O(status)).
  returned: always
  type: int
base_url:
  description: The Library address.
  returned: always
  type: str
option:
  description: The option that caused the failure.
  returned: failure, when an option caused it
  type: str
  sample: migration_id
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.migration_api import (MigrationApi, check_migration_id,
                                                                                   status_of)
from ansible_collections.mstr.migration.plugins.module_utils.names import by_name
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module

STATUS_KEYS = (("packageInfo", "status"), ("importInfo", "status"), ("importInfo", "importRequestStatus"),
               ("importInfo", "undoRequestStatus"))


def validate(params):
    if params["migration_id"]:
        params["migration_id"] = check_migration_id(params["migration_id"])


def _statuses(record):
    return {status_of(record, part, key) for part, key in STATUS_KEYS}


def run(module, client, prepared):
    params = module.params
    api = MigrationApi(client)
    if params["migration_id"]:
        found = api.read(params["migration_id"], "all")
        return False, {"migrations": [found], "migration": found, "total": 1, "base_url": client.base_url}, None
    # An empty list (a variable that holds none) is the default, not a filter that matches nothing.
    listed = list(api.list_all(tuple(params["purpose"] or ["object_migration"])))
    chosen = listed
    if params["name"]:
        named = by_name([dict(r, name=str(r["packageInfo"].get("name"))) for r in listed], params["name"])
        ids = {r["id"] for r in named}
        chosen = [r for r in chosen if r["id"] in ids]
    if params["status"]:
        chosen = [r for r in chosen if params["status"].lower() in _statuses(r)]
    return False, {"migrations": chosen, "migration": None, "total": len(listed), "base_url": client.base_url}, None


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            migration_id={"type": "str"},
            name={"type": "str"},
            status={"type": "str"},
            purpose={"type": "list", "elements": "str", "default": ["object_migration"],
                     "choices": ["object_migration", "project_merge", "migration_from_shared_file_store",
                                 "migration_group", "migration_group_child"]},
        ),
        supports_check_mode=True,
    )
    run_module(module, validate, run)


if __name__ == "__main__":
    main()
