# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures that run the emulator as a real HTTP server in its own process."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import requests

from tests.emulator.fixtures import running, start_emulator  # noqa: F401  pylint: disable=unused-import
from tests.emulator.process import EmulatorProcess

REPO = Path(__file__).resolve().parents[3]
TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"
YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
LU_YEAR = "8D6793C211D3E4981000E787EC6DE8A4"
ADMINISTRATOR = "54F3D26011D2896560009A8E67019608"
PASSWORD = "mstr-emulator"
OCTET_STREAM = {"Accept": "application/octet-stream"}


class Api:
    """A small client that follows the vendor's pages: token header plus cookies, and each call's headers."""

    def __init__(self, base_url: str, verify=True):
        self.base_url = base_url
        self.http = requests.Session()
        # Passed per request: REQUESTS_CA_BUNDLE in the environment would override Session.verify.
        self.verify = verify
        self.token = None

    def login(self, username="administrator", password=PASSWORD, mode=1, **extra) -> requests.Response:
        response = self.http.post(self.base_url + "/api/auth/login",
                                  json={"username": username, "password": password, "loginMode": mode, **extra},
                                  timeout=10, verify=self.verify)
        if response.status_code == 204:
            self.token = response.headers["X-MSTR-AuthToken"]
        return response

    def call(self, method: str, path: str, project=None, prefer_async=False, headers=None, **kwargs):
        all_headers = {"X-MSTR-AuthToken": self.token} if self.token else {}
        if project:
            all_headers["X-MSTR-ProjectID"] = project
        if prefer_async:
            all_headers["Prefer"] = "respond-async"
        all_headers.update(headers or {})
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("verify", self.verify)
        return self.http.request(method, self.base_url + path, headers=all_headers, **kwargs)

    def create_package(self, project=TUTORIAL) -> str:
        response = self.call("POST", "/api/packages", project=project)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def define(self, package_id: str, body: dict, project=TUTORIAL) -> requests.Response:
        return self.call("PUT", "/api/packages/" + package_id, project=project, prefer_async=True, json=body)

    def wait_package(self, package_id: str, project=TUTORIAL, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            body = self.call("GET", "/api/packages/" + package_id, project=project,
                             params={"showContent": "true"}).json()
            if body["status"].upper() != "PROCESSING" or time.monotonic() > deadline:
                return body
            time.sleep(0.05)

    def download(self, package_id: str, project=TUTORIAL, **kwargs) -> requests.Response:
        return self.call("GET", "/api/packages/%s/binary" % package_id, project=project, headers=OCTET_STREAM,
                         **kwargs)

    def delete_package(self, package_id: str, project=TUTORIAL) -> requests.Response:
        return self.call("DELETE", "/api/packages/" + package_id, project=project, prefer_async=True)

    def start_import(self, package_id: str, project=DEMO, generate_undo="true") -> requests.Response:
        return self.call("POST", "/api/packages/imports", project=project, prefer_async=True,
                         params={"packageId": package_id, "generateUndo": generate_undo})

    def delete_import(self, import_id: str, project=DEMO) -> requests.Response:
        return self.call("DELETE", "/api/packages/imports/" + import_id, project=project, prefer_async=True)

    def wait_import(self, import_id: str, project=DEMO, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            body = self.call("GET", "/api/packages/imports/" + import_id, project=project).json()
            if body["status"].upper() != "PROCESSING" or time.monotonic() > deadline:
                return body
            time.sleep(0.05)


def project_body(object_id=YEAR, object_type=12, include=True, action="replace", **settings) -> dict:
    return {
        "type": "project",
        "settings": {
            "updateSchema": ["recal_table_logical_size", "recal_table_keys_fact_entry_level"],
            "aclOnReplacingObjects": "use_existing",
            "aclOnNewObjects": ["keep_acl_as_source_object"],
            "defaultAction": "replace",
            **settings,
        },
        "content": [{"id": object_id, "name": "Year", "type": object_type,
                     "action": action, "includeDependents": include}],
    }


CONFIGURATION_BODY = {
    "type": "configuration",
    "settings": {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                 "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
    "content": [{"id": ADMINISTRATOR, "name": "Administrator", "type": 34,
                 "action": "replace", "includeDependents": True}],
}

PROJECT_SECURITY_BODY = {
    "type": "project_security",
    "settings": {"updateSchema": None, "aclOnReplacingObjects": None,
                 "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
    "content": [{"id": ADMINISTRATOR, "name": "Administrator", "type": 34,
                 "action": "replace", "includeDependents": False}],
}


@pytest.fixture(scope="session")
def emulator():
    yield from running("--processing-seconds", "0.2")


@pytest.fixture
def emu(emulator):
    """The shared emulator, reset to its seed before each test."""
    emulator.reset()
    yield emulator
    emulator.reset()


@pytest.fixture(scope="module")
def storage_pair(tmp_path_factory):
    """Two Libraries that share one Storage Service (``--storage-dir``), for the Workstation route's tests."""
    store = str(tmp_path_factory.mktemp("storage-service"))
    started = [EmulatorProcess("--processing-seconds", "0.2", "--storage-dir", store) for _side in range(2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def api(emu) -> Api:
    client = Api(emu.base_url)
    assert client.login().status_code == 204
    return client


def shared_dir() -> Path:
    return Path(os.environ.get("MSTR_SHARED_DIR", REPO.parent / "shared"))


def dumps(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
