# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Each role takes the connection as one dictionary whose spec is the modules' connection options.

A new connection option is added to arguments.CONNECTION_SPEC, the connection doc fragment and the two
roles' argument specs: this test fails until the roles' specs follow.
"""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.mstr.migration.plugins.module_utils.arguments import CONNECTION_SPEC

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
ROLES = ("export_package", "import_package")


def connection_spec(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    return options["%s_connection" % role]


@pytest.mark.parametrize("role", ROLES)
def test_the_connection_dict_has_the_modules_connection_options(role):
    spec = connection_spec(role)
    assert spec["type"] == "dict"
    options = spec["options"]
    assert sorted(options) == sorted(CONNECTION_SPEC)
    for name, module_option in CONNECTION_SPEC.items():
        assert options[name]["type"] == module_option["type"], name
        assert bool(options[name].get("no_log")) == bool(module_option.get("no_log")), name
        # An empty value means "unset" in the role (the MSTR_* environment applies), so "" is a choice there too.
        assert [c for c in options[name].get("choices", []) if c != ""] == module_option.get("choices", []), name
        # No defaults: a value the role set would hide the MSTR_* environment from the module.
        assert "default" not in options[name], name


@pytest.mark.parametrize("role", ROLES)
def test_the_role_lists_no_connection_option_of_its_own(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert not [name for name in options if name[len(role) + 1:] in CONNECTION_SPEC]
    with open(os.path.join(ROOT, "roles", role, "tasks", "main.yml")) as handle:
        tasks = yaml.safe_load(handle)
    module_task = tasks[0]
    module_args = next(value for key, value in module_task.items() if key.startswith("mstr.migration."))
    assert not set(module_args) & set(CONNECTION_SPEC)
    assert "group/mstr.migration.mstr" in module_task["module_defaults"]
