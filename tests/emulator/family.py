# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An API family: its routes with their conformance rules, its state and its faults, in one class.

A family is a subclass of ``Family`` in ``families/<name>.py``, listed once in
``families.FAMILIES``. Its handlers are methods declared with ``@route``
(method, path, conformance rule): each takes the ``calls.Call`` and the path
parameters and returns a ``calls.Response`` or raises ``errors.ApiError``. The
emulator calls the state hooks of every family: ``reset()`` (back to the
seed), ``advance(now)`` (move asynchronous work on, at the start of every
request), ``end_session(token)`` (logout or expiry: release what the session
held) and ``snapshot()`` (its part of ``/__emulator__/state``). ``FAULTS``
are its fault fields with their cleared values, settable through
``/__emulator__/faults`` like the server's own.
"""

from __future__ import annotations

from .routing import declared_routes, route  # noqa: F401  pylint: disable=unused-import  # route: for families


class Family:
    name = ""
    FAULTS: dict = {}

    def __init__(self, emulator):
        self.emu = emulator  # the shared state: sessions, metadata, faults, options, lock (state.Emulator)

    @classmethod
    def routes(cls) -> tuple:
        return declared_routes(cls)

    def reset(self):
        """Back to the seed (the emulator's lock is held)."""

    def advance(self, now: float):
        """Move asynchronous work on to ``now`` (time.monotonic(); the lock is held)."""

    def end_session(self, token: str):
        """A session ended: release what it held (the lock is held)."""

    def snapshot(self, checksums: bool = False) -> dict:
        """Its keys of /__emulator__/state (the lock is held, advance() has run)."""
        return {}
