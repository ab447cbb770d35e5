# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fuzzing: whatever the options or the server's answers, only the collection's errors come out.

A module turns MstrError into a failure message; any other exception would
reach the user as a traceback.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.mstr.migration.plugins.module_utils import api
from ansible_collections.mstr.migration.plugins.module_utils import package as pkg
from ansible_collections.mstr.migration.plugins.module_utils.client import decode_session, normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=25)
WORDS = st.sampled_from(["project", "configuration", "project_security", "replace", "use_existing", "attribute",
                         "user", "12", "34", "8D679D5111D3E4981000E787EC6DE8A4", "B7CA92F04B9FAE8D941C3E9B7E0CD754",
                         "", "READY", "ready", "creation_failed", "PROCESSING", "explicitIncluded", "settings"])
LOOSE = JSON | WORDS
ITEM = st.dictionaries(st.sampled_from(["id", "name", "type", "action", "include_dependents"]), LOOSE, max_size=5)
SETTINGS = st.dictionaries(st.sampled_from(["default_action", "acl_on_replacing_objects", "acl_on_new_objects",
                                            "update_schema"]), LOOSE | st.lists(WORDS, max_size=3), max_size=4)
SERVER_ITEM = st.dictionaries(st.sampled_from(list(pkg.ITEM_NAMES) + ["owner"]), LOOSE, max_size=8)
SERVER_PACKAGE = st.dictionaries(
    st.sampled_from(["id", "status", "settings", "content", "message", "type"]),
    LOOSE | st.lists(SERVER_ITEM, max_size=4) | st.dictionaries(st.sampled_from(list(pkg.SETTING_NAMES)), LOOSE),
    max_size=6)


def only_mstr_errors(function, *args):
    try:
        function(*args)
    except MstrError:
        pass


@settings(max_examples=400, deadline=None)
@given(package_type=LOOSE, settings_=SETTINGS | LOOSE, content=st.lists(ITEM | LOOSE, max_size=4) | LOOSE,
       project_id=LOOSE)
def test_option_mapping_raises_only_validation_errors(package_type, settings_, content, project_id):
    only_mstr_errors(pkg.validate_definition, package_type, settings_, content, project_id)


@settings(max_examples=400, deadline=None)
@given(body=SERVER_PACKAGE | JSON, package_type=st.sampled_from([None, "project", "configuration"]))
def test_package_answers_parse_or_fail_cleanly(body, package_type):
    only_mstr_errors(pkg.package_result, body, package_type)
    only_mstr_errors(pkg.definition_view, package_type, body)
    desired = pkg.validate_definition("project", None, [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12}],
                                      "B7CA92F04B9FAE8D941C3E9B7E0CD754")
    only_mstr_errors(pkg.definition_differences, desired, body)


@settings(max_examples=300, deadline=None)
@given(body=SERVER_PACKAGE | JSON)
def test_import_answers_parse_or_fail_cleanly(body):
    only_mstr_errors(pkg.import_result, body)


@settings(max_examples=200, deadline=None)
@given(answers=st.lists(SERVER_PACKAGE | JSON, min_size=1, max_size=5))
def test_wait_loop_survives_any_answer(answers):
    pending = iter(answers)
    now = [0.0]

    def read():
        now[0] += 1
        return next(pending, {"status": "READY"})

    def sleep(seconds):
        now[0] += seconds

    only_mstr_errors(api.wait_for_status, read, "READY", "package P", 3, lambda: now[0], sleep)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=80) | WORDS)
def test_urls_and_sessions_fail_cleanly(value):
    only_mstr_errors(normalise_base_url, value)
    only_mstr_errors(decode_session, value)
    only_mstr_errors(decode_session, "mstr-session-v1:" + value)
