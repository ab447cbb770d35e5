#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mstr_package_import
short_description: Import a MicroStrategy package, with an undo package
version_added: 1.0.0
description:
  - With O(state=present), imports a ready package (O(package_id)) into the project of O(project_id) (or into
    the configuration, for configuration packages), by default generating an undo package, and waits until
    the import has finished. Given an O(import_id) instead, only waits for that import and reports it.
  - With O(state=absent), closes the import process O(import_id); one that is already closed is not an error.
  - An import fails as soon as the server reports a failed status, with the server's message.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_FULL
  - mstr.migration.attributes.DIFF_NONE
options:
  state:
    description:
      - V(present) imports, V(absent) closes an import process.
    type: str
    choices: [present, absent]
    default: present
  package_id:
    description:
      - The ready package holder to import (for example after M(mstr.migration.mstr_package_binary) uploaded a
        file into it).
    type: str
  import_id:
    description:
      - "An existing import process: with O(state=present), wait for it; with O(state=absent), close it."
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
notes:
  - Importing applies the package again each time, so O(state=present) with O(package_id) always reports a
    change. Check mode imports nothing and reports what would be imported from the package's content.
seealso:
  - module: mstr.migration.mstr_package_binary
  - module: mstr.migration.mstr_package_info
  - name: Create and import migration packages
    description: The vendor's workflow pages this module follows.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: Import the uploaded package with an undo package
  mstr.migration.mstr_package_import:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    package_id: "{{ holder.package_id }}"
  register: imported

- name: Keep the undo package
  mstr.migration.mstr_package_binary:
    session: "{{ target_login.session }}"
    import_id: "{{ imported.import.id }}"
    dest: /srv/migrations/year.undo.mmp
  when: imported.import.undo_package_created

- name: Close the import process
  mstr.migration.mstr_package_import:
    session: "{{ target_login.session }}"
    import_id: "{{ imported.import.id }}"
    state: absent
"""

RETURN = r"""
import:
  description: The import process.
  returned: when O(state=present)
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
      description: Whether an undo package can be downloaded.
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
  description: In check mode, the package that would be imported (see M(mstr.migration.mstr_package)).
  returned: in check mode with O(package_id)
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import package as pkg
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    if params["state"] == "absent" and not params["import_id"]:
        raise ValidationError("import_id", "is required with state: absent (the import process to close)")
    if params["state"] == "present" and not (params["package_id"] or params["import_id"]):
        raise ValidationError("package_id", "is required with state: present (the ready package to import)")
    if params["wait_timeout"] <= 0:
        raise ValidationError("wait_timeout", "must be a positive number of seconds")


def wait_or_read(module, client, import_id):
    params = module.params
    try:
        if params["wait"]:
            return pkg.wait_import(client, import_id, params["project_id"], params["wait_timeout"])
        return pkg.read_import(client, import_id, params["project_id"])
    except MstrError as exc:
        exc.details.setdefault("import_id", import_id)  # so that cleanup can close it
        raise


def ensure_present(module, client):
    params = module.params
    if params["import_id"]:
        body = wait_or_read(module, client, params["import_id"])
        return False, {"import_id": body.get("id"), "import": pkg.import_result(body)}, None
    package_id = params["package_id"]
    if module.check_mode:
        current = pkg.read_package(client, package_id, params["project_id"])
        status = pkg.normalise_status(current.get("status"))
        if status != pkg.PACKAGE_READY:
            raise MstrError("package %s is %s, not READY; it cannot be imported" % (package_id, status))
        predicted = {"id": None, "status": "IMPORTED", "progress": 100.0,
                     "undoPackageCreated": params["generate_undo"]}
        return True, {"import": pkg.import_result(predicted), "package": pkg.package_result(current, None)}, None
    started = pkg.start_import(client, package_id, params["project_id"], params["generate_undo"])
    body = wait_or_read(module, client, started["id"])
    return True, {"import_id": body.get("id"), "import": pkg.import_result(body)}, None


def ensure_absent(module, client):
    import_id = module.params["import_id"]
    if module.check_mode:
        try:
            pkg.read_import(client, import_id)
        except ApiError as exc:
            if not exc.not_found:
                raise
            return False, {"import_id": import_id}, None
        return True, {"import_id": import_id}, None
    return pkg.delete_import(client, import_id), {"import_id": import_id}, None


def run(module, client, prepared):
    if module.params["state"] == "absent":
        return ensure_absent(module, client)
    return ensure_present(module, client)


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
    )
    run_module(module, validate, run, session_required=True)


if __name__ == "__main__":
    main()
