# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The layers of plugins/ point one way: no file imports from a layer above its own (docs/hacking.md).

Every module_utils file belongs to exactly one layer; a new file fails this test until it is placed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"
PREFIX = "ansible_collections.mstr.migration.plugins.module_utils"

# Lowest first. A file may import from its own layer and those below it.
LAYERS = (
    ("errors", {"errors"}),
    ("transport", {"transport", "urls", "session_value"}),
    ("answers and objects", {"answers", "objects"}),
    ("API", {"package_api", "migration_api", "security_api", "user_api", "waits"}),
    ("names", {"names", "privileges"}),
    ("domain", {"definition", "plan", "security_links", "records", "files"}),
    ("workflows", {"export", "importer", "workstation"}),
    ("module lifecycle", {"runner", "arguments"}),
)
# Workflows stand side by side: what two of them share belongs to the domain.
NO_SIDEWAYS = {"workflows"}
TOP = len(LAYERS)  # modules, filters and doc fragments


def layer_of(name: str) -> int:
    for index, (_label, members) in enumerate(LAYERS):
        if name in members:
            return index
    raise AssertionError("plugins/module_utils/%s.py is in no layer: add it to LAYERS in %s and docs/hacking.md"
                         % (name, Path(__file__).name))


def imported_module_utils(path: Path) -> list:
    """The module_utils files ``path`` imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(PREFIX):
            continue
        rest = node.module[len(PREFIX):].lstrip(".")
        names = [rest] if rest else [alias.name for alias in node.names]
        found.extend((name.split(".")[0], node.lineno) for name in names)
    return found


def plugin_files() -> list:
    return sorted(p for p in PLUGINS.rglob("*.py") if p.name != "__init__.py")


def violations(files: list, plugins: Path = PLUGINS) -> list:
    wrong = []
    for path in files:
        own = layer_of(path.stem) if path.parent.name == "module_utils" else TOP
        for name, line in imported_module_utils(path):
            theirs = layer_of(name)
            sideways = theirs == own and own < TOP and LAYERS[own][0] in NO_SIDEWAYS and name != path.stem
            if theirs > own or sideways:
                wrong.append("%s:%d imports %s (%s) from %s" % (
                    path.relative_to(plugins.parent), line, name, LAYERS[theirs][0],
                    "the same layer" if sideways else "above its layer (%s)" % LAYERS[own][0]))
    return wrong


def test_every_module_utils_file_has_a_layer():
    for path in (PLUGINS / "module_utils").glob("*.py"):
        if path.name != "__init__.py":
            layer_of(path.stem)


def test_no_import_points_up():
    assert violations(plugin_files()) == []


@pytest.mark.parametrize("source, expected", [
    # What the test is for: each of these would fail it.
    ("from %s.runner import run_module\n" % PREFIX, "imports runner (module lifecycle) from above its layer"),
    ("from %s import export\n" % PREFIX, "imports export (workflows) from the same layer"),
])
def test_an_upward_import_is_found(tmp_path, source, expected):
    bad = tmp_path / "plugins" / "module_utils" / "importer.py"
    bad.parent.mkdir(parents=True)
    bad.write_text(source)
    found = violations([bad], tmp_path / "plugins")
    assert len(found) == 1 and expected in found[0]
