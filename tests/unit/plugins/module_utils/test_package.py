# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Package logic: mapping, validation, comparison, fingerprints and the wait loop."""

from __future__ import annotations

import copy
import time

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import definition as pkg
from ansible_collections.mstr.migration.plugins.module_utils import objects
from ansible_collections.mstr.migration.plugins.module_utils import waits
from ansible_collections.mstr.migration.plugins.module_utils.errors import (OperationFailed, ValidationError,
                                                                            WaitTimeout)

TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
ADMIN = "54F3D26011D2896560009A8E67019608"

# The three request bodies of the vendor's "Create a migration package" page.
SAMPLE_PROJECT = {
    "type": "project",
    "settings": {"updateSchema": ["recal_table_logical_size", "recal_table_keys_fact_entry_level"],
                 "aclOnReplacingObjects": "use_existing", "aclOnNewObjects": ["keep_acl_as_source_object"],
                 "defaultAction": "replace"},
    "content": [{"id": YEAR, "name": "Year", "type": 12, "action": "replace", "includeDependents": True}],
}
SAMPLE_CONFIGURATION = {
    "type": "configuration",
    "settings": {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                 "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
    "content": [{"id": ADMIN, "name": "Administrator", "type": 34, "action": "replace", "includeDependents": True}],
}
SAMPLE_PROJECT_SECURITY = {
    "type": "project_security",
    "settings": {"updateSchema": None, "aclOnReplacingObjects": None,
                 "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
    "content": [{"id": ADMIN, "name": "Administrator", "type": 34, "action": "replace", "includeDependents": False}],
}


def test_project_sample_body_from_module_options():
    body = pkg.validate_definition(
        "project",
        {"default_action": "replace", "acl_on_replacing_objects": "use_existing",
         "acl_on_new_objects": ["keep_acl_as_source_object"],
         "update_schema": ["recal_table_logical_size", "recal_table_keys_fact_entry_level"]},
        [{"id": YEAR.lower(), "name": "Year", "type": "attribute", "action": "replace", "include_dependents": True}],
        TUTORIAL)
    assert body == SAMPLE_PROJECT


def test_configuration_sample_body_from_module_options():
    body = pkg.validate_definition(
        "configuration", {"default_action": "replace"},
        [{"id": ADMIN, "name": "Administrator", "type": "user", "include_dependents": True}], None)
    assert body == SAMPLE_CONFIGURATION


def test_project_security_sample_body_from_module_options():
    body = pkg.validate_definition(
        "project_security", {"default_action": "replace"},
        [{"id": ADMIN, "name": "Administrator", "type": 34, "action": "replace", "include_dependents": False}],
        TUTORIAL)
    assert body == SAMPLE_PROJECT_SECURITY


def test_safe_defaults():
    body = pkg.validate_definition("project", None, [{"id": YEAR, "type": 12}], TUTORIAL)
    assert body["settings"] == {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                                "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "use_existing"}
    assert body["content"] == [{"id": YEAR, "type": 12, "action": "use_existing", "includeDependents": False}]


@pytest.mark.parametrize("package_type, settings, content, project, option, fragment", [
    ("project", None, [{"id": "8D679D51", "type": 12}], TUTORIAL, "content[0].id", "32 hexadecimal"),
    ("project", None, [{"id": "8D679D5111D3E4981000E787EC6DE8A4\n", "type": 12}], TUTORIAL, "content[0].id",
     "32 hexadecimal"),
    ("project", None, [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12}], TUTORIAL + "\n", "project_id",
     "32 hexadecimal"),
    ("project", None, [{"id": YEAR, "type": "cube-ish"}], TUTORIAL, "content[0].type", "unknown object type"),
    ("project", None, [{"id": YEAR, "type": 0}], TUTORIAL, "content[0].type", "not a MicroStrategy object type"),
    ("project", None, [{"id": YEAR, "type": 4096}], TUTORIAL, "content[0].type", "not a MicroStrategy object type"),
    ("project", None, [{"id": YEAR, "type": True}], TUTORIAL, "content[0].type", "not an object type"),
    ("project", None, [{"id": YEAR}], TUTORIAL, "content[0].type", "required"),
    ("project", None, [{"type": 12}], TUTORIAL, "content[0]", "id"),
    ("project", None, [], TUTORIAL, "content", "empty"),
    ("project", None, [{"id": YEAR, "type": 12}, {"id": YEAR.lower(), "type": 12}], TUTORIAL, "content",
     "more than once"),
    ("project", None, [{"id": YEAR, "type": 12, "action": "merge"}], TUTORIAL, "content[0].action", "merge"),
    ("project", {"default_action": "overwrite"}, [{"id": YEAR, "type": 12}], TUTORIAL,
     "settings.default_action", "overwrite"),
    ("project", None, [{"id": ADMIN, "type": "user"}], TUTORIAL, "content[0].type", "configuration-level"),
    ("configuration", None, [{"id": YEAR, "type": "attribute"}], None, "content[0].type", "project-level"),
    ("project_security", None, [{"id": YEAR, "type": 44}], TUTORIAL, "content[0].type", "users and user groups"),
    ("configuration", None, [{"id": ADMIN, "type": 34}], TUTORIAL, "project_id", "must not be set"),
    ("project", None, [{"id": YEAR, "type": 12}], None, "project_id", "is required"),
    ("project_security", None, [{"id": ADMIN, "type": 34}], None, "project_id", "is required"),
    ("project", None, [{"id": YEAR, "type": 12}], "tutorial", "project_id", "not a project id"),
    ("configuration", {"update_schema": ["recal_table_logical_size"]}, [{"id": ADMIN, "type": 34}], None,
     "settings.update_schema", "only supported for project packages"),
    ("project_security", {"acl_on_replacing_objects": "replace"}, [{"id": ADMIN, "type": 34}], TUTORIAL,
     "settings.acl_on_replacing_objects", "not supported"),
    ("project", {"acl_on_new_objects": ["copy"]}, [{"id": YEAR, "type": 12}], TUTORIAL,
     "settings.acl_on_new_objects", "copy"),
    ("project", {"update_schema": ["everything"]}, [{"id": YEAR, "type": 12}], TUTORIAL,
     "settings.update_schema", "everything"),
    ("everything", None, [{"id": YEAR, "type": 12}], TUTORIAL, "type", "everything"),
])
def test_bad_definitions_name_the_option(package_type, settings, content, project, option, fragment):
    with pytest.raises(ValidationError) as caught:
        pkg.validate_definition(package_type, settings, content, project)
    assert caught.value.option == option
    assert fragment in caught.value.message
    assert caught.value.message.startswith(option + ":")


def _validation_cpu_seconds(content) -> float:
    """The best of three, in CPU time of this process: wall time on a loaded machine says more about the machine."""
    best = None
    for attempt in range(3):
        started = time.process_time()
        pkg.validate_definition("project", {"default_action": "replace"}, content, TUTORIAL)
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    return best


def test_validation_is_linear_in_the_number_of_objects():
    """Ten times the objects cost about ten times the time (a quadratic duplicate check: a hundred, and 4 s for 20,000)."""
    content = [{"id": "%032X" % (0xBB0000 + n), "type": "metric"} for n in range(20000)]
    small, large = _validation_cpu_seconds(content[:2000]), _validation_cpu_seconds(content)
    assert large < 2.0
    assert large < 30 * max(small, 0.001), (small, large)
    body = pkg.validate_definition("project", {"default_action": "replace"}, content, TUTORIAL)
    assert len(body["content"]) == 20000
    with pytest.raises(ValidationError) as caught:
        pkg.validate_definition("project", None, content + [content[7], content[3]], TUTORIAL)
    assert caught.value.message == "content: lists %s, %s more than once (by id, or by id and by name)" % (content[3]["id"], content[7]["id"])


@pytest.mark.parametrize("value, number", [(12, 12), ("12", 12), ("attribute", 12), ("User_Group", 34),
                                           ("security_role", 44), (99, 99)])
def test_object_type_names_and_numbers(value, number):
    assert objects.object_type_number(value, "t") == number


def read_back(body, extra=()):
    """A package as the server returns it after building ``body``."""
    content = [dict(item, version="V1", explicitIncluded=True) for item in body["content"]]
    content += [dict(item, explicitIncluded=False) for item in extra]
    return {"id": "P", "status": "READY", "settings": copy.deepcopy(body["settings"]), "content": content}


def test_comparison_ignores_dependents_and_server_fields():
    dependent = {"id": "8D6793C211D3E4981000E787EC6DE8A4", "type": 15, "action": "replace", "version": "X"}
    current = read_back(SAMPLE_PROJECT, extra=[dependent])
    current["settings"]["updateSchema"] = list(reversed(current["settings"]["updateSchema"]))
    assert pkg.definition_differences(SAMPLE_PROJECT, current) == []


@pytest.mark.parametrize("change, expected", [
    (lambda b: b["content"][0].update(action="use_existing"), "content differs"),
    (lambda b: b["content"][0].update(includeDependents=False), "content differs"),
    (lambda b: b["content"].append({"id": "7FD5B69611D5AC76C000D98A4CC5F24F", "type": 4, "action": "replace",
                                    "includeDependents": False}), "content differs"),
    (lambda b: b["settings"].update(defaultAction="use_existing"), "settings differ"),
    (lambda b: b["settings"].update(updateSchema=None), "settings differ"),
])
def test_comparison_finds_real_differences(change, expected):
    desired = copy.deepcopy(SAMPLE_PROJECT)
    change(desired)
    assert pkg.definition_differences(desired, read_back(SAMPLE_PROJECT)) == [expected]


def test_null_and_empty_update_schema_are_equal():
    desired = copy.deepcopy(SAMPLE_CONFIGURATION)
    current = read_back(SAMPLE_CONFIGURATION)
    current["settings"]["updateSchema"] = []
    assert pkg.definition_differences(desired, current) == []


def test_fingerprint_depends_on_versions_not_on_order():
    items = [{"id": YEAR, "type": 12, "version": "A", "action": "replace", "explicitIncluded": True},
             {"id": "8D6793C211D3E4981000E787EC6DE8A4", "type": 15, "version": "B", "action": "replace",
              "explicitIncluded": False}]
    first = pkg.fingerprint(SAMPLE_PROJECT["settings"], items)
    assert first == pkg.fingerprint(SAMPLE_PROJECT["settings"], list(reversed(items)))
    changed = copy.deepcopy(items)
    changed[1]["version"] = "C"
    assert pkg.fingerprint(SAMPLE_PROJECT["settings"], changed) != first
    changed = copy.deepcopy(items)
    changed[0]["action"] = "use_existing"
    assert pkg.fingerprint(SAMPLE_PROJECT["settings"], changed) != first
    assert pkg.fingerprint(SAMPLE_CONFIGURATION["settings"], items) != first
    assert len(first) == 64


def test_package_result_uses_module_names_and_upper_case_status():
    current = read_back(SAMPLE_PROJECT)
    current["status"] = "ready"
    current["content"][0]["owner"] = {"id": ADMIN}
    result = pkg.package_result(current, "project")
    assert result["status"] == "READY"
    assert result["settings"]["default_action"] == "replace"
    assert result["content"][0]["include_dependents"] is True
    assert result["content"][0]["owner_id"] == ADMIN
    assert result["fingerprint"] == pkg.fingerprint(current["settings"], current["content"])


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(statuses, fake, request_seconds=0.01):
    answers = iter(statuses)

    def read():
        fake.now += request_seconds
        status = next(answers)
        body = {"status": status}
        if "fail" in status.lower():
            body["message"] = "Object Year is locked"
        return body
    return read


def test_wait_polls_fast_then_backs_off_with_a_cap():
    fake = FakeTime()
    waits.wait_for_status(scripted(["PROCESSING"] * 60 + ["READY"], fake), "READY", "package P", 1000,
                          clock=fake.clock, sleep=fake.sleep, max_interval=5.0)
    assert fake.sleeps[0] == pytest.approx(0.05)
    assert all(b >= a - 1e-9 for a, b in zip(fake.sleeps, fake.sleeps[1:]))  # never faster again
    assert max(fake.sleeps) == pytest.approx(5.0)


@pytest.mark.parametrize("processing", [0.3, 1.0, 5.0, 60.0])
def test_wait_notices_the_end_within_100ms_plus_10_percent(processing):
    fake = FakeTime()

    def read():
        fake.now += 0.005
        return {"status": "READY" if fake.now >= processing else "processing"}
    body = waits.wait_for_status(read, "READY", "package P", 1000, clock=fake.clock, sleep=fake.sleep)
    assert body["elapsed"] <= processing + 0.1 + 0.1 * processing


def test_wait_is_case_insensitive_and_fails_fast_with_the_server_message():
    fake = FakeTime()
    with pytest.raises(OperationFailed) as caught:
        waits.wait_for_status(scripted(["processing", "creation_failed"], fake), "READY", "package P", 600,
                              clock=fake.clock, sleep=fake.sleep)
    assert "CREATION_FAILED" in caught.value.message and "Object Year is locked" in caught.value.message
    assert fake.now < 1


def test_wait_timeout_says_last_status_and_elapsed_time():
    fake = FakeTime()
    with pytest.raises(WaitTimeout) as caught:
        waits.wait_for_status(scripted(["PROCESSING"] * 1000, fake), "READY", "package P", 10,
                              clock=fake.clock, sleep=fake.sleep)
    assert "still PROCESSING after 10." in caught.value.message
    assert caught.value.details["status"] == "PROCESSING"
    assert 10 <= caught.value.details["elapsed"] < 10.5


def test_project_header_rule():
    assert objects.project_header("configuration", TUTORIAL) is None
    assert objects.project_header("project", TUTORIAL) == TUTORIAL
    assert objects.project_header("project_security", TUTORIAL) == TUTORIAL


def test_wait_keeps_going_through_an_outage_and_stops_on_a_refusal():
    from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, TransportError, WaitTimeout
    fake = FakeTime()
    answers = iter([TransportError("no answer"), ApiError(503, "GET", "/api/x"), {"status": "IMPORTED"}])

    def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer
    assert waits.wait_for_status(read, "IMPORTED", "import I", 600, clock=fake.clock, sleep=fake.sleep)["status"] \
        == "IMPORTED"

    def refused():
        raise ApiError(401, "GET", "/api/x", code="ERR009")
    with pytest.raises(ApiError):
        waits.wait_for_status(refused, "IMPORTED", "import I", 600, clock=fake.clock, sleep=fake.sleep)

    def down():
        raise TransportError("no answer from the server")
    with pytest.raises(WaitTimeout) as caught:
        waits.wait_for_status(down, "IMPORTED", "import I", 10, clock=fake.clock, sleep=fake.sleep)
    assert "could not be read" in caught.value.message and "no answer from the server" in caught.value.message
