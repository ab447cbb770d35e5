# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors in the vendor's JSON shape: {code, message, ticketId[, iServerCode][, subErrors]}.

Codes are spelt one of three ways (``--error-codes``): ``docs`` as the
vendor's exception table (ERR003, ERR0014), ``samples`` as the captured
answers of real servers (ERR003, ERR014, ERR017), ``short`` with the fewest
zeros (ERR03, ERR14). Clients must treat them all as one code.
"""

from __future__ import annotations

import uuid
from typing import Optional

SPELLINGS = ("docs", "samples", "short")


def spell(code: str, spelling: str = "docs") -> str:
    number = int(code[len("ERR"):])
    if spelling == "samples":
        return "ERR%03d" % number
    if spelling == "short":
        return "ERR%02d" % number
    return "ERR%03d" % number if number < 10 else "ERR%04d" % number


def sub_error(object_id: str, object_name: str, message: str, iserver_code: int = -2147217373) -> dict:
    """One entry of ``subErrors`` as the vendor's general error shape has it."""
    return {"iServerCode": iserver_code, "message": message,
            "additionalProperties": {"objectId": object_id, "objectName": object_name}}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, iserver_code: Optional[int] = None,
                 sub_errors: Optional[list] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.iserver_code = iserver_code
        self.sub_errors = sub_errors

    def body(self, spelling: str = "docs") -> dict:
        payload = {"code": spell(self.code, spelling), "message": self.message, "ticketId": uuid.uuid4().hex}
        if self.iserver_code is not None:
            payload["iServerCode"] = self.iserver_code
        if self.sub_errors:
            payload["subErrors"] = self.sub_errors
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
