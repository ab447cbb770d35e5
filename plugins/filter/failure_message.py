# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: failure_message
short_description: Say why a task of this collection failed, in the words of the playbook or role that ran it
version_added: 1.0.0
description:
  - Takes the result of a failed task of this collection and returns its message with the module option that
    caused the failure (the result's C(option)) replaced by the variable the caller set it with, for example
    a message that starts with C(project_id) starts with C(target_project_id) instead.
  - The connection options a message mentions further on (C(is base_url right?), or the hint to check
    C(username), C(password), C(login_mode) or C(api_token)) are named too, at the end, with the caller's
    variables.
  - With O(side), the message starts with the side and its address, credentials masked, as in
    C(The target (https://***@host/MicroStrategyLibrary) failed).
  - It reads only the result's C(msg) and C(option); no other key, credentials included, is ever copied into the
    message.
  - The roles P(mstr.migration.export_package#role) and P(mstr.migration.import_package#role) and the playbooks of
    the collection use it so that a failure prints one message in the caller's words.
author:
  - mstr.migration maintainers (@mstr-migration)
positional: variables, side, base_url
options:
  _input:
    description:
      - The registered result of the failed task (a dictionary with C(msg) and, for a bad option, C(option)).
    type: dict
    required: true
  variables:
    description:
      - Maps a module option (C(project_id), C(content), C(src)) to the caller's variable that set it
        (C(target_project_id), C(package_content), C(import_package_src)). An option the mapping leaves out keeps
        its module name.
    type: dict
    default: {}
  side:
    description:
      - The side of a migration the task ran on, such as V(source) or V(target); empty for none.
    type: str
    default: ""
  base_url:
    description:
      - The address of O(side), shown with any user name or password in it masked; empty shows C(no base_url).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Log in to the target, a failure told by the next task
  mstr.migration.session:
    base_url: "{{ target_base_url }}"
    username: "{{ target_username }}"
    password: "{{ target_password }}"
    project_id: "{{ target_project_id }}"
  failed_when: false
  no_log: true
  register: target_login

- name: Say why the target cannot be used, in this playbook's words
  ansible.builtin.fail:
    msg: >-
      {{ target_login | mstr.migration.failure_message({'project_id': 'target_project_id',
                                                        'password': 'target_password'},
                                                       side='target', base_url=target_base_url) }}
  when: target_login.msg is defined
"""

RETURN = r"""
_value:
  description: The message, in the caller's words.
  type: str
  sample: "The target (https://prod.example.com/MicroStrategyLibrary) failed: target_project_id: no project with id
    0123456789ABCDEF0123456789ABCDEF is visible to this user"
"""

import re
from urllib.parse import urlsplit, urlunsplit

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

# Connection options a message may mention after its start (a hint, a question), named at the end in the caller's
# words. Not project, session or timeout: as plain words they say something else ("no project with id ...").
MENTIONED_OPTIONS = ("base_url", "username", "password", "login_mode", "api_token", "validate_certs", "ca_path",
                     "project_id")
_OPTION_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def masked(base_url: str) -> str:
    """``base_url`` with any user name or password replaced by ``***``."""
    try:
        parts = urlsplit(base_url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", base_url)
    if "@" not in parts.netloc:
        return base_url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _mentioned(message: str, option: str) -> bool:
    return re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(option), message) is not None


def failure_message(result, variables=None, side="", base_url=""):
    if not isinstance(result, dict):
        raise AnsibleFilterError("failure_message needs a task result (a dictionary), not %s" % type(result).__name__)
    variables = variables or {}
    if not isinstance(variables, dict):
        raise AnsibleFilterError("failure_message: variables must map module options to variable names")
    message = to_text(result.get("msg") or "the task failed")
    option = to_text(result.get("option") or "")
    head = _OPTION_HEAD.match(option)
    named = head.group(0) if head else ""
    if named in variables and message.startswith(option):
        message = to_text(variables[named]) + message[len(named):]
    hinted = [to_text(variables[name]) for name in MENTIONED_OPTIONS
              if name != named and name in variables and variables[name] != name and _mentioned(message, name)]
    if hinted:
        message += " (set by %s)" % ", ".join(hinted)
    if side:
        message = "The %s (%s) failed: %s" % (side, masked(to_text(base_url)) if base_url else "no base_url", message)
    return message


class FilterModule:
    def filters(self):
        return {"failure_message": failure_message}
