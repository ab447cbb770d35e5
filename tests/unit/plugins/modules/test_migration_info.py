# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""migration_info's list: what it asks the server for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.mstr.migration.plugins.modules import migration_info


class Recorder:
    base_url = "https://l/MicroStrategyLibrary"

    def __init__(self):
        self.sent = []

    def request(self, method, path, params=None, **_kwargs):
        self.sent.append((method, path, params))
        return {"data": [], "total": 0}


@pytest.mark.parametrize("purpose, sent", [
    ([], "object_migration"),
    (["project_merge", "object_migration"], "project_merge,object_migration"),
])
def test_the_purposes_sent(purpose, sent):
    """An empty purpose list (a variable holding none) lists what the server lists by default, not nothing."""
    client = Recorder()
    module = SimpleNamespace(params={"migration_id": None, "name": None, "status": None, "purpose": purpose})
    changed, result, _diff = migration_info.run(module, client, None)
    assert not changed and result["migrations"] == []
    assert [params["packageInfo.purpose"] for _m, _p, params in client.sent] == [sent]
