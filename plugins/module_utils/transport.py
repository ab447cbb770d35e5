# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The transport, the bottom of the layers above errors: the one HTTP client of the collection.

It logs in (or resumes a session from a ``session`` value), sends the auth
token and every cookie on each call, maps the vendor's JSON errors to
``ApiError``, retries transient failures only where repeating is safe, and
streams binaries in both directions with bounded memory. It knows HTTP only:
what may be sent is ``urls.py``, the session value ``session_value.py``, and
what a binary must look like is the caller's (``inspect`` of ``download``).
It raises; it never calls ``fail_json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
import time
import traceback
import uuid
from typing import Optional
from urllib.parse import urljoin, urlsplit

from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, ResponseError, TransportError
from ansible_collections.mstr.migration.plugins.module_utils.session_value import encode_session
from ansible_collections.mstr.migration.plugins.module_utils.urls import (check_header_value, normalise_base_url,
                                                                          shown_url)

try:
    import requests
    from requests.exceptions import ChunkedEncodingError, ConnectTimeout, SSLError
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # reported by the modules through missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

LOGIN_MODES = {"standard": 1, "ldap": 16, "anonymous": 8, "api_token": 4096}
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "DELETE", "OPTIONS"))
TRANSIENT_STATUS = frozenset((502, 503, 504))
# The size of the pieces a binary is streamed and hashed in.
CHUNK = 1024 * 1024
# How much of a download is looked at (``inspect``) before it is written.
SNIFF_BYTES = 512
# Sent as the User-Agent, so that a server's access log (and the emulator's conformance log) can tell our calls.
COLLECTION_VERSION = "1.0.0"


class Sha256Pipe:
    """sha256 of a stream of chunks, computed in a helper thread.

    hashlib lets go of the GIL on large buffers, so the hashing of one chunk
    overlaps the network and disk I/O of the next: on a 1 GiB package the
    hash costs as much time as the I/O, and sequential code would add both.
    At most ``depth`` chunks wait in between, so memory stays bounded.
    """

    def __init__(self, depth: int = 4):
        self._digest = hashlib.sha256()
        self._chunks: queue.Queue = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._chunks.get()
            if chunk is None:
                return
            self._digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def hexdigest(self) -> str:
        """Wait for the chunks handed over so far; the pipe is closed afterwards."""
        self.close()
        return self._digest.hexdigest()

    def close(self) -> None:
        if self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()


class _MultipartFile:
    """A multipart/form-data body with one file field, streamed from disk.

    ``requests`` sends an object with ``__iter__`` and ``__len__`` chunk by
    chunk with a Content-Length, so memory does not grow with the file.
    """

    def __init__(self, path: str, field: str = "file"):
        self.path = path
        self.boundary = uuid.uuid4().hex
        name = os.path.basename(path).replace('"', "")
        self.head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                     'Content-Type: application/octet-stream\r\n\r\n' % (self.boundary, field, name)).encode()
        self.tail = ("\r\n--%s--\r\n" % self.boundary).encode()
        self.size = os.path.getsize(path)
        self.sha256 = None  # of the file, known once it has been sent whole

    @property
    def content_type(self) -> str:
        return "multipart/form-data; boundary=%s" % self.boundary

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self):
        digest = Sha256Pipe()
        try:
            yield self.head
            with open(self.path, "rb") as handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        break
                    digest.update(chunk)
                    yield chunk
            self.sha256 = digest.hexdigest()
            yield self.tail
        finally:
            digest.close()


class Client:
    def __init__(self, base_url: str, validate_certs: bool = True, ca_path: Optional[str] = None,
                 timeout: float = 60, retries: int = 3, backoff: float = 0.5):
        if requests is None:
            raise TransportError("the Python library 'requests' is required")
        self.base_url = normalise_base_url(base_url)
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "mstr.migration/%s %s" % (
            COLLECTION_VERSION, requests.utils.default_user_agent())
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        # verify is passed per request: REQUESTS_CA_BUNDLE would otherwise override Session.verify.
        self.verify = (ca_path or True) if validate_certs else False
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.token: Optional[str] = None
        # Set by a login in check mode and carried by the session value (session).
        self.opened_in_check_mode = False
        self._deadline: Optional[float] = None  # time.monotonic() by which requests must be done (see deadline())

    # ---------------------------------------------------------------- session
    def login(self, login_mode: str = "standard", username: Optional[str] = None,
              password: Optional[str] = None, api_token: Optional[str] = None) -> None:
        body = {"loginMode": LOGIN_MODES[login_mode]}
        if login_mode == "api_token":
            body["username"] = api_token
        elif login_mode != "anonymous":
            body.update(username=username, password=password or "")
        # Not repeated on failure after sending: a second login would open a second session.
        response = self._send("POST", "/auth/login", retry_sent=False, json=body)
        if response.status_code == 404:
            response.close()
            raise TransportError("POST %s/api/auth/login answered 404 Not Found: no Library REST API at %s. base_url "
                                 "probably lacks the application's path, for example "
                                 "https://HOST/MicroStrategyLibrary" % (self.base_url, self.base_url), http_status=404)
        self._raise_for_status(response, "POST", "/api/auth/login")
        token = response.headers.get("X-MSTR-AuthToken")
        if not token:
            raise TransportError("the server accepted the login but returned no X-MSTR-AuthToken header; is base_url "
                                 "the Library address (https://HOST/MicroStrategyLibrary)?")
        self.token = token

    def resume(self, session: dict) -> None:
        self.token = session["token"]
        self.opened_in_check_mode = bool(session.get("opened_in_check_mode"))
        for cookie in session["cookies"]:
            # secure=True: the cookie jar then never sends it over http.
            self.http.cookies.set(cookie["name"], cookie["value"], domain=cookie.get("domain", ""),
                                  path=cookie.get("path", "/"), secure=cookie.get("secure", False))

    def cookies(self) -> list:
        return [{"name": c.name, "value": c.value, "domain": c.domain, "path": c.path, "secure": bool(c.secure)}
                for c in self.http.cookies]

    def secrets(self) -> list:
        """Values learned at run time that must never be shown."""
        return [value for value in [self.token] + [c["value"] for c in self.cookies()] if value]

    def session_value(self) -> str:
        """The session for later tasks: where the server is, how it was trusted, and the credentials of this login."""
        return encode_session({"base_url": self.base_url, "token": self.token, "cookies": self.cookies(),
                               "validate_certs": self.validate_certs, "ca_path": self.ca_path,
                               "timeout": self.timeout, "opened_in_check_mode": self.opened_in_check_mode})

    def fork(self) -> "Client":
        """A client of the same session on a connection of its own, for requests made from another thread."""
        other = Client(self.base_url, self.validate_certs, self.ca_path, self.timeout, self.retries, self.backoff)
        other.token = self.token
        other.http.cookies.update(self.http.cookies)
        return other

    def close(self) -> None:
        self.http.close()

    def logout(self) -> bool:
        """End the session; False when it had already ended."""
        try:
            self.request("POST", "/auth/logout", expect=(204, 200))
        except ApiError as exc:
            if exc.status == 401:
                return False
            raise
        return True

    # ---------------------------------------------------------------- requests
    def _headers(self, project_id: Optional[str], prefer_async: bool, extra: Optional[dict]) -> dict:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["X-MSTR-AuthToken"] = self.token
        if project_id:
            headers["X-MSTR-ProjectID"] = check_header_value(project_id, "project_id")
        if prefer_async:
            headers["Prefer"] = "respond-async"
        headers.update(extra or {})
        return headers

    @contextlib.contextmanager
    def deadline(self, seconds: float):
        """Requests inside the block end by then: each gets at most the time left as its timeout, and no retry
        or backoff goes past it (a wait's ``wait_timeout`` bounds its single requests too)."""
        previous = self._deadline
        ends = time.monotonic() + seconds
        self._deadline = ends if previous is None else min(previous, ends)
        try:
            yield
        finally:
            self._deadline = previous

    def _time_left(self) -> Optional[float]:
        return None if self._deadline is None else self._deadline - time.monotonic()

    def _pause(self, attempt: int) -> bool:
        """Exponential backoff before retry number ``attempt`` (1, 2, ...); False when it would pass the deadline."""
        pause = self.backoff * 2 ** (attempt - 1)
        left = self._time_left()
        if left is not None and pause >= left:
            return False
        time.sleep(pause)
        return True

    @staticmethod
    def _was_sent(exc: Exception) -> bool:
        """False when the request provably never reached the server."""
        if isinstance(exc, ConnectTimeout):
            return False
        text = repr(exc)
        return not any(mark in text for mark in ("NewConnectionError", "Connection refused", "NameResolutionError"))

    def _no_answer(self, method: str, path: str, attempts: int, timeout: float, exc: Exception) -> str:
        """What went wrong, in the words of someone checking base_url: refused, unknown host, or silence."""
        parts = urlsplit(self.base_url)
        where = "%s:%s" % (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        text = repr(exc)
        tried = "%d attempt(s)" % attempts
        if "Connection refused" in text or "ConnectionRefusedError" in text:
            return ("cannot connect to %s (connection refused, %s): is base_url right and the Library running?"
                    % (where, tried))
        if any(mark in text for mark in ("NameResolutionError", "Name or service not known", "nodename nor servname",
                                         "Temporary failure in name resolution", "getaddrinfo failed")):
            return "cannot find the host %s of base_url (%s): is base_url right?" % (parts.hostname, tried)
        if isinstance(exc, ConnectTimeout):
            return ("cannot connect to %s (no answer within %.1f s, %s): is base_url right, and is a firewall or proxy "
                    "in the way?" % (where, timeout, tried))
        if isinstance(exc, requests.Timeout):
            return ("%s /api%s: the server did not answer within %.1f s (%s); raise timeout, or check the server"
                    % (method, path, timeout, tried))
        return "%s /api%s: no answer from the server after %s: %s" % (method, path, tried, _short(exc))

    def _send(self, method: str, path: str, retry_sent: Optional[bool] = None, retries: Optional[int] = None,
              **kwargs):
        """Send with retries: transient answers and lost connections are retried
        only for idempotent methods, unsent requests always."""
        if retry_sent is None:
            retry_sent = method in IDEMPOTENT_METHODS
        retries = self.retries if retries is None else retries
        url = self.base_url + "/api" + path
        attempt = 0
        while True:
            timeout = self._request_timeout(method, path)
            try:
                # Never redirected: a redirect would carry the login body, the token and the cookies elsewhere.
                response = self.http.request(method, url, verify=self.verify, timeout=timeout, allow_redirects=False,
                                             **kwargs)
            except SSLError as exc:
                raise TransportError("TLS error talking to %s: %s. Hint: %s"
                                     % (self.base_url, _short(exc), _tls_hint(exc))) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                if self._retry(attempt, retries, retry_sent or not self._was_sent(exc)):
                    attempt += 1
                    continue
                raise TransportError(self._no_answer(method, path, attempt + 1, timeout, exc)) from exc
            if response.status_code in TRANSIENT_STATUS and self._retry(attempt, retries, retry_sent):
                response.close()
                attempt += 1
                continue
            if 300 <= response.status_code < 400:
                response.close()
                raise TransportError(_redirect_message(method, path, url, response))
            return response

    def _request_timeout(self, method: str, path: str) -> float:
        """The client's timeout, or the time left before the deadline when that is shorter."""
        left = self._time_left()
        if left is None:
            return self.timeout
        if left <= 0:
            raise TransportError("%s /api%s: not sent, the time allowed for the wait is up" % (method, path))
        return min(self.timeout, left)

    def _retry(self, attempt: int, retries: int, allowed: bool) -> bool:
        """Whether to try again (after the backoff pause): allowed, attempts left, and time left."""
        return allowed and attempt < retries and self._pause(attempt + 1)

    @staticmethod
    def _raise_for_status(response, method: str, path: str, expect=None) -> None:
        if expect is None:
            ok = 200 <= response.status_code < 300
        else:
            ok = response.status_code in expect
        if ok:
            return
        code = message = ticket = iserver = details = None
        try:
            body = response.json()
            if isinstance(body, dict):
                code, message = body.get("code"), body.get("message")
                ticket, iserver, details = body.get("ticketId"), body.get("iServerCode"), body.get("subErrors")
        except ValueError:
            text = (response.text or "").strip()
            message = (response.reason or "") + (": " + text[:200] if text and "<html" not in text.lower() else "")
        raise ApiError(response.status_code, method, path, code=code, server_message=message,
                       ticket_id=ticket, iserver_code=iserver, raw_sub_errors=details)

    def request(self, method: str, path: str, project_id: Optional[str] = None, prefer_async: bool = False,
                json_body=None, params: Optional[dict] = None, expect=None, retries: Optional[int] = None):
        """Send a JSON request and return the decoded body (None when empty)."""
        kwargs = {"headers": self._headers(project_id, prefer_async, None), "params": params}
        if json_body is not None:
            kwargs["json"] = json_body
        response = self._send(method, path, retries=retries, **kwargs)
        self._raise_for_status(response, method, "/api" + path, expect)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TransportError("%s /api%s answered HTTP %s with a body that is not JSON; is base_url the Library "
                                 "address?" % (method, path, response.status_code)) from exc

    def download(self, path: str, sink, project_id: Optional[str] = None, inspect=None) -> dict:
        """Stream a binary into ``sink`` (``write(bytes)`` and ``restart()``).

        ``inspect(head, media_type, request, status)`` sees the first ``SNIFF_BYTES``
        (and the content type) before anything is written: it raises to refuse
        the answer, and what it returns is the result's ``inspected``. A
        connection lost mid-body is retried from scratch; the sink is told to
        start over. Returns size and sha256 of what the sink received.
        """
        attempt = 0
        # identity: a compressing gateway would otherwise send (and count) other bytes than the binary's.
        headers = self._headers(project_id, False, {"Accept": "application/octet-stream",
                                                    "Accept-Encoding": "identity"})
        while True:
            response = self._send("GET", path, stream=True, headers=headers)
            try:
                self._raise_for_status(response, "GET", "/api" + path)
                return _stream_into(response, sink, inspect or _accept, "GET /api" + path)
            except (ChunkedEncodingError, requests.ConnectionError, requests.Timeout) as exc:
                if not self._retry(attempt, self.retries, True):
                    raise TransportError("download of /api%s was interrupted after %d bytes, %d attempt(s): %s"
                                         % (path, getattr(exc, "received", 0), attempt + 1, _short(exc))) from exc
                attempt += 1
                sink.restart()
            finally:
                response.close()

    def upload(self, path: str, file_path: str, project_id: Optional[str] = None) -> tuple:
        """Send a file as multipart field ``file`` with PUT, streamed from disk.

        Returns the decoded answer and the size and sha256 of the file sent.
        """
        # Iterating the body reopens the file, so a retry resends it from the start.
        body = _MultipartFile(file_path)
        headers = self._headers(project_id, False, {"Content-Type": body.content_type, "Accept-Encoding": "identity"})
        response = self._send("PUT", path, retry_sent=False, headers=headers, data=body)
        self._raise_for_status(response, "PUT", "/api" + path)
        try:
            answer = response.json() if response.content else None
        except ValueError as exc:
            raise ResponseError("PUT /api%s answered HTTP %s with a body that is not JSON; is base_url the Library "
                                "address, or is a proxy answering?" % (path, response.status_code)) from exc
        return answer, {"size": body.size, "sha256": body.sha256}


def _accept(_head: bytes, _media_type: str, _request: str, _status: int):
    return None


def _stream_into(response, sink, inspect, request: str) -> dict:
    """One attempt of a download: inspect the head, then hash (in the helper thread) and write every chunk."""
    received = 0
    digest = Sha256Pipe()
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    head, inspected, looked = b"", None, False
    try:
        for chunk in response.iter_content(CHUNK):
            if not looked:  # nothing is written before the start of the body has been looked at
                head += chunk
                if len(head) < SNIFF_BYTES:
                    continue
                chunk, inspected, looked = head, inspect(head, media_type, request, response.status_code), True
            digest.update(chunk)
            sink.write(chunk)
            received += len(chunk)
        if not looked:  # a body shorter than SNIFF_BYTES
            inspected = inspect(head, media_type, request, response.status_code)
            if head:
                digest.update(head)
                sink.write(head)
                received += len(head)
        expected = response.headers.get("Content-Length")
        if expected is not None and int(expected) != received:
            raise ChunkedEncodingError("received %d of %s bytes" % (received, expected))
        return {"size": received, "sha256": digest.hexdigest(), "inspected": inspected}
    except (ChunkedEncodingError, requests.ConnectionError, requests.Timeout) as exc:
        # Bytes off the wire, including a last chunk that never reached the sink.
        exc.received = max(received, _bytes_read(response))
        raise
    finally:
        digest.close()


def _redirect_message(method: str, path: str, url: str, response) -> str:
    location = response.headers.get("Location")
    if not location:
        return ("%s /api%s was answered HTTP %s, a redirect without a Location; redirects are not followed. Set "
                "base_url to the final address of the Library" % (method, path, response.status_code))
    target = urljoin(url, location)
    # The Library address the redirect leads to, when it keeps the API path.
    suffix = "/api" + path
    suggestion = target.split("?", 1)[0]
    suggestion = " (%s)" % shown_url(suggestion[:-len(suffix)]) if suggestion.endswith(suffix) else ""
    return ("%s /api%s was answered HTTP %s, a redirect to %s; redirects are not followed, so that no password, token "
            "or cookie goes anywhere base_url does not name. Set base_url to the final address%s"
            % (method, path, response.status_code, shown_url(target), suggestion))


def _tls_hint(exc: Exception) -> str:
    """What to change, by the cause OpenSSL gives for the refused certificate."""
    text = str(exc).lower()
    if "expired" in text:
        return ("the server certificate has expired; it must be renewed on the server (ca_path and base_url cannot "
                "fix it)")
    if "wrong version number" in text or "record layer failure" in text or "unknown protocol" in text:
        return "the server does not speak TLS at that address; check the scheme (https or http) and port of base_url"
    if "hostname mismatch" in text or "ip address mismatch" in text or "doesn't match" in text:
        return ("the host in base_url must match a name in the server certificate; use the name the certificate "
                "was issued for")
    return ("set ca_path to the CA bundle that signed the server certificate (validate_certs=false only for "
            "tests)")


def _bytes_read(response) -> int:
    try:
        return int(response.raw.tell())
    except (AttributeError, TypeError, ValueError, OSError):
        return 0


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + "..."
