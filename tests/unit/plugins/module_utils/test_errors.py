# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Server errors as real servers send them: codes in every spelling, per-object sub-errors shown."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.errors import (ApiError, OperationFailed, code_number,
                                                                            describe_sub_errors, sub_errors)
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import (PASSWORD, TUTORIAL, YEAR,
                                                                                         YEAR_BODY, logged_in)


def entry(number: int) -> dict:
    return {"iServerCode": -1, "message": "reason %d" % number,
            "additionalProperties": {"objectId": "ID%02d" % number, "objectName": "Object %d" % number}}


@pytest.mark.parametrize("spellings, number", [
    (("ERR0017", "ERR017", "ERR17", "err17", " ERR017 "), 17),
    (("ERR009", "ERR09", "ERR9", "ERR0009"), 9),
    (("ERR0014", "ERR014", "ERR14"), 14),
])
def test_every_spelling_is_one_code(spellings, number):
    assert {code_number(code) for code in spellings} == {number}


@pytest.mark.parametrize("value", [None, "", "ERR", "E17", "ERRX17", 17, "ERR17a"])
def test_what_is_not_a_code_has_no_number(value):
    assert code_number(value) is None


@pytest.mark.parametrize("code", ["ERR0014", "ERR014", "ERR14"])
def test_hints_and_decisions_do_not_depend_on_the_spelling(code):
    error = ApiError(403, "POST", "/api/packages", code=code, server_message="no privilege")
    assert "Hint: the user lacks a privilege" in error.message
    # The result keeps the server's own spelling.
    assert error.to_fail_kwargs()["error_code"] == code


@pytest.mark.parametrize("code", ["ERR009", "ERR09", "ERR9"])
def test_session_expiry_is_recognised_in_every_spelling(code):
    assert ApiError(401, "GET", "/api/sessions", code=code).session_expired
    assert not ApiError(401, "GET", "/api/sessions", code="ERR003").session_expired


def test_sub_errors_list_ten_objects_then_the_rest():
    error = ApiError(400, "POST", "/api/packages/imports", code="ERR006", server_message="Import failed",
                     raw_sub_errors=[entry(n) for n in range(1, 14)])
    assert "Objects: 'Object 1' (ID01): reason 1; " in error.message
    assert "'Object 10' (ID10): reason 10; and 3 more" in error.message
    assert "Object 11" not in error.message
    listed = error.to_fail_kwargs()["sub_errors"]
    assert len(listed) == 13
    assert listed[12] == {"object_name": "Object 13", "object_id": "ID13", "message": "reason 13",
                          "iserver_code": -1}


def test_malformed_sub_errors_do_not_hide_the_failure():
    entries = sub_errors([None, "text", {"message": "only a reason"}, {"additionalProperties": "x"}])
    assert entries == [{"object_name": None, "object_id": None, "message": "only a reason", "iserver_code": None},
                       {"object_name": None, "object_id": None, "message": None, "iserver_code": None}]
    assert describe_sub_errors(entries) == "an object: only a reason; an object: no reason given"
    assert sub_errors({"not": "a list"}) == []
    assert "Objects" not in ApiError(400, "GET", "/api/x", code="ERR006", raw_sub_errors="junk").message


@pytest.mark.parametrize("spelling, code", [("docs", "ERR0014"), ("samples", "ERR014"), ("short", "ERR14")])
def test_a_real_answer_in_each_spelling_gets_its_hint(start_emulator, spelling, code):
    server = start_emulator("--error-codes", spelling)
    client = Client(server.base_url)
    client.login("standard", "analyst", PASSWORD)
    with pytest.raises(ApiError) as caught:
        PackageApi(client, TUTORIAL).create_holder()
    assert caught.value.code == code
    assert "Hint: the user lacks a privilege" in caught.value.message


def test_an_expired_session_in_the_short_spelling_is_still_an_expired_session(start_emulator):
    server = start_emulator("--error-codes", "short")
    client = logged_in(server)
    server.faults(expire_sessions=True)
    with pytest.raises(ApiError) as caught:
        client.request("GET", "/sessions")
    assert caught.value.code == "ERR09" and caught.value.session_expired and "log in again" in caught.value.message


def test_an_error_answer_with_sub_errors_names_the_objects(emulator):
    client = logged_in(emulator)
    api = PackageApi(client, TUTORIAL, "project")
    package_id = api.create_holder()
    emulator.faults(fail_next=1, fail_status=403, fail_code="ERR017", fail_match="PUT /api/packages",
                    fail_sub_errors=[[YEAR, "Year", "User 'Administrator' does not have Write access."]])
    with pytest.raises(ApiError) as caught:
        api.define(package_id, YEAR_BODY)
    assert "Objects: 'Year' (%s): User 'Administrator' does not have Write access." % YEAR in caught.value.message
    assert "Hint: the user lacks a permission on an object" in caught.value.message
    assert caught.value.to_fail_kwargs()["sub_errors"][0]["object_id"] == YEAR


def test_a_failed_build_names_its_objects(emulator):
    client = logged_in(emulator)
    api = PackageApi(client, TUTORIAL, "project")
    package_id = api.create_holder()
    emulator.faults(fail_processing=1)
    api.define(package_id, YEAR_BODY)
    with pytest.raises(OperationFailed) as caught:
        api.wait_ready(package_id, 10)
    assert "CREATION_FAILED" in caught.value.message
    assert "Objects: 'Year' (%s): The object could not be added" % YEAR in caught.value.message
    assert [e["object_name"] for e in caught.value.details["sub_errors"]] == ["Year"]
