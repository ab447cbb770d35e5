# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pages' sequences from the command line: tests/emulator/workstation_sequence.sh (bash, curl, Python for JSON)
against two emulator processes that share one --storage-dir.

The script migrates, undoes, validates, moves a group and imports an uploaded package, then deletes everything on
each side and logs out. After each import and undo it runs a hook that keeps both servers' objects and state; the
test checks them (the target's objects changed by each import, restored by each undo, the source's never), the
servers' state at the end (no migration, group, file or session left on either side) and each request the servers
logged (its status, the headers and parameters the pages show, and no other project header or Prefer).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import ADMINISTRATOR, DEMO, LU_YEAR, REPO, TUTORIAL, YEAR
from tests.emulator.process import EmulatorProcess
from tests.emulator.storage import CANNOT_READ

SCRIPT = REPO / "tests" / "emulator" / "workstation_sequence.sh"
STEPS = ("object-imported", "object-undone", "group-imported", "group-undone", "upload-imported", "upload-undone")
JSON = "application/json"

HOOK = """import json, os, sys, urllib.request
sides = {}
for side in ("source", "target"):
    root = os.environ["SEQUENCE_%s_ROOT" % side.upper()]
    sides[side] = {}
    for what in ("objects", "state"):
        with urllib.request.urlopen(root + "/__emulator__/" + what, timeout=30) as answer:
            sides[side][what] = json.load(answer)
with open(os.path.join(os.environ["SEQUENCE_STEPS"], sys.argv[1] + ".json"), "w", encoding="utf-8") as out:
    json.dump(sides, out)
"""

# Calls that are not reads, per side: how many the script makes.
SOURCE_CALLS = {
    "POST /api/auth/login": 1, "POST /api/migrations": 2, "PATCH /api/migrations/{mid}": 4,
    "POST /api/migrationGroups": 1, "PATCH /api/migrationGroups/{gid}": 2,
    "GET /api/migrations/packages/{pkg}/binary": 1, "DELETE /api/migrations": 2, "DELETE /api/migrationGroups": 1,
    "DELETE /api/mstrServices/library/storage/sharedFileStore/files/{fid}": 1, "POST /api/auth/logout": 1,
}
TARGET_CALLS = {
    "POST /api/auth/login": 1, "PUT /api/migrations/{mid}": 1, "PATCH /api/migrations/{mid}": 4,
    "PUT /api/migrations/{mid}/validation": 1, "PUT /api/migrationGroups/{gid}": 1,
    "PATCH /api/migrationGroups/{gid}": 2, "POST /api/mstrServices/library/storage/sharedFileStore/files": 1,
    "PUT /api/mstrServices/library/storage/sharedFileStore/files/{fid}/binary": 1, "POST /api/migrations": 1,
    "DELETE /api/migrations": 3, "DELETE /api/migrationGroups": 1, "POST /api/auth/logout": 1,
}
READS = {"GET /api/migrations/{mid}", "GET /api/migrationGroups/{gid}"}


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """Run the script once against two fresh emulators sharing a store: (its output, the ids it printed, the
    servers, their objects before, the steps' snapshots, the request logs)."""
    if shutil.which("curl") is None or shutil.which("bash") is None:
        pytest.skip("curl and bash run the script; this machine lacks one")
    tmp_path = tmp_path_factory.mktemp("workstation-sequence")
    store, steps = tmp_path / "storage-service", tmp_path / "steps"
    store.mkdir()
    steps.mkdir()
    logs = {side: tmp_path / ("%s.jsonl" % side) for side in ("source", "target")}
    servers = {}
    try:
        for side in ("source", "target"):
            servers[side] = EmulatorProcess("--processing-seconds", "0.2", "--storage-dir", str(store),
                                            "--request-log", str(logs[side]))
        yield run(servers, logs, tmp_path, steps)
    finally:
        for server in servers.values():
            server.stop()


def run(servers: dict, logs: dict, tmp_path, steps) -> tuple:
    before = {side: server.objects() for side, server in servers.items()}
    (tmp_path / "hook.py").write_text(HOOK, encoding="utf-8")
    hook = tmp_path / "hook.sh"
    hook.write_text('#!/bin/sh\nexec "%s" "%s" "$1"\n' % (sys.executable, tmp_path / "hook.py"), encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ, PYTHON=sys.executable, WORKSTATION_STEP_HOOK=str(hook), SEQUENCE_STEPS=str(steps),
               SEQUENCE_SOURCE_ROOT=servers["source"].root, SEQUENCE_TARGET_ROOT=servers["target"].root)
    done = subprocess.run(["bash", str(SCRIPT), servers["source"].base_url, servers["target"].base_url], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, "stdout:\n%s\nstderr:\n%s" % (done.stdout[-6000:], done.stderr[-6000:])
    ids = {}
    for line in done.stdout.splitlines():
        if line.startswith("# ") and not line.startswith("# step "):
            name, _sep, value = line[2:].rpartition(" ")
            ids[name] = value
    snapshots = {step: json.loads((steps / ("%s.json" % step)).read_text(encoding="utf-8")) for step in STEPS}
    requests_logged = {side: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
                       for side, path in logs.items()}
    return done.stdout, ids, servers, before, snapshots, requests_logged


def records(snapshot: dict, side: str) -> dict:
    return {record["id"]: record for record in snapshot[side]["state"]["migrations"]}


def test_the_pages_sequences_from_the_command_line(sequence):
    stdout, ids, servers, before, snapshots, _logged = sequence
    assert stdout.rstrip().endswith("workstation sequence: done")
    assert set(ids) == {"object migration", "validated migration", "migration group", "shared file",
                        "uploaded migration"}
    for step, snapshot in snapshots.items():
        assert snapshot["source"]["objects"] == before["source"], step  # the source's database is its own
    for step in ("object-imported", "group-imported", "upload-imported"):
        assert {YEAR, LU_YEAR} <= set(snapshots[step]["target"]["objects"][DEMO]), step
        assert snapshots[step]["target"]["objects"] != before["target"], step
    for step in ("object-undone", "group-undone", "upload-undone"):
        assert snapshots[step]["target"]["objects"] == before["target"], step  # the undo restored everything
    assert not {YEAR, LU_YEAR} & set(before["target"][DEMO]) and ADMINISTRATOR in before["target"]["configuration"]

    migration = ids["object migration"]
    imported = records(snapshots["object-imported"], "target")[migration]
    assert (imported["roles"], imported["importStatus"]) == (["target"], "imported")
    assert imported["undoStorage"] in snapshots["object-imported"]["source"]["state"]["storage"]["files"]
    on_source = records(snapshots["object-imported"], "source")[migration]
    assert (on_source["roles"], on_source["packageStatus"], on_source["importRequestStatus"]) == (
        ["source"], "locked", "approved")
    assert records(snapshots["object-undone"], "target")[migration]["importStatus"] == "undo_success"
    validated = records(snapshots["group-imported"], "source")[ids["validated migration"]]
    assert (validated["validation"], validated["packageStatus"]) == ("validated", "created")
    assert ids["validated migration"] not in records(snapshots["upload-undone"], "target")  # validating made none

    groups = snapshots["group-imported"]["target"]["state"]["migrationGroups"]
    assert [(group["id"], group["roles"]) for group in groups] == [(ids["migration group"], ["target"])]
    children = [records(snapshots["group-imported"], "target")[child] for child in groups[0]["migrations"]]
    assert [child["importStatus"] for child in children] == ["imported", "imported"]
    assert all(child["undoStorage"] for child in children)  # generateUndo: true, as a header (the notes' A11)
    undone = snapshots["group-undone"]["target"]["state"]
    assert [records(snapshots["group-undone"], "target")[child]["importStatus"]
            for child in undone["migrationGroups"][0]["migrations"]] == ["undo_success", "undo_success"]

    uploaded = records(snapshots["upload-imported"], "target")[ids["uploaded migration"]]
    assert uploaded["importStatus"] == "imported" and uploaded["storage"] in snapshots["upload-imported"][
        "target"]["state"]["storage"]["files"]
    assert ids["uploaded migration"] not in records(snapshots["upload-imported"], "source")

    for side, server in servers.items():
        state = server.state()
        assert state["migrations"] == [] and state["migrationGroups"] == [], side
        assert state["storage"]["files"] == [] and state["storage"]["shared"] is True, side
        assert state["sessions"] == [] and state["deviations"] == [], side  # logged out; every call as the table says
        assert server.objects() == before[side], side


def test_each_call_sends_what_its_page_shows(sequence):
    _stdout, ids, servers, _before, _snapshots, logged = sequence
    for side, expected in (("source", SOURCE_CALLS), ("target", TARGET_CALLS)):
        counts = servers[side].state()["requests"]["byRoute"]
        assert {route: n for route, n in counts.items() if route not in READS} == expected, side
        assert sum(n for route, n in counts.items() if route in READS) == len(
            [entry for entry in logged[side] if entry["route"] in READS]) >= 3, side
        for entry in logged[side]:
            assert entry["deviations"] == [], entry
            assert 200 <= entry["status"] < 300 or (side, entry["route"], entry["status"]) == (
                "target", "DELETE /api/migrations", 404), entry
    source, target = logged["source"], logged["target"]

    def sent(entries, key):
        return [(entry["route"], entry[key]) for entry in entries if entry[key]]
    # The project header only where the pages show it: creating a project package (the source's project), the
    # import PUT, the migration from the uploaded file and each undo approval (the target's).
    assert sent(source, "projectId") == [("POST /api/migrations", TUTORIAL)] * 2
    assert sent(target, "projectId") == [("PUT /api/migrations/{mid}", DEMO), ("PATCH /api/migrations/{mid}", DEMO),
                                         ("POST /api/migrations", DEMO), ("PATCH /api/migrations/{mid}", DEMO)]
    # The undo approvals must name the import's project; the package calls take any loaded project.
    assert [(entry["projectRule"], entry["requiredProject"]) for entry in target if entry["projectId"]] == [
        ("migration-package", None), ("undo-approval", DEMO)] * 2
    # prefer: respond-async only on the group's import and its undo (the group page), none on the source.
    assert sent(source, "prefer") == []
    assert sent(target, "prefer") == [("PUT /api/migrationGroups/{gid}", "respond-async"),
                                      ("PATCH /api/migrationGroups/{gid}", "respond-async"),
                                      ("PATCH /api/migrationGroups/{gid}", "respond-async")]
    # Content-Type as the samples print it: JSON on every call but the upload page's token-only reads, the
    # multipart upload and the logouts.
    uploaded = "/api/migrations/" + ids["uploaded migration"]
    bare = [(entry["route"], entry["contentType"]) for side in (source, target) for entry in side
            if entry["contentType"] != JSON]
    polls = len([entry for entry in target if entry["path"].endswith(uploaded) and entry["method"] == "GET"])
    assert sorted(bare) == sorted(
        [("GET /api/migrations/packages/{pkg}/binary", None), ("POST /api/auth/logout", None),
         ("POST /api/auth/logout", None),
         ("PUT /api/mstrServices/library/storage/sharedFileStore/files/{fid}/binary", "multipart/form-data")]
        + [("GET /api/migrations/{mid}", None)] * polls)
    assert polls >= 2
    # The query parameters the pages show.
    queries = sorted((entry["route"], tuple(entry["query"])) for side in (source, target) for entry in side
                     if entry["query"])
    assert queries == sorted([("GET /api/migrations/{mid}", ("showContent",)),
                              ("GET /api/migrationGroups/{gid}", ("showContent",))]
                             + [("DELETE /api/migrations", ("packageId",))] * 5
                             + [("DELETE /api/migrationGroups", ("packageGroupId",))] * 2)


def test_the_script_stops_at_the_first_unexpected_answer_and_shows_it(start_emulator, tmp_path):
    if shutil.which("curl") is None or shutil.which("bash") is None:
        pytest.skip("curl and bash run the script; this machine lacks one")
    source, target = (start_emulator("--processing-seconds", "0.2", "--storage-dir", str(tmp_path)) for _side in "st")
    target.faults(storage_unreachable=1)  # the target cannot read the package the source wrote
    done = subprocess.run(["bash", str(SCRIPT), source.base_url, target.base_url], env=dict(os.environ,
                          PYTHON=sys.executable), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("T PUT /api/migrations/") and "-> 503" in done.stdout
    assert "status 503, expected 201" in done.stderr
    assert "call: T PUT %s/api/migrations/" % target.base_url in done.stderr
    assert "X-MSTR-ProjectID: %s" % DEMO in done.stderr and '"replicated": true' in done.stderr  # what was sent
    assert CANNOT_READ in done.stderr and "ERR0016" in done.stderr  # the answer
    assert "X-MSTR-AuthToken: (the token)" in done.stderr
    secrets = [issued["token"] for server in (source, target) for issued in server.state(secrets="true")["issued"]]
    assert len(secrets) == 2 and not [s for s in secrets + ["mstr-emulator"] if s in done.stdout + done.stderr]
    assert "sequence: done" not in done.stdout
