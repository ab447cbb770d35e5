# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's requests against the vendor pages' table (tests/emulator/conformance.py).

Every emulator an integration target starts with ``start_emulator`` (tests/integration/emulator.sh)
appends one JSON line per API request to ``tests/output/conformance/*.jsonl`` of the collection copy
ansible-test runs. This check reads every log in ``MSTR_CONFORMANCE_DIR``, keeps the requests whose
User-Agent starts with ``mstr.migration/`` (the collection's client), and fails

- when such a request deviated from the table (a missing or wrong header or query parameter, or a
  project header the emulator accepted only because the vendor pages send it that way),
- when the collection never made one of the table's calls, so the check cannot pass unseen,
- when there is no log, or no request from the collection in them.

Run it after the integration targets::

    make integration conformance
    # or by hand:
    MSTR_CONFORMANCE_DIR=/path/to/ansible_collections/mstr/migration/tests/output/conformance \\
        .venv/bin/python -m pytest -q -p no:cacheprovider tests/conformance
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from tests.emulator.conformance import TABLE
from tests.emulator.families import FAMILIES

AGENT_PREFIX = "mstr.migration/"
# The API families the collection speaks: every call of theirs must be made by some test. Of the Workstation route
# the collection speaks the migrations (mstr.migration.migration, migration_info); shared_files and
# migration_groups join when it speaks them.
SPOKEN_FAMILIES = ("auth", "projects_objects", "packages", "security", "migrations")
# Calls of a spoken family that no module makes yet: editing a migration, its certification, the package download.
NOT_YET_SPOKEN = ("PUT /api/migrations/{mid}/packageInfo", "PATCH /api/migrations/{mid}/packageInfo/certification",
                  "GET /api/migrations/packages/{pkg}/binary")


def read_logs(directory: Path) -> list:
    """[(log file name, request entry)] of every ``*.jsonl`` in ``directory``."""
    entries = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            entries.extend((path.name, json.loads(line)) for line in handle if line.strip())
    return entries


def from_collection(entries: list) -> list:
    return [(name, entry) for name, entry in entries if (entry.get("userAgent") or "").startswith(AGENT_PREFIX)]


def deviation_report(entries: list) -> list:
    """One line per distinct deviation: "METHOD route: what was missing/wrong (log file)", with a count."""
    counts = Counter()
    for name, entry in entries:
        for deviation in entry["deviations"]:
            counts["%s: %s (%s)" % (entry["route"], deviation, name)] += 1
    return ["%s%s" % (line, "" if count == 1 else " [%d requests]" % count) for line, count in sorted(counts.items())]


def spoken_routes() -> set:
    return {entry.key for family in FAMILIES if family.name in SPOKEN_FAMILIES for entry in family.routes()
            if entry.key not in NOT_YET_SPOKEN}


def uncalled_routes(entries: list) -> list:
    called = {entry["route"] for _name, entry in entries}
    spoken = spoken_routes()
    return [route for route in TABLE if route in spoken and route not in called]


@pytest.fixture(scope="module")
def collection_requests() -> list:
    value = os.environ.get("MSTR_CONFORMANCE_DIR")
    if not value:
        pytest.fail("MSTR_CONFORMANCE_DIR is not set: point it at tests/output/conformance of the collection copy "
                    "the integration targets ran in")
    directory = Path(value)
    logs = sorted(directory.glob("*.jsonl")) if directory.is_dir() else []
    assert logs, "no request log (*.jsonl) in %s: did the integration targets run?" % directory
    entries = from_collection(read_logs(directory))
    assert entries, "none of the %d request logs in %s holds a request with a User-Agent starting %r" % (
        len(logs), directory, AGENT_PREFIX)
    return entries


def test_every_request_sends_what_the_vendor_pages_send(collection_requests):
    problems = deviation_report(collection_requests)
    assert not problems, "%d kinds of request deviate from the vendor pages:\n%s" % (len(problems), "\n".join(problems))


def test_the_collection_makes_every_call_of_the_table(collection_requests):
    missing = uncalled_routes(collection_requests)
    assert not missing, "the collection never called:\n%s" % "\n".join(missing)
