#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package
short_description: Create, define and delete MicroStrategy migration packages
version_added: 1.0.0
description:
  - With O(state=present), creates a package holder (unless O(package_id) names one), sets its definition
    (O(type), O(settings), O(content)) and waits until the server has built it.
  - Given the O(package_id) of a ready package whose definition already matches, changes nothing. A ready
    package with a different definition cannot be changed (the server sets a definition once); the module
    then fails and says to delete it and create a new one.
  - With O(state=absent), deletes the package holder; a package that is already gone is not an error.
  - Every option is checked before the first request, by the rules of the package type.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.definition
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_FULL
  - mstr.migration.attributes.DIFF_FULL
options:
  state:
    description:
      - V(present) makes sure the package exists with this definition, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  package_id:
    description:
      - Id of an existing package holder of this O(session). Without it, O(state=present) creates one.
      - Required with O(state=absent). Set O(project_id) too when the package is a V(project) or
        V(project_security) package, since the server needs the project header on every call of such a
        package, its deletion included.
    type: str
  wait:
    description:
      - Wait until the package is built (status READY). With V(false), returns right after the definition
        was accepted, while the package is still PROCESSING.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the package to be built before failing with the last status seen.
    type: float
    default: 600
notes:
  - A package holder lives in the server session that created it and the server allows one per session.
    Pass the same O(session) to every task and delete the holder when done, in an C(always) section (or let
    M(mstr.migration.package_export) run a whole export in one task).
  - The reported RV(package.status) is upper case whatever the server prints (V(READY) or V(ready)).
seealso:
  - module: mstr.migration.session
  - module: mstr.migration.package_binary
  - module: mstr.migration.package_info
  - name: Create and import migration packages
    description: The vendor's workflow pages this module follows.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: Project package with the attribute Year and its dependents
  mstr.migration.package:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    type: project
    settings:
      default_action: replace
      acl_on_replacing_objects: use_existing
      acl_on_new_objects: [keep_acl_as_source_object]
      update_schema: [recal_table_logical_size, recal_table_keys_fact_entry_level]
    content:
      - id: 8D679D5111D3E4981000E787EC6DE8A4
        type: attribute
        action: replace
        include_dependents: true
  register: package

- name: Delete the package holder (the project header goes with every call of a project package)
  mstr.migration.package:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    package_id: "{{ package.package_id }}"
    state: absent

# One holder per session: the next package can be made once the first is deleted.
- name: Configuration package with the user Administrator, found by name
  mstr.migration.package:
    session: "{{ login.session }}"
    type: configuration
    settings:
      default_action: replace
    content:
      - name: Administrator
        type: user
        include_dependents: true
"""

RETURN = r"""
base_url:
  description: The Library address of the session, for records such as an export manifest.
  returned: always
  type: str
  sample: https://mstr.example.com/MicroStrategyLibrary
package_id:
  description:
    - Id of the package holder. Also returned when a later step failed, so that cleanup can delete it.
  returned: when a package exists or was deleted
  type: str
  sample: QjdDQTkyRjA0QjlGQUU4RDk0MUMzRTlCN0UwQ0Q3NTQ6MzY3NDRCQjUxQjRDMTRDOENERTBDQUE4MTRGQUEzOTE=
package:
  description: The package as the server reports it (as predicted in check mode).
  returned: when O(state=present)
  type: dict
  contains:
    id:
      description: Package id (null in check mode when a holder would be created).
      type: str
    status:
      description: Upper-case status, V(READY) once built.
      type: str
      sample: READY
    type:
      description: Package type.
      type: str
      sample: project
    settings:
      description: The settings, with the option names of this module.
      type: dict
      sample:
        default_action: replace
        acl_on_replacing_objects: use_existing
        acl_on_new_objects: [keep_acl_as_source_object]
        update_schema: null
    content:
      description:
        - Every object in the package, dependents included (C(explicit_included=false)), with its version.
      type: list
      elements: dict
      sample:
        - id: 8D679D5111D3E4981000E787EC6DE8A4
          name: Year
          type: 12
          version: 2215B50211EB7C9D8F150080EF651EEA
          action: replace
          include_dependents: true
          explicit_included: true
          level: project_object
          owner_id: 54F3D26011D2896560009A8E67019608
          date_created: 2001-01-02T20:48:10.000+0000
          date_modified: 2021-03-04T03:53:09.000+0000
    fingerprint:
      description:
        - sha256 of the settings and of every object's id, type, version and action. Equal fingerprints
          mean equal package content, whatever the bytes of the binary (which differ at every export).
      type: str
    message:
      description: The server's message when the package failed.
      type: str
      returned: when the server gave one
option:
  description:
    - The option that caused the failure, as the message starts with it (V(content[0].name)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: content[0].name
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils.answers import (PACKAGE_EMPTY, PACKAGE_PROCESSING, PACKAGE_READY,
                                                                             check_server_id, is_failed, normalise_status)
from ansible_collections.mstr.migration.plugins.module_utils.arguments import definition_spec, get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, PackageGone
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    if params["package_id"]:
        check_server_id(params["package_id"], "package_id")
    if params["state"] == "absent":
        return None
    return definition.validate_definition(params["type"], params["settings"], params["content"],
                                          params["project_id"], params["project"])


def ensure_present(module, client, body):
    params = module.params
    package_id = params["package_id"]
    api = PackageApi(client, params["project_id"], body["type"])
    body = definition.resolve_names(api, body)
    current = None
    if package_id:
        current = read_existing(module, api, package_id)
        if normalise_status(current.get("status")) != PACKAGE_EMPTY:
            return unchanged(package_id, body, current)
    diff = {"before": definition.definition_view(body["type"], current if current and current.get("content") else None),
            "after": definition.definition_view(body["type"], body)}
    if module.check_mode:
        predicted = {"id": package_id, "status": PACKAGE_READY, "settings": body["settings"],
                     "content": [dict(item, explicitIncluded=True) for item in body["content"]]}
        return True, {"package_id": package_id, "package": definition.package_result(predicted, body["type"])}, diff
    if not package_id:
        package_id = api.create_holder()
    try:
        api.define(package_id, body)
        if params["wait"]:
            current = api.wait_ready(package_id, params["wait_timeout"])
        else:
            current = api.read(package_id)
    except MstrError as exc:
        exc.details.setdefault("package_id", package_id)  # so that cleanup can find the holder
        raise
    return True, {"package_id": package_id, "package": definition.package_result(current, body["type"])}, diff


def read_existing(module, api, package_id):
    """The package of package_id, waited for when it is still processing; a failed one is an error."""
    current = api.read(package_id)
    status = normalise_status(current.get("status"))
    if status == PACKAGE_PROCESSING and module.params["wait"]:
        current = api.wait_ready(package_id, module.params["wait_timeout"])
        status = PACKAGE_READY
    if is_failed(status):
        message = current.get("message") or "no message"
        raise MstrError("package %s is in status %s: %s" % (package_id, status, message), package_id=package_id)
    return current


def unchanged(package_id, body, current):
    """A package with a definition: the same one is no change; the server sets a definition only once."""
    differences = definition.definition_differences(body, current)
    if differences:
        raise MstrError("package %s already has another definition (%s). The server sets a definition only "
                        "once, while the package is EMPTY: delete it (state: absent) and run again without "
                        "package_id to create a new one" % (package_id, "; ".join(differences)),
                        package_id=package_id)
    result = {"package_id": package_id, "package": definition.package_result(current, body["type"])}
    view = definition.definition_view(body["type"], current)
    return False, result, {"before": view, "after": view}


def ensure_absent(module, client, prepared):
    package_id = module.params["package_id"]
    # The type is not known here: the project header goes with every call when project_id is given.
    api = PackageApi(client, module.params["project_id"])
    if module.check_mode:
        try:
            api.read(package_id, show_content=False)
        except PackageGone:
            return False, {"package_id": package_id}, None
        return True, {"package_id": package_id}, None
    return api.delete(package_id), {"package_id": package_id}, None


def run(module, client, prepared):
    if module.params["state"] == "absent":
        changed, result, diff = ensure_absent(module, client, prepared)
    else:
        changed, result, diff = ensure_present(module, client, prepared)
    result["base_url"] = client.base_url
    return changed, result, diff


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            state={"type": "str", "default": "present", "choices": ["present", "absent"]},
            package_id={"type": "str"},
            **definition_spec(required=False),
            wait={"type": "bool", "default": True},
            wait_timeout={"type": "float", "default": 600},
        ),
        supports_check_mode=True,
        required_if=[("state", "present", ["type", "content"]), ("state", "absent", ["package_id"])],
    )
    run_module(module, validate, run, session_required=True)


if __name__ == "__main__":
    main()
