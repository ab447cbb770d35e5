# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pytest fixtures shared by the emulator's tests and the collection's unit tests."""

from __future__ import annotations

import pytest

from .process import EmulatorProcess


def running(*args: str):
    """An emulator for the scope of a fixture that ``yield from``s it, stopped at the end."""
    server = EmulatorProcess(*args)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_emulator():
    """Start emulators with their own options; all are stopped after the test."""
    started = []

    def start(*args: str) -> EmulatorProcess:
        server = EmulatorProcess(*args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
