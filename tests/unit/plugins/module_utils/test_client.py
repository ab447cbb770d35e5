# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client against a started emulator: sessions, errors, retries, TLS, streaming."""

from __future__ import annotations

import hashlib
import os
import time
from functools import partial
import tracemalloc

import pytest

from ansible_collections.mstr.migration.plugins.module_utils import files as transfer
from ansible_collections.mstr.migration.plugins.module_utils.answers import check_package_head
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client, Sha256Pipe
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.errors import (ApiError, ResponseError, TransportError,
                                                                            ValidationError)
from ansible_collections.mstr.migration.tests.unit.plugins.module_utils.emulated import (PASSWORD, TUTORIAL, YEAR_BODY,
                                                                                         logged_in, ready_package,
                                                                                         write_tls_files)


@pytest.mark.parametrize("typed, expected", [
    ("https://h.example.com/MicroStrategyLibrary", "https://h.example.com/MicroStrategyLibrary"),
    ("https://h.example.com/MicroStrategyLibrary/", "https://h.example.com/MicroStrategyLibrary"),
    ("https://h.example.com/MicroStrategyLibrary/api", "https://h.example.com/MicroStrategyLibrary"),
    (" https://h.example.com/MicroStrategyLibrary/api/ ", "https://h.example.com/MicroStrategyLibrary"),
    ("http://10.0.0.5:8080/Library", "http://10.0.0.5:8080/Library"),
])
def test_base_url_normalisation(typed, expected):
    assert normalise_base_url(typed) == expected


@pytest.mark.parametrize("typed", ["h.example.com/MicroStrategyLibrary", "ftp://h/x", "", "https://"])
def test_base_url_without_scheme_is_refused(typed):
    with pytest.raises(ValidationError) as caught:
        normalise_base_url(typed)
    assert caught.value.option == "base_url"


@pytest.mark.parametrize("mode, user, password, token", [
    ("standard", "administrator", PASSWORD, None),
    ("ldap", "ldapuser", PASSWORD, None),
    ("anonymous", None, None, None),
    ("api_token", None, None, "mstr-emulator-api-token"),
])
def test_every_login_mode(emulator, mode, user, password, token):
    client = Client(emulator.base_url)
    client.login(mode, user, password, token)
    assert client.request("GET", "/sessions")["username"]
    assert client.logout() is True
    assert client.logout() is False  # already ended: not an error
    assert emulator.state()["sessions"] == []


def test_session_value_carries_token_and_cookies_to_another_client(emulator):
    first = logged_in(emulator)
    package_id = PackageApi(first, TUTORIAL).create_holder()
    value = first.session_value()
    session = decode_session(value)
    assert session["base_url"] == emulator.base_url
    second = Client(session["base_url"])
    second.resume(session)
    # The holder belongs to the session: the second client sees it only through the shared session.
    assert PackageApi(second, TUTORIAL).read(package_id)["status"] == "EMPTY"
    assert set(second.secrets()) == {first.token, first.http.cookies["JSESSIONID"]}
    assert len(emulator.state()["sessions"]) == 1


@pytest.mark.parametrize("value", ["", "abc", "mstr-session-v1:!!!", "mstr-session-v1:e30="])
def test_damaged_session_values_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        decode_session(value)
    assert caught.value.option == "session"


def test_bad_credentials_map_to_api_error_with_code_and_hint(emulator):
    client = Client(emulator.base_url)
    with pytest.raises(ApiError) as caught:
        client.login("standard", "administrator", "wrong")
    error = caught.value
    assert error.status == 401 and error.code == "ERR003" and len(error.ticket_id) == 32
    assert "HTTP 401 ERR003: Login failed" in error.message and "Hint:" in error.message
    assert error.to_fail_kwargs()["error_code"] == "ERR003"


def test_missing_privilege_is_explained(emulator):
    client = Client(emulator.base_url)
    client.login("standard", "analyst", PASSWORD)
    with pytest.raises(ApiError) as caught:
        PackageApi(client, TUTORIAL).create_holder()
    assert caught.value.status == 403 and caught.value.code == "ERR0014"
    assert "Create Package" in caught.value.message and "privilege" in caught.value.message


def test_expired_session_is_named(emulator):
    client = logged_in(emulator)
    emulator.faults(expire_sessions=True)
    with pytest.raises(ApiError) as caught:
        client.request("GET", "/sessions")
    assert caught.value.session_expired
    assert "log in again" in caught.value.message


def test_transient_5xx_on_get_is_retried(emulator):
    client = logged_in(emulator)
    emulator.faults(fail_next=2, fail_status=503)
    assert client.request("GET", "/sessions")["username"] == "administrator"
    routes = emulator.state()["requests"]["byRoute"]
    assert routes["GET (injected 503)"] == 2 and routes["GET /api/sessions"] == 1


def test_post_is_never_repeated_after_a_5xx(emulator):
    client = logged_in(emulator)
    emulator.faults(fail_next=1, fail_status=502, fail_match="^POST /api/packages$")
    with pytest.raises(ApiError) as caught:
        PackageApi(client, TUTORIAL).create_holder()
    assert caught.value.status == 502
    assert "Bad Gateway" in caught.value.message
    state = emulator.state()
    assert state["requests"]["byRoute"]["POST (injected 502)"] == 1
    assert "POST /api/packages" not in state["requests"]["byRoute"]
    assert state["packages"] == []


def test_connection_reset_on_get_is_retried_but_not_on_post(emulator):
    client = logged_in(emulator)
    emulator.faults(reset_next=1, reset_match="^GET ")
    assert client.request("GET", "/sessions")["username"] == "administrator"
    emulator.faults(reset_next=1, reset_match="^POST /api/packages$")
    with pytest.raises(TransportError) as caught:
        PackageApi(client, TUTORIAL).create_holder()
    assert "1 attempt" in caught.value.message
    assert emulator.state()["packages"] == []


def test_connection_refused_is_a_clear_transport_error():
    client = Client("http://127.0.0.1:9/MicroStrategyLibrary", retries=1, backoff=0.01)
    with pytest.raises(TransportError) as caught:
        client.login("standard", "administrator", PASSWORD)
    assert caught.value.message == ("cannot connect to 127.0.0.1:9 (connection refused, 2 attempt(s)): is base_url "
                                    "right and the Library running?")


def test_an_unknown_host_is_named():
    client = Client("http://no-such-host.invalid/MicroStrategyLibrary", retries=0)
    with pytest.raises(TransportError) as caught:
        client.login("standard", "administrator", PASSWORD)
    assert caught.value.message == ("cannot find the host no-such-host.invalid of base_url (1 attempt(s)): is base_url "
                                    "right?")


def test_a_base_url_without_the_application_path_is_explained(emulator):
    root = emulator.base_url[:-len("/MicroStrategyLibrary")]
    with pytest.raises(TransportError) as caught:
        Client(root).login("standard", "administrator", PASSWORD)
    assert "answered 404 Not Found: no Library REST API at %s" % root in caught.value.message
    assert "https://HOST/MicroStrategyLibrary" in caught.value.message
    assert caught.value.details["http_status"] == 404


def test_request_timeout(emulator):
    client = logged_in(emulator, timeout=0.2, retries=1)
    emulator.faults(latency_ms=600)
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        client.request("GET", "/sessions")
    assert caught.value.message == ("GET /api/sessions: the server did not answer within 0.2 s (2 attempt(s)); raise "
                                    "timeout, or check the server")
    assert time.monotonic() - started < 2


def test_project_header_goes_with_project_packages_only(emulator):
    client = logged_in(emulator)
    body = dict(YEAR_BODY, type="configuration", content=[
        {"id": "54F3D26011D2896560009A8E67019608", "type": 34, "action": "replace", "includeDependents": False}])
    api = PackageApi(client, TUTORIAL, "configuration")
    assert api.project_id is None  # the rule: a configuration package never carries it, whatever project_id says
    package_id = api.create_holder()
    with pytest.raises(ApiError) as caught:  # what the server says when it comes anyway
        PackageApi(client, TUTORIAL).define(package_id, body)
    assert caught.value.status == 400
    api.define(package_id, body)
    assert api.wait_ready(package_id, 10)["status"] == "READY"
    assert api.delete(package_id)


class ListSink:
    def __init__(self):
        self.data = bytearray()
        self.restarts = 0

    def write(self, chunk):
        self.data += chunk

    def restart(self):
        self.data = bytearray()
        self.restarts += 1


def test_download_dropped_midway_is_retried_from_scratch(start_emulator):
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "3")
    client = logged_in(server)
    package_id = ready_package(client)
    server.faults(drop_next_downloads=2, drop_after_bytes=1_500_000)
    sink = ListSink()
    stats = client.download("/packages/%s/binary" % package_id, sink, TUTORIAL, inspect=check_package_head)
    expected = server.state(checksums="true")["packages"][0]
    assert sink.restarts == 2
    assert stats == {"size": expected["size"], "sha256": expected["sha256"], "inspected": True}
    assert hashlib.sha256(sink.data).hexdigest() == expected["sha256"]


def test_download_gives_up_after_the_retries(start_emulator, tmp_path):
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "2")
    client = logged_in(server, retries=1)
    package_id = ready_package(client)
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"previous content")
    server.faults(drop_next_downloads=2, drop_after_bytes=100_000)
    with pytest.raises(TransportError) as caught:
        transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert "interrupted" in caught.value.message
    assert dest.read_bytes() == b"previous content"
    assert os.listdir(tmp_path) == ["p.mmp"]  # no temporary file left


def test_download_and_upload_memory_does_not_grow_with_size(start_emulator, tmp_path):
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "64")
    client = logged_in(server)
    package_id = ready_package(client)
    dest = tmp_path / "big.mmp"
    tracemalloc.start()
    result = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    download_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result["size"] > 64 * 1024 * 1024 and dest.stat().st_size == result["size"]
    assert download_peak < 8 * 1024 * 1024, download_peak

    PackageApi(client, TUTORIAL).delete(package_id)
    holder = PackageApi(client, "B19DEDCC11D4E0EFC000EB9495D0F44F").create_holder()
    tracemalloc.start()
    answer, sent = client.upload("/packages/%s/binary" % holder, str(dest), "B19DEDCC11D4E0EFC000EB9495D0F44F")
    upload_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert answer["status"] == "READY"
    assert sent == {"size": result["size"], "sha256": result["sha256"]}
    assert upload_peak < 8 * 1024 * 1024, upload_peak
    assert server.state(checksums="true")["packages"][0]["sha256"] == result["sha256"]


def test_download_of_unchanged_bytes_reports_no_change(emulator, tmp_path):
    client = logged_in(emulator)
    package_id = ready_package(client)
    dest = tmp_path / "p.mmp"
    first = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert first["changed"] and oct(dest.stat().st_mode & 0o777) == "0o600"
    again = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert not again["changed"] and again["sha256"] == first["sha256"]
    dest.write_bytes(b"other")
    predicted = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), True)
    assert predicted["changed"] and dest.read_bytes() == b"other"
    # Same size, other bytes: the size alone must not decide.
    dest.write_bytes(b"x" * first["size"])
    replaced = transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert replaced["changed"] and hashlib.sha256(dest.read_bytes()).hexdigest() == first["sha256"]


def test_sha256_pipe_hashes_in_order_and_stops_its_thread():
    chunks = [os.urandom(n) for n in (0, 1, 2048, 2049, 1024 * 1024, 7)] * 5
    pipe = Sha256Pipe(depth=2)
    for chunk in chunks:
        pipe.update(chunk)
    assert pipe.hexdigest() == hashlib.sha256(b"".join(chunks)).hexdigest()
    assert not pipe._thread.is_alive()  # pylint: disable=protected-access
    abandoned = Sha256Pipe()
    abandoned.update(b"half a download")
    abandoned.close()
    assert not abandoned._thread.is_alive()  # pylint: disable=protected-access


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    directory = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    return write_tls_files(directory, ca, {"good": ca.issue_cert("127.0.0.1", "localhost"),
                                           "wrong_host": ca.issue_cert("mstr.example.test")})


def test_tls_private_ca(start_emulator, tls_files):
    server = start_emulator("--tls-cert", str(tls_files["good"][0]), "--tls-key", str(tls_files["good"][1]))
    with pytest.raises(TransportError) as caught:
        Client(server.base_url, retries=0).login("standard", "administrator", PASSWORD)
    assert "ca_path" in caught.value.message
    client = Client(server.base_url, ca_path=str(tls_files["ca"]))
    client.login("standard", "administrator", PASSWORD)
    assert client.request("GET", "/sessions")["username"] == "administrator"
    unchecked = Client(server.base_url, validate_certs=False)
    unchecked.login("standard", "administrator", PASSWORD)


def test_tls_wrong_host_name_is_refused(start_emulator, tls_files):
    server = start_emulator("--tls-cert", str(tls_files["wrong_host"][0]),
                            "--tls-key", str(tls_files["wrong_host"][1]))
    client = Client(server.base_url, ca_path=str(tls_files["ca"]), retries=0)
    with pytest.raises(TransportError):
        client.login("standard", "administrator", PASSWORD)


def test_session_value_carries_how_the_server_was_reached(emulator, tmp_path):
    from ansible_collections.mstr.migration.plugins.module_utils.runner import connection_settings
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    client = Client(emulator.base_url, validate_certs=False, ca_path=str(ca), timeout=7)
    client.login("standard", "administrator", PASSWORD)
    value = client.session_value()
    session = decode_session(value)
    assert (session["validate_certs"], session["ca_path"], session["timeout"]) == (False, str(ca), 7)
    _session, settings = connection_settings({"session": value})
    assert (settings["validate_certs"], settings["ca_path"], settings["timeout"]) == (False, str(ca), 7)
    # A task's own option wins over the session's.
    _session, settings = connection_settings({"session": value, "validate_certs": True, "timeout": 3})
    assert (settings["validate_certs"], settings["ca_path"], settings["timeout"]) == (True, str(ca), 3)
    # A session made before these keys existed: the defaults.
    old = dict(session)
    for key in ("validate_certs", "ca_path", "timeout"):
        old.pop(key)
    import base64
    import json
    old_value = "mstr-session-v1:" + base64.urlsafe_b64encode(json.dumps(old).encode()).decode()
    _session, settings = connection_settings({"session": old_value})
    assert (settings["validate_certs"], settings["ca_path"], settings["timeout"]) == (True, None, 60)
    client.logout()


def test_requests_say_who_sends_them(emulator):
    from pathlib import Path
    galaxy = (Path(__file__).resolve().parents[4] / "galaxy.yml").read_text()
    version = next(line.split(":", 1)[1].strip() for line in galaxy.splitlines() if line.startswith("version:"))
    client = logged_in(emulator)
    assert client.http.headers["User-Agent"].startswith("mstr.migration/%s python-requests/" % version)
    client.logout()


def test_a_missing_project_header_is_explained_in_the_options_words(emulator):
    client = logged_in(emulator)
    package_id = ready_package(client)
    with pytest.raises(ApiError) as caught:
        PackageApi(client, None).delete(package_id)
    assert caught.value.status == 400
    assert "Hint: set project_id to the project of the package" in caught.value.message
    assert PackageApi(client, TUTORIAL).delete(package_id)
    client.logout()


def test_a_page_answered_instead_of_a_binary_is_not_saved(emulator, tmp_path):
    client = logged_in(emulator)
    package_id = ready_package(client)
    dest = tmp_path / "p.mmp"
    dest.write_bytes(b"previous export")
    emulator.faults(fail_next=1, fail_status=200, fail_match="binary$")  # a proxy's HTML page, with status 200
    with pytest.raises(ResponseError) as caught:
        transfer.download_to(partial(PackageApi(client, TUTORIAL).download, package_id), str(dest), False)
    assert "text/html instead of a package binary" in caught.value.message
    assert dest.read_bytes() == b"previous export" and os.listdir(tmp_path) == ["p.mmp"]
    client.logout()


def test_file_options_are_checked_before_any_request():
    with pytest.raises(ValidationError, match="^mode: "):
        transfer.check_file_options({"mode": "u+q"})
    with pytest.raises(ValidationError, match="^owner: there is no user named no-such-user"):
        transfer.check_file_options({"owner": "no-such-user"})
    with pytest.raises(ValidationError, match="^group: "):
        transfer.check_file_options({"group": "no-such-group"})
    for mode in ("0640", "640", 0o640, "u=rw,g=r,o=", "a+X", None):
        transfer.check_file_options({"mode": mode, "owner": "root", "group": "0"})


def test_a_page_answered_to_an_upload_is_a_clear_error(emulator, tmp_path):
    client = logged_in(emulator)
    src = tmp_path / "p.mmp"
    src.write_bytes(b"not looked at")
    api = PackageApi(client, "B19DEDCC11D4E0EFC000EB9495D0F44F")
    holder = api.create_holder()
    emulator.faults(fail_next=1, fail_status=200, fail_match="binary$")
    with pytest.raises(ResponseError, match="not JSON"):
        api.upload(holder, str(src))
    assert api.delete(holder)
    client.logout()
