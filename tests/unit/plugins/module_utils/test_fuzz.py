# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fuzzing: whatever the options or the server's answers, only the collection's errors come out.

A module turns MstrError into a failure message; any other exception would
reach the user as a traceback.
"""

from __future__ import annotations

import base64
import http.client
import json

import requests
import urllib3
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.mstr.migration.plugins.module_utils import answers
from ansible_collections.mstr.migration.plugins.module_utils import definition as pkg
from ansible_collections.mstr.migration.plugins.module_utils import waits
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.runner import connection_settings

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

    only_mstr_errors(waits.wait_for_status, read, "READY", "package P", 3, lambda: now[0], sleep)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=80) | WORDS)
def test_urls_and_sessions_fail_cleanly(value):
    only_mstr_errors(normalise_base_url, value)
    only_mstr_errors(decode_session, value)
    only_mstr_errors(decode_session, "mstr-session-v1:" + value)


# URLs built from the pieces that broke requests or http.client: ports out of range, open brackets, spaces, control
# characters, credentials, non-ASCII host names; and any text in each piece.
ODD = st.sampled_from(["", " ", "\x00", "\r\n", "\t", "\x7f", "@", ":", "[", "]", "%", "?", "#", "/", "\u00e9", "\u200b"])
URLS = st.builds(
    lambda scheme, user, host, port, path: scheme + user + host + port + path,
    st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "", "//"]),
    st.sampled_from(["", "user@", "user:pw@", ":@"]) | st.text(max_size=6).map(lambda t: t + "@"),
    st.sampled_from(["127.0.0.1", "localhost", "[::1]", "[::1", "::1]", "[v1.x]", "ho st", "mstr.example.com", ""])
    | st.lists(st.text(max_size=5) | ODD, max_size=3).map("".join),
    st.sampled_from(["", ":", ":0", ":80", ":65535", ":65536", ":99999", ":-1", ":1e3", ": 80"])
    | st.text(max_size=6).map(lambda t: ":" + t),
    st.lists(st.sampled_from(["/MicroStrategyLibrary", "/api", "/", "/a b"]) | ODD | st.text(max_size=8), max_size=3)
    .map("".join),
)


def _usable_by_requests(url: str) -> None:
    """What a request to the URL goes through before it connects: requests, urllib3 and http.client raise here."""
    prepared = requests.Session().prepare_request(requests.Request("GET", url + "/api/sessions"))
    pool = urllib3.connection_from_url(prepared.url)
    connection = http.client.HTTPConnection(pool.host, pool.port)
    connection.putrequest("GET", prepared.path_url)  # builds the request line; nothing is sent before endheaders
    for name, value in prepared.headers.items():
        connection.putheader(name, value)


@settings(max_examples=600, deadline=None)
@given(url=URLS | st.text(max_size=60))
def test_a_base_url_is_refused_as_an_option_or_usable_by_requests(url):
    try:
        normalised = normalise_base_url(url)
    except ValidationError as exc:
        assert exc.option == "base_url"
        return
    _usable_by_requests(normalised)


HEADER_TEXT = st.text(max_size=40) | st.builds(lambda a, b, c: a + b + c, st.text(max_size=8), ODD, st.text(max_size=8))


@settings(max_examples=300, deadline=None)
@given(project_id=HEADER_TEXT)
def test_any_project_id_is_refused_before_any_request_or_sent_cleanly(emulator_process, project_id):
    params = {"base_url": emulator_process.base_url, "username": "administrator", "password": "mstr-emulator",
              "project_id": project_id}
    try:
        connection_settings(params)
    except ValidationError as exc:
        assert exc.option == "project_id"
        return
    # Accepted: it goes into X-MSTR-ProjectID of a real request, and only the collection's errors come back.
    client = Client(emulator_process.base_url, retries=0)
    only_mstr_errors(client.request, "GET", "/searches/results", project_id or None, False, None,
                     {"name": "x", "type": 12})


@settings(max_examples=200, deadline=None)
@given(token=HEADER_TEXT, name=HEADER_TEXT, value=HEADER_TEXT, secure=st.booleans() | LOOSE)
def test_any_session_value_is_refused_or_sent_cleanly(emulator_process, token, name, value, secure):
    data = {"base_url": emulator_process.base_url, "token": token,
            "cookies": [{"name": name, "value": value, "secure": secure, "domain": "", "path": "/"}]}
    encoded = "mstr-session-v1:" + base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    try:
        session = decode_session(encoded)
    except ValidationError as exc:
        assert exc.option == "session"
        return
    client = Client(session["base_url"], retries=0)
    client.resume(session)
    only_mstr_errors(client.request, "GET", "/sessions")


class _Answer:
    status_code = 200


@settings(max_examples=500, deadline=None)
@given(head=st.binary(max_size=64) | st.sampled_from([b"<html>", b" {", b"\xef\xbb\xbf<", b"["]).map(
    lambda start: start + b"rest"))
def test_the_start_of_any_download_is_judged_cleanly(head):
    try:
        judged = answers.check_package_head(head, "application/octet-stream", "GET /api/x", _Answer.status_code)
    except MstrError:
        return
    assert judged is head.startswith(answers.PACKAGE_MAGIC)
