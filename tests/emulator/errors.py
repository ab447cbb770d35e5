"""Errors in the vendor's JSON shape: {code, message, ticketId[, iServerCode]}."""

from __future__ import annotations

import uuid
from typing import Optional


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, iserver_code: Optional[int] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.iserver_code = iserver_code

    def body(self) -> dict:
        payload = {"code": self.code, "message": self.message, "ticketId": uuid.uuid4().hex}
        if self.iserver_code is not None:
            payload["iServerCode"] = self.iserver_code
        return payload


def invalid_input(message: str) -> ApiError:
    return ApiError(400, "ERR006", message)


def missing_info(message: str) -> ApiError:
    return ApiError(400, "ERR005", message)


def not_found(message: str = "HTTP 404 Not Found") -> ApiError:
    return ApiError(404, "ERR004", message)


def session_invalid() -> ApiError:
    return ApiError(401, "ERR009", "Invalid session or the session has timed out. Log in again.")


def no_privilege(user: str, privilege: str) -> ApiError:
    return ApiError(403, "ERR0014",
                    "User '%s' does not have the privilege '%s'." % (user, privilege),
                    iserver_code=-2147072488)
