# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A 1,000-object package (--extra-objects): it builds, travels, imports, and its objects can be looked up."""

from __future__ import annotations

import time

from conftest import DEMO, TUTORIAL, Api, project_body
from test_imports import run_import
from test_packages import ready_package

BULK_REPORT = "BB" + "F" * 30
COUNT = 1000


def bulk_metric(number: int) -> str:
    return "BB%030X" % number


def test_bulk_objects_are_seeded_in_tutorial_only(start_emulator):
    server = start_emulator("--extra-objects", "3")
    objects = server.objects()
    assert objects[TUTORIAL][bulk_metric(1)]["name"] == "Bulk Metric 0001"
    assert objects[TUTORIAL][bulk_metric(3)]["type"] == 4
    assert objects[TUTORIAL][BULK_REPORT]["dependsOn"] == [bulk_metric(n) for n in (1, 2, 3)]
    assert not {bulk_metric(1), BULK_REPORT} & set(objects[DEMO])


def test_a_thousand_object_package_round_trip(start_emulator):
    server = start_emulator("--extra-objects", str(COUNT), "--processing-seconds", "0.1")
    source = Api(server.base_url)
    source.login()
    package_id, body = ready_package(source, project_body(object_id=BULK_REPORT, object_type=3))
    assert body["status"] == "READY" and len(body["content"]) == COUNT + 1
    binary = source.download(package_id).content
    assert source.delete_package(package_id).status_code == 202

    target = Api(server.base_url)
    target.login()
    _holder, result = run_import(target, binary, project=DEMO)
    assert result["status"] == "IMPORTED", result
    versions = {obj["id"]: obj["version"] for obj in body["content"]}

    started = time.monotonic()
    for number in range(1, COUNT + 1):
        answer = target.call("GET", "/api/objects/" + bulk_metric(number), project=DEMO, params={"type": 4})
        assert answer.status_code == 200 and answer.json()["version"] == versions[bulk_metric(number)]
    elapsed = time.monotonic() - started
    print("\n%d GET /api/objects lookups in %.2f s (%.1f ms each)" % (COUNT, elapsed, 1000 * elapsed / COUNT))
