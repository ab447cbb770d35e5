# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault injection, leak inspection, concurrency, TLS and large binaries."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import TUTORIAL, YEAR, Api, project_body
from test_auth import assert_vendor_error
from test_imports import export, run_import
from test_packages import ready_package

ROOT = Path(__file__).resolve().parents[3]


def test_latency_is_added_to_api_requests(emu, api):
    emu.faults(latency_ms=150)
    started = time.monotonic()
    api.call("GET", "/api/sessions")
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    emu.state()  # the admin endpoint is exempt
    assert time.monotonic() - started < 0.15


def test_next_requests_answer_503_without_json_body(emu, api):
    emu.faults(fail_next=2, fail_status=503)
    for _attempt in range(2):
        response = api.call("GET", "/api/sessions")
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "text/html"
    assert api.call("GET", "/api/sessions").status_code == 200
    assert emu.state()["requests"]["byRoute"]["GET (injected 503)"] == 2


def test_failures_can_target_one_route(emu, api):
    emu.faults(fail_next=1, fail_status=502, fail_match=r"^GET /api/packages/")
    assert api.call("GET", "/api/sessions").status_code == 200
    package_id = api.create_package()
    assert api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).status_code == 502
    assert api.call("GET", "/api/packages/" + package_id, project=TUTORIAL).status_code == 200


def test_connection_reset(emu, api):
    emu.faults(reset_next=1)
    with pytest.raises(requests.ConnectionError):
        api.call("GET", "/api/sessions")
    assert api.call("GET", "/api/sessions").status_code == 200


def test_download_drops_after_k_bytes(emu, start_emulator):
    server = start_emulator("--processing-seconds", "0.1", "--binary-padding-mb", "4")
    api = Api(server.base_url)
    api.login()
    package_id, _unused = ready_package(api)
    server.faults(drop_next_downloads=1, drop_after_bytes=1_000_000)
    received = 0
    with pytest.raises(requests.RequestException):
        with api.download(package_id, stream=True) as response:
            assert int(response.headers["Content-Length"]) > 4 * 1024 * 1024
            for chunk in response.iter_content(65536):
                received += len(chunk)
    assert 1_000_000 - 65536 < received <= 1_000_000  # requests drops the last partial chunk
    again = api.download(package_id)
    state = server.state(checksums="true")
    assert hashlib.sha256(again.content).hexdigest() == state["packages"][0]["sha256"]


def test_processing_ends_failed_on_demand(emu, api):
    emu.faults(fail_processing=1)
    package_id, body = ready_package(api)
    assert body["status"] == "CREATION_FAILED"
    assert "injected fault" in body["message"]


def test_failed_processing_names_each_object_in_sub_errors(emu, api):
    emu.faults(fail_processing=1)
    _unused, body = ready_package(api)
    assert [(e["additionalProperties"], "injected fault" in e["message"]) for e in body["subErrors"]] == \
        [({"objectId": YEAR, "objectName": "Year"}, True)]


def test_import_ends_failed_on_demand(emu, api):
    binary = export(api)
    emu.faults(fail_imports=1)
    _unused, result = run_import(api, binary)
    assert result["status"] == "IMPORT_FAILED" and "injected fault" in result["message"]
    # The sub-errors name every object of the package (Year and the lookup table it brings along).
    assert sorted(e["additionalProperties"]["objectName"] for e in result["subErrors"]) == ["LU_YEAR", "Year"]
    assert "8D679D5111D3E4981000E787EC6DE8A4" not in emu.objects()["B19DEDCC11D4E0EFC000EB9495D0F44F"]


def test_sessions_expire_now(emu, api):
    api.create_package()
    emu.faults(expire_sessions=True)
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, "ERR009")
    assert emu.state()["sessions"] == [] and emu.state()["packages"] == []


def test_unknown_fault_is_rejected(emu):
    response = requests.post(emu.root + "/__emulator__/faults", json={"explode": 1}, timeout=5)
    assert response.status_code == 400


def test_faults_at_start_up(start_emulator):
    server = start_emulator("--faults", '{"fail_next": 1, "fail_status": 504}')
    assert requests.get(server.base_url + "/api/status", timeout=5).status_code == 504
    assert requests.get(server.base_url + "/api/status", timeout=5).status_code == 200


def _one_export(base_url: str) -> str:
    api = Api(base_url)
    assert api.login().status_code == 204
    package_id, body = ready_package(api, project_body())
    assert body["status"] == "READY"
    digest = hashlib.sha256(api.download(package_id).content).hexdigest()
    assert api.delete_package(package_id).status_code == 202
    assert api.call("POST", "/api/auth/logout").status_code == 204
    return digest


def test_twenty_concurrent_exports_with_latency(emu):
    emu.faults(latency_ms=20, latency_jitter_ms=30)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        digests = list(pool.map(_one_export, [emu.base_url] * 20))
    assert len(set(digests)) == 20  # every package is its own binary
    state = emu.state()
    assert state["sessions"] == [] and state["packages"] == [] and state["imports"] == []
    assert state["requests"]["byRoute"]["POST /api/packages"] == 20


def test_tls_with_a_private_ca(start_emulator, tmp_path):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    server = start_emulator("--tls-cert", str(cert_file), "--tls-key", str(key_file))
    assert server.base_url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.base_url + "/api/status", timeout=5)
    assert requests.get(server.base_url + "/api/status", timeout=5, verify=str(ca_file)).status_code == 200
    api = Api(server.base_url, verify=str(ca_file))
    response = api.login()
    assert "Secure" in response.headers["Set-Cookie"]
    assert api.call("GET", "/api/sessions").status_code == 200


def test_one_gib_download_keeps_the_emulator_small(start_emulator):
    server = start_emulator("--processing-seconds", "0.05", "--binary-padding-mb", "1024")
    api = Api(server.base_url)
    api.login()
    package_id, _unused = ready_package(api)
    total = 0
    with api.download(package_id, stream=True, timeout=120) as response:
        length = int(response.headers["Content-Length"])
        for chunk in response.iter_content(1024 * 1024):
            total += len(chunk)
    assert length > 1024 ** 3 and total == length
    peak_mib = server.rss_kib() / 1024
    assert peak_mib < 100, "emulator peaked at %.1f MiB" % peak_mib


def test_state_lists_issued_secrets_only_on_request(emu, api):
    assert "issued" not in emu.state()
    issued = emu.state(secrets="true")["issued"]
    assert issued == [{"token": api.token, "cookie": api.http.cookies["JSESSIONID"], "lbCookie": None}]


def test_complete_downloads_are_recorded_when_asked(start_emulator):
    server = start_emulator("--processing-seconds", "0.05", "--record-downloads")
    api = Api(server.base_url)
    api.login()
    package_id, _unused = ready_package(api)
    server.faults(drop_next_downloads=1, drop_after_bytes=100)
    with pytest.raises(requests.RequestException):
        api.download(package_id).content  # pylint: disable=expression-not-assigned
    data = api.download(package_id).content
    expected = {"packageId": package_id, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert server.state()["downloads"] == [expected]


def test_sessions_expire_after_n_requests(emu, api):
    emu.faults(expire_after_requests=2)
    assert api.call("GET", "/api/sessions").status_code == 200
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, "ERR009")
    assert emu.state()["sessions"] == []


def running(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_exit_with_parent_stops_an_orphaned_emulator(tmp_path):
    # A shell starts the emulator and ends at once, as a test run killed midway would.
    pid_file = tmp_path / "pid"
    subprocess.run(["bash", "-c", '"$0" -m tests.emulator --port 0 --parent-pid $$ >/dev/null 2>&1 & echo $! > "$1"',
                    sys.executable, str(pid_file)], cwd=ROOT, check=True)
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if running(pid):
        os.kill(pid, 9)
        pytest.fail("the orphaned emulator kept running")


def test_injected_failure_can_be_a_vendor_error_with_sub_errors(emu, api):
    emu.faults(fail_next=1, fail_status=403, fail_code="ERR0017", fail_match="PUT /api/packages",
               fail_sub_errors=[[YEAR, "Year", "No write access."]])
    package_id = api.create_package()
    response = api.define(package_id, project_body())
    assert_vendor_error(response, 403, "ERR0017")
    assert response.json()["subErrors"] == [{"iServerCode": -2147217373, "message": "No write access.",
                                             "additionalProperties": {"objectId": YEAR, "objectName": "Year"}}]


@pytest.mark.parametrize("spelling, codes", [
    ("docs", ("ERR003", "ERR009", "ERR0014")),
    ("samples", ("ERR003", "ERR009", "ERR014")),
    ("short", ("ERR03", "ERR09", "ERR14")),
])
def test_error_codes_in_each_spelling(start_emulator, spelling, codes):
    server = start_emulator("--error-codes", spelling)
    api = Api(server.base_url)
    assert_vendor_error(api.login(password="wrong"), 401, codes[0])
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, codes[1])
    analyst = Api(server.base_url)
    assert analyst.login(username="analyst").status_code == 204
    assert_vendor_error(analyst.call("POST", "/api/packages", project=TUTORIAL), 403, codes[2])
