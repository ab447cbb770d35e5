# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a task's options, its session and the MSTR_* environment combine, before any request."""

from __future__ import annotations

import pytest

from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.runner import check_project_options, connection_settings

SOURCE = "https://source.example.com/MicroStrategyLibrary"
TARGET = "https://target.example.com/MicroStrategyLibrary"


def target_session() -> str:
    client = Client(TARGET)
    client.token = "token"
    return client.session_value()


def params(**values) -> dict:
    return dict({"session": None, "base_url": None, "validate_certs": None, "ca_path": None, "timeout": None,
                 "login_mode": "standard", "username": "u", "api_token": None}, **values)


def test_a_base_url_from_the_environment_does_not_refuse_a_session_of_another_server(monkeypatch):
    # AWX injects MSTR_BASE_URL for the credential's side; a task on the other side passes that side's session.
    monkeypatch.setenv("MSTR_BASE_URL", SOURCE)
    session, settings = connection_settings(params(session=target_session(), base_url=SOURCE))
    assert session["base_url"] == TARGET and settings["base_url"] == TARGET


def test_a_base_url_the_task_sets_must_match_its_session(monkeypatch):
    monkeypatch.delenv("MSTR_BASE_URL", raising=False)
    with pytest.raises(ValidationError) as caught:
        connection_settings(params(session=target_session(), base_url=SOURCE))
    assert caught.value.option == "base_url" and "differs from the server of session" in caught.value.message


def test_a_project_name_wins_over_a_project_id_from_the_environment(monkeypatch):
    monkeypatch.setenv("MSTR_PROJECT_ID", "B7CA92F04B9FAE8D941C3E9B7E0CD754")
    options = {"project": "Demo Project", "project_id": "B7CA92F04B9FAE8D941C3E9B7E0CD754"}
    check_project_options(options)
    assert options == {"project": "Demo Project", "project_id": None}


def test_a_project_name_wins_over_a_project_id_the_task_sets(monkeypatch):
    monkeypatch.delenv("MSTR_PROJECT_ID", raising=False)
    options = {"project": "Demo Project", "project_id": "B7CA92F04B9FAE8D941C3E9B7E0CD754"}
    check_project_options(options)
    assert options == {"project": "Demo Project", "project_id": None}
