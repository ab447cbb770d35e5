# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One state machine for every asynchronous step of the server: a package definition, an import, ...

A ``Job`` puts its record (a dict with ``status``, ``message`` and
``subErrors``, and ``progress`` when its kind shows one) into the kind's
running status for ``--processing-seconds``. Nothing runs in the background:
the family's ``advance(now)`` calls ``Job.advance`` at the start of each
request, and once the time is up the job ends in its kind's success status
(its ``work`` ran) or its failed status (its work raised ``JobFailed``, or a
fault of the kind's counter was set: ``fail_processing``, ``fail_imports``).
Status values are stored upper case; the family shows them in the
``--status-case`` asked for. The record may be part of a larger one (a
record with several state machines gives each its own dict and ``JobKind``),
and a kind names its own running status when it is not PROCESSING.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from .errors import sub_error


class JobFailed(Exception):
    """The job ends failed with ``message``; ``objects`` ((id, name, reason), ...) become its subErrors."""

    def __init__(self, message: str, objects: Optional[list] = None):
        super().__init__(message)
        self.message = message
        self.objects = objects or []


@dataclass(frozen=True)
class JobKind:
    success: str  # READY, IMPORTED
    failed: str  # CREATION_FAILED, IMPORT_FAILED
    fault: str  # the fault counter that fails the next job of this kind
    running: str = "PROCESSING"
    shows_progress: bool = False


def fail(record: dict, failed: str, error: JobFailed):
    record["status"] = failed
    record["message"] = error.message
    record["subErrors"] = [sub_error(*entry) for entry in error.objects] or None


class Job:
    def __init__(self, kind: JobKind, record: dict, now: float, seconds: float, work: Callable[[], None],
                 injected: Callable[[], JobFailed]):
        """``work`` does what the job does once its time is up; ``injected`` is the failure of a fault."""
        self.kind = kind
        self.record = record
        self.started = now
        self.done_at = now + seconds
        self.work = work
        self.injected = injected
        record["status"] = kind.running
        if kind.shows_progress:
            record["progress"] = 0.0

    @property
    def running(self) -> bool:
        return self.record["status"] == self.kind.running

    def advance(self, now: float, faults):
        if not self.running:
            return
        if now < self.done_at:
            if self.kind.shows_progress:
                duration = max(self.done_at - self.started, 1e-9)
                self.record["progress"] = round(min(99.0, 100.0 * (now - self.started) / duration), 1)
            return
        try:
            if faults.take(self.kind.fault):
                raise self.injected()
            self.work()
        except JobFailed as error:
            fail(self.record, self.kind.failed, error)
            return
        self.record["status"] = self.kind.success
        if self.kind.shows_progress:
            self.record["progress"] = 100.0
