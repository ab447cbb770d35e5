# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``session`` value that lets later tasks reuse a login (beside the transport, which makes and reads it)."""

from __future__ import annotations

import base64
import json

from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.urls import HEADER_VALUE, normalise_base_url

SESSION_PREFIX = "mstr-session-v1:"


def encode_session(data: dict) -> str:
    """Where the server is, how it was trusted, and the credentials of a login, as one opaque string."""
    return SESSION_PREFIX + base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()


def decode_session(value: str) -> dict:
    """Read a ``session`` value made by ``encode_session``."""
    if not isinstance(value, str) or not value.startswith(SESSION_PREFIX):
        raise ValidationError("session", "not a value returned by mstr.migration.session; pass the "
                                         "registered result's 'session' key, for example \"{{ login.session }}\"")
    try:
        data = json.loads(base64.urlsafe_b64decode(value[len(SESSION_PREFIX):].encode()).decode())
        _check_credentials(data)
        data["base_url"] = normalise_base_url(data["base_url"])
        _check_connection(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("session", "the value is damaged (%s); pass the registered result of "
                                         "mstr.migration.session unchanged" % exc) from exc
    return data


def _check_credentials(data: dict) -> None:
    if not isinstance(data["token"], str) or not isinstance(data["cookies"], list):
        raise ValueError("malformed")
    if not HEADER_VALUE.fullmatch(data["token"]):
        raise ValueError("the token is not a header value")
    for cookie in data["cookies"]:
        _check_cookie(cookie)


def _check_connection(data: dict) -> None:
    """How the server was reached at login (sessions made before these keys existed have none)."""
    if not isinstance(data.setdefault("validate_certs", None), (bool, type(None))) \
            or not isinstance(data.setdefault("ca_path", None), (str, type(None))) \
            or isinstance(data.setdefault("timeout", None), bool) \
            or not isinstance(data["timeout"], (int, float, type(None))):
        raise ValueError("malformed connection settings")


def _check_cookie(cookie) -> None:
    """A cookie of a session value: name and value fit in a Cookie header; secure, domain and path (absent in
    sessions made before they were kept) have their types."""
    if not isinstance(cookie, dict) or not isinstance(cookie.get("name"), str) \
            or not isinstance(cookie.get("value"), str) or not HEADER_VALUE.fullmatch(cookie["name"]) \
            or not (cookie["value"] == "" or HEADER_VALUE.fullmatch(cookie["value"])) \
            or not isinstance(cookie.get("secure", False), bool) \
            or not all(isinstance(cookie.get(key, ""), str) for key in ("domain", "path")):
        raise ValueError("a cookie is malformed")
