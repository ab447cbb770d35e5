# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Server status, login and logout, sessions (authentication.md). The sessions themselves are the emulator's."""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs

from .. import seed
from ..calls import BASE, Call, Response
from ..errors import ApiError, invalid_input
from ..family import Family, route

STANDARD, ANONYMOUS, LDAP, API_TOKEN = 1, 8, 16, 4096


def login_body(call: Call) -> dict:
    """A JSON or a form body."""
    raw = call.read_body()
    if "json" in call.headers.get("Content-Type", "") or raw.strip().startswith(b"{"):
        try:
            body = json.loads(raw or b"{}")
        except ValueError as exc:
            raise invalid_input("Invalid JSON") from exc
        if not isinstance(body, dict):
            raise invalid_input("Invalid JSON")
        return body
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


class Auth(Family):
    name = "auth"

    def account(self, body: dict) -> tuple:
        """(account name or None, login mode) of a login body."""
        try:
            mode = int(body.get("loginMode", STANDARD))
        except (TypeError, ValueError) as exc:
            raise invalid_input("loginMode must be a number") from exc
        username = str(body.get("username") or "")
        password = str(body.get("password") or "")
        if mode == ANONYMOUS:
            return "guest", mode
        if mode == API_TOKEN:
            return ("administrator" if username and secrets.compare_digest(username, self.emu.api_token) else None), mode
        if mode not in (STANDARD, LDAP):
            raise invalid_input("Unsupported loginMode %s" % mode)
        account = seed.ACCOUNTS.get(username.lower())
        if account and mode in account["login_modes"] and secrets.compare_digest(password, self.emu.password):
            return username.lower(), mode
        return None, mode

    @staticmethod
    def user_info(sess: dict) -> dict:
        account = seed.ACCOUNTS[sess["user"]]
        return {
            "id": account["id"],
            "name": account["name"],
            "username": sess["user"],
            "fullName": account["name"],
            "initials": account["name"][:2].upper(),
            "privileges": sorted(account["privileges"]),
        }

    # ---------------------------------------------------------------- routes
    @route("GET", "/api/status", auth=False)
    def status(self, call: Call) -> Response:
        return Response(200, {"webVersion": "11.4.0900.0100J", "iServerVersion": "11.4.0900.0064"})

    @route("POST", "/api/auth/login", auth=False)
    def login(self, call: Call) -> Response:
        account_name, mode = self.account(login_body(call))
        if account_name is None:
            raise ApiError(401, "ERR003", "Login failed", iserver_code=-2147216959)
        new = self.emu.open_session(account_name, mode)
        secure = "; Secure" if self.emu.secure_cookies else ""
        cookies = ["JSESSIONID=%s; Path=%s; HttpOnly%s" % (new["cookie"], BASE, secure)]
        if new["lbCookie"]:
            cookies.append("AWSALB=%s; Path=/%s" % (new["lbCookie"], secure))
        return Response(204, headers={"X-MSTR-AuthToken": new["token"], "Set-Cookie": cookies})

    @route("POST", "/api/auth/logout")
    def logout(self, call: Call) -> Response:
        with self.emu.lock:
            self.emu.end_session(call.session["token"])
        return Response(204)

    @route("PUT", "/api/sessions")
    def extend_session(self, call: Call) -> Response:
        return Response(204)

    @route("GET", "/api/sessions")
    def get_session(self, call: Call) -> Response:
        info = self.user_info(call.session)
        return Response(200, {"locale": 1033, "maxSearch": 3, "workingSet": 10,
                              "timeout": int(self.emu.session_timeout), "id": info["id"],
                              "fullName": info["fullName"], "initials": info["initials"],
                              "username": info["username"]})

    @route("GET", "/api/sessions/userInfo")
    def get_user_info(self, call: Call) -> Response:
        return Response(200, self.user_info(call.session))
