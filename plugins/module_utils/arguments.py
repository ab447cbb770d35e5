# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of the modules (module lifecycle layer): the connection options, each once, with its
environment fallback; the package definition; the rules every module's options share.

Documented once in ``plugins/doc_fragments/connection.py``; AWX credentials
inject the ``MSTR_*`` variables named here.
"""

from __future__ import annotations

import copy
import math
import os

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError


def env_if_set(*names):
    """Like env_fallback, but an empty variable counts as unset.

    AWX renders the injectors of a credential for every field, so fields left
    empty arrive as empty variables; they must not override the defaults.
    """
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


CONNECTION_SPEC = {
    "base_url": {"type": "str", "fallback": (env_if_set, ["MSTR_BASE_URL"])},
    "username": {"type": "str", "fallback": (env_if_set, ["MSTR_USERNAME"])},
    "password": {"type": "str", "no_log": True, "fallback": (env_if_set, ["MSTR_PASSWORD"])},
    "login_mode": {"type": "str", "default": "standard", "choices": ["standard", "ldap", "anonymous", "api_token"],
                   "fallback": (env_if_set, ["MSTR_LOGIN_MODE"])},
    "api_token": {"type": "str", "no_log": True, "fallback": (env_if_set, ["MSTR_API_TOKEN"])},
    # No defaults here: unset means "as the session was opened" (runner.connection_settings), else true and 60.
    "validate_certs": {"type": "bool", "fallback": (env_if_set, ["MSTR_VALIDATE_CERTS"])},
    "ca_path": {"type": "path", "fallback": (env_if_set, ["MSTR_CA_PATH"])},
    "timeout": {"type": "float", "fallback": (env_if_set, ["MSTR_TIMEOUT"])},
    "project_id": {"type": "str", "fallback": (env_if_set, ["MSTR_PROJECT_ID"])},
    "project": {"type": "str"},
    "session": {"type": "str", "no_log": True, "fallback": (env_if_set, ["MSTR_SESSION"])},
}


# A package definition, as package and package_export take it (doc fragment mstr.migration.definition).
DEFINITION_SPEC = {
    "type": {"type": "str", "choices": list(definition.PACKAGE_TYPES)},
    "settings": {"type": "dict", "options": {
        "default_action": {"type": "str", "choices": list(definition.ACTIONS)},
        "acl_on_replacing_objects": {"type": "str", "choices": list(definition.ACL_ON_REPLACING)},
        "acl_on_new_objects": {"type": "list", "elements": "str", "choices": list(definition.ACL_ON_NEW)},
        "update_schema": {"type": "list", "elements": "str", "choices": list(definition.UPDATE_SCHEMA)},
    }},
    "content": {"type": "list", "elements": "dict", "options": {
        "id": {"type": "str"},
        "name": {"type": "str"},
        "type": {"type": "raw", "required": True},
        "action": {"type": "str", "choices": list(definition.ACTIONS)},
        "include_dependents": {"type": "bool", "default": False},
    }, "required_one_of": [("id", "name")]},
}


def definition_spec(required: bool) -> dict:
    """DEFINITION_SPEC, with type and content required (package_export) or not (package: state decides)."""
    spec = copy.deepcopy(DEFINITION_SPEC)
    spec["type"]["required"] = spec["content"]["required"] = required
    return spec


# An inventory host that is a Library environment keeps its connection in host variables named after the options
# (mstr_base_url, mstr_password, ...): every connection option but the session, which a run obtains and passes on.
HOST_VARIABLE_PREFIX = "mstr_"
HOST_CONNECTION_OPTIONS = tuple(name for name in CONNECTION_SPEC if name != "session")


def host_variable(option: str) -> str:
    """The host variable of a connection option: base_url -> mstr_base_url."""
    return HOST_VARIABLE_PREFIX + option


def get_spec(**module_options) -> dict:
    """The connection options plus the module's own."""
    spec = copy.deepcopy(CONNECTION_SPEC)
    spec.update(module_options)
    return spec


def check_positive(value, option: str) -> None:
    """Seconds that must be more than nothing: timeout, wait_timeout."""
    # NaN compares false with everything: it passed "<= 0" and then made every wait endless (elapsed >= NaN).
    if value is not None and not 0 < value < math.inf:
        raise ValidationError(option, "must be a positive number of seconds")


def side_spec() -> dict:
    """One side of a migration (``source``, ``target``; doc fragment mstr.migration.sides): the connection options
    without defaults or environment fallbacks (unset, the task's own option is used), and the side's environment as
    Workstation names it."""
    options = {}
    for key, option in CONNECTION_SPEC.items():
        option = {k: v for k, v in option.items() if k not in ("fallback", "default")}
        options[key] = option
    options["environment_id"] = {"type": "str"}
    options["environment_name"] = {"type": "str"}
    return {"type": "dict", "options": options}
