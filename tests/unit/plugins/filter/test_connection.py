# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""connection and connection_variables: an inventory host's mstr_* variables are the modules' connection options.

A new connection option in arguments.CONNECTION_SPEC becomes a host variable at once; these tests keep the filters,
the modules' options and the example inventory of playbooks/ equal.
"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.mstr.migration.plugins.filter.connection import FilterModule, connection
from ansible_collections.mstr.migration.plugins.filter.connection_variables import connection_variables
from ansible_collections.mstr.migration.plugins.module_utils.arguments import CONNECTION_SPEC

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
INVENTORY = os.path.join(ROOT, "playbooks", "inventory")


def test_every_connection_option_but_the_session_is_a_host_variable():
    host_vars = {"mstr_" + name: "x" for name in CONNECTION_SPEC}
    assert sorted(connection(host_vars)) == sorted(set(CONNECTION_SPEC) - {"session"})
    assert connection_variables({}) == {name: "mstr_" + name for name in CONNECTION_SPEC if name != "session"}


def test_only_set_and_non_empty_variables_are_kept_so_that_the_environment_applies():
    host_vars = {"mstr_base_url": "https://dev.example.com/MicroStrategyLibrary", "mstr_username": "",
                 "mstr_password": None, "mstr_validate_certs": False, "mstr_project": "MicroStrategy Tutorial",
                 "mstr_session": "not taken from a host", "ansible_connection": "local", "other": 1}
    assert connection(host_vars) == {"base_url": "https://dev.example.com/MicroStrategyLibrary",
                                     "validate_certs": False, "project": "MicroStrategy Tutorial"}


def test_the_variables_are_read_by_name_only():
    class HostVars(dict):
        """Like hostvars[host]: reading a key templates it; the filter must not read others."""
        read = []

        def get(self, key, default=None):
            self.read.append(key)
            return super().get(key, default)

    host_vars = HostVars(mstr_base_url="https://test.example.com/MicroStrategyLibrary", secret_of_another_tool="x")
    assert connection(host_vars) == {"base_url": "https://test.example.com/MicroStrategyLibrary"}
    assert HostVars.read == ["mstr_base_url"]


@pytest.mark.parametrize("value", ["dev", ["dev"], None])
def test_a_value_that_is_not_a_hosts_variables_is_refused(value):
    with pytest.raises(AnsibleFilterError, match="needs the variables of a host"):
        connection(value)


def test_the_filters_are_registered():
    assert FilterModule().filters()["connection"] is connection


def example_variable_files():
    """The group_vars and host_vars files of the example inventory (the encrypted vault files aside)."""
    for kind in ("group_vars", "host_vars"):
        for directory, _dirs, files in os.walk(os.path.join(INVENTORY, kind)):
            for name in files:
                if name.endswith((".yml", ".yaml")) and name != "vault.yml":
                    yield os.path.join(directory, name)


def test_the_example_inventory_sets_only_connection_variables_the_filter_knows():
    known = set(connection_variables({}).values())
    used = set()
    for path in example_variable_files():
        with open(path) as handle:
            used.update(name for name in yaml.safe_load(handle) or {} if name.startswith("mstr_"))
    assert {"mstr_base_url", "mstr_username", "mstr_password", "mstr_project", "mstr_project_id"} <= used
    assert used <= known, used - known


def test_the_example_vault_files_are_encrypted():
    for env in ("dev", "test", "prod"):
        with open(os.path.join(INVENTORY, "host_vars", env, "vault.yml")) as handle:
            assert handle.readline().startswith("$ANSIBLE_VAULT;1.2;AES256;%s" % env)
