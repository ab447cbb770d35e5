# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: connection
short_description: The connection options of an inventory host that is a Library environment
version_added: 1.0.0
description:
  - Takes the variables of an inventory host that stands for a Library environment (dev, test, prod) and returns the
    connection options of the collection's modules, as the action group C(group/mstr.migration.mstr) of
    C(module_defaults) takes them, so that one line gives every module of a play its connection.
  - The host variables are the options' names with the prefix C(mstr_) - C(mstr_base_url), C(mstr_username),
    C(mstr_password) (vault it), C(mstr_login_mode), C(mstr_api_token), C(mstr_validate_certs), C(mstr_ca_path),
    C(mstr_timeout), C(mstr_project_id) and C(mstr_project) - every connection option but C(session).
  - A variable that is not set or is empty is left out, so that the module's C(MSTR_*) environment fallback (an AWX
    credential) or its default applies. When both C(mstr_project) and C(mstr_project_id) are set, the modules take
    the name.
  - The same dictionary is what the roles P(mstr.migration.export_package#role) and
    P(mstr.migration.import_package#role) take as their C(*_connection); the playbook C(promote.yml) passes the
    source's and each target's this way.
seealso:
  - plugin: mstr.migration.connection_variables
    plugin_type: filter
author:
  - mstr.migration maintainers (@mstr-migration)
options:
  _input:
    description:
      - The variables of the host, for example C(hostvars[inventory_hostname]) or C(hostvars['dev']).
    type: dict
    required: true
"""

EXAMPLES = r"""
# Each host of the inventory is an environment; its connection is in its (group) variables.
- name: Read a package on every environment
  hosts: mstr_environments
  connection: local
  gather_facts: false
  module_defaults:
    group/mstr.migration.mstr: "{{ hostvars[inventory_hostname] | mstr.migration.connection }}"
  tasks:
    - name: Check the login and the project
      mstr.migration.session:
        state: verified

# Another host's connection, for a role: here dev's, on the controller.
- name: Export from dev
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Export the package
      ansible.builtin.include_role:
        name: mstr.migration.export_package
      vars:
        export_package_connection: "{{ hostvars['dev'] | mstr.migration.connection }}"
        export_package_content: [{name: Year, type: attribute, include_dependents: true}]
        export_package_dest: /srv/migrations/year.mmp
"""

RETURN = r"""
_value:
  description: The connection options the host's variables set, empty ones left out.
  type: dict
  sample: {base_url: https://dev.example.com/MicroStrategyLibrary, username: deployer, password: "...",
           project: MicroStrategy Tutorial}
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.mstr.migration.plugins.module_utils.arguments import HOST_CONNECTION_OPTIONS, host_variable


def connection(host_vars):
    if not isinstance(host_vars, Mapping):
        raise AnsibleFilterError("connection needs the variables of a host (hostvars[name]), not %s"
                                 % type(host_vars).__name__)
    options = {}
    for option in HOST_CONNECTION_OPTIONS:
        # Only the variables asked for are read (a host's variables are templated when read).
        value = host_vars.get(host_variable(option)) if host_variable(option) in host_vars else None
        if value is not None and value != "":
            options[option] = value
    return options


class FilterModule:
    def filters(self):
        return {"connection": connection}
