# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a package whole, as the vendor SDK's calls do, without the SDK: requests and ``.content``.

    python whole_body.py BASE_URL DEST     build, download whole, upload whole into a new holder; prints JSON timings

It separates the cost of holding the body in memory from the SDK's own
handling of it (mstrio-py also tries to decode every answer as JSON text).
"""

from __future__ import annotations

import json
import sys
import time

import requests

PROJECT = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEFINITION = {"type": "project", "settings": {"defaultAction": "use_existing"},
              "content": [{"id": "8D679D5111D3E4981000E787EC6DE8A4", "type": 12, "action": "use_existing"}]}


class Session:
    def __init__(self, base_url: str):
        self.api = base_url + "/api"
        self.http = requests.Session()
        answer = self.http.post(self.api + "/auth/login", timeout=60,
                                json={"username": "administrator", "password": "mstr-emulator", "loginMode": 1})
        answer.raise_for_status()
        self.http.headers.update({"X-MSTR-AuthToken": answer.headers["X-MSTR-AuthToken"], "X-MSTR-ProjectID": PROJECT})

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        answer = self.http.request(method, self.api + path, timeout=600, **kwargs)
        answer.raise_for_status()
        return answer

    def wait_ready(self, package_id: str) -> None:
        while self.call("GET", "/packages/" + package_id, params={"showContent": "false"}).json()["status"].lower() != "ready":
            time.sleep(0.1)

    def close(self) -> None:
        self.call("POST", "/auth/logout")


def main(base_url: str, dest: str) -> None:
    source, target = Session(base_url), Session(base_url)
    timings = {}
    try:
        package_id = source.call("POST", "/packages").json()["id"]
        source.call("PUT", "/packages/" + package_id, json=DEFINITION, headers={"Prefer": "respond-async"})
        source.wait_ready(package_id)
        started = time.monotonic()
        body = source.call("GET", "/packages/%s/binary" % package_id,
                           headers={"Accept": "application/octet-stream"}).content
        with open(dest, "wb") as handle:
            handle.write(body)
        timings.update(download_s=time.monotonic() - started, size=len(body))
        del body
        source.call("DELETE", "/packages/" + package_id, headers={"Prefer": "respond-async"})
        started = time.monotonic()
        holder = target.call("POST", "/packages").json()["id"]
        with open(dest, "rb") as handle:
            target.call("PUT", "/packages/%s/binary" % holder, files={"file": handle.read()})
        target.wait_ready(holder)
        timings["upload_s"] = time.monotonic() - started
        target.call("DELETE", "/packages/" + holder, headers={"Prefer": "respond-async"})
    finally:
        source.close()
        target.close()
    print(json.dumps(timings))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
