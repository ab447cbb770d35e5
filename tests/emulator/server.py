# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP layer of the emulator: bodies, faults of every request, dispatch to the families' routes, the request log."""

from __future__ import annotations

import socket
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import binaries
from .admin import ADMIN, Admin
from .calls import BASE, Call, Response  # noqa: F401  pylint: disable=unused-import  # Response: public name
from .errors import ApiError, not_found
from .rules import Check
from .state import Emulator

GATEWAY_PAGE = b"<html><body><h1>%d Service Unavailable</h1></body></html>"


class ChunkedReader:
    """File-like reader of a chunked request body."""

    def __init__(self, raw):
        self.raw = raw
        self.left = 0
        self.done = False

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while not self.done and (size < 0 or len(out) < size):
            if self.left == 0:
                line = self.raw.readline(1024).strip()
                self.left = int(line.split(b";")[0] or b"0", 16)
                if self.left == 0:
                    while self.raw.readline(1024).strip():
                        pass  # trailers
                    self.done = True
                    break
            want = self.left if size < 0 else min(self.left, size - len(out))
            piece = self.raw.read(want)
            if not piece:
                raise ConnectionError("chunked body ended early")
            out += piece
            self.left -= len(piece)
            if self.left == 0:
                self.raw.readline(1024)
        return bytes(out)


class LimitedReader:
    def __init__(self, raw, length: int):
        self.raw = raw
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        want = self.left if size < 0 else min(size, self.left)
        data = self.raw.read(want)
        self.left -= len(data)
        if not data:
            self.left = 0
        return data

    @property
    def done(self) -> bool:
        return self.left <= 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MSTR-Library-Emulator"
    # Headers and body go out in two writes; with Nagle's algorithm the body then waits for the client's
    # delayed ACK (about 40 ms) on a kept-alive connection. Library's Tomcat sets TCP_NODELAY too.
    disable_nagle_algorithm = True
    emulator: Emulator  # set on the class by make_server
    admin: Admin  # likewise

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # quiet: tests read /__emulator__/state instead

    # ------------------------------------------------------------- plumbing
    def _body_reader(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return ChunkedReader(self.rfile)
        return LimitedReader(self.rfile, int(self.headers.get("Content-Length") or 0))

    def _finish_body(self, body):
        """Consume what the handler left of the body so keep-alive stays in sync."""
        if getattr(body, "done", True):
            return
        drained = 0
        while drained < 64 * 1024 * 1024:
            piece = body.read(binaries.BLOCK)
            if not piece:
                return
            drained += len(piece)
        self.close_connection = True

    def _send(self, response: Response):
        self.send_response(response.status)
        for key, value in response.headers.items():
            for item in value if isinstance(value, list) else [value]:
                self.send_header(key, item)
        length = response.length if response.stream is not None else len(response.data)
        self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.stream is None:
            self.wfile.write(response.data)
            return
        self._stream(response)

    def _stream(self, response: Response):
        sent = 0
        for chunk in response.stream:
            if response.drop_after is not None and sent + len(chunk) >= response.drop_after:
                self.wfile.write(chunk[:max(0, response.drop_after - sent)])
                self.wfile.flush()
                self._drop_connection()
                return
            self.wfile.write(chunk)
            sent += len(chunk)

    def _drop_connection(self):
        """End the connection mid-body: the client sees fewer bytes than announced."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _abort_connection(self):
        """Close the TCP connection with a reset, as a crashed proxy would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _error(self, exc: ApiError) -> Response:
        return Response(exc.status, exc.body(self.emulator.error_codes))

    # ------------------------------------------------------------- dispatch
    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _dispatch(self):
        url = urlsplit(self.path)
        call = Call(self, parse_qs(url.query, keep_blank_values=True), self._body_reader())
        path = url.path
        if path.startswith(ADMIN):
            self._admin(call, path[len(ADMIN):])
            return
        route_label = path
        if not path.startswith(BASE + "/"):
            response = self._error(not_found())
        else:
            response, route_label = self._api(call, path[len(BASE):])
        if response is None:
            return  # connection was reset on purpose
        self._finish_body(call.body)
        # Counted before the answer goes out: a client that reads /__emulator__/state right after its answer
        # must find its request there.
        self._record(call, route_label, path, response.status)
        self._send(response)

    def _record(self, call: Call, route_label: str, path: str, status: int):
        """Count the request and log what the rules judge (never tokens, cookies or passwords)."""
        rules = call.rules
        entry = {
            "method": self.command, "route": "%s %s" % (self.command, route_label), "path": path, "status": status,
            "userAgent": self.headers.get("User-Agent"), "projectId": self.headers.get("X-MSTR-ProjectID"),
            "prefer": self.headers.get("Prefer"), "contentType": call.media_type() or None,
            "accept": self.headers.get("Accept"), "query": sorted(call.query),
            "projectRule": rules.rule.project.name if rules and rules.rule else None,
            "requiredProject": rules.required_project if rules else None,
            "deviations": list(rules.deviations) if rules else [],
        }
        self.emulator.record_request(entry)

    def _injected(self, request_line: str):
        """(reset, failure status, vendor error) of the faults that answer this request instead of its route."""
        emu = self.emulator
        delay = emu.faults.delay()
        if delay:
            time.sleep(delay)
        with emu.lock:
            if emu.faults.count_towards_expiry():
                emu.expire_all_sessions()  # this request already finds its session gone
            if emu.faults.take_reset(request_line):
                return True, None, None
            failure = emu.faults.take_failure(request_line)
            return False, failure, emu.faults.failure_error(failure) if failure else None

    def _api(self, call: Call, sub: str):
        reset, failure, failure_error = self._injected("%s %s" % (self.command, sub))
        if reset:
            self._record(call, "(reset)", BASE + sub, 0)
            self._abort_connection()
            return None, sub
        if failure_error:
            return self._error(failure_error), "(injected %d)" % failure
        if failure:
            # Gateways answer without the vendor's JSON body.
            return Response(failure, GATEWAY_PAGE % failure, {"Content-Type": "text/html"}), "(injected %d)" % failure
        found = self.emulator.router.find(self.command, sub)
        if found is None:
            # The vendor answers unknown endpoints and unsupported methods alike.
            return self._error(not_found()), "(unknown)"
        entry, family, params = found
        return self._serve(call, entry, family, params), entry.path

    def _serve(self, call: Call, entry, family, params: dict) -> Response:
        emu = self.emulator
        call.rules = Check(entry.key, entry.rule, call.sent(), lambda pid: emu.project(pid) is not None)
        try:
            if entry.auth:
                call.session = emu.authenticate(self.headers.get("X-MSTR-AuthToken"), call.cookies())
            call.rules.check_request()
            response = getattr(family, entry.handler)(call, **params)
            call.rules.finish()
            return response
        except ApiError as exc:
            return self._error(exc)

    # ---------------------------------------------------------------- admin
    def _admin(self, call: Call, sub: str):
        found = self.admin.router.find(self.command, sub)
        try:
            if found is None:
                raise not_found()
            entry, owner, params = found
            response = getattr(owner, entry.handler)(call, **params)
        except ApiError as exc:
            response = self._error(exc)
        self._finish_body(call.body)
        self._send(response)


def make_server(host: str, port: int, emulator: Emulator, ssl_context=None) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"emulator": emulator, "admin": Admin(emulator)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    return server
