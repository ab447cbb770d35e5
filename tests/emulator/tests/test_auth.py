# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authentication, sessions, privileges and error shapes."""

from __future__ import annotations

import time

import requests

from conftest import PASSWORD, TUTORIAL, Api


def assert_vendor_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert len(body["ticketId"]) == 32


def test_status_needs_no_login(emu):
    response = requests.get(emu.base_url + "/api/status", timeout=5)
    assert response.status_code == 200
    assert set(response.json()) == {"webVersion", "iServerVersion"}


def test_standard_login_returns_token_and_session_cookie(emu):
    response = requests.post(emu.base_url + "/api/auth/login",
                             json={"username": "administrator", "password": PASSWORD, "loginMode": 1}, timeout=5)
    assert response.status_code == 204
    assert response.content == b""
    assert len(response.headers["X-MSTR-AuthToken"]) >= 20
    assert "JSESSIONID" in response.cookies
    assert "Path=/MicroStrategyLibrary" in response.headers["Set-Cookie"]
    assert [s["user"] for s in emu.state()["sessions"]] == ["administrator"]


def test_login_accepts_form_body_like_the_sdk(emu):
    response = requests.post(emu.base_url + "/api/auth/login",
                             data={"username": "administrator", "password": PASSWORD, "loginMode": "1"}, timeout=5)
    assert response.status_code == 204


def test_ldap_anonymous_and_api_token_modes(emu):
    assert Api(emu.base_url).login("ldapuser", PASSWORD, 16).status_code == 204
    assert Api(emu.base_url).login("", "", 8).status_code == 204
    assert Api(emu.base_url).login("mstr-emulator-api-token", "", 4096).status_code == 204
    modes = sorted((s["user"], s["loginMode"]) for s in emu.state()["sessions"])
    assert modes == [("administrator", 4096), ("guest", 8), ("ldapuser", 16)]


def test_bad_credentials_answer_401_err003(emu):
    for args in (("administrator", "wrong", 1), ("ldapuser", PASSWORD, 1), ("administrator", PASSWORD, 16),
                 ("not-the-token", "", 4096)):
        assert_vendor_error(Api(emu.base_url).login(*args), 401, "ERR003")
    assert emu.state()["sessions"] == []


def test_malformed_json_answers_400_err006(emu):
    response = requests.post(emu.base_url + "/api/auth/login", data=b"{not json",
                             headers={"Content-Type": "application/json"}, timeout=5)
    assert_vendor_error(response, 400, "ERR006")
    assert response.json()["message"] == "Invalid JSON"


def test_token_and_cookie_are_both_required(api):
    assert api.call("GET", "/api/sessions").status_code == 200
    no_cookie = requests.get(api.base_url + "/api/sessions", headers={"X-MSTR-AuthToken": api.token}, timeout=5)
    assert_vendor_error(no_cookie, 401, "ERR009")
    no_token = api.http.get(api.base_url + "/api/sessions", timeout=5)
    assert_vendor_error(no_token, 401, "ERR009")
    other = Api(api.base_url)
    other.login()
    swapped = requests.get(api.base_url + "/api/sessions", headers={"X-MSTR-AuthToken": api.token},
                           cookies={"JSESSIONID": other.http.cookies["JSESSIONID"]}, timeout=5)
    assert_vendor_error(swapped, 401, "ERR009")


def test_session_info_extend_and_logout(emu, api):
    assert api.call("GET", "/api/sessions").json()["username"] == "administrator"
    info = api.call("GET", "/api/sessions/userInfo").json()
    assert info["id"] == "54F3D26011D2896560009A8E67019608"
    assert api.call("PUT", "/api/sessions").status_code == 204
    assert api.call("POST", "/api/auth/logout").status_code == 204
    assert emu.state()["sessions"] == []
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, "ERR009")
    assert_vendor_error(api.call("POST", "/api/auth/logout"), 401, "ERR009")


def test_logout_releases_the_package_holder(emu, api):
    api.create_package()
    assert len(emu.state()["packages"]) == 1
    api.call("POST", "/api/auth/logout")
    assert emu.state()["packages"] == []


def test_idle_session_expires_with_err009(start_emulator):
    server = start_emulator("--session-timeout", "0.5")
    api = Api(server.base_url)
    api.login()
    api.create_package()
    assert api.call("GET", "/api/sessions").status_code == 200
    time.sleep(0.8)
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, "ERR009")
    state = server.state()
    assert state["sessions"] == [] and state["packages"] == []


def test_activity_keeps_a_session_alive(start_emulator):
    server = start_emulator("--session-timeout", "0.6")
    api = Api(server.base_url)
    api.login()
    for _attempt in range(4):
        time.sleep(0.3)
        assert api.call("PUT", "/api/sessions").status_code == 204


def test_user_without_package_privileges_gets_403_err0014(emu):
    analyst = Api(emu.base_url)
    assert analyst.login("analyst").status_code == 204
    response = analyst.call("POST", "/api/packages", project=TUTORIAL)
    assert_vendor_error(response, 403, "ERR0014")
    assert "Create Package" in response.json()["message"]
    assert emu.state()["packages"] == []
    guest = Api(emu.base_url)
    guest.login("", "", 8)
    assert_vendor_error(guest.call("POST", "/api/packages/imports", prefer_async=True,
                                   params={"packageId": "x", "generateUndo": "true"}), 403, "ERR0014")


def test_load_balancer_cookie_is_required_when_enabled(start_emulator):
    server = start_emulator("--lb-cookie")
    api = Api(server.base_url)
    api.login()
    assert set(api.http.cookies.keys()) == {"JSESSIONID", "AWSALB"}
    assert api.call("GET", "/api/sessions").status_code == 200
    del api.http.cookies["AWSALB"]
    assert_vendor_error(api.call("GET", "/api/sessions"), 401, "ERR009")


def test_unknown_endpoint_and_method_answer_404_err004(api):
    assert_vendor_error(api.call("GET", "/api/nothing-here"), 404, "ERR004")
    assert_vendor_error(api.call("PATCH", "/api/packages"), 404, "ERR004")
    assert api.http.get(api.base_url.rsplit("/", 1)[0] + "/elsewhere", timeout=5).status_code == 404
