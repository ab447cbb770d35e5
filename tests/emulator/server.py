# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""HTTP layer of the emulator: routing, auth, faults, streaming bodies."""

from __future__ import annotations

import json
import re
import socket
import struct
import time
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from . import binaries, conformance
from .errors import ApiError, invalid_input, not_found
from .state import Emulator

BASE = "/MicroStrategyLibrary"
ADMIN = "/__emulator__"
MAX_JSON_BODY = 16 * 1024 * 1024

# (method, pattern, handler, route label). Order matters: imports before {id}.
ROUTES = [
    ("GET", r"/api/status", "status"),
    ("POST", r"/api/auth/login", "login"),
    ("POST", r"/api/auth/logout", "logout"),
    ("PUT", r"/api/sessions", "extend_session"),
    ("GET", r"/api/sessions", "get_session"),
    ("GET", r"/api/sessions/userInfo", "user_info"),
    ("GET", r"/api/projects", "projects"),
    ("GET", r"/api/objects/(?P<oid>[^/]+)", "get_object"),
    ("GET", r"/api/searches/results", "search"),
    ("POST", r"/api/packages", "create_package"),
    ("POST", r"/api/packages/imports", "create_import"),
    ("GET", r"/api/packages/imports/(?P<iid>[^/]+)", "get_import"),
    ("DELETE", r"/api/packages/imports/(?P<iid>[^/]+)", "delete_import"),
    ("GET", r"/api/packages/imports/(?P<iid>[^/]+)/undoPackage/binary", "undo_binary"),
    ("GET", r"/api/packages/(?P<pid>[^/]+)", "get_package"),
    ("PUT", r"/api/packages/(?P<pid>[^/]+)", "define_package"),
    ("DELETE", r"/api/packages/(?P<pid>[^/]+)", "delete_package"),
    ("GET", r"/api/packages/(?P<pid>[^/]+)/objects", "package_objects"),
    ("GET", r"/api/packages/(?P<pid>[^/]+)/binary", "download_package"),
    ("PUT", r"/api/packages/(?P<pid>[^/]+)/binary", "upload_package"),
]
COMPILED = [(m, re.compile("^" + p + "$"), h, re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", p)) for m, p, h in ROUTES]
NO_AUTH = {"status", "login"}
TRUE_WORDS = {"true": True, "false": False}


class Response:
    def __init__(self, status: int, body=None, headers: Optional[dict] = None,
                 stream: Optional[Iterator[bytes]] = None, length: Optional[int] = None,
                 drop_after: Optional[int] = None):
        self.status = status
        self.headers = dict(headers or {})
        self.stream = stream
        self.length = length
        self.drop_after = drop_after
        if body is None:
            self.data = b""
        elif isinstance(body, bytes):
            self.data = body
        else:
            self.data = json.dumps(body).encode()
            self.headers.setdefault("Content-Type", "application/json")


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

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # quiet: tests read /__emulator__/state instead

    # ------------------------------------------------------------- plumbing
    def _body_reader(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return ChunkedReader(self.rfile)
        return LimitedReader(self.rfile, int(self.headers.get("Content-Length") or 0))

    def _read_body(self) -> bytes:
        data = self.body.read(MAX_JSON_BODY + 1)
        if len(data) > MAX_JSON_BODY:
            raise invalid_input("Request body too large")
        return data

    def _json_body(self):
        raw = self._read_body()
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise invalid_input("Invalid JSON") from exc

    def _finish_body(self):
        """Consume what the handler left of the body so keep-alive stays in sync."""
        if getattr(self.body, "done", True):
            return
        drained = 0
        while drained < 64 * 1024 * 1024:
            piece = self.body.read(binaries.BLOCK)
            if not piece:
                return
            drained += len(piece)
        self.close_connection = True

    def _cookies(self) -> dict:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except Exception:  # a malformed Cookie header is simply "no cookies"
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    def _send(self, response: Response):
        self.send_response(response.status)
        for key, value in response.headers.items():
            if isinstance(value, list):
                for item in value:
                    self.send_header(key, item)
            else:
                self.send_header(key, value)
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
        self.query = parse_qs(url.query, keep_blank_values=True)
        self.body = self._body_reader()
        path = url.path
        if path.startswith(ADMIN):
            self._admin(path[len(ADMIN):])
            return
        self.rules = None
        route_label = path
        if not path.startswith(BASE + "/"):
            response = self._error(not_found())
        else:
            sub = path[len(BASE):]
            response, route_label = self._api(sub)
        if response is None:
            return  # connection was reset on purpose
        self._finish_body()
        # Counted before the answer goes out: a client that reads /__emulator__/state right after its answer
        # must find its request there.
        self._record(route_label, path, response.status)
        self._send(response)

    def _sent(self) -> conformance.Sent:
        return conformance.Sent(project=self._project_header(), prefer=self.headers.get("Prefer", ""),
                                content_type=self._media_type(), accept=self.headers.get("Accept", ""),
                                query=frozenset(self.query))

    def _media_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def _record(self, route_label: str, path: str, status: int):
        """Count the request and log what the table judges (never tokens, cookies or passwords)."""
        rules = self.rules
        entry = {
            "method": self.command, "route": "%s %s" % (self.command, route_label), "path": path, "status": status,
            "userAgent": self.headers.get("User-Agent"), "projectId": self.headers.get("X-MSTR-ProjectID"),
            "prefer": self.headers.get("Prefer"), "contentType": self._media_type() or None,
            "accept": self.headers.get("Accept"), "query": sorted(self.query),
            "projectRule": rules.rule.project if rules and rules.rule else None,
            "requiredProject": rules.required_project if rules else None,
            "deviations": list(rules.deviations) if rules else [],
        }
        self.emulator.record_request(entry)

    def _api(self, sub: str):
        emu = self.emulator
        request_line = "%s %s" % (self.command, sub)
        delay = emu.faults.delay()
        if delay:
            time.sleep(delay)
        with emu.lock:
            if emu.faults.count_towards_expiry():
                emu.expire_all_sessions()  # this request already finds its session gone
            reset = emu.faults.take_reset(request_line)
            failure = None if reset else emu.faults.take_failure(request_line)
            failure_error = emu.faults.failure_error(failure) if failure else None
        if reset:
            self._record("(reset)", BASE + sub, 0)
            self._abort_connection()
            return None, sub
        if failure_error:
            return self._error(failure_error), "(injected %d)" % failure
        if failure:
            # Gateways answer without the vendor's JSON body.
            text = b"<html><body><h1>%d Service Unavailable</h1></body></html>" % failure
            return Response(failure, text, {"Content-Type": "text/html"}), "(injected %d)" % failure
        for method, pattern, handler, label in COMPILED:
            match = pattern.match(sub)
            if not match:
                continue
            if method != self.command:
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            self.rules = conformance.Check("%s %s" % (method, label), self._sent(),
                                           lambda pid: emu.project(pid) is not None)
            try:
                sess = None
                if handler not in NO_AUTH:
                    sess = emu.authenticate(self.headers.get("X-MSTR-AuthToken"), self._cookies())
                self.rules.check_request()
                response = getattr(self, "h_" + handler)(sess, **params)
                self.rules.finish()
                return response, label
            except ApiError as exc:
                return self._error(exc), label
        # The vendor answers unknown endpoints and unsupported methods alike.
        return self._error(not_found()), "(unknown)"

    def _project_header(self) -> Optional[str]:
        value = self.headers.get("X-MSTR-ProjectID")
        return value.strip() if value and value.strip() else None

    def _flag(self, name: str, default: bool) -> bool:
        raw = self.query.get(name, [None])[0]
        if raw is None or raw == "":
            return default
        if raw.lower() not in TRUE_WORDS:
            raise invalid_input("Query parameter '%s' must be true or false." % name)
        return TRUE_WORDS[raw.lower()]

    # ----------------------------------------------------------------- auth
    def h_status(self, sess):
        return Response(200, {"webVersion": "11.4.0900.0100J", "iServerVersion": "11.4.0900.0064"})

    def h_login(self, sess):
        ctype = self.headers.get("Content-Type", "")
        raw = self._read_body()
        if "json" in ctype or raw.strip().startswith(b"{"):
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                raise invalid_input("Invalid JSON") from exc
            if not isinstance(body, dict):
                raise invalid_input("Invalid JSON")
        else:
            body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        new = self.emulator.login(body)
        secure = "; Secure" if self.emulator.secure_cookies else ""
        cookies = ["JSESSIONID=%s; Path=%s; HttpOnly%s" % (new["cookie"], BASE, secure)]
        if new["lbCookie"]:
            cookies.append("AWSALB=%s; Path=/%s" % (new["lbCookie"], secure))
        return Response(204, headers={"X-MSTR-AuthToken": new["token"], "Set-Cookie": cookies})

    def h_logout(self, sess):
        self.emulator.logout(sess)
        return Response(204)

    def h_extend_session(self, sess):
        return Response(204)

    def h_get_session(self, sess):
        info = self.emulator.user_info(sess)
        return Response(200, {"locale": 1033, "maxSearch": 3, "workingSet": 10, "timeout": int(self.emulator.session_timeout),
                              "id": info["id"], "fullName": info["fullName"], "initials": info["initials"],
                              "username": info["username"]})

    def h_user_info(self, sess):
        return Response(200, self.emulator.user_info(sess))

    # ------------------------------------------------------------- metadata
    def h_projects(self, sess):
        from .seed import PROJECTS
        return Response(200, [dict(p) for p in PROJECTS])

    def _int_param(self, name: str) -> Optional[int]:
        raw = self.query.get(name, [None])[0]
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid_input("Query parameter '%s' must be a number." % name) from exc

    def h_get_object(self, sess, oid):
        object_type = self._int_param("type")
        if object_type is None:
            raise invalid_input("Query parameter 'type' must be an object type number.")
        return Response(200, self.emulator.get_object(oid, object_type, self.rules))

    def h_search(self, sess):
        name = self.query.get("name", [""])[0]
        types = []
        for raw in self.query.get("type", []):
            for part in raw.split(","):
                if part.strip():
                    try:
                        types.append(int(part))
                    except ValueError as exc:
                        raise invalid_input("Query parameter 'type' must be numbers.") from exc
        pattern = self._int_param("pattern") or 4
        results = self.emulator.search(name, types, pattern, self._project_header())
        offset = self._int_param("offset") or 0
        limit = self._int_param("limit")
        page = results[offset:offset + limit] if limit and limit > 0 else results[offset:]
        return Response(200, {"totalItems": len(results), "result": page})

    # ------------------------------------------------------------- packages
    def h_create_package(self, sess):
        self._read_body()
        pkg = self.emulator.create_package(sess, self.rules)
        return Response(201, {"id": pkg["id"], "status": self.emulator.fmt(pkg["status"])})

    def h_get_package(self, sess, pid):
        show = self._flag("showContent", False)
        with self.emulator.lock:
            pkg = self.emulator.get_package(sess, pid, self.rules)
            return Response(200, self.emulator.package_view(pkg, show))

    def h_define_package(self, sess, pid):
        body = self._json_body()
        pkg = self.emulator.define_package(sess, pid, body, self.rules)
        return Response(202, {"id": pkg["id"], "status": self.emulator.fmt(pkg["status"])})

    def h_delete_package(self, sess, pid):
        return Response(202, self.emulator.delete_package(sess, pid, self.rules))

    def h_package_objects(self, sess, pid):
        ids = [part for raw in self.query.get("id", []) for part in raw.split(",") if part]
        return Response(200, self.emulator.package_objects(sess, pid, ids, self.rules))

    def _binary_response(self, chunks, size: int, filename: str) -> Response:
        with self.emulator.lock:
            drop = self.emulator.faults.take_download_drop()
        return Response(200, headers={"Content-Type": "application/octet-stream",
                                      "Content-Disposition": 'attachment; filename="%s"' % filename},
                        stream=chunks, length=size, drop_after=drop)

    def h_download_package(self, sess, pid):
        chunks, size = self.emulator.package_binary(sess, pid, self.rules)
        return self._binary_response(chunks, size, "package.mmp")

    def h_upload_package(self, sess, pid):
        match = re.search(r'boundary="?([^";]+)"?', self.headers.get("Content-Type", ""))
        if not match:
            raise invalid_input("The package binary must be sent as multipart/form-data in the field 'file'.")
        # Fail early, before reading a large body, when the request cannot succeed.
        self.emulator.require_privilege(sess, "Import Package")
        self.emulator.get_package(sess, pid, self.rules)
        try:
            path = binaries.save_multipart_file(self.body, match.group(1).encode(), "file", self.emulator.tmpdir)
        except (binaries.MultipartError, ConnectionError) as exc:
            self.close_connection = True
            raise invalid_input("Malformed multipart body: %s" % exc) from exc
        if path is None:
            raise invalid_input("The multipart body has no field named 'file'.")
        return Response(200, self.emulator.upload_package(sess, pid, path, self.rules))

    # -------------------------------------------------------------- imports
    def h_create_import(self, sess):
        self._read_body()
        package_id = self.query["packageId"][0]
        generate_undo = self._flag("generateUndo", True)
        imp = self.emulator.create_import(sess, package_id, generate_undo, self.rules)
        return Response(202, self.emulator.import_view(imp))

    def h_get_import(self, sess, iid):
        with self.emulator.lock:
            return Response(200, self.emulator.import_view(self.emulator.get_import(sess, iid, self.rules)))

    def h_delete_import(self, sess, iid):
        self.emulator.delete_import(sess, iid, self.rules)
        return Response(202)

    def h_undo_binary(self, sess, iid):
        chunks, size = self.emulator.undo_binary(sess, iid, self.rules)
        return self._binary_response(chunks, size, "undo-package.mmp")

    # ---------------------------------------------------------------- admin
    def _admin(self, sub: str):
        emu = self.emulator
        try:
            if self.command == "GET" and sub == "/state":
                response = Response(200, emu.snapshot(checksums=self._flag("checksums", False),
                                                      secrets_too=self._flag("secrets", False)))
            elif sub == "/faults" and self.command in ("POST", "PUT"):
                emu.set_faults(self._json_body() or {})
                response = Response(200, emu.faults.as_dict())
            elif sub == "/faults" and self.command == "DELETE":
                emu.faults.clear()
                response = Response(200, emu.faults.as_dict())
            elif sub == "/faults" and self.command == "GET":
                response = Response(200, emu.faults.as_dict())
            elif sub == "/reset" and self.command == "POST":
                emu.reset()
                response = Response(200, {"reset": True})
            elif sub == "/sessions/expire" and self.command == "POST":
                emu.expire_all_sessions()
                response = Response(200, {"expired": True})
            elif sub == "/objects" and self.command == "GET":
                with emu.lock:
                    emu.advance()
                    response = Response(200, emu.metadata)
            elif sub.startswith("/objects/") and self.command == "PATCH":
                scope, _sep, oid = sub[len("/objects/"):].partition("/")
                response = Response(200, emu.patch_object(unquote(scope), oid.upper(), self._json_body() or {}))
            else:
                raise not_found()
        except ApiError as exc:
            response = self._error(exc)
        self._finish_body()
        self._send(response)


def make_server(host: str, port: int, emulator: Emulator, ssl_context=None) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"emulator": emulator})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    return server
