# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A real emulator process for the client tests; mocks only for what it cannot do."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.tests.emulator.fixtures import start_emulator  # noqa: F401  pylint: disable=unused-import
from ansible_collections.mstr.migration.tests.emulator.process import EmulatorProcess

PASSWORD = "mstr-emulator"


@pytest.fixture(scope="session")
def emulator_process():
    server = EmulatorProcess("--processing-seconds", "0.2")
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_process):
    emulator_process.reset()
    yield emulator_process
    emulator_process.reset()
