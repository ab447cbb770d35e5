# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small forwarding HTTP proxy for the proxy tests: counts what passes through it.

``python proxy.py`` prints ``proxy listening on http://127.0.0.1:PORT`` and
forwards absolute-URI requests (plain HTTP) until killed. ``GET /__proxy__/count``
answers how many requests it forwarded.
"""

from __future__ import annotations

import http.client
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}
COUNT = {"forwarded": 0}
LOCK = threading.Lock()


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection keeps the proxy simple

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def _forward(self):
        if self.path == "/__proxy__/count":
            body = str(COUNT["forwarded"]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
        target = url.path + ("?" + url.query if url.query else "")
        upstream.request(self.command, target, body=body, headers=headers)
        answer = upstream.getresponse()
        with LOCK:
            COUNT["forwarded"] += 1
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.end_headers()
        while True:
            chunk = answer.read(1024 * 1024)
            if not chunk:
                break
            self.wfile.write(chunk)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = _forward


def main() -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ProxyHandler)
    server.daemon_threads = True
    print("proxy listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
