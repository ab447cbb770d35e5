#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package_info
short_description: Read MicroStrategy packages, their objects and imports
version_added: 1.0.0
description:
  - Reads the definition and status of a package (O(package_id)), the readable definitions of objects in
    it (O(object_ids)), and the status of an import (O(import_id)). Changes nothing.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_READ_ONLY
  - mstr.migration.attributes.DIFF_NONE
options:
  package_id:
    description:
      - The package to read. It must belong to O(session).
      - At least one of O(package_id) and O(import_id) is required.
    type: str
  show_content:
    description:
      - List the objects of the package.
    type: bool
    default: true
  object_ids:
    description:
      - Ids of objects in the package whose readable definition to return (the server supports
        attributes, facts, hierarchies and tables of project packages). Needs O(package_id).
    type: list
    elements: str
  import_id:
    description:
      - The import process to read.
    type: str
seealso:
  - module: mstr.migration.package
  - module: mstr.migration.package_import
  - name: Create and import migration packages
    description: The vendor's workflow pages, including viewing package content.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: What is in the package uploaded into the target?
  mstr.migration.package_info:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    package_id: "{{ holder.package_id }}"
  register: uploaded

- name: Show the objects
  ansible.builtin.debug:
    msg: "{{ uploaded.package.content | map(attribute='name') | list }}"

- name: Readable definition of the attribute Year in the package built on the source
  mstr.migration.package_info:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    package_id: "{{ package.package_id }}"
    object_ids: [8D679D5111D3E4981000E787EC6DE8A4]

- name: Status of an import into the target
  mstr.migration.package_info:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    import_id: "{{ imported.import.id }}"
"""

RETURN = r"""
package:
  description: The package (see M(mstr.migration.package) for the keys).
  returned: when O(package_id) is set
  type: dict
objects:
  description: Readable definitions of O(object_ids), as the server returns them.
  returned: when O(object_ids) is set
  type: list
  elements: dict
import:
  description: The import process.
  returned: when O(import_id) is set
  type: dict
  contains:
    id:
      description: Import id.
      type: str
    status:
      description: Upper-case status, V(IMPORTED) when done.
      type: str
    progress:
      description: Progress from 0 to 100.
      type: float
    undo_package_created:
      description: Whether an undo package can be downloaded.
      type: bool
option:
  description:
    - The option that caused the failure, as the message starts with it (V(package_id)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: package_id
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils.answers import check_server_id
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.objects import is_object_id
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    for option in ("package_id", "import_id"):
        if params[option]:
            check_server_id(params[option], option)
    for object_id in params["object_ids"] or []:
        if not is_object_id(object_id):
            raise ValidationError("object_ids", "%r is not an object id (32 hexadecimal characters)" % object_id)


def run(module, client, prepared):
    params = module.params
    api = PackageApi(client, params["project_id"])
    result = {}
    if params["package_id"]:
        body = api.read(params["package_id"], params["show_content"])
        result["package"] = definition.package_result(body, None)
        if params["object_ids"]:
            result["objects"] = api.object_details(params["package_id"], params["object_ids"])
    if params["import_id"]:
        result["import"] = definition.import_result(api.read_import(params["import_id"]))
    return False, result, None


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            package_id={"type": "str"},
            show_content={"type": "bool", "default": True},
            object_ids={"type": "list", "elements": "str"},
            import_id={"type": "str"},
        ),
        supports_check_mode=True,
        required_one_of=[("package_id", "import_id")],
        required_by={"object_ids": "package_id"},
    )
    run_module(module, validate, run, session_required=True)


if __name__ == "__main__":
    main()
