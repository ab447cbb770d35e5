# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vendor SDK's way (mstrio-py), for the benchmark: its package calls, as its docs use them.

    python sdk_way.py export BASE_URL DEST       create, define, poll every 0.1 s, download, delete
    python sdk_way.py transfer BASE_URL DEST     download a built package, then upload it into a new holder

``transfer`` prints JSON timings. The SDK returns every answer as a whole
``requests`` response (no streaming), so the body of a download and of an
upload sits in memory entire; that is the memory figure the benchmark shows.
Runs in its own virtualenv (``make benchmark`` makes it), never in the tests.
"""

from __future__ import annotations

import json
import sys
import time

from mstrio.api import migration  # pylint: disable=import-error
from mstrio.connection import Connection  # pylint: disable=import-error

PROJECT = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEFINITION = {
    "type": "project",
    "settings": {"defaultAction": "replace", "aclOnReplacingObjects": "use_existing",
                 "aclOnNewObjects": ["keep_acl_as_source_object"]},
    "content": [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12, "action": "replace", "includeDependents": True}],
}


def connect(base_url: str) -> Connection:
    return Connection(base_url, "administrator", "mstr-emulator", login_mode=1, verbose=False)


def wait_ready(conn: Connection, package_id: str) -> None:
    while True:
        status = migration.get_package_holder(conn, package_id, project_id=PROJECT, show_content=False).json()
        if str(status.get("status", "")).lower() == "ready":
            return
        time.sleep(0.1)


def download(conn: Connection, package_id: str) -> bytes:
    """The SDK's own download (its error handling and all), with the Accept header the vendor page sends: the SDK
    sends Accept: */*, which the emulator refuses (it requires what the pages show). Set on the SDK connection's
    requests session for this one call, so that nothing else about the SDK's download changes."""
    headers = conn._session.headers  # pylint: disable=protected-access
    previous = headers.get("Accept")
    headers["Accept"] = "application/octet-stream"
    try:
        return migration.download_package(conn, package_id, project_id=PROJECT).content
    finally:
        headers["Accept"] = previous


def build(conn: Connection) -> str:
    package_id = migration.create_package_holder(conn, project_id=PROJECT).json()["id"]
    migration.update_package_holder(conn, DEFINITION, package_id, project_id=PROJECT)
    wait_ready(conn, package_id)
    return package_id


def export(base_url: str, dest: str) -> None:
    conn = connect(base_url)
    try:
        package_id = build(conn)
        try:
            with open(dest, "wb") as handle:
                handle.write(download(conn, package_id))
        finally:
            migration.delete_package_holder(conn, package_id, project_id=PROJECT)
    finally:
        conn.close()


def transfer(base_url: str, dest: str) -> None:
    source, target = connect(base_url), connect(base_url)
    timings = {}
    try:
        package_id = build(source)
        started = time.monotonic()
        body = download(source, package_id)
        with open(dest, "wb") as handle:
            handle.write(body)
        timings["download_s"] = time.monotonic() - started
        timings["size"] = len(body)
        del body
        migration.delete_package_holder(source, package_id, project_id=PROJECT)
        started = time.monotonic()
        holder = migration.create_package_holder(target, project_id=PROJECT).json()["id"]
        with open(dest, "rb") as handle:
            migration.upload_package(target, holder, file=handle.read(), project_id=PROJECT)
        wait_ready(target, holder)
        timings["upload_s"] = time.monotonic() - started
        migration.delete_package_holder(target, holder, project_id=PROJECT)
    finally:
        source.close()
        target.close()
    print(json.dumps(timings))


if __name__ == "__main__":
    {"export": export, "transfer": transfer}[sys.argv[1]](sys.argv[2], sys.argv[3])
