# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Every module: the action group that module_defaults can target.
    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/mstr.migration.mstr) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - mstr.migration.mstr
"""

    CHECK_MODE_FULL = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts, sending no write request.
    support: full
"""

    # Export and import: a scratch holder (created and deleted at once) is how the server answers what would change.
    CHECK_MODE_PARTIAL_SCRATCH = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts, writing no file and changing
      no object on the server.
    support: partial
    details:
      - To learn what a package would hold, check mode may build it in a scratch package holder of the session,
        deleted before the task ends. Nothing else is written on the server, and no local file is written.
"""

    CHECK_MODE_READ_ONLY = r"""
attributes:
  check_mode:
    description: This module only reads, so it runs the same in check mode and always reports no change.
    support: full
"""

    DIFF_FULL = r"""
attributes:
  diff_mode:
    description: Returns details on what changed (or would change in check mode) with C(--diff).
    support: full
"""

    DIFF_NONE = r"""
attributes:
  diff_mode:
    description: Diff mode has nothing to show for this module.
    support: none
"""
