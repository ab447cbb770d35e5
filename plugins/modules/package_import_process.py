#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package_import_process
short_description: Start, wait for or close one import process of a package holder (single steps)
version_added: 1.0.0
description:
  - Single steps of the vendor's import sequence, for playbooks that drive it themselves with
    M(mstr.migration.package_binary) and M(mstr.migration.package). For the whole import from a file in one
    task (compare with the target, undo package, import record, cleanup), use M(mstr.migration.package_import).
  - With O(package_id) (and O(state=present)), imports a package already uploaded into a holder of O(session)
    and waits until the import has finished; given an O(import_id) instead, only waits for that import. With
    O(state=absent), closes the import process O(import_id); one already closed is not an error. An import
    fails as soon as the server reports a failed status, with the server's message.
  - The holder and the import live only in the server session that created them, so O(session) is required.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts, importing nothing.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
options:
  state:
    description:
      - V(present) imports (O(package_id)) or waits for an import (O(import_id)); V(absent) closes the import
        process O(import_id).
    type: str
    choices: [present, absent]
    default: present
  package_id:
    description:
      - The ready package holder of O(session) to import (after M(mstr.migration.package_binary) uploaded a file
        into it). Always imports, so always a change.
      - Exactly one of O(package_id) and O(import_id) is required.
    type: str
  import_id:
    description:
      - "An existing import process of O(session): with O(state=present), wait for it; with O(state=absent),
        close it."
      - Required with O(state=absent).
    type: str
  generate_undo:
    description:
      - Make an undo package that, imported, restores what this import changed. The server cannot make one
        for some packages (for example with the V(keep_both) action); RV(import.undo_package_created) says.
    type: bool
    default: true
  wait:
    description:
      - Wait until the import has finished.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the import before failing with the last status seen.
    type: float
    default: 1800
seealso:
  - module: mstr.migration.package_import
  - module: mstr.migration.package_binary
  - module: mstr.migration.package_info
  - name: Import a migration package
    description: The vendor's workflow page these steps follow.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/import-a-migration-package
"""

EXAMPLES = r"""
# Single steps, in a session of their own (the holder and the import live in it)
- name: Import the package uploaded before with package_binary
  mstr.migration.package_import_process:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    package_id: "{{ holder.package_id }}"
  register: step

- name: Close the import process
  mstr.migration.package_import_process:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    import_id: "{{ step.import_id }}"
    state: absent
"""

RETURN = r"""
import:
  description: The import process.
  returned: with O(state=present)
  type: dict
  contains:
    id:
      description: Import id (null in check mode).
      type: str
    status:
      description: Upper-case status, V(IMPORTED) when done.
      type: str
      sample: IMPORTED
    progress:
      description: Progress from 0 to 100.
      type: float
    undo_package_created:
      description: Whether the server made an undo package.
      type: bool
    elapsed:
      description: Seconds spent waiting.
      type: float
      returned: when waited
import_id:
  description: Id of the import process, also when waiting failed, so that cleanup can close it.
  returned: when an import exists
  type: str
package:
  description: In check mode with O(package_id), the package that would be imported (see M(mstr.migration.package)).
  returned: in check mode with O(package_id)
  type: dict
option:
  description:
    - The option that caused the failure, as the message starts with it (V(import_id)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: import_id
"""


from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils.answers import (IMPORT_DONE, PACKAGE_READY, check_server_id,
                                                                             normalise_status)
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module

SESSION_NEEDED = ("is required for a single step (package_id, import_id): the holder and the import live only in "
                  "the session that created them; pass session: \"{{ login.session }}\" from mstr.migration.session, or "
                  "use mstr.migration.package_import with src to run the whole import in one task")


def validate(params):
    for option in ("package_id", "import_id"):
        if params[option]:
            check_server_id(params[option], option)


def wait_or_read(module, api, import_id):
    params = module.params
    try:
        if params["wait"]:
            return api.wait_import(import_id, params["wait_timeout"])
        return api.read_import(import_id)
    except MstrError as exc:
        exc.details.setdefault("import_id", import_id)  # so that cleanup can close it
        raise


def ensure_present(module, api):
    params = module.params
    if params["import_id"]:
        body = wait_or_read(module, api, params["import_id"])
        return False, {"import_id": body.get("id"), "import": definition.import_result(body)}, None
    package_id = params["package_id"]
    if module.check_mode:
        current = api.read(package_id)
        status = normalise_status(current.get("status"))
        if status != PACKAGE_READY:
            raise MstrError("package %s is %s, not READY; it cannot be imported" % (package_id, status))
        predicted = {"id": None, "status": IMPORT_DONE, "progress": 100.0,
                     "undoPackageCreated": params["generate_undo"]}
        return True, {"import": definition.import_result(predicted),
                      "package": definition.package_result(current, None)}, None
    started = api.start_import(package_id, params["generate_undo"])
    body = wait_or_read(module, api, started["id"])
    return True, {"import_id": body.get("id"), "import": definition.import_result(body)}, None


def ensure_absent(module, api):
    import_id = module.params["import_id"]
    if module.check_mode:
        try:
            api.read_import(import_id)
        except ApiError as exc:
            if not exc.not_found:
                raise
            return False, {"import_id": import_id}, None
        return True, {"import_id": import_id}, None
    return api.delete_import(import_id), {"import_id": import_id}, None


def run(module, client, prepared):
    # The package type is not known to a single step: project_id, when given, goes with every call.
    api = PackageApi(client, module.params["project_id"])
    if module.params["state"] == "absent":
        return ensure_absent(module, api)
    return ensure_present(module, api)


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            state={"type": "str", "default": "present", "choices": ["present", "absent"]},
            package_id={"type": "str"},
            import_id={"type": "str"},
            generate_undo={"type": "bool", "default": True},
            wait={"type": "bool", "default": True},
            wait_timeout={"type": "float", "default": 1800},
        ),
        supports_check_mode=True,
        mutually_exclusive=[("package_id", "import_id")],
        required_one_of=[("package_id", "import_id")],
        required_if=[("state", "absent", ["import_id"])],
    )
    run_module(module, validate, run, session_required=SESSION_NEEDED)


if __name__ == "__main__":
    main()
