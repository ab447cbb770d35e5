# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run the emulator as a separate process, for tests of the emulator and of the collection."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


class EmulatorProcess:
    def __init__(self, *args: str):
        # stderr goes to a file: a pipe nobody reads could fill up and stall the server.
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.emulator", "--port", "0", "--parent-pid", str(os.getpid()), *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("emulator listening on "):
            self.proc.kill()
            self.proc.wait()
            self.stderr.seek(0)
            raise RuntimeError("emulator did not start: %r %s" % (line, self.stderr.read()))
        self.base_url = line.split()[-1]
        self.root = self.base_url.rsplit("/MicroStrategyLibrary", 1)[0]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()

    # Admin endpoint helpers: read or change server state directly.
    def state(self, **params) -> dict:
        return requests.get(self.root + "/__emulator__/state", params=params, timeout=30, verify=False).json()

    def faults(self, **values) -> dict:
        return requests.post(self.root + "/__emulator__/faults", json=values, timeout=10, verify=False).json()

    def objects(self) -> dict:
        return requests.get(self.root + "/__emulator__/objects", timeout=10, verify=False).json()

    def patch_object(self, scope: str, object_id: str, **changes) -> dict:
        return requests.patch("%s/__emulator__/objects/%s/%s" % (self.root, scope, object_id),
                              json=changes, timeout=10, verify=False).json()

    def reset(self):
        requests.post(self.root + "/__emulator__/reset", timeout=10, verify=False).raise_for_status()

    def rss_kib(self) -> int:
        with open("/proc/%d/status" % self.proc.pid) as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")
