# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors of the collection (the bottom layer): every other layer only raises these.

Each error knows how to become the keyword arguments of ``fail_json``, so a
module turns any of them into a clear failure without a traceback.
"""

from __future__ import annotations

import re
from typing import Optional

# Hints for the vendor's error codes a user can act on, keyed by code number (see code_number).
CODE_HINTS = {
    3: "check username, password, login_mode or api_token",
    9: "the server session has expired or was closed; log in again with mstr.migration.session "
       "(anything that lived in the old session, such as a package holder, is gone)",
    14: "the user lacks a privilege: a package's export needs 'Create Package', its import 'Create Package' and "
        "'Import Package'; a Workstation migration's creation needs 'Create Package', its import, validation and "
        "undo 'Import Package'",
    17: "the user lacks a permission on an object",
}
SESSION_INVALID = 9

# Per-object reasons shown in a message; the result carries all of them.
SUB_ERRORS_SHOWN = 10

_CODE = re.compile(r"ERR0*(\d+)")


def code_number(code) -> Optional[int]:
    """The number of a vendor error code, whatever its spelling.

    The vendor's docs write ``ERR0017`` where real servers answer ``ERR017``
    (and ``ERR009`` / ``ERR09``): every hint and decision compares numbers.
    """
    match = _CODE.fullmatch(str(code or "").strip().upper())
    return int(match.group(1)) if match else None


def sub_errors(value) -> list:
    """The ``subErrors`` of a vendor error or status answer, as plain result entries.

    Each entry keeps what the server said: ``object_name``, ``object_id``,
    ``message`` and ``iserver_code`` (None when absent). Anything else in the
    list is ignored: a malformed detail must not hide the failure it explains.
    """
    entries = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        extra = item.get("additionalProperties")
        extra = extra if isinstance(extra, dict) else {}
        entries.append({"object_name": _text(extra.get("objectName")), "object_id": _text(extra.get("objectId")),
                        "message": _text(item.get("message")), "iserver_code": item.get("iServerCode")})
    return entries


def describe_sub_errors(entries: list) -> str:
    """``'LU_YEAR' (8D67...): reason; ...`` for the first ten, then "and N more"."""
    parts = []
    for entry in entries[:SUB_ERRORS_SHOWN]:
        name, oid = entry["object_name"], entry["object_id"]
        who = "'%s' (%s)" % (name, oid) if name and oid else ("'%s'" % name if name else oid or "an object")
        parts.append("%s: %s" % (who, (entry["message"] or "").strip().rstrip(".") or "no reason given"))
    if len(entries) > SUB_ERRORS_SHOWN:
        parts.append("and %d more" % (len(entries) - SUB_ERRORS_SHOWN))
    return "; ".join(parts)


def listed(texts: list, limit: int = 20) -> str:
    """``'a', 'b' and 3 more``: what a message shows of a long list."""
    shown = ", ".join(texts[:limit])
    return shown + (" and %d more" % (len(texts) - limit) if len(texts) > limit else "")


def _text(value) -> Optional[str]:
    return None if value is None else str(value)


# The server names the header; the user knows the option.
PROJECT_HINT = ("set project_id to the project of the package or import (every call of a project or project security "
                "package sends it, deletion and undo download included), or leave it out for a configuration package")


class MstrError(Exception):
    """Base error. ``details`` are extra keys for the module result."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_fail_kwargs(self) -> dict:
        kwargs = {"msg": self.message}
        kwargs.update(self.details)
        return kwargs


class ValidationError(MstrError):
    """Bad module input, found before any request."""

    def __init__(self, option: str, message: str):
        super().__init__("%s: %s" % (option, message), option=option)
        self.option = option


class ApiError(MstrError):
    """The server answered with an error status."""

    def __init__(self, status: int, method: str, path: str, code=None, server_message=None,
                 ticket_id=None, iserver_code=None, raw_sub_errors=None):
        self.status = status
        self.code = code
        self.server_message = server_message
        self.sub_errors = sub_errors(raw_sub_errors)
        self.ticket_id = ticket_id
        self.iserver_code = iserver_code
        text = "%s %s failed with HTTP %s" % (method, path, status)
        if code:
            text += " %s" % code
        if server_message:
            text += ": %s" % server_message
        if ticket_id:
            text += " (ticket %s)" % ticket_id
        if self.sub_errors:
            text = text.rstrip(".") + ". Objects: %s" % describe_sub_errors(self.sub_errors)
        hint = CODE_HINTS.get(code_number(code))
        if "X-MSTR-ProjectID" in (server_message or ""):
            hint = PROJECT_HINT
        if hint:
            text = text.rstrip(".") + ". Hint: %s" % hint
        # error_code keeps the server's own spelling; decisions use code_number.
        super().__init__(text, http_status=status, error_code=code, ticket_id=ticket_id,
                         iserver_code=iserver_code, sub_errors=self.sub_errors)

    @property
    def session_expired(self) -> bool:
        return self.status == 401 and code_number(self.code) == SESSION_INVALID

    @property
    def not_found(self) -> bool:
        return self.status == 404


class TransportError(MstrError):
    """No usable answer: connection refused or reset, TLS failure, timeout."""


class ResponseError(MstrError):
    """The server answered 2xx with a body of an unexpected shape."""


class PackageGone(MstrError):
    """A package holder that does not exist (any more) in this session."""


class OperationFailed(MstrError):
    """A package or import reached a failed status."""


class WaitTimeout(MstrError):
    """A package or import did not reach a terminal status in time."""
