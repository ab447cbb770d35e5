# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""failure_message: a failed result in the caller's words, from the structured option."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mstr.migration.plugins.filter.failure_message import FilterModule, failure_message
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError

TARGET = {"base_url": "target_base_url", "username": "target_username", "password": "target_password",
          "login_mode": "target_login_mode", "api_token": "target_api_token", "project_id": "target_project_id",
          "project": "target_project", "src": "package_file"}


def failed(error):
    """The result a module fails with for this error (runner.run_module: fail_json(**to_fail_kwargs()))."""
    return dict(error.to_fail_kwargs(), failed=True)


def test_the_option_becomes_the_callers_variable():
    result = failed(ValidationError("project_id", "no project with id 0123 is visible to this user"))
    assert failure_message(result, TARGET) == "target_project_id: no project with id 0123 is visible to this user"


def test_an_option_with_an_index_keeps_its_index():
    # package.find_by_name: MstrError with option= (not a ValidationError) carries the option too.
    result = failed(MstrError("content[0].name: no attribute named 'Yaer' was found; close names: 'Year'",
                              option="content[0].name"))
    assert result["option"] == "content[0].name"
    assert failure_message(result, {"content": "package_content"}) == (
        "package_content[0].name: no attribute named 'Yaer' was found; close names: 'Year'")


def test_an_option_the_mapping_leaves_out_keeps_its_name():
    result = failed(ValidationError("wait_timeout", "must be a positive number of seconds"))
    assert failure_message(result, TARGET) == "wait_timeout: must be a positive number of seconds"


def test_a_message_that_does_not_start_with_its_option_is_left_as_it_is():
    assert failure_message({"msg": "something else", "option": "src"}, TARGET) == "something else"


def test_connection_options_mentioned_later_are_named_at_the_end():
    login = {"msg": "POST /api/auth/login failed with HTTP 401 ERR003: Wrong password. Hint: check username, "
                    "password, login_mode or api_token", "http_status": 401, "error_code": "ERR003"}
    assert failure_message(login, TARGET).endswith(
        "Hint: check username, password, login_mode or api_token (set by target_username, target_password, "
        "target_login_mode, target_api_token)")
    refused = {"msg": "cannot connect to http://127.0.0.1:9 (connection refused): is base_url right and the "
                      "Library running?"}
    assert failure_message(refused, TARGET).endswith("running? (set by target_base_url)")


def test_plain_words_and_the_leading_option_are_not_hinted():
    result = failed(ValidationError("project_id", "no project with id 0123 is visible; give a project_id"))
    assert failure_message(result, TARGET) == "target_project_id: no project with id 0123 is visible; give a project_id"
    # Without a mapping for them, nothing is added either.
    assert failure_message({"msg": "is base_url right?"}, {}) == "is base_url right?"


def test_the_side_and_its_address_without_credentials():
    result = failed(ValidationError("base_url", "must not contain a user name or password"))
    message = failure_message(result, TARGET, "target", "http://admin:Secret1@127.0.0.1:8080/MicroStrategyLibrary")
    assert message.startswith("The target (http://***@127.0.0.1:8080/MicroStrategyLibrary) failed: target_base_url: "
                              "must not contain")
    assert "Secret1" not in message and "admin" not in message
    assert failure_message({"msg": "x"}, {}, "source").startswith("The source (no base_url) failed: x")
    assert failure_message({"msg": "x"}, {}, side="source", base_url="https://h/L") == "The source (https://h/L) failed: x"


def test_only_msg_and_option_are_read():
    result = {"msg": "boom", "password": "Secret1", "session": "token", "invocation": {"module_args": {"x": 1}}}
    assert failure_message(result, TARGET) == "boom"
    assert failure_message({}, TARGET) == "the task failed"


def test_bad_input_is_refused():
    with pytest.raises(AnsibleFilterError):
        failure_message("not a result")
    with pytest.raises(AnsibleFilterError):
        failure_message({"msg": "x"}, ["src"])


def test_the_plugin_offers_the_filter():
    assert FilterModule().filters() == {"failure_message": failure_message}
