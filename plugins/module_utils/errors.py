# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors of the collection: the client and the package logic only raise these.

Each error knows how to become the keyword arguments of ``fail_json``, so a
module turns any of them into a clear failure without a traceback.
"""

from __future__ import annotations

# Hints for the vendor's error codes a user can act on.
CODE_HINTS = {
    "ERR003": "check username, password, login_mode or api_token",
    "ERR009": "the server session has expired or was closed; log in again with mstr.migration.mstr_session "
              "(anything that lived in the old session, such as a package holder, is gone)",
    "ERR0014": "the user lacks a privilege: exporting needs 'Create Package', importing needs "
               "'Create Package' and 'Import Package'",
    "ERR0017": "the user lacks a permission on an object",
}

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
                 ticket_id=None, iserver_code=None):
        self.status = status
        self.code = code
        self.server_message = server_message
        self.ticket_id = ticket_id
        self.iserver_code = iserver_code
        text = "%s %s failed with HTTP %s" % (method, path, status)
        if code:
            text += " %s" % code
        if server_message:
            text += ": %s" % server_message
        if ticket_id:
            text += " (ticket %s)" % ticket_id
        hint = CODE_HINTS.get(code or "")
        if "X-MSTR-ProjectID" in (server_message or ""):
            hint = PROJECT_HINT
        if hint:
            text += ". Hint: %s" % hint
        super().__init__(text, http_status=status, error_code=code, ticket_id=ticket_id,
                         iserver_code=iserver_code)

    @property
    def session_expired(self) -> bool:
        return self.status == 401 and self.code == "ERR009"

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
