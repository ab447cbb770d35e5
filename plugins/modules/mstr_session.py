#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mstr_session
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
  - A session is not server configuration, so logging in reports no change. Logging in also runs in check
    mode, so that a check-mode run of a sequence can still read from the server.
  - In check mode, O(state=absent) logs out only a session that was opened in check mode (by the same
    check-mode run), so that such a run leaves no session behind; any other session stays open and the task
    reports whether it would be logged out.
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
      - V(present) logs in, V(absent) logs out O(session).
    type: str
    choices: [present, absent]
    default: present
notes:
  - >-
    RV(session) contains the auth token and session cookies. Register it, pass it on, and set C(no_log: true)
    on tasks that print it.
seealso:
  - module: mstr.migration.mstr_package
  - module: mstr.migration.mstr_package_import
  - name: Create and import migration packages
    description: The vendor's package workflows, which log in first.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: Log in (no_log keeps the password and the session out of the output)
  mstr.migration.mstr_session:
    base_url: https://mstr.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
  no_log: true
  register: login

- name: Use the session in later tasks
  mstr.migration.mstr_package:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    type: project
    content:
      - id: 8D679D5111D3E4981000E787EC6DE8A4
        type: attribute
  register: package

- name: Log out, even when an earlier task failed
  mstr.migration.mstr_session:
    session: "{{ login.session }}"
    state: absent
  no_log: true

- name: Log in and check that the project is there, before any work (a preflight)
  mstr.migration.mstr_session:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project: Demo Project
  no_log: true
  register: target_login

- name: Log in with credentials injected as MSTR_* environment variables (AWX credential)
  mstr.migration.mstr_session:
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
  returned: when O(state=present)
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
  returned: when O(state=present) and O(project_id) or O(project) is set
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
logged_out:
  description: Whether a live session was ended (false when it had already ended).
  returned: when O(state=absent)
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import package as pkg
from ansible_collections.mstr.migration.plugins.module_utils.api import PackageApi, visible_project
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    if params["project_id"]:
        pkg.check_project_id(None, params["project_id"])


def log_in(module, client, prepared):
    try:
        user = PackageApi(client, None).session_user()
    except MstrError as exc:
        # Only for display: a proxy that blocks the call, or an older server, must not fail the login.
        module.warn("logged in, but the user could not be read (%s); the result's user is null" % exc.message)
        user = None
    result = {"base_url": client.base_url, "user": user}
    if module.params["project_id"]:
        # A preflight: the project the next tasks need is there and visible to this user (a failure logs out).
        result["project"] = visible_project(client, module.params["project_id"],
                                            "project" if module.params["project"] else "project_id")
    # A session opened by a check-mode run is that run's own: its logout in check mode may end it.
    client.opened_in_check_mode = module.check_mode
    return False, dict(result, session=client.session_value()), None


def log_out(module, client, prepared):
    if module.check_mode and not client.opened_in_check_mode:
        # A session from a real login is the user's: check mode only reads whether it is still alive.
        return session_alive(client), {"base_url": client.base_url, "logged_out": False}, None
    ended = client.logout()
    return ended, {"base_url": client.base_url, "logged_out": ended}, None


def session_alive(client) -> bool:
    try:
        PackageApi(client, None).session_user()
    except ApiError as exc:
        if exc.session_expired or exc.status == 401:
            return False
        raise
    return True


def main():
    module = AnsibleModule(
        argument_spec=get_spec(state={"type": "str", "default": "present", "choices": ["present", "absent"]}),
        supports_check_mode=True,
        required_if=[("state", "absent", ["session"])],
    )
    if module.params["state"] == "present":
        # Logged in here on purpose and not logged out: returning the session is this module's job.
        run_module(module, validate, log_in, keep_session=True, hide_runtime_secrets=False)
    else:
        run_module(module, validate, log_out, session_required=True)


if __name__ == "__main__":
    main()
