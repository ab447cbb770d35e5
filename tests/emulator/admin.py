# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inspection and fault injection calls under /__emulator__ (no session, no faults, not counted or logged)."""

from __future__ import annotations

from .calls import Call, Response
from .routing import Router, declared_routes, route

ADMIN = "/__emulator__"


class Admin:
    def __init__(self, emulator):
        self.emu = emulator
        self.router = Router([(entry, self) for entry in declared_routes(type(self))])

    @route("GET", "/state")
    def state(self, call: Call) -> Response:
        return Response(200, self.emu.snapshot(checksums=call.flag("checksums", False),
                                               secrets_too=call.flag("secrets", False)))

    @route("GET", "/faults")
    def faults(self, call: Call) -> Response:
        return Response(200, self.emu.faults.as_dict())

    @route("POST", "/faults")
    @route("PUT", "/faults")
    def set_faults(self, call: Call) -> Response:
        self.emu.set_faults(call.json_body() or {})
        return self.faults(call)

    @route("DELETE", "/faults")
    def clear_faults(self, call: Call) -> Response:
        self.emu.faults.clear()
        return self.faults(call)

    @route("POST", "/reset")
    def reset(self, call: Call) -> Response:
        self.emu.reset()
        return Response(200, {"reset": True})

    @route("POST", "/sessions/expire")
    def expire_sessions(self, call: Call) -> Response:
        self.emu.expire_all_sessions()
        return Response(200, {"expired": True})

    @route("GET", "/objects")
    def objects(self, call: Call) -> Response:
        with self.emu.lock:
            self.emu.advance()
            return Response(200, self.emu.metadata)

    @route("PATCH", "/objects/{scope}/{oid}")
    def patch_object(self, call: Call, scope: str, oid: str) -> Response:
        return Response(200, self.emu.patch_object(scope, oid.upper(), call.json_body() or {}))
