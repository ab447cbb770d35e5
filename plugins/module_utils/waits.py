# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for a server job (a package, an import, and later a migration) to reach a final status.

Beside the API classes, which give it the read of one job.
"""

from __future__ import annotations

import time
from typing import Callable

from ansible_collections.mstr.migration.plugins.module_utils.answers import is_failed, mapping, normalise_status
from ansible_collections.mstr.migration.plugins.module_utils.errors import (ApiError, OperationFailed, TransportError,
                                                                            WaitTimeout, describe_sub_errors,
                                                                            sub_errors)


def wait_for_status(read: Callable[[], dict], success: str, what: str, timeout: float,
                    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                    min_interval: float = 0.05, max_interval: float = 5.0) -> dict:
    """Poll ``read`` until its status is ``success``.

    Polls fast at first, then every tenth of the time already waited (so a
    change is seen within about 10 % of the processing time), never slower
    than ``max_interval``. A status containing FAIL stops at once with the
    server's message; ``timeout`` stops with the last status and elapsed time.
    A read that gets no answer or a 5xx (after the client's own retries) does
    not stop the wait: the package or import goes on on the server, and a long
    import must not be given up over a short outage of a gateway.
    """
    started = clock()
    status, outage = None, None
    while True:
        try:
            body = mapping(read(), what)
        except (TransportError, ApiError) as exc:
            if isinstance(exc, ApiError) and exc.status < 500:
                raise
            body, outage = None, exc
        elapsed = clock() - started
        if body is not None:
            outage = None
            status = normalise_status(body.get("status"))
            if status == success:
                body["elapsed"] = round(elapsed, 3)
                return body
            if is_failed(status):
                objects = sub_errors(body.get("subErrors"))
                raise OperationFailed("%s ended with status %s after %.1f s: %s%s"
                                      % (what, status, elapsed,
                                         str(body.get("message") or "the server gave no message").rstrip("."),
                                         ". Objects: " + describe_sub_errors(objects) if objects else ""),
                                      status=status, elapsed=round(elapsed, 3), sub_errors=objects)
        if elapsed >= timeout:
            if outage is not None:
                raise WaitTimeout("%s could not be read for the last part of the %.1f s waited (wait_timeout=%s): %s"
                                  % (what, elapsed, timeout, outage.message), status=status, elapsed=round(elapsed, 3))
            raise WaitTimeout("%s is still %s after %.1f s (wait_timeout=%s); raise wait_timeout or check the "
                              "server" % (what, status or "without status", elapsed, timeout),
                              status=status, elapsed=round(elapsed, 3))
        sleep(max(0.0, min(max_interval, max(min_interval, elapsed / 10.0), timeout - elapsed)))


def wait_deadline(timeout: float) -> float:
    """How long the requests of a wait of ``timeout`` may take in all: the wait polls until ``timeout``, and its
    last read gets a tenth more (at least 0.5 s, at most 5 s), so that a slow request cannot stretch the wait to
    several times the client's ``timeout`` plus backoff."""
    return timeout + min(5.0, max(0.5, timeout / 10.0))
