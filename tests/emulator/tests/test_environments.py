# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Environments that do not start identical: --empty-project and --project-name (a dev, a test, a prod)."""

from __future__ import annotations

import pytest

from conftest import DEMO, LU_YEAR, TUTORIAL, YEAR, Api
from test_imports import export, run_import
from tests.emulator.__main__ import parse_args


def test_an_empty_project_holds_its_root_folder_only_and_a_package_from_another_server_creates_objects(
        start_emulator):
    dev = start_emulator("--processing-seconds", "0.1")
    test = start_emulator("--processing-seconds", "0.1", "--empty-project", "MicroStrategy Tutorial")
    objects = test.objects()
    assert [record["name"] for record in objects[TUTORIAL].values()] == ["Public Objects"]
    assert objects[DEMO] == dev.objects()[DEMO]  # the other project as seeded
    assert test.state()["securityLinks"][TUTORIAL] == {}
    source = Api(dev.base_url)
    source.login()
    binary = export(source)
    target = Api(test.base_url)
    target.login()
    _holder, result = run_import(target, binary, project=TUTORIAL)
    assert result["status"] == "IMPORTED", result
    assert {YEAR, LU_YEAR} <= set(test.objects()[TUTORIAL])


def test_a_project_under_another_name_keeps_its_id_and_is_found_by_its_new_name(start_emulator):
    prod = start_emulator("--project-name", "%s=Tutorial (Production)" % TUTORIAL, "--empty-project", TUTORIAL.lower())
    api = Api(prod.base_url)
    api.login()
    projects = {p["id"]: p["name"] for p in api.call("GET", "/api/projects").json()}
    assert projects == {TUTORIAL: "Tutorial (Production)", DEMO: "Demo Project"}
    assert YEAR not in prod.objects()[TUTORIAL]
    prod.reset()  # a reset goes back to this environment's seed, not to the default one
    assert YEAR not in prod.objects()[TUTORIAL]


@pytest.mark.parametrize("argv", [["--empty-project", "Nowhere"], ["--project-name", "Demo Project"],
                                  ["--project-name", "Nowhere=New"], ["--project-name", "Demo Project= "]])
def test_a_project_the_seed_does_not_have_or_no_name_is_refused(argv, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert "--" in capsys.readouterr().err
