# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the vendor pages send on each call: the table of the families' route rules, enforced by the server.

``TABLE`` maps each route with a rule ("METHOD /api/path/{param}", the
route key of the request log and /__emulator__/state) to its
``rules.Rule``. It is derived from the families' route declarations
(``families.FAMILIES``), never written by hand: the server enforces the
same rules (``rules.Check``), ``tests/conformance`` reads the table to find
the calls the collection never made, and docs/emulator.md shows it
(``markdown_table``; a test keeps the two equal).
"""

from __future__ import annotations

from .families import FAMILIES
from .rules import Check, ProjectRule, Rule, Sent, unknown_project  # noqa: F401  pylint: disable=unused-import


def routes() -> list:
    """Every route of every family, in the families' order."""
    return [entry for family in FAMILIES for entry in family.routes()]


TABLE = {entry.key: entry.rule for entry in routes() if entry.rule is not None}


def markdown_table() -> str:
    """The table as docs/emulator.md shows it (a test keeps the two equal)."""
    lines = ["| call | what the emulator requires | vendor page (file#section) |", "|---|---|---|"]
    for key, rule in TABLE.items():
        lines.append("| `%s` | %s | %s |" % (key, rule.requirements(), "<br>".join(rule.pages)))
    return "\n".join(lines)
