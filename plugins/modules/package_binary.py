#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package_binary
short_description: Download or upload MicroStrategy package binaries (.mmp)
version_added: 1.0.0
description:
  - With O(dest), downloads the binary of a package (O(package_id)) or the undo package of an import
    (O(import_id)) to a file. The download streams to a temporary file in the same directory, which replaces
    O(dest) only once it is complete, so a failure never leaves a partial file or damages an existing one.
    The task reports a change only when the bytes on disk change (sha256), or its mode, owner or group.
  - With O(src), uploads a package file into an empty package holder (O(package_id), or a new holder created
    in O(session) when it is not given) and waits until the server has read it. A file that does not start
    like a package (the eight bytes every C(.mmp) starts with) is refused before any request, unless
    O(skip_format_check=true).
  - Memory use does not grow with the size of the file in either direction.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_FULL
  - mstr.migration.attributes.DIFF_NONE
  - ansible.builtin.files
options:
  package_id:
    description:
      - The package to download, or the empty holder to upload into. Without it, an upload creates a holder.
    type: str
  import_id:
    description:
      - Download the undo package of this import instead of a package.
    type: str
  dest:
    description:
      - File to download to. Its directory must exist. New files get mode V(0600) unless O(mode) is set.
      - An existing file is replaced as Ansible replaces files (its mode, owner, group and SELinux context are
        kept, O(unsafe_writes) is honoured); O(mode), O(owner) and O(group) still win when set.
      - An existing O(dest) that is not a regular file (a FIFO, a device, a socket, a directory) is refused
        before any request.
    type: path
  src:
    description:
      - Package file to upload. It must start with the eight bytes every package file starts with
        (C(01 80 be fe 7f 06 37 72)), unless O(skip_format_check=true).
    type: path
  skip_format_check:
    description:
      - Upload O(src) even when it does not start like a package file. The server then decides (it refuses a
        file it cannot read). Only with O(src).
    type: bool
    default: false
  backup:
    description:
      - Keep a timestamped copy of O(dest) before replacing it with different content.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for an uploaded package to become ready.
    type: float
    default: 600
notes:
  - In check mode a download is still read from the server (and hashed, not written) so that the predicted
    change is exact, a change of mode, owner or group alone included; an upload is not sent.
  - When the file cannot be written (disk full, permission, read-only file system, immutable file, file too
    big), the task fails naming the file and the reason, and the previous O(dest) is left as it was.
seealso:
  - module: mstr.migration.package
  - module: mstr.migration.package_import
  - module: ansible.builtin.copy
"""

EXAMPLES = r"""
- name: Download a package (the project header goes with every call of a project package)
  mstr.migration.package_binary:
    session: "{{ login.session }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    package_id: "{{ package.package_id }}"
    dest: /srv/migrations/year.mmp
    mode: "0640"

- name: Upload a package into a new holder of the target project
  mstr.migration.package_binary:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    src: /srv/migrations/year.mmp
  register: uploaded  # uploaded.package_id is the new holder

# A file of its own per import: dest is replaced when it exists, and an undo package is a rollback point.
# (mstr.migration.package_import with src names and keeps these files itself.)
- name: Keep the undo package of an import
  mstr.migration.package_binary:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    import_id: "{{ imported.import.id }}"
    dest: "/srv/migrations/year.undo.{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}.mmp"
"""

RETURN = r"""
dest:
  description: The downloaded file.
  returned: when O(dest) is set
  type: str
src:
  description: The uploaded file.
  returned: when O(src) is set
  type: str
size:
  description: Size of the binary in bytes.
  returned: success
  type: int
  sample: 597664
sha256:
  description: sha256 of the binary.
  returned: success
  type: str
  sample: aeb68daa6be3c565d851836f1672fc3cf2d661806c2e6befb25a3c3dfa118ee7
package_id:
  description:
    - The holder the file was uploaded into (created by this task when O(package_id) was not given). Also
      returned when the upload failed after the holder was created, so that cleanup can delete it.
  returned: when O(src) is set and not in check mode
  type: str
backup_file:
  description: The backup copy of the replaced O(dest).
  returned: when O(backup=true) and O(dest) changed
  type: str
package:
  description: The uploaded package as the server reads it (see M(mstr.migration.package) for the keys).
  returned: when O(src) is set and not in check mode
  type: dict
option:
  description:
    - The option that caused the failure, as the message starts with it (V(dest)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: dest
"""

import os
from functools import partial

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils.answers import (PACKAGE_EMPTY, PACKAGE_READY,
                                                                             check_server_id, normalise_status,
                                                                             not_a_package_warning)
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.package_api import PackageApi
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    for option in ("package_id", "import_id"):
        if params[option]:
            check_server_id(params[option], option)
    if params["dest"]:
        if not (params["package_id"] or params["import_id"]):
            raise ValidationError("package_id", "dest needs package_id (a package) or import_id (its undo package)")
        if params["skip_format_check"]:
            raise ValidationError("skip_format_check", "goes with src (an upload); remove it")
        files.check_dest(params["dest"])
        files.check_file_options(params)
    else:
        files.check_src(params["src"], params["skip_format_check"])


def download(module, client):
    params = module.params
    # The package type is not known here: project_id, when given, goes with the call as the pages send it.
    api = PackageApi(client, params["project_id"])
    if params["import_id"]:
        download_ = partial(api.download_undo, params["import_id"])
    else:
        download_ = partial(api.download, params["package_id"])
    stats = {}

    def fetch(sink):
        stats.update(download_(sink))
        return stats

    dest = params["dest"]
    result = files.download_to(fetch, dest, module.check_mode,
                               backup=module.backup_local if params["backup"] else None, module=module)
    if stats.get("package_magic") is False:
        module.warn(not_a_package_warning(dest))
    changed = result.pop("changed")
    if os.path.exists(dest):
        # In check mode this only tells whether mode, owner or group would change.
        file_args = module.load_file_common_arguments(params, path=dest)
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return changed, dict(result, dest=dest), None


def upload(module, client):
    params = module.params
    package_id, src = params["package_id"], params["src"]
    api = PackageApi(client, params["project_id"])
    if package_id:
        holder = api.read(package_id, show_content=False)
        status = normalise_status(holder.get("status"))
        if status != PACKAGE_EMPTY:
            raise MstrError("package %s is %s, not EMPTY: a binary can only be uploaded into a new holder; leave "
                            "package_id out to upload into a new one" % (package_id, status), package_id=package_id)
    if module.check_mode:
        return True, {"src": src, "size": os.path.getsize(src), "sha256": files.file_sha256(src)}, None
    if not package_id:
        package_id = api.create_holder()
    try:
        answer, sent = api.upload(package_id, src)
        if isinstance(answer, dict) and normalise_status(answer.get("status")) == PACKAGE_READY:
            current = api.read(package_id)
        else:
            current = api.wait_ready(package_id, params["wait_timeout"])
    except MstrError as exc:
        exc.details.setdefault("package_id", package_id)  # so that cleanup can delete the holder
        raise
    return True, {"src": src, "size": sent["size"], "sha256": sent["sha256"], "package_id": package_id,
                  "package": definition.package_result(current, None)}, None


def run(module, client, prepared):
    if module.params["dest"]:
        return download(module, client)
    return upload(module, client)


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            package_id={"type": "str"},
            import_id={"type": "str"},
            dest={"type": "path"},
            src={"type": "path"},
            skip_format_check={"type": "bool", "default": False},
            backup={"type": "bool", "default": False},
            wait_timeout={"type": "float", "default": 600},
        ),
        supports_check_mode=True,
        add_file_common_args=True,
        required_one_of=[("dest", "src")],
        mutually_exclusive=[("dest", "src"), ("package_id", "import_id"), ("src", "import_id")],
    )
    run_module(module, validate, run, session_required=True)


if __name__ == "__main__":
    main()
