#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package_export
short_description: Export a MicroStrategy migration package to a .mmp file with a manifest, in one task
version_added: 1.0.0
description:
  - Runs the whole export of the vendor's workflow in one task and one server session. It creates a package
    holder, sets its definition (O(type), O(settings), O(content)), waits until the server has built it,
    downloads the binary to O(dest), writes a manifest next to it and deletes the holder, whatever fails.
  - Without O(session) the module logs in with the connection options and logs out at the end.
  - The manifest records a fingerprint of the package content (settings plus every object's id, type, version
    and action) and the sha256 of the file. When a new export has the same fingerprint and O(dest) still has
    that checksum, neither file is touched and the task reports no change; otherwise both are replaced, each
    only once whole, so a failure never leaves a partial file or damages the previous export.
  - For a V(project_security) package the manifest also records, per user and group, the security roles and
    security filters it has in the project (read with C(GET /api/securityRoles), C(GET /api/securityRoles/{id})
    and C(GET /api/securityFilters/{id}/members)), so that M(mstr.migration.package_import) can compare them with
    the target; a change of these links makes a new export although no version changed. When the server will
    not show them (the user lacks the privilege), the export goes on with a warning and records none.
  - It does what a M(mstr.migration.package) task, a M(mstr.migration.package_binary) download and a
    deleting M(mstr.migration.package) task do in sequence, in one task instead of three (each task costs
    about half a second of Ansible start-up). The role P(mstr.migration.export_package#role) uses it.
  - Memory use does not grow with the size of the package.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.definition.REQUIRED
  - mstr.migration.definition
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_PARTIAL_SCRATCH
  - mstr.migration.attributes.DIFF_FULL
  - ansible.builtin.files
options:
  dest:
    description:
      - The package file to write. Its directory must exist. New files get mode V(0600) unless O(mode) is set.
      - An existing file is replaced as Ansible replaces files (its mode, owner, group and SELinux context are
        kept, O(unsafe_writes) is honoured); O(mode), O(owner) and O(group) still win when set.
      - An existing O(dest) that is not a regular file (a FIFO, a device, a socket, a directory) is refused
        before any request.
    type: path
    required: true
  manifest:
    description:
      - The manifest to write (JSON). Defaults to O(dest) followed by C(.json). It must be another file than
        O(dest) (compared as real paths, links resolved); the same rules of replacement apply to it.
      - O(mode) and the other file options apply to it as well.
    type: path
  wait_timeout:
    description:
      - Seconds to wait for the package to be built before failing with the last status seen.
    type: float
    default: 600
  preview:
    description:
      - Build and download the package into a new temporary directory, with its manifest, instead of O(dest)
        and O(manifest), which are left untouched (in check mode too). The task still reports a change when an
        export would change O(dest); RV(dest) and RV(manifest) name the files in RV(preview_dir).
      - This is what a preview of a migration needs (the playbook C(migrate.yml) with C(--check)), since
        M(mstr.migration.package_import) in check mode plans the import from these two files without any write
        request to the target.
      - The caller removes RV(preview_dir) once done with it (M(ansible.builtin.file) with C(state=absent)); a
        failed preview removes it itself.
    type: bool
    default: false
  comment:
    description:
      - A note kept in the manifest (C(comment)), for example the change ticket the export belongs to. An import
        of the package copies it into its import record (C(source.comment)).
      - An export that changes nothing keeps the manifest, and the comment, of the export that wrote the file.
    type: str
notes:
  - In check mode the package is still built in a scratch holder (and deleted) so that the module can say
    whether the file would change; nothing is downloaded or written, so RV(sha256) and RV(size) are null
    when a change is predicted. A change of mode, owner or group alone is predicted too.
  - When a file cannot be written (disk full, permission, read-only file system, immutable file, file too
    big), the task fails naming the file and the reason, leaves the previous file as it was and still deletes
    the package holder.
  - The status is polled every 50 ms at first, then every tenth of the time already waited (at most every
    5 s), so a package is seen ready within about 10 % of its build time.
seealso:
  - module: mstr.migration.package
  - module: mstr.migration.package_binary
  - module: mstr.migration.package_import
  - name: Create and import migration packages
    description: The vendor's workflow pages this module follows.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/create-and-import-migration-packages
"""

EXAMPLES = r"""
- name: Export the attribute Year with its dependents to year.mmp (and year.mmp.json)
  mstr.migration.package_export:
    base_url: https://source.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project_id: B7CA92F04B9FAE8D941C3E9B7E0CD754
    type: project
    settings:
      default_action: replace
    content:
      - id: 8D679D5111D3E4981000E787EC6DE8A4
        type: attribute
        include_dependents: true
    dest: /srv/migrations/year.mmp
  register: export

- name: The same by names (the project and the objects are looked up after login; names differing only in case match)
  mstr.migration.package_export:
    base_url: https://source.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project: MicroStrategy Tutorial
    type: project
    settings:
      default_action: replace
    content:
      - {name: Year, type: attribute, include_dependents: true}
      - {name: Revenue by Year, type: report}
    dest: /srv/migrations/year-and-report.mmp

- name: Configuration package of two users, in a session opened before
  mstr.migration.package_export:
    session: "{{ login.session }}"
    type: configuration
    settings:
      default_action: replace
    content:
      - {name: jsmith, type: user}
      - {name: mjones, type: user}
    dest: /srv/migrations/users.mmp
    mode: "0640"
"""

RETURN = r"""
dest:
  description: The package file (with O(preview), the one in RV(preview_dir)).
  returned: success
  type: str
manifest:
  description: The manifest file (with O(preview), the one in RV(preview_dir)).
  returned: success
  type: str
preview_dir:
  description: The temporary directory of the package and its manifest, for the caller to remove.
  returned: success, with O(preview)
  type: str
project:
  description: The project of the package, as the user sees it (checked before the package is built).
  returned: success, when O(project_id) or O(project) is set
  type: dict
  contains:
    id:
      description: Project id.
      type: str
    name:
      description: Project name.
      type: str
fingerprint:
  description: sha256 of the package content (settings and every object's id, type, version and action).
  returned: success
  type: str
sha256:
  description: sha256 of the package file; null in check mode when the file would change.
  returned: success
  type: str
size:
  description: Size of the package file in bytes; null in check mode when the file would change.
  returned: success
  type: int
objects:
  description: Every object in the package, dependents included, as recorded in the manifest.
  returned: success
  type: list
  elements: dict
  sample:
    - id: 8D679D5111D3E4981000E787EC6DE8A4
      name: Year
      type: 12
      version: 2215B50211EB7C9D8F150080EF651EEA
      action: replace
      explicit_included: true
      date_modified: 2021-03-04T03:53:09.000+0000
      level: project_object
package:
  description: The package as the server built it (see M(mstr.migration.package) for the keys).
  returned: success
  type: dict
base_url:
  description: The Library address the package came from.
  returned: success
  type: str
wait_seconds:
  description: Seconds from the definition until the module saw the package ready.
  returned: success
  type: float
option:
  description:
    - The option that caused the failure, as the message starts with it (V(project_id), V(content[0].name)), so
      that a playbook or role can name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: content[0].name
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import export
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils import privileges
from ansible_collections.mstr.migration.plugins.module_utils import records
from ansible_collections.mstr.migration.plugins.module_utils.arguments import definition_spec, get_spec
from ansible_collections.mstr.migration.plugins.module_utils.names import visible_project
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module


def validate(params):
    body = definition.validate_definition(params["type"], params["settings"], params["content"],
                                          params["project_id"], params["project"])
    if not params["preview"]:  # a preview writes elsewhere: dest is only compared with, and may not exist yet
        export.check_paths(params["dest"], records.manifest_path(params["dest"], params["manifest"]))
    files.check_file_options(params)
    return body


def run(module, client, body):
    params = module.params
    manifest = records.manifest_path(params["dest"], params["manifest"])
    project = None
    if params["project_id"]:
        # Before any holder: a project the user cannot see is named as such, not by a refused request.
        project = visible_project(client, params["project_id"], "project" if params["project"] else "project_id")
    # Before anything is built: a user without Create Package is told so, with the project, not by a late 403.
    for warning in privileges.check_privileges(client, privileges.EXPORT, project):
        module.warn(warning)
    if params["preview"]:
        changed, result, diff = export.preview_package(client, body, params["project_id"], params["dest"], manifest,
                                                       params["wait_timeout"], module, params["comment"])
    else:
        changed, result, diff = export.export_package(client, body, params["project_id"], params["dest"], manifest,
                                                      params["wait_timeout"], module.check_mode, module,
                                                      params["comment"])
    if project:
        result["project"] = project
    for warning in result.pop("warnings"):
        module.warn(warning)
    for path in () if params["preview"] else (params["dest"], manifest):
        if os.path.exists(path):
            # In check mode this only tells whether mode, owner or group would change.
            changed = module.set_fs_attributes_if_different(module.load_file_common_arguments(params, path=path),
                                                            changed)
    return changed, result, diff


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            dest={"type": "path", "required": True},
            manifest={"type": "path"},
            wait_timeout={"type": "float", "default": 600},
            preview={"type": "bool", "default": False},
            comment={"type": "str"},
            **definition_spec(required=True),
        ),
        supports_check_mode=True,
        add_file_common_args=True,
    )
    run_module(module, validate, run)


if __name__ == "__main__":
    main()
