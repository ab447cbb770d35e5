# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ids and times the server stamps on what it creates."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone
from typing import Optional


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def new_id(project_id: Optional[str]) -> str:
    """A package or import id: base64 of "<project id or 32 zeros>:<random hex>"."""
    raw = "%s:%s" % (project_id or "0" * 32, uuid.uuid4().hex.upper())
    return base64.b64encode(raw.encode()).decode()


def new_version() -> str:
    return uuid.uuid4().hex.upper()
