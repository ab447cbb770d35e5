# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The documentation fragments that must stay copies of each other."""

from __future__ import annotations

import yaml

from ansible_collections.mstr.migration.plugins.doc_fragments.definition import ModuleDocFragment


def test_the_required_definition_is_the_definition_with_type_and_content_required():
    shared = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    required = yaml.safe_load(ModuleDocFragment.REQUIRED)["options"]
    assert sorted(required) == ["content", "type"]
    for option in required:
        assert shared[option].pop("required") is False and required[option].pop("required") is True
        assert required[option] == shared[option]


def test_the_sides_fragment_documents_what_side_spec_takes():
    from ansible_collections.mstr.migration.plugins.doc_fragments.sides import ModuleDocFragment as Sides
    from ansible_collections.mstr.migration.plugins.module_utils.arguments import side_spec
    documented = yaml.safe_load(Sides.DOCUMENTATION)["options"]
    spec = side_spec()["options"]
    for side in ("source", "target"):
        options = documented[side]["suboptions"]
        assert sorted(options) == sorted(spec)
        for name, option in spec.items():
            assert options[name]["type"] == option["type"], name
            assert options[name].get("choices") == option.get("choices"), name
            assert "default" not in options[name], name
