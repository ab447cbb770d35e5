# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client against a misbehaving gateway in front of a real emulator: redirects, pages instead of packages,
compression, odd ids; and the inputs refused before any request (docs/reliability.md, "Hardening")."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import time
from functools import partial

import pytest
import requests

from ansible_collections.mstr.migration.plugins.module_utils import export, importer
from ansible_collections.mstr.migration.plugins.module_utils import definition as pkg
from ansible_collections.mstr.migration.plugins.module_utils import files as transfer
from ansible_collections.mstr.migration.plugins.module_utils.answers import PACKAGE_MAGIC, not_a_package_warning
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.errors import (ResponseError, TransportError,
                                                                            ValidationError, WaitTimeout)
from ansible_collections.mstr.migration.plugins.module_utils.runner import connection_settings, credential_warnings
from ansible_collections.mstr.migration.tests.emulator.binaries import VENDOR_MAGIC
from ansible_collections.mstr.migration.tests.integration.gateway import Gateway
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import (PASSWORD, TUTORIAL, YEAR_BODY,
                                                                                         logged_in, ready_package,
                                                                                         write_tls_files)


@pytest.fixture
def gateway(emulator):
    started = Gateway(emulator.base_url).start()
    yield started
    started.stop()


def requests_total(emulator) -> int:
    return emulator.state()["requests"]["total"]


# ------------------------------------------------------------------ redirects
def test_the_collection_knows_the_vendor_package_magic():
    assert PACKAGE_MAGIC == VENDOR_MAGIC


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_login_fails_naming_the_location_and_sends_no_password_there(emulator, gateway, status):
    # The redirect points at a server that would accept the login: the emulator itself, reached directly.
    gateway.rules = {"redirect": {"match": "^POST .*/api/auth/login$", "status": status,
                                  "location": emulator.base_url + "/api/auth/login"}}
    before = requests_total(emulator)
    with pytest.raises(TransportError) as caught:
        Client(gateway.base_url).login("standard", "administrator", PASSWORD)
    message = caught.value.message
    assert "HTTP %d, a redirect to %s/api/auth/login" % (status, emulator.base_url) in message
    assert message.endswith("Set base_url to the final address (%s)" % emulator.base_url)
    assert requests_total(emulator) == before and emulator.state()["sessions"] == []


def test_a_redirect_after_login_does_not_carry_the_token(emulator, gateway):
    client = logged_in(gateway)
    package_id = ready_package(client)
    before = emulator.state()["requests"]["byRoute"]
    gateway.rules = {"redirect": {"match": " .*/api/(sessions|packages/.*/binary)$",
                                  "location": emulator.base_url + "/api/sessions"}}
    with pytest.raises(TransportError, match="a redirect to"):
        client.request("GET", "/sessions")
    with pytest.raises(TransportError, match="redirects are not followed"):
        client.download("/packages/%s/binary" % package_id, ListSink(), TUTORIAL)
    with pytest.raises(TransportError, match="redirects are not followed"):
        client.upload("/packages/%s/binary" % package_id, __file__, TUTORIAL)
    after = emulator.state()["requests"]["byRoute"]
    # Nothing reached the address the redirects named: the token went nowhere else.
    assert after.get("GET /api/sessions") == before.get("GET /api/sessions")
    gateway.rules = {}
    client.logout()


# ------------------------------------------------------------------ cookies
def test_the_session_value_keeps_secure_domain_and_path_and_old_values_still_decode(emulator):
    client = logged_in(emulator)
    client.http.cookies.set("edge", "e1", domain="127.0.0.1", path="/MicroStrategyLibrary", secure=True)
    session = decode_session(client.session_value())
    cookies = {cookie["name"]: cookie for cookie in session["cookies"]}
    assert cookies["edge"] == {"name": "edge", "value": "e1", "domain": "127.0.0.1",
                               "path": "/MicroStrategyLibrary", "secure": True}
    assert cookies["JSESSIONID"]["secure"] is False
    resumed = Client(session["base_url"])
    resumed.resume(session)
    assert resumed.cookies() == client.cookies()
    # A value made before the attributes were kept: no secure, domain or path.
    old = dict(session, cookies=[{"name": "JSESSIONID", "value": cookies["JSESSIONID"]["value"]}])
    old_value = "mstr-session-v1:" + base64.urlsafe_b64encode(json.dumps(old).encode()).decode()
    again = Client(emulator.base_url)
    again.resume(decode_session(old_value))
    assert again.request("GET", "/sessions")["username"] == "administrator"
    client.logout()


def test_a_secure_cookie_is_never_sent_over_http(emulator, gateway):
    client = logged_in(gateway)
    client.request("GET", "/sessions")
    assert gateway.seen[-1]["cookie"] is True  # the cookie the login set, as the server set it
    session = decode_session(client.session_value())
    for cookie in session["cookies"]:
        cookie["secure"] = True
    resumed = Client(gateway.base_url)
    resumed.resume(session)
    resumed.request("GET", "/status")
    assert gateway.seen[-1] == {"line": "GET /MicroStrategyLibrary/api/status", "accept_encoding": "gzip, deflate",
                                "cookie": False}
    # Over https the same jar sends it.
    over_https = resumed.http.prepare_request(requests.Request("GET", "https://127.0.0.1/MicroStrategyLibrary/api/x"))
    assert "JSESSIONID=" in over_https.headers.get("Cookie", "")
    client.logout()


# ------------------------------------------------------------------ ids from answers
@pytest.mark.parametrize("route, bad_id", [("^POST .*/api/packages$", "../imports/x"),
                                           ("^POST .*/api/packages/imports", "../../projects#")])
def test_ids_in_server_answers_are_held_to_the_id_rule(emulator, gateway, route, bad_id):
    client = logged_in(gateway)
    api = PackageApi(client, "B19DEDCC11D4E0EFC000EB9495D0F44F")
    package_id = api.create_holder() if "imports" in route else None
    gateway.rules = {"page": {"match": route, "body": json.dumps({"id": bad_id}),
                              "content_type": "application/json"}}
    with pytest.raises(ResponseError, match="is not an id the server gives out"):
        if package_id:
            api.start_import(package_id, False)
        else:
            api.create_holder()
    gateway.rules = {}
    routes = emulator.state()["requests"]["byRoute"]
    assert not any("imports/" in route_ or "/projects" in route_ for route_ in routes)
    client.logout()


# ------------------------------------------------------------------ downloads
class ListSink:
    def __init__(self):
        self.data = bytearray()

    def write(self, chunk):
        self.data += chunk

    def restart(self):
        self.data = bytearray()


@pytest.mark.parametrize("body, named", [
    ("\n  <!DOCTYPE html><html><body>Sign in</body></html>", "an HTML page"),
    ("<?xml version='1.0'?><error/>", "XML"),
    ("\ufeff<html></html>".encode("utf-8").decode("latin-1"), "an HTML page"),
    (' {"code": "ERR001", "message": "no"}', "JSON"),
    ("[]", "JSON"),
])
def test_a_page_or_json_body_is_not_saved_whatever_its_content_type(emulator, gateway, tmp_path, body, named):
    client = logged_in(gateway)
    package_id = ready_package(client)
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"previous export")
    gateway.rules = {"page": {"match": "binary$", "body": body, "content_type": "application/octet-stream"}}
    with pytest.raises(ResponseError) as caught:
        transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert "HTTP 200 with %s instead of a package binary (it begins '" % named in caught.value.message
    assert dest.read_bytes() == b"previous export" and os.listdir(tmp_path) == ["p.mmp"]
    client.logout()


def test_a_download_that_does_not_start_as_packages_do_is_kept_and_said_so(emulator, gateway, tmp_path):
    client = logged_in(gateway)
    package_id = ready_package(client)
    api = PackageApi(client, TUTORIAL)
    sink = ListSink()
    assert api.download(package_id, sink)["package_magic"] is True and sink.data.startswith(VENDOR_MAGIC)
    gateway.rules = {"page": {"match": "binary$", "body": "PK\x03\x04 an archive, not a package",
                              "content_type": "application/octet-stream"}}
    stats = api.download(package_id, ListSink())
    assert stats["package_magic"] is False and stats["size"] == len("PK\x03\x04 an archive, not a package")
    client.logout()


def test_binary_transfers_ask_for_identity_through_a_compressing_gateway(emulator, gateway, tmp_path):
    gateway.rules = {"gzip": True}
    # The gateway does compress what accepts gzip (requests does by default).
    raw = requests.get(gateway.base_url + "/api/status", timeout=10)
    assert raw.headers["Content-Encoding"] == "gzip" and raw.json()["webVersion"]
    client = logged_in(gateway)
    package_id = ready_package(client)
    dest = tmp_path / "p.mmp"
    result = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    served = emulator.state(checksums="true")["packages"][0]
    assert (result["size"], result["sha256"]) == (served["size"], served["sha256"])
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == served["sha256"]
    assert PackageApi(client, TUTORIAL).delete(package_id)  # one package per session
    holder = PackageApi(client, "B19DEDCC11D4E0EFC000EB9495D0F44F").create_holder()
    answer, sent = client.upload("/packages/%s/binary" % holder, str(dest), "B19DEDCC11D4E0EFC000EB9495D0F44F")
    assert answer["status"] == "READY" and sent["sha256"] == served["sha256"]
    binary_calls = [seen for seen in gateway.seen if seen["line"].endswith("/binary")]
    assert [seen["accept_encoding"] for seen in binary_calls] == ["identity", "identity"]
    client.logout()


# ------------------------------------------------------------------ uploads answered with a page
def test_an_upload_answered_with_a_page_still_names_the_holder(emulator, tmp_path):
    client = logged_in(emulator)
    src = tmp_path / "p.mmp"
    src.write_bytes(VENDOR_MAGIC + b"rest")
    api = PackageApi(client, "B19DEDCC11D4E0EFC000EB9495D0F44F")
    holder = api.create_holder()
    emulator.faults(fail_next=1, fail_status=200, fail_match="binary$")
    with pytest.raises(ResponseError, match="not JSON") as caught:
        api.upload(holder, str(src))
    assert caught.value.to_fail_kwargs()["package_id"] == holder  # so that cleanup can find it
    assert api.delete(holder)
    client.logout()


# ------------------------------------------------------------------ refused before any request
@pytest.mark.parametrize("url", ["https://admin:S3cret-pw@mstr.example.com/MicroStrategyLibrary",
                                 "https://admin@mstr.example.com/MicroStrategyLibrary",
                                 "https://admin:S3cret-pw/x@mstr.example.com/MicroStrategyLibrary"])
def test_credentials_in_base_url_are_refused_without_echoing_them(url):
    with pytest.raises(ValidationError) as caught:
        connection_settings({"base_url": url, "username": "admin", "password": "x"})
    assert caught.value.option == "base_url"
    assert "S3cret" not in caught.value.message and "admin" not in caught.value.message
    if url.count("@") and "/x@" not in url:
        assert "set username and password" in caught.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/MicroStrategyLibrary", "http://[::1", "http://[::1/x",
                                 "http://ho st/MicroStrategyLibrary", "http://host\x01/x", "http://host\r\n/x",
                                 "http://127.0.0.1:0/x", "http://127.0.0.1:abc/x", "http://[not-v6]/x",
                                 "http://h\u00e9te/x", "http://h/Library?x=1", "http://h/Library#top", "http:///x"])
def test_urls_requests_could_not_use_are_validation_errors_of_base_url(url):
    with pytest.raises(ValidationError) as caught:
        normalise_base_url(url)
    assert caught.value.option == "base_url"


@pytest.mark.parametrize("url", ["http://[::1]:8080/MicroStrategyLibrary", "https://mstr-01.example.com/Library",
                                 "http://127.0.0.1:65535/x"])
def test_urls_that_are_fine_stay_fine(url):
    assert normalise_base_url(url) == url


@pytest.mark.parametrize("value", ["B7CA92F04B9FAE8D941C3E9B7E0CD754\r\nX-Evil: 1", "B7CA\n", " B7CA", "B7\x00CA",
                                   "B7CA\u00e9", ""])
def test_header_values_are_checked_before_any_request(value):
    params = {"base_url": "http://127.0.0.1:9/MicroStrategyLibrary", "username": "u", "project_id": value}
    if value == "":
        connection_settings(params)  # empty means unset
        return
    with pytest.raises(ValidationError) as caught:
        connection_settings(params)
    assert caught.value.option == "project_id"


def test_a_session_whose_token_or_cookie_cannot_be_a_header_is_refused(emulator):
    client = logged_in(emulator)
    session = decode_session(client.session_value())
    for damaged in (dict(session, token="abc\r\nX-Evil: 1"),
                    dict(session, cookies=[{"name": "JSESSIONID", "value": "a\nb"}]),
                    dict(session, cookies=[{"name": "JSESSIONID", "value": "a", "secure": "yes"}])):
        value = "mstr-session-v1:" + base64.urlsafe_b64encode(json.dumps(damaged).encode()).decode()
        with pytest.raises(ValidationError) as caught:
            connection_settings({"session": value})
        assert caught.value.option == "session" and "abc" not in caught.value.message
    client.logout()


# ------------------------------------------------------------------ warnings and hints
@pytest.mark.parametrize("params, settings, expected", [
    ({"login_mode": "standard"}, {"base_url": "http://h/L", "validate_certs": True},
     "the password goes to http://h/L over plain http"),
    ({"login_mode": "api_token"}, {"base_url": "http://h/L", "validate_certs": True}, "the api_token goes to"),
    ({"login_mode": "ldap"}, {"base_url": "https://h/L", "validate_certs": False}, "validate_certs is false"),
    ({"login_mode": "standard"}, {"base_url": "https://h/L", "validate_certs": True}, None),
    ({"login_mode": "anonymous"}, {"base_url": "http://h/L", "validate_certs": False}, None),
    # A server on this machine: nothing crosses a network.
    ({"login_mode": "standard"}, {"base_url": "http://127.0.0.1:8080/L", "validate_certs": True}, None),
    ({"login_mode": "standard"}, {"base_url": "http://localhost/L", "validate_certs": True}, None),
    ({"login_mode": "standard"}, {"base_url": "http://[::1]:8080/L", "validate_certs": True}, None),
    ({"login_mode": "standard"}, {"base_url": "http://10.1.2.3/L", "validate_certs": True}, "over plain http"),
    # Plain http has no certificate: validate_certs false adds nothing to say (and never "set ca_path").
    ({"login_mode": "standard"}, {"base_url": "http://127.0.0.1:8080/L", "validate_certs": False}, None),
    ({"login_mode": "standard"}, {"base_url": "http://10.1.2.3/L", "validate_certs": False}, "over plain http"),
])
def test_credentials_over_plain_http_or_unchecked_tls_are_warned_about(params, settings, expected):
    warnings = credential_warnings(params, None, settings)
    if expected is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and expected in warnings[0]
    if settings["base_url"].startswith("http://"):
        assert not [warning for warning in warnings if "ca_path" in warning]
    assert credential_warnings(params, {"token": "t"}, settings) == []  # no credentials sent: a session


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    directory = tmp_path_factory.mktemp("tls-causes")
    ca = trustme.CA()
    now = datetime.datetime.now(datetime.timezone.utc)
    made = {
        "good": ca.issue_cert("127.0.0.1", "localhost"),
        "expired": ca.issue_cert("127.0.0.1", "localhost", not_before=now - datetime.timedelta(days=30),
                                 not_after=now - datetime.timedelta(days=1)),
        "wrong_host": ca.issue_cert("mstr.example.test"),
    }
    return write_tls_files(directory, ca, made)


@pytest.mark.parametrize("cert, with_ca, hint", [
    ("good", False, "Hint: set ca_path to the CA bundle"),
    ("expired", True, "Hint: the server certificate has expired; it must be renewed on the server"),
    ("wrong_host", True, "Hint: the host in base_url must match a name in the server certificate"),
])
def test_tls_hints_by_cause(start_emulator, certificates, cert, with_ca, hint):
    server = start_emulator("--tls-cert", str(certificates[cert][0]), "--tls-key", str(certificates[cert][1]))
    client = Client(server.base_url, ca_path=str(certificates["ca"]) if with_ca else None, retries=0)
    with pytest.raises(TransportError) as caught:
        client.login("standard", "administrator", PASSWORD)
    assert hint in caught.value.message


def test_https_to_a_plain_http_server_says_so(emulator):
    client = Client(emulator.base_url.replace("http://", "https://"), retries=0)
    with pytest.raises(TransportError) as caught:
        client.login("standard", "administrator", PASSWORD)
    assert "Hint: the server does not speak TLS at that address" in caught.value.message


# ------------------------------------------------------------------ wait_timeout is a deadline
def test_wait_timeout_bounds_the_single_requests_of_a_wait(emulator):
    client = logged_in(emulator, timeout=30, retries=3)
    api = PackageApi(client, TUTORIAL, "project")
    package_id = api.create_holder()
    api.define(package_id, YEAR_BODY)
    emulator.faults(latency_ms=4000)  # each read would take 4 s of a 30 s timeout, retried 3 times
    started = time.monotonic()
    with pytest.raises(WaitTimeout) as caught:
        api.wait_ready(package_id, 1.0)
    took = time.monotonic() - started
    assert took < 1.0 + 0.5 + 0.5, took  # the wait, the last read's half second, slack for a busy machine
    assert "could not be read" in caught.value.message and "did not answer within" in caught.value.message
    # Outside a wait, the client's own timeout applies again.
    assert client._deadline is None  # pylint: disable=protected-access
    emulator.faults(latency_ms=0)
    assert api.wait_ready(package_id, 10)["status"] == "READY"
    client.logout()


# ------------------------------------------------------------------ the modules' warning for a kept download
NOT_A_PACKAGE = {"page": {"match": "binary$", "body": "PK\x03\x04 an archive, not a package",
                          "content_type": "application/octet-stream"}}


def export_year(client, dest):
    body = pkg.validate_definition("project", None, [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12}],
                                   TUTORIAL)
    return export.export_package(client, body, TUTORIAL, str(dest), str(dest) + ".json", 10, False)


def test_an_export_that_is_not_a_package_is_kept_with_a_warning(emulator, gateway, tmp_path):
    client = logged_in(gateway)
    _changed, result, _diff = export_year(client, tmp_path / "good.mmp")
    assert result["warnings"] == []
    gateway.rules = NOT_A_PACKAGE
    dest = tmp_path / "odd.mmp"
    _changed, result, _diff = export_year(client, dest)
    assert result["warnings"] == [not_a_package_warning(str(dest))]
    assert dest.read_bytes() == b"PK\x03\x04 an archive, not a package"
    client.logout()


def test_an_undo_package_that_is_not_a_package_is_kept_with_a_note(emulator, gateway, tmp_path):
    client = logged_in(gateway)
    dest = tmp_path / "year.mmp"
    export_year(client, dest)
    gateway.rules = {"page": dict(NOT_A_PACKAGE["page"], match="undoPackage/binary$")}
    undo_dir = tmp_path / "undo"
    undo_dir.mkdir()
    source = importer.verify_source(str(dest), None)
    _changed, result, _diff = importer.Import(client, source, TUTORIAL, str(undo_dir), True, True, 10, False).run()
    assert result["imported"] and result["undo_package"]
    assert not_a_package_warning(result["undo_package"]) in result["notes"]
    with open(result["undo_package"], "rb") as undo:
        assert undo.read() == b"PK\x03\x04 an archive, not a package"
    client.logout()
