# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Families: registered once, named as their files, their faults their own; the router: literal segments before
parameters, whatever order the routes are declared in; the conformance table: the routes with a rule."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from conftest import REPO, TUTORIAL
from test_auth import assert_vendor_error
from tests.emulator import conformance, families
from tests.emulator.faults import SERVER_FAULTS
from tests.emulator.families import FAMILIES
from tests.emulator.family import Family, route
from tests.emulator.routing import Route, Router
from tests.emulator.state import Emulator

OVERLAPPING = [
    Route("POST", "/api/packages/imports", "create_import"),
    Route("GET", "/api/packages/{pid}", "get_package"),
    Route("GET", "/api/packages/imports/{iid}", "get_import"),
    Route("GET", "/api/packages/{pid}/binary", "download_package"),
    Route("GET", "/api/packages/imports/{iid}/undoPackage/binary", "undo_binary"),
    Route("POST", "/api/packages", "create_package"),
]
# (method, path) -> (handler, params): whatever the order, each path finds the same route.
EXPECTED = {
    ("POST", "/api/packages/imports"): ("create_import", {}),
    ("POST", "/api/packages"): ("create_package", {}),
    ("GET", "/api/packages/ABC"): ("get_package", {"pid": "ABC"}),
    # No GET route is literally /api/packages/imports: it is a package id there, as the vendor's routing has it.
    ("GET", "/api/packages/imports"): ("get_package", {"pid": "imports"}),
    ("GET", "/api/packages/imports/I1"): ("get_import", {"iid": "I1"}),
    # imports/{iid} is more specific than {pid}/binary: literal segments count from the left.
    ("GET", "/api/packages/imports/binary"): ("get_import", {"iid": "binary"}),
    ("GET", "/api/packages/P%2F1/binary"): ("download_package", {"pid": "P/1"}),
    ("GET", "/api/packages/imports/I1/undoPackage/binary"): ("undo_binary", {"iid": "I1"}),
}
UNMATCHED = [("GET", "/api/packages/"), ("GET", "/api/packages"), ("DELETE", "/api/packages/imports"),
             ("GET", "//api/packages/ABC"), ("POST", "/api/packages/imports/"), ("GET", "api/packages/ABC")]


def found(router: Router, method: str, path: str):
    match = router.find(method, path)
    return None if match is None else (match[0].handler, match[2])


def test_overlapping_routes_resolve_whatever_the_order():
    for order in itertools.permutations(OVERLAPPING):
        router = Router([(entry, None) for entry in order])
        for (method, path), expected in EXPECTED.items():
            assert found(router, method, path) == expected, (method, path, order)
        for method, path in UNMATCHED:
            assert found(router, method, path) is None, (method, path, order)


def sample_path(path: str) -> str:
    return re.sub(r"\{\w+\}", "SAMPLE", path)


def test_every_route_of_the_emulator_finds_itself_in_any_order():
    emulator = Emulator()
    emulator.close()
    bound = emulator.router.bound
    shuffles = [list(bound), list(reversed(bound))] + [random.Random(seed).sample(bound, len(bound)) for seed in range(20)]
    for routes in shuffles:
        router = Router(routes)
        for entry, _family in bound:
            assert router.find(entry.method, sample_path(entry.path))[0] == entry


def test_routes_of_one_shape_are_refused():
    with pytest.raises(ValueError, match="declared twice"):
        Router([(Route("GET", "/api/things/{a}", "one"), None), (Route("GET", "/api/things/{b}", "two"), None)])


def test_table_is_every_route_with_a_rule_and_nothing_else():
    declared = [entry for family in FAMILIES for entry in family.routes()]
    assert list(conformance.TABLE) == [entry.key for entry in declared if entry.rule is not None]
    assert all(conformance.TABLE[entry.key] is entry.rule for entry in declared if entry.rule is not None)
    assert len({family.name for family in FAMILIES}) == len(FAMILIES)


def test_a_family_declares_its_routes_on_its_handlers():
    class Things(Family):
        name = "things"
        FAULTS = {"fail_things": 0}

        @route("GET", "/api/things/{tid}")
        def get_thing(self, call, tid):
            return tid

        @route("POST", "/api/things")
        @route("PUT", "/api/things")
        def put_thing(self, call):
            return None

    assert [entry.key for entry in Things.routes()] == ["GET /api/things/{tid}", "PUT /api/things",
                                                        "POST /api/things"]
    assert {entry.handler for entry in Things.routes()} == {"get_thing", "put_thing"}


def test_a_package_id_named_imports_is_looked_up_as_a_package(emu, api):
    response = api.call("GET", "/api/packages/imports", project=TUTORIAL)
    assert_vendor_error(response, 404, "ERR004")
    assert "Package 'imports'" in response.json()["message"]
    assert emu.state()["requests"]["byRoute"]["GET /api/packages/{pid}"] == 1


def test_docs_show_the_families_as_they_are():
    assert families.markdown_table() in (REPO / "docs" / "emulator.md").read_text()


def test_each_family_is_named_as_its_file_and_its_faults_are_its_own():
    assert [family.__module__ for family in FAMILIES] == ["tests.emulator.families." + f.name for f in FAMILIES]
    fields = [name for family in FAMILIES for name in family.FAULTS]
    assert len(fields) == len(set(fields)) and not set(fields) & set(SERVER_FAULTS)


def test_the_faults_of_every_family_can_be_set_and_cleared(emu):
    values = {name: 7 for family in FAMILIES for name in family.FAULTS}
    assert {name: emu.faults(**values)[name] for name in values} == values
    assert all(emu.state()["faults"][name] == 7 for name in values)
    emu.reset()
    assert all(emu.state()["faults"][name] == 0 for name in values)
