#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: session
short_description: Log in to or out of a MicroStrategy Library server
version_added: 1.0.0
description:
  - With O(state=present), logs in and returns RV(session), the value later tasks pass as their O(session)
    option so that a whole export or import sequence runs in one server session.
  - With O(project_id) or O(project), also checks that the user can see that project and returns it
    (RV(project)), so that a playbook can check both sides of a migration before it starts any work. When the
    project is not there, the task fails and logs out.
  - With O(state=absent), logs the O(session) out. A session that has already ended (logged out or timed out)
    is not an error.
  - With O(state=verified), logs in, checks the user and (with O(project_id) or O(project)) the project as
    O(state=present) does, and logs out again; a preflight in one task that leaves no session behind. Given a
    O(session), it checks that session and leaves it open.
  - A session is not server configuration, so logging in and logging out report no change, and a run with
    nothing else to do ends with C(changed=0); RV(logged_out) says whether the task ended a session. Logging in
    also runs in check mode, so that a check-mode run of a sequence can still read from the server.
  - In check mode, O(state=absent) logs out only a session that was opened in check mode (by the same
    check-mode run), so that such a run leaves no session behind; any other session stays open.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.DIFF_NONE
attributes:
  check_mode:
    description: Can run in check mode. Logging in runs as usual; logging out ends only a session opened in
      check mode.
    support: full
options:
  state:
    description:
      - V(present) logs in, V(absent) logs out O(session), V(verified) logs in, checks and logs out.
    type: str
    choices: [present, absent, verified]
    default: present
  privileges:
    description:
      - With O(state=present) or O(state=verified), also check that the user has the privileges the later steps
        need, in the project of O(project_id) or O(project) (in the configuration without one), through
        C(GET /api/users/{id}/privileges). V(create_package) is what an export needs; V(import_package) stands for
        what an import needs (Create Package and Import Package, as the vendor's import page says).
      - A missing privilege fails the task before any work, naming the user, the privilege and the project.
      - When the server does not let the user read privileges (that needs Use User Manager), the task warns and
        goes on (RV(privileges_checked) is false); the server still refuses a missing privilege when a step
        needs it.
    type: list
    elements: str
    choices: [create_package, import_package]
    default: []
notes:
  - >-
    RV(session) contains the auth token and session cookies. Register it, pass it on, and set C(no_log: true)
    on tasks that print it.
seealso:
  - module: mstr.migration.package
  - module: mstr.migration.package_import
  - name: Create and import migration packages
    description: The vendor's package workflows, which log in first.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: Log in (no_log keeps the password and the session out of the output)
  mstr.migration.session:
    base_url: https://mstr.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
  no_log: true
  register: login

- name: Use the session in later tasks
  mstr.migration.package:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    type: project
    content:
      - id: 8D679D5111D3E4981000E787EC6DE8A4
        type: attribute
  register: package

- name: Log out, even when an earlier task failed
  mstr.migration.session:
    session: "{{ login.session }}"
    state: absent
  no_log: true

- name: Log in and check that the project is there, before any work (a preflight)
  mstr.migration.session:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project: Demo Project
  no_log: true
  register: target_login

- name: Check the login, the project and the privileges an import needs before any work, and leave no session
  mstr.migration.session:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project: Demo Project
    privileges: [import_package]
    state: verified
  no_log: true

- name: Log in with credentials injected as MSTR_* environment variables (AWX credential)
  mstr.migration.session:
  no_log: true
  register: login
"""

RETURN = r"""
session:
  description:
    - Opaque value holding the server address, the auth token and the session cookies. Pass it as O(session)
      to later tasks. Treat it as a secret.
  returned: when O(state=present)
  type: str
base_url:
  description: The normalised Library address the session belongs to.
  returned: always
  type: str
  sample: https://mstr.example.com/MicroStrategyLibrary
user:
  description:
    - The logged-in user as the server describes it (C(GET /api/sessions)).
    - Null, with a warning, when that read failed (a proxy that blocks it, an older server); the login itself
      still succeeded.
  returned: when O(state=present) or O(state=verified)
  type: dict
  contains:
    id:
      description: User id.
      type: str
      sample: 54F3D26011D2896560009A8E67019608
    username:
      description: Login name.
      type: str
      sample: administrator
    full_name:
      description: Display name.
      type: str
      sample: Administrator
project:
  description:
    - The project of O(project_id) or O(project), checked to be visible to the user (C(GET /api/projects)).
  returned: when O(state=present) or O(state=verified), and O(project_id) or O(project) is set
  type: dict
  contains:
    id:
      description: Project id.
      type: str
      sample: B7CA92F04B9FAE8D941C3E9B7E0CD754
    name:
      description: Project name.
      type: str
      sample: MicroStrategy Tutorial
privileges_checked:
  description:
    - Whether the privileges of O(privileges) were read and found (false when the server did not let the user read
      them; a warning says so).
  returned: when O(privileges) is set and O(state=present) or O(state=verified)
  type: bool
logged_out:
  description:
    - Whether this task ended a live session (false when it had already ended, and in check mode for a session
      from a real login, which stays open).
  returned: when O(state=absent)
  type: bool
option:
  description:
    - The option that caused the failure, as the message starts with it (V(project_id)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: project_id
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError
from ansible_collections.mstr.migration.plugins.module_utils.names import visible_project
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.privileges import check_privileges, step_needing
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    if params["project_id"]:
        definition.check_project_id(None, params["project_id"])


def checked(module, client):
    """The user, and the project the next tasks need (a preflight: a failure logs out)."""
    try:
        user = PackageApi(client, None).session_user()
    except MstrError as exc:
        # Only for display: a proxy that blocks the call, or an older server, must not fail the login.
        module.warn("logged in, but the user could not be read (%s); the result's user is null" % exc.message)
        user = None
    result = {"base_url": client.base_url, "user": user}
    if module.params["project_id"]:
        result["project"] = visible_project(client, module.params["project_id"],
                                            "project" if module.params["project"] else "project_id")
    if module.params["privileges"]:
        warnings = check_privileges(client, step_needing(module.params["privileges"]), result.get("project"),
                                    user if user is not None else {})
        for warning in warnings:
            module.warn(warning)
        result["privileges_checked"] = not warnings
    return result


def log_in(module, client, prepared):
    result = checked(module, client)
    # A session opened by a check-mode run is that run's own: its logout in check mode may end it.
    client.opened_in_check_mode = module.check_mode
    return False, dict(result, session=client.session_value()), None


def verify(module, client, prepared):
    return False, checked(module, client), None


def log_out(module, client, prepared):
    # Never "changed": the session was the run's own working state, not something on the server the user manages.
    if module.check_mode and not client.opened_in_check_mode:
        # A session from a real login is the user's: check mode leaves it open.
        return False, {"base_url": client.base_url, "logged_out": False}, None
    return False, {"base_url": client.base_url, "logged_out": client.logout()}, None


def main():
    module = AnsibleModule(
        argument_spec=get_spec(state={"type": "str", "default": "present",
                                      "choices": ["present", "absent", "verified"]},
                               privileges={"type": "list", "elements": "str", "default": [],
                                           "choices": ["create_package", "import_package"]}),
        supports_check_mode=True,
        required_if=[("state", "absent", ["session"])],
    )
    if module.params["state"] == "present":
        # Logged in here on purpose and not logged out: returning the session is this module's job.
        run_module(module, validate, log_in, keep_session=True, hide_runtime_secrets=False)
    elif module.params["state"] == "verified":
        # Logged out at the end by run_module (a session given is the caller's and stays open).
        run_module(module, validate, verify)
    else:
        run_module(module, validate, log_out, session_required=True)


if __name__ == "__main__":
    main()
