# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Faults set at start-up (``--faults``) or at run time through /__emulator__/faults.

The fields of every request (latency, injected failures, connection resets,
session expiry) are the server's; a family adds its own (``Family.FAULTS``),
each a name and its value when cleared.
"""

from __future__ import annotations

import random
import re
from typing import Optional

from .errors import ApiError, invalid_input, sub_error

SERVER_FAULTS = {
    "latency_ms": 0.0,
    "latency_jitter_ms": 0.0,
    "fail_next": 0,
    "fail_status": 503,
    "fail_match": "",
    # With a code, an injected failure is the vendor's JSON error (subErrors from [id, name, reason] entries)
    # instead of a gateway's page.
    "fail_code": "",
    "fail_sub_errors": [],
    "reset_next": 0,
    "reset_match": "",
    "expire_after_requests": 0,
}
ACTIONS = ("expire_sessions",)  # fields that do something once instead of being kept


class Faults:
    def __init__(self, fields: Optional[dict] = None):
        self.defaults = dict(SERVER_FAULTS, **(fields or {}))
        self.values: dict = {}
        self.clear()

    def clear(self):
        self.values = {key: _copy(value) for key, value in self.defaults.items()}

    def __getattr__(self, name: str):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def update(self, values: dict):
        unknown = set(values) - set(self.defaults) - set(ACTIONS)
        if unknown:
            raise invalid_input("Unknown fault fields: %s" % ", ".join(sorted(unknown)))
        for key in self.defaults:
            if key in values:
                self.values[key] = type(self.defaults[key])(values[key])

    def as_dict(self) -> dict:
        return {key: _copy(value) for key, value in self.values.items()}

    def take(self, counter: str) -> bool:
        """Use up one of a counter's faults: True when there was one."""
        if self.values[counter] > 0:
            self.values[counter] -= 1
            return True
        return False

    def delay(self) -> float:
        jitter = random.uniform(0, self.latency_jitter_ms) if self.latency_jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000.0

    def take_failure(self, request_line: str) -> Optional[int]:
        if self.fail_next > 0 and _matches(self.fail_match, request_line):
            self.take("fail_next")
            return self.fail_status
        return None

    def failure_error(self, status: int) -> Optional[ApiError]:
        """The vendor-shaped error of an injected failure, or None for a gateway's page."""
        if not self.fail_code:
            return None
        return ApiError(status, self.fail_code, "Injected failure (%s)." % self.fail_code,
                        sub_errors=[sub_error(*entry) for entry in self.fail_sub_errors] or None)

    def take_reset(self, request_line: str) -> bool:
        return self.reset_next > 0 and _matches(self.reset_match, request_line) and self.take("reset_next")

    def count_towards_expiry(self) -> bool:
        """True when this API request is the last one the sessions live through."""
        return self.take("expire_after_requests") and self.expire_after_requests == 0


def _matches(pattern: str, request_line: str) -> bool:
    return not pattern or re.search(pattern, request_line) is not None


def _copy(value):
    return list(value) if isinstance(value, list) else value
