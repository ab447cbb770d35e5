# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Counts the module runs of a playbook run, for the test that guards the migration's cost (runme.sh).

Each module run costs Ansible start-up time (about 0.3 s on localhost), so their number is what a playbook
change adds to a migration; unlike a time, it is the same on every machine. Tasks the controller does itself
(debug, assert, fail, include_role, the roles' argument validation) are not module runs; skipped ones neither.
Writes ``{"module_runs": N, "by_task": {...}}`` to the file named by MODULE_RUNS_FILE at the end of the run.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: module_runs
type: aggregate
short_description: Count the module runs of a playbook run
description:
  - Writes the number of module runs, per task too, to the file named by E(MODULE_RUNS_FILE).
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
from collections import Counter

from ansible.plugins.callback import CallbackBase

CONTROLLER_ONLY = {"debug", "assert", "fail", "include_role", "import_role", "include_tasks", "import_tasks",
                   "validate_argument_spec", "set_fact", "meta", "include_vars", "add_host", "group_by"}


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "module_runs"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = Counter()

    def _count(self, result):
        task = result._task
        action = getattr(task, "resolved_action", None) or task.action
        if action.rsplit(".", 1)[-1] in CONTROLLER_ONLY:
            return
        if isinstance(result._result.get("results"), list):
            return  # a loop: its items were counted one by one
        self.runs[task.get_name()] += 1

    def v2_runner_on_ok(self, result):
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result)

    def v2_runner_item_on_ok(self, result):
        self._count(result)

    def v2_runner_item_on_failed(self, result):
        self._count(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("MODULE_RUNS_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump({"module_runs": sum(self.runs.values()), "by_task": dict(self.runs)}, handle, indent=1,
                          sort_keys=True)
