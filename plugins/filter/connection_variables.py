# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: connection_variables
short_description: The host variable of each connection option, for failure messages
version_added: 1.0.0
description:
  - Returns a dictionary that maps each connection option of the collection's modules (C(base_url), C(password),
    C(project_id), ...) to the inventory host variable that sets it (C(mstr_base_url), C(mstr_password),
    C(mstr_project_id), ...), as P(mstr.migration.connection#filter) reads them.
  - Give it to P(mstr.migration.failure_message#filter) so that a failed login or a missing project names the host
    variable to fix.
  - The input is ignored (use any value, such as an empty dictionary).
seealso:
  - plugin: mstr.migration.connection
    plugin_type: filter
  - plugin: mstr.migration.failure_message
    plugin_type: filter
author:
  - mstr.migration maintainers (@mstr-migration)
options:
  _input:
    description:
      - Ignored.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Say why this environment cannot be used, naming its host variable
  ansible.builtin.fail:
    msg: >-
      {{ login | mstr.migration.failure_message({} | mstr.migration.connection_variables,
                                                'environment ' ~ inventory_hostname, mstr_base_url) }}
  when: login.msg is defined
"""

RETURN = r"""
_value:
  description: Connection option -> host variable.
  type: dict
  sample: {base_url: mstr_base_url, username: mstr_username, password: mstr_password, project_id: mstr_project_id}
"""

from ansible_collections.mstr.migration.plugins.module_utils.arguments import HOST_CONNECTION_OPTIONS, host_variable


def connection_variables(_ignored=None):
    return {option: host_variable(option) for option in HOST_CONNECTION_OPTIONS}


class FilterModule:
    def filters(self):
        return {"connection_variables": connection_variables}
