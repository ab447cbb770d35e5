# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A reverse proxy in front of an emulator that misbehaves on request, as gateways and attackers do.

``python gateway.py UPSTREAM_URL`` prints ``gateway listening on http://127.0.0.1:PORT/MicroStrategyLibrary``
and forwards every request to UPSTREAM_URL's host (the paths stay the same) until killed. Unit tests run it in a
thread (``Gateway(upstream).start()``). What it does besides forwarding is set with ``POST /__gateway__/rules``
(a JSON object, replacing the previous rules; ``Gateway.rules`` in a thread):

- ``redirect``: ``{"match": REGEX, "status": 307, "location": URL}``: requests whose ``METHOD /path`` matches are
  answered with that redirect instead of being forwarded.
- ``page``: ``{"match": REGEX, "body": TEXT, "content_type": TYPE}``: answered 200 with that body (after the
  request was forwarded, so the server did its part, as a gateway replacing an answer does).
- ``gzip``: true: answers are gzip-encoded whenever the request accepts gzip (as a compressing gateway does).

``GET /__gateway__/seen`` answers what it received: one ``{"line", "accept_encoding", "cookie"}`` per request
(whether a Cookie header came, never its value).
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length", "host"}


class GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection keeps it simple
    server: "Gateway"

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def _answer(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _control(self) -> None:
        if self.command == "POST" and self.path == "/__gateway__/rules":
            length = int(self.headers.get("Content-Length") or 0)
            self.server.rules = json.loads(self.rfile.read(length) or b"{}")
            self._answer(200, json.dumps(self.server.rules).encode(), {"Content-Type": "application/json"})
        else:
            with self.server.lock:
                seen = list(self.server.seen)
            self._answer(200, json.dumps(seen).encode(), {"Content-Type": "application/json"})

    def _rule(self, name: str):
        rule = self.server.rules.get(name)
        if rule and re.search(rule.get("match", ""), "%s %s" % (self.command, self.path)):
            return rule
        return None

    def _handle(self) -> None:
        if self.path.startswith("/__gateway__/"):
            self._control()
            return
        with self.server.lock:
            self.server.seen.append({"line": "%s %s" % (self.command, self.path),
                                     "accept_encoding": self.headers.get("Accept-Encoding"),
                                     "cookie": "Cookie" in self.headers})
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        redirect = self._rule("redirect")
        if redirect:
            self._answer(redirect.get("status", 302), b"", {"Location": redirect["location"]})
            return
        upstream = http.client.HTTPConnection(self.server.upstream.hostname, self.server.upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        content = answer.read()  # whole: the gateway's tests use small packages
        upstream.close()
        out = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP}
        page = self._rule("page")
        if page:
            status, content = 200, page["body"].encode("latin-1")
            out = {"Content-Type": page.get("content_type", "text/html")}
        else:
            status = answer.status
        accepted = [part.split(";")[0].strip() for part in (self.headers.get("Accept-Encoding") or "").split(",")]
        if self.server.rules.get("gzip") and "gzip" in accepted and content:
            content = gzip.compress(content)
            out["Content-Encoding"] = "gzip"
        self._answer(status, content, out)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_url: str):
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.upstream = urlsplit(upstream_url)
        self.rules: dict = {}
        self.seen: list = []
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return "http://127.0.0.1:%d%s" % (self.server_address[1], self.upstream.path)

    def start(self) -> "Gateway":
        threading.Thread(target=self.serve_forever, name="gateway", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main() -> int:
    gateway = Gateway(sys.argv[1])
    print("gateway listening on %s" % gateway.base_url, flush=True)
    gateway.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
