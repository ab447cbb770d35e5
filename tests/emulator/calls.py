# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One request as a family's handler sees it (``Call``), and what the handler answers (``Response``)."""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from typing import Iterator, Optional

from . import binaries
from .errors import invalid_input
from .rules import Sent

BASE = "/MicroStrategyLibrary"  # the Library server's base path
MAX_JSON_BODY = 16 * 1024 * 1024
# the vendor SDK sends True/False; API_NOTES_WORKSTATION.md section 11 tolerates 1/0 as well
TRUE_WORDS = {"true": True, "false": False, "1": True, "0": False}


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


class Call:
    """The request's method, headers, query and body; its session and conformance check once known."""

    def __init__(self, handler, query: dict, body):
        self.handler = handler  # the BaseHTTPRequestHandler serving the connection
        self.method = handler.command
        self.headers = handler.headers
        self.query = query
        self.body = body
        self.session: Optional[dict] = None
        self.rules = None  # the route's rules.Check

    # ------------------------------------------------------------- the body
    def read_body(self) -> bytes:
        data = self.body.read(MAX_JSON_BODY + 1)
        if len(data) > MAX_JSON_BODY:
            raise invalid_input("Request body too large")
        return data

    def json_body(self):
        raw = self.read_body()
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise invalid_input("Invalid JSON") from exc

    def multipart_boundary(self) -> bytes:
        """The boundary of a multipart/form-data body (400 ERR006 without one)."""
        match = re.search(r'boundary="?([^";]+)"?', self.headers.get("Content-Type", ""))
        if not match:
            raise invalid_input("The package binary must be sent as multipart/form-data in the field 'file'.")
        return match.group(1).encode()

    def save_multipart(self, boundary: bytes, field: str, directory: str) -> str:
        """Stream the body's part ``field`` into a new file in ``directory``: its path (400 ERR006 without it)."""
        try:
            path = binaries.save_multipart_file(self.body, boundary, field, directory)
        except (binaries.MultipartError, ConnectionError) as exc:
            self.end_connection()
            raise invalid_input("Malformed multipart body: %s" % exc) from exc
        if path is None:
            raise invalid_input("The multipart body has no field named '%s'." % field)
        return path

    def end_connection(self):
        """Close the connection after the answer: the body is not read to its end."""
        self.handler.close_connection = True

    # ----------------------------------------------------- query and headers
    def flag(self, name: str, default: bool) -> bool:
        raw = self.query.get(name, [None])[0]
        if raw is None or raw == "":
            return default
        if raw.lower() not in TRUE_WORDS:
            raise invalid_input("Query parameter '%s' must be true or false." % name)
        return TRUE_WORDS[raw.lower()]

    def flag_or_header(self, name: str, default: bool) -> bool:
        """A boolean sent as a query parameter or as a header of that name (any case): the group page prints
        ``"generateUndo": "true"`` among the headers, the classic route and the vendor SDK send the parameter
        (API_NOTES_WORKSTATION.md A11). Both sent with different values: 400 ERR006."""
        from_query = self.flag(name, default)
        raw = (self.headers.get(name) or "").strip()
        if not raw:
            return from_query
        if raw.lower() not in TRUE_WORDS:
            raise invalid_input("Header '%s' must be true or false." % name)
        from_header = TRUE_WORDS[raw.lower()]
        if self.query.get(name, [""])[0] not in ("", None) and from_query != from_header:
            raise invalid_input("'%s' is sent as a query parameter (%s) and as a header (%s) with different values."
                                % (name, str(from_query).lower(), str(from_header).lower()))
        return from_header

    def int_param(self, name: str) -> Optional[int]:
        raw = self.query.get(name, [None])[0]
        if raw in (None, ""):
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid_input("Query parameter '%s' must be a number." % name) from exc

    def project_header(self) -> Optional[str]:
        value = self.headers.get("X-MSTR-ProjectID")
        return value.strip() if value and value.strip() else None

    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def cookies(self) -> dict:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except Exception:  # a malformed Cookie header is simply "no cookies"
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    def sent(self) -> Sent:
        """What the conformance rules judge."""
        return Sent(project=self.project_header(), prefer=self.headers.get("Prefer", ""),
                    content_type=self.media_type(), accept=self.headers.get("Accept", ""),
                    query=frozenset(self.query))

    def judge(self, *subject):
        """Judge the project header by the route's rule against what the call concerns (a holder, an import...)."""
        return self.rules.judge(*subject)
