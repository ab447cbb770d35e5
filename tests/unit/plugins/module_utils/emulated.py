# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the unit tests against an emulator share: its seeded ids, the vendor's sample package, a login."""

from __future__ import annotations

from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client

PASSWORD = "mstr-emulator"
TUTORIAL = "B7CA92F04B9FAE8D941C3E9B7E0CD754"
DEMO = "B19DEDCC11D4E0EFC000EB9495D0F44F"
YEAR = "8D679D5111D3E4981000E787EC6DE8A4"
# The vendor's sample project package: the attribute Year with its dependents.
YEAR_BODY = {"type": "project",
             "settings": {"updateSchema": None, "aclOnReplacingObjects": "use_existing",
                          "aclOnNewObjects": ["keep_acl_as_source_object"], "defaultAction": "replace"},
             "content": [{"id": YEAR, "type": 12, "action": "replace", "includeDependents": True}]}


def logged_in(server, **kwargs) -> Client:
    """A client logged in as administrator to ``server`` (anything with a ``base_url``), with short backoffs."""
    kwargs.setdefault("backoff", 0.01)
    client = Client(server.base_url, **kwargs)
    client.login("standard", "administrator", PASSWORD)
    return client


def ready_package(client) -> str:
    """A holder of the client's session with YEAR_BODY built in it."""
    api = PackageApi(client, TUTORIAL, "project")
    package_id = api.create_holder()
    api.define(package_id, YEAR_BODY)
    api.wait_ready(package_id, 10)
    return package_id


def write_tls_files(directory, ca, certificates: dict) -> dict:
    """trustme ``certificates`` by name, written to ``directory``: name -> (cert chain, key) paths, and ``ca``."""
    files = {}
    for name, cert in certificates.items():
        files[name] = (directory / (name + ".pem"), directory / (name + ".key"))
        cert.private_key_and_cert_chain_pem.write_to_path(str(files[name][0]))
        cert.private_key_pem.write_to_path(str(files[name][1]))
    files["ca"] = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(files["ca"]))
    return files
