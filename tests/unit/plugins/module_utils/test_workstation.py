# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""MigrationApi and the Workstation workflow against two emulator processes (source and target Libraries) that
share one --storage-dir: every step asserted on what the servers hold and how many requests they saw."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import workstation
from ansible_collections.mstr.migration.plugins.module_utils.errors import (MstrError, OperationFailed, ResponseError,
                                                                            ValidationError)
from ansible_collections.mstr.migration.plugins.module_utils.migration_api import (MigrationApi, check_migration_id,
                                                                                   environment_id)
from ansible_collections.mstr.migration.plugins.module_utils.records import RECORD_FORMAT
from ansible_collections.mstr.migration.plugins.module_utils.runner import on_side, side_params
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.tests.emulator.process import EmulatorProcess
from ansible_collections.mstr.migration.tests.integration.gateway import Gateway

from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import DEMO, PASSWORD, TUTORIAL, YEAR, logged_in

LU_YEAR = "8D6793C211D3E4981000E787EC6DE8A4"
BODY = {"type": "project",
        "settings": {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                     "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
        "content": [{"id": YEAR, "type": 12, "action": "replace", "includeDependents": True}]}


@pytest.fixture(scope="module")
def storage_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("storage"))


@pytest.fixture(scope="module")
def libraries(storage_dir):
    servers = [EmulatorProcess("--processing-seconds", "0.1", "--storage-dir", storage_dir) for _side in range(2)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def pair(libraries):
    for server in libraries:
        server.reset()
    yield libraries
    for server in libraries:
        server.reset()


def options(tmp_path, **changes):
    chosen = {"body": BODY, "name": "Year attribute", "approval": "auto", "migration_id": None, "force": False,
              "validate": False, "generate_undo": True, "wait_timeout": 20, "undo_dir": str(tmp_path),
              "comment": None}
    chosen.update(changes)
    return chosen


def sides(pair, source_user="administrator", target_user="administrator"):
    source, target = pair
    source_client = logged_in(source) if source_user == "administrator" else _login(source, source_user)
    target_client = logged_in(target) if target_user == "administrator" else _login(target, target_user)
    return (workstation.Side("source", source_client, TUTORIAL, "project"),
            workstation.Side("target", target_client, DEMO, "project"))


def _login(server, user):
    client = Client(server.base_url, backoff=0.01)
    client.login("standard", user, PASSWORD)
    return client


def migrations(server):
    return server.state()["migrations"]


def count(server, route):
    return server.state()["requests"]["byRoute"].get(route, 0)


def total(server):
    return server.state()["requests"]["total"]


# ------------------------------------------------------------------ MigrationApi
def test_migration_ids_are_checked_before_any_request():
    assert check_migration_id("a" * 32 + ":" + "b" * 32) == "A" * 32 + ":" + "B" * 32
    for wrong in ("A" * 32, "A" * 32 + ":" + "B" * 31, "../x:y", None, "A" * 32 + "/" + "B" * 32):
        with pytest.raises(ValidationError) as caught:
            check_migration_id(wrong)
        assert caught.value.option == "migration_id"


def test_the_environment_id_is_the_base_url_with_a_trailing_slash():
    assert environment_id("https://h.example.com/MicroStrategyLibrary/api/") == \
        "https://h.example.com/MicroStrategyLibrary/"


def test_the_api_walks_the_pages_sequence_on_two_libraries(pair):
    source, target = pair
    s_api = MigrationApi(logged_in(source), TUTORIAL, "project")
    t_api = MigrationApi(logged_in(target), DEMO, "project")
    assert s_api.storage()["configured"] is True
    created = s_api.create({"packageInfo": {"type": "project", "name": "api test",
                                            "environment": {"id": environment_id(source.base_url), "name": "s"},
                                            "tocView": {"settings": BODY["settings"], "content": BODY["content"]},
                                            "treeView": {}},
                            "importInfo": {"environment": {"id": environment_id(target.base_url), "name": "t"},
                                           "project": {"id": DEMO}}})
    mid = created["id"]
    assert s_api.wait_created(mid, 10)["record"]["packageInfo"]["status"] == "created"
    assert s_api.set_import_request(mid, "requested")["importInfo"]["importRequestStatus"] == "requested"
    assert s_api.set_import_request(mid, "approved")["packageInfo"]["status"] == "locked"
    record = s_api.read(mid, "all")
    assert record["packageInfo"]["tocView"]["content"]
    record["packageInfo"]["replicated"] = True
    assert t_api.start_import(mid, record, True)["importInfo"]["status"] == "importing"
    done = t_api.wait_imported(mid, 10)
    assert done["undoStorage"]["path"].startswith("mstr/shared/migrations/undo/")
    t_api.set_undo_request(mid, "requested")
    t_api.set_undo_request(mid, "approved")
    assert t_api.wait_undone(mid, 10)["status"] == "undo_success"
    # The list: offset, limit and the purpose filter (a project merge is not an object migration).
    page = s_api.list(0, 1, ("object_migration",))
    assert page["total"] == 1 and page["data"][0]["id"] == mid
    assert s_api.list(0, 5, ("project_merge",))["data"] == []
    assert [r["id"] for r in s_api.list_all()] == [mid]
    assert s_api.delete(mid.split(":")[0]) is True and s_api.delete(mid.split(":")[0]) is False
    assert t_api.delete(mid.split(":")[0]) is True
    assert s_api.find(mid) is None
    assert migrations(source) == [] and migrations(target) == []
    assert source.state()["deviations"] == [] and target.state()["deviations"] == []


# ------------------------------------------------------------------ the workflow
def test_a_migration_imports_writes_its_record_and_a_rerun_creates_nothing(pair, tmp_path):
    source, target = pair
    changed, result, diff = workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert changed and result["imported"] and result["migration_id"]
    assert result["target"]["import_status"] == "imported" and result["source"]["package_status"] == "locked"
    assert {e["outcome"] for e in result["plan"]} == {"create"} and result["undo_storage"]
    assert diff["before"] and set(result["elapsed"]) >= {"plan", "create", "import", "total"}
    record = json.loads(open(result["record"]).read())
    assert record["format"] == RECORD_FORMAT and record["route"] == "workstation"
    assert record["migration"]["id"] == result["migration_id"]
    assert record["migration"]["undo_storage"]["path"] == result["undo_storage"]
    assert [m["roles"] for m in migrations(source)] == [["source"]]
    assert [m["roles"] for m in migrations(target)] == [["target"]]
    # The scratch holder of the plan is gone.
    assert source.state()["packages"] == []
    before = (total(source), total(target))
    changed, again, _diff = workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert not changed and again["migration_id"] is None and {e["outcome"] for e in again["plan"]} == {"none"}
    assert len(migrations(source)) == 1 and len(migrations(target)) == 1
    assert count(source, "POST /api/migrations") == 1
    assert total(source) > before[0]  # it planned
    assert len(os.listdir(str(tmp_path))) == 1
    # A change on the source: a new migration.
    source.patch_object(TUTORIAL, YEAR, bumpVersion=True)
    changed, third, _diff = workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert changed and third["migration_id"] != result["migration_id"]
    assert [e["outcome"] for e in third["plan"] if e["id"] == YEAR] == ["replace"]
    assert len(migrations(source)) == 2 and len(os.listdir(str(tmp_path))) == 2
    # Every request as the pages' table wants it.
    assert source.state()["deviations"] == [] and target.state()["deviations"] == []


def test_check_mode_plans_and_creates_nothing_on_either_side(pair, tmp_path):
    source, target = pair
    changed, result, _diff = workstation.Migration(*sides(pair), options(tmp_path), True).run()
    assert changed and result["migration_id"] is None and result["plan"]
    assert migrations(source) == [] and migrations(target) == []
    assert count(source, "POST /api/migrations") == 0 and count(target, "PUT /api/migrations/{mid}") == 0
    assert source.state()["packages"] == [] and os.listdir(str(tmp_path)) == []


def test_request_then_approve_by_two_users(pair, tmp_path):
    source, target = pair
    changed, asked, _diff = workstation.Migration(*sides(pair, "exporter", "exporter"),
                                                  options(tmp_path, approval="request"), False).run()
    assert changed and asked["requested"] and not asked["imported"]
    assert [m["importRequestStatus"] for m in migrations(source)] == ["requested"]
    assert migrations(target) == [] and os.listdir(str(tmp_path)) == []
    approver = workstation.Migration(*sides(pair), options(tmp_path, approval="approve", body=None,
                                                           migration_id=asked["migration_id"]), False)
    changed, done, _diff = approver.run()
    assert changed and done["imported"] and done["migration_id"] == asked["migration_id"]
    assert done["name"] == "Year attribute" and os.path.basename(done["record"]).startswith("Year_attribute.import.")
    assert [m["importStatus"] for m in migrations(target)] == ["imported"]
    # Approving again: nothing to do.
    changed, again, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="approve", body=None),
                                                  False).run()
    assert not changed and again["migration_id"] == asked["migration_id"]


def test_a_request_run_again_creates_no_second_waiting_migration(pair, tmp_path):
    """A re-run of the builder's job: the migration that waits is the answer, so that the approver's approval by
    name still finds one; a change on the source is a new migration."""
    source, target = pair
    _changed, asked, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"), False).run()
    for check_mode in (True, False):
        changed, again, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"),
                                                      check_mode).run()
        assert not changed and again["migration_id"] == asked["migration_id"] and again["requested"]
        assert again["source"]["import_request_status"] == "requested"
    assert count(source, "POST /api/migrations") == 1 and len(migrations(source)) == 1
    source.patch_object(TUTORIAL, YEAR, bumpVersion=True)
    changed, third, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"), False).run()
    assert changed and third["migration_id"] != asked["migration_id"] and len(migrations(source)) == 2


def test_an_approval_refused_keeps_the_waiting_migration(pair, tmp_path):
    source, target = pair
    _changed, asked, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"), False).run()
    source.faults(fail_next=1, fail_status=500, fail_code="ERR001", fail_match="^PATCH /api/migrations/")
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair), options(tmp_path, approval="approve", body=None,
                                                    migration_id=asked["migration_id"]), False).run()
    assert caught.value.details["step"] == "approving the import" and caught.value.details["migration_kept"]
    assert "still waiting for approval" in caught.value.message
    assert [m["importRequestStatus"] for m in migrations(source)] == ["requested"] and migrations(target) == []


def test_an_import_by_a_user_without_import_package_is_refused_before_any_work(pair, tmp_path):
    source, target = pair
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair, "administrator", "exporter"), options(tmp_path), False).run()
    assert caught.value.details["side"] == "target" and "Import Package" in caught.value.message
    assert migrations(source) == [] and source.state()["packages"] == []


def test_a_failed_validation_names_the_objects_and_deletes_the_migration(pair, tmp_path):
    source, target = pair
    target.faults(fail_migration_validation=1)
    with pytest.raises(OperationFailed) as caught:
        workstation.Migration(*sides(pair), options(tmp_path, validate=True), False).run()
    error = caught.value
    assert error.details["side"] == "source" and "validation" in error.details["step"]
    assert "VALIDATION_FAILED" in error.message and "deleted on the source" in error.message
    assert error.details["sub_errors"]
    assert migrations(source) == [] and migrations(target) == [] and os.listdir(str(tmp_path)) == []


def test_a_validated_migration_imports(pair, tmp_path):
    changed, result, _diff = workstation.Migration(*sides(pair), options(tmp_path, validate=True), False).run()
    assert changed and result["validation"]["status"] == "validated" and result["imported"]


@pytest.mark.parametrize("fault, side, words", [
    ({"fail_migration_create": 1}, "source", "building the package"),
    ({"storage_write_errors": 1}, "source", "creating the migration"),
])
def test_a_failure_on_the_source_names_side_and_step(pair, tmp_path, fault, side, words):
    source, target = pair
    source.faults(**fault)
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert caught.value.details["side"] == side and caught.value.details["step"] == words
    assert caught.value.message.startswith("%s (%s), %s: " % (side, source.base_url, words))
    assert migrations(source) == [] and migrations(target) == []


def test_a_target_that_cannot_read_the_storage_keeps_nothing(pair, tmp_path):
    source, target = pair
    target.faults(storage_unreachable=1)
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert caught.value.details["side"] == "target" and caught.value.details["step"] == "starting the import"
    assert "The shared file cannot be accessed" in caught.value.message
    assert "deleted on the source" in caught.value.message
    assert migrations(source) == [] and migrations(target) == [] and os.listdir(str(tmp_path)) == []


def test_a_failed_import_keeps_the_migration_and_writes_its_record(pair, tmp_path):
    source, target = pair
    target.faults(fail_migration_import=1)
    with pytest.raises(OperationFailed) as caught:
        workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert caught.value.details["side"] == "target" and "kept on both sides" in caught.value.message
    record = json.loads(open(caught.value.details["record"]).read())
    assert record["import"]["status"] == "IMPORT_FAILED" and record["route"] == "workstation"
    assert [m["importStatus"] for m in migrations(target)] == ["import_failed"]


def test_an_import_still_running_at_wait_timeout_is_kept_and_recorded(libraries, storage_dir, tmp_path):
    source = libraries[0]
    source.reset()
    slow = EmulatorProcess("--processing-seconds", "3", "--storage-dir", storage_dir)
    try:
        with pytest.raises(MstrError) as caught:
            workstation.Migration(workstation.Side("source", logged_in(source), TUTORIAL, "project"),
                                  workstation.Side("target", logged_in(slow), DEMO, "project"),
                                  options(tmp_path, wait_timeout=0.5), False).run()
        error = caught.value
        assert error.details["side"] == "target" and error.details["step"] == "importing"
        assert "still IMPORTING" in error.message and "kept on both sides" in error.message
        record = json.loads(open(error.details["record"]).read())
        assert record["import"]["status"] == "IMPORTING" and record["migration"]["id"] == error.details["migration_id"]
        assert [m["importStatus"] for m in migrations(slow)] == ["importing"]
    finally:
        slow.stop()
        source.reset()


def test_undo_by_id_then_again_changes_nothing(pair, tmp_path):
    source, target = pair
    _changed, result, _diff = workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert YEAR in target.objects()[DEMO]
    _source, t_side = sides(pair)
    changed, undone, _diff = workstation.undo(t_side, result["migration_id"], 20, False)
    assert changed and undone["target"]["import_status"] == "undo_success"
    assert YEAR not in target.objects()[DEMO]
    changed, again, _diff = workstation.undo(t_side, result["migration_id"], 20, False)
    assert not changed and "already undone" in again["message"]
    loaded = workstation.load_record(result["record"])
    assert loaded["migration_id"] == result["migration_id"] and loaded["project_id"] == DEMO


def test_a_failed_undo_names_the_target_and_the_server(pair, tmp_path):
    source, target = pair
    _changed, result, _diff = workstation.Migration(*sides(pair), options(tmp_path), False).run()
    target.faults(fail_migration_undo=1)
    with pytest.raises(OperationFailed) as caught:
        workstation.undo(sides(pair)[1], result["migration_id"], 20, False)
    assert caught.value.details["side"] == "target" and "UNDO_FAILED" in caught.value.message


def test_a_record_of_the_classic_route_is_not_undone_here(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"format": RECORD_FORMAT, "package": {}}))
    with pytest.raises(ValidationError) as caught:
        workstation.load_record(str(path))
    assert caught.value.option == "record"


@pytest.mark.parametrize("given", ["x", "../../api/sessions", "a" * 32 + ":" + "b" * 31])
def test_a_record_whose_migration_id_is_damaged_is_named_before_any_request(tmp_path, given):
    """Not later, as migration_id (an option the task did not set), after both logins."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"format": RECORD_FORMAT, "route": "workstation", "migration": {"id": given},
                                "target": {"base_url": "https://t/MicroStrategyLibrary"}}))
    with pytest.raises(ValidationError) as caught:
        workstation.load_record(str(path))
    assert caught.value.option == "record" and "damaged" in caught.value.message


def test_a_records_migration_id_is_given_upper_case(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"format": RECORD_FORMAT, "route": "workstation",
                                "migration": {"id": "a" * 32 + ":" + "b" * 32}}))
    assert workstation.load_record(str(path))["migration_id"] == "A" * 32 + ":" + "B" * 32


# ------------------------------------------------------------------ the two sides' options
def test_a_side_takes_the_tasks_options_it_leaves_unset():
    params = {"base_url": "https://both/MicroStrategyLibrary", "username": "u", "password": "p", "project_id": DEMO,
              "source": {"base_url": "https://s/MicroStrategyLibrary", "project": "MicroStrategy Tutorial"},
              "target": {"session": "mstr-session-v1:x", "username": "other"}}
    source = side_params(params, "source")
    assert source["base_url"] == "https://s/MicroStrategyLibrary" and source["username"] == "u"
    assert source["project_id"] is None and source["project"] == "MicroStrategy Tutorial"
    target = side_params(params, "target")
    # A side with its own session takes neither the task's base_url nor its session.
    assert target["base_url"] is None and target["session"] == "mstr-session-v1:x"
    assert target["username"] == "other" and target["project_id"] == DEMO


def test_a_complaint_about_a_sides_option_names_the_side():
    error = on_side("target", ValidationError("base_url", "is required"))
    assert error.option == "target.base_url" and error.message == "target.base_url: is required"


def test_a_target_without_storage_service_is_named_before_anything_is_created(libraries, tmp_path):
    source = libraries[0]
    source.reset()
    target = EmulatorProcess("--processing-seconds", "0.1", "--no-storage-service")
    try:
        with pytest.raises(MstrError) as caught:
            workstation.Migration(workstation.Side("source", logged_in(source), TUTORIAL, "project"),
                                  workstation.Side("target", logged_in(target), DEMO, "project"),
                                  options(tmp_path), False).run()
        assert caught.value.details["side"] == "target"
        assert caught.value.details["step"] == "checking the Storage Service"
        assert "The API requires MicroStrategy Storage Service" in caught.value.message
        assert migrations(source) == [] and source.state()["packages"] == []
    finally:
        target.stop()
        source.reset()


class _Answering:
    """A client that answers every request with ``answer`` and keeps what was sent."""

    base_url = "https://h/MicroStrategyLibrary"

    def __init__(self, answer):
        self.answer = answer
        self.sent = []

    def request(self, method, path, **kwargs):
        self.sent.append((method, path, kwargs))
        return self.answer


@pytest.mark.parametrize("answer, words", [
    ("<html>", "not a JSON object"),
    ({"id": "1234"}, "not a migration id"),
    ({"id": "A" * 32 + ":" + "B" * 32, "packageInfo": "x"}, "not a JSON object"),
])
def test_an_answer_that_is_no_migration_is_named(answer, words):
    with pytest.raises(ResponseError) as caught:
        MigrationApi(_Answering(answer)).create({})
    assert words in caught.value.message


def test_the_project_header_goes_only_where_the_pages_send_it():
    mid = "A" * 32 + ":" + "B" * 32
    client = _Answering({"id": mid, "packageInfo": {}, "importInfo": {}})
    api = MigrationApi(client, DEMO, "project")
    api.create({})
    api.read(mid)
    api.set_import_request(mid, "requested")
    api.start_import(mid, {}, False)
    api.set_undo_request(mid, "requested")
    api.set_undo_request(mid, "approved")
    headers = [(method, path, kwargs.get("project_id")) for method, path, kwargs in client.sent]
    assert headers == [("POST", "/migrations", DEMO), ("GET", "/migrations/" + mid, None),
                       ("PATCH", "/migrations/" + mid, None), ("PUT", "/migrations/" + mid, DEMO),
                       ("PATCH", "/migrations/" + mid, None), ("PATCH", "/migrations/" + mid, DEMO)]
    assert client.sent[3][2]["params"] == {"generateUndo": "false"}
    configuration = _Answering({"id": mid, "packageInfo": {}, "importInfo": {}})
    MigrationApi(configuration, DEMO, "configuration").create({})
    assert configuration.sent[0][2]["project_id"] is None


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


def test_a_task_stopped_while_the_target_imports_keeps_the_migration_and_writes_its_record(pair, tmp_path):
    """Ctrl-C (or SIGTERM, which the runner turns into it) after the target accepted the import: the failure names
    the migration and the record says what is known, as after a wait_timeout."""
    source, target = pair
    s_side, t_side = sides(pair)
    t_side.api.wait_imported = _interrupt
    with pytest.raises(MstrError) as caught:
        workstation.Migration(s_side, t_side, options(tmp_path), False).run()
    error = caught.value
    assert "stopped" in error.message and "kept on both sides" in error.message
    assert error.details["migration_id"] and error.details["side"] == "target"
    record = json.loads(open(error.details["record"]).read())
    assert record["migration"]["id"] == error.details["migration_id"] and record["route"] == "workstation"
    assert [m["roles"] for m in migrations(source)] == [["source"]]
    assert [m["roles"] for m in migrations(target)] == [["target"]]


def test_a_task_stopped_while_the_package_builds_deletes_the_migration_on_the_source(pair, tmp_path):
    source, target = pair
    s_side, t_side = sides(pair)
    s_side.api.wait_created = _interrupt
    with pytest.raises(MstrError) as caught:
        workstation.Migration(s_side, t_side, options(tmp_path), False).run()
    assert "stopped" in caught.value.message and "deleted on the source" in caught.value.message
    assert caught.value.details["migration_kept"] is False
    assert migrations(source) == [] and migrations(target) == [] and os.listdir(str(tmp_path)) == []


def test_an_import_whose_answer_is_lost_on_the_way_is_followed_not_deleted(pair, tmp_path):
    """A gateway's page in place of the import's answer, after the target accepted it: the migration was deleted
    on the source and the task said nothing was imported, while the target had imported it (and no record)."""
    source, target = pair
    gateway = Gateway(target.base_url).start()
    try:
        gateway.rules = {"page": {"match": r"^PUT /MicroStrategyLibrary/api/migrations/[^/]+$",
                                  "body": "<html>502 Bad Gateway</html>", "content_type": "text/html"}}
        s_side, _t_side = sides(pair)
        t_side = workstation.Side("target", logged_in_at(gateway.base_url), DEMO, "project")
        changed, result, _diff = workstation.Migration(s_side, t_side, options(tmp_path), False).run()
    finally:
        gateway.stop()
    assert changed and result["imported"] and result["record"]
    assert any("could not be used" in note for note in result["notes"])
    assert [m["roles"] for m in migrations(source)] == [["source"]]
    assert [m["importStatus"] for m in migrations(target)] == ["imported"]


def test_an_import_the_target_refused_still_deletes_the_migration(pair, tmp_path):
    source, target = pair
    target.faults(fail_next=1, fail_status=400, fail_code="ERR006", fail_match="^PUT /api/migrations/[^/]+$")
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert "deleted on the source" in caught.value.message and caught.value.details["migration_kept"] is False
    assert migrations(source) == [] and migrations(target) == [] and os.listdir(str(tmp_path)) == []


def logged_in_at(base_url):
    client = Client(base_url, backoff=0.01)
    client.login("standard", "administrator", PASSWORD)
    return client


@pytest.mark.parametrize("environment, project, option", [
    ({"id": "https://prod.example.com/MicroStrategyLibrary/"}, DEMO, "target.base_url"),
    (None, TUTORIAL, "target.project_id"),
])
def test_an_approval_imports_only_into_the_target_it_was_requested_for(pair, tmp_path, environment, project, option):
    """The approver's task naming another Library (or project) than the request did imported it there."""
    source, target = pair
    _changed, asked, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"), False).run()
    s_side, _t_side = sides(pair)
    other = workstation.Side("target", logged_in(target), project, "project", environment)
    with pytest.raises(ValidationError) as caught:
        workstation.Migration(s_side, other, options(tmp_path, approval="approve", body=None,
                                                     migration_id=asked["migration_id"]), False).run()
    assert caught.value.option == option and "nothing was done" in caught.value.message
    assert [m["importRequestStatus"] for m in migrations(source)] == ["requested"]
    assert migrations(target) == [] and os.listdir(str(tmp_path)) == []


def test_an_approval_by_name_takes_the_request_for_its_own_target(pair, tmp_path):
    """One name requested for two targets (test, then prod): the approver of each finds its own by name."""
    source, target = pair
    prod = {"id": "https://prod.example.com/MicroStrategyLibrary/"}
    s_side, _t_side = sides(pair)
    workstation.Migration(s_side, workstation.Side("target", logged_in(target), DEMO, "project", prod),
                          options(tmp_path, approval="request"), False).run()
    _changed, asked, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="request"), False).run()
    assert len(migrations(source)) == 2
    changed, done, _diff = workstation.Migration(*sides(pair), options(tmp_path, approval="approve", body=None),
                                                 False).run()
    assert changed and done["imported"] and done["migration_id"] == asked["migration_id"]


def test_a_creation_whose_answer_is_lost_leaves_no_migration_on_the_source(pair, tmp_path):
    """A gateway's page in place of the creation's answer: the source had created the migration, which each run
    left behind (one more per re-run), unnamed in the failure."""
    source, target = pair
    gateway = Gateway(source.base_url).start()
    try:
        gateway.rules = {"page": {"match": r"^POST /MicroStrategyLibrary/api/migrations$",
                                  "body": "<html>502 Bad Gateway</html>", "content_type": "text/html"}}
        s_side = workstation.Side("source", logged_in_at(gateway.base_url), TUTORIAL, "project")
        _s_side, t_side = sides(pair)
        with pytest.raises(MstrError) as caught:
            workstation.Migration(s_side, t_side, options(tmp_path), False).run()
    finally:
        gateway.stop()
    assert caught.value.details["step"] == "creating the migration"
    assert "created migration" in caught.value.message and caught.value.details["migration_kept"] is False
    assert migrations(source) == [] and migrations(target) == []


def test_a_creation_the_source_refused_lists_nothing_more(pair, tmp_path):
    source, target = pair
    source.faults(fail_next=1, fail_status=400, fail_code="ERR006", fail_match="^POST /api/migrations$")
    with pytest.raises(MstrError) as caught:
        workstation.Migration(*sides(pair), options(tmp_path), False).run()
    assert "anyway" not in caught.value.message and migrations(source) == []
    assert count(source, "GET /api/migrations") == 1  # the list before the creation only
