#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: package_import
short_description: Import a MicroStrategy migration package (.mmp), idempotently and with an undo package
version_added: 1.0.0
description:
  - The whole import from a file, in one task (O(src)), the mirror of M(mstr.migration.package_export) and what
    the role P(mstr.migration.import_package#role) runs. For single steps of the vendor's sequence (import an
    uploaded holder, wait for or close an import process), see M(mstr.migration.package_import_process).
  - The module checks the file against its manifest (O(manifest), by default the C(<src>.json)
    that M(mstr.migration.package_export) writes) before any request; reads every object of the package
    in the target (C(GET /api/objects/{id}), several at once) and decides, from each object's action, whether
    the import would create, replace, delete or duplicate it, or leave it as it is (RV(plan)). When no object
    would change, nothing is imported, nothing is written and the task reports no change (O(force) imports
    anyway). Otherwise it creates a package holder, uploads the file, imports it with an undo package, waits,
    downloads the undo package, writes an import record, closes the import and deletes the holder, releasing
    the import, the holder and (when it logged in itself) the session whatever fails.
  - Rollback points are never lost. The undo package and the import record go to new files in O(undo_dir)
    named after the moment of the import, C(<name>.undo.<UTC time>.mmp) and C(<name>.import.<UTC time>.json);
    an existing file is never replaced (a suffix C(-2), C(-3), ... is added instead).
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.attributes
  - mstr.migration.attributes.DIFF_FULL
  - ansible.builtin.files
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts, importing nothing and writing
      no file.
    support: partial
    details:
      - With a manifest, check mode sends no write request; it reads the target's objects and
        returns the RV(plan). Without a manifest it uploads the file into a scratch package holder of the
        session, deleted before the task ends, to learn what the file holds.
options:
  src:
    description:
      - The package file (C(.mmp)) to import in one task. Without O(session) the module logs in with the
        connection options and logs out at the end.
    type: path
    required: true
  manifest:
    description:
      - The manifest of O(src) to check it against before any request (its size and sha256). Defaults to
        C(<src>.json) when that file exists; a file without a manifest is imported unchecked (RV(verified) is
        false and RV(notes) says so).
      - An import record written by this module is accepted too; it checks the undo package it names, for a
        rollback.
      - When the manifest lists the package's objects (manifests of M(mstr.migration.package_export)
        do), the target is compared before anything is uploaded, so a run with nothing to import uploads
        nothing.
    type: path
  undo_dir:
    description:
      - Directory for the undo packages and import records. Defaults to the directory of O(src). It must
        exist.
      - New files get mode V(0600) unless O(mode) is set; O(mode) and the other file options apply to both.
    type: path
  force:
    description:
      - Import even when every object in the target already matches the package.
      - It does not let a file through that is not a package (see O(skip_format_check)). Forcing a re-import is a
        routine choice, sending a file of another kind is not, and one option for both would make the first
        switch off the check for the second.
    type: bool
    default: false
  skip_format_check:
    description:
      - Send O(src) even when it does not start with the eight bytes every package file starts with
        (C(01 80 be fe 7f 06 37 72)); without it such a file is refused before any request, naming the bytes
        found. The server then decides (it refuses a file it cannot read).
    type: bool
    default: false
  generate_undo:
    description:
      - Make an undo package that, imported, restores what this import changed. The server cannot make one
        for some packages (for example with the V(keep_both) action); RV(import.undo_package_created) says.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the uploaded package and for the import before failing with the last status seen.
    type: float
    default: 1800
  comment:
    description:
      - A note kept in the import record (C(comment)), for example the change ticket of the import. The comment
        the export gave the package is kept beside it (C(source.comment)).
    type: str
notes:
  - Comparing needs a read of every object of the package in the target. Up to eight run at once, each on its
    own connection of the same session (C(GET /api/objects/{id}?type=N), with the project header for project
    objects); a package of a thousand objects is compared in about a second.
  - An object with the same id and the same version in the target is identical (the vendor's rule), so it
    changes only with the V(force_replace) and V(delete) actions. A folder's version says nothing (non-empty
    folders never keep their version when copied), so for folders only existence counts. For V(use_newer) and
    V(use_older) the modification dates decide.
  - A V(project_security) package carries the users' and groups' security links in the project. Its manifest
    (written by M(mstr.migration.package_export)) records the source's security roles and security filters of
    each; they are compared with the target's (C(GET /api/securityRoles), C(GET /api/securityRoles/{id}), the
    project's security filters and C(GET /api/securityFilters/{id}/members)), by the action as for any object.
    Connection mappings, profile folder links and personal preferences no call shows; for them the newest import
    record in O(undo_dir) of a project security package into this server and project that lists the user decides.
    If it imported the same package file (sha256) and the roles and filters are the same, the user is up to date.
    Each entry of RV(plan) says per kind of link what decided (RV(plan[].links)). Without links in the manifest
    (an undo package, or a manifest of an older release), or when the server will not show them, the package is
    imported every time, with a note saying why.
  - Once the import has changed the target, its rollback point is saved whatever fails around it. If the undo
    package cannot be downloaded, the task fails and the import record is still written (with RV(plan) and the
    reason). If reading the versions back, closing the import or deleting the holder fails, the task succeeds
    with a warning (what is left ends with the session).
  - While the module waits for the import, a status read that gets no answer or a 5xx (after the client's own
    retries) does not end the wait; only a failed status, a refusal, or O(wait_timeout) do. When the wait ends
    without a final status, the message says that the import's outcome is unknown.
  - The file is uploaded only if its bytes are still those checked against the manifest; a file replaced in the
    meantime (by another run writing the same package) is not imported.
  - An undo package checked against its import record is imported only into the server and project the record
    names.
  - The undo package and the import record never take the name of an existing file, so neither can land on
    O(src), O(manifest) or an earlier rollback point. O(manifest) must be another file than O(src) (compared as
    real paths). When they cannot be written (disk full, permission, read-only file system), the task fails
    naming the file and the reason and still closes the import and deletes the holder.
seealso:
  - module: mstr.migration.package_export
  - module: mstr.migration.package_binary
  - module: mstr.migration.package_info
  - module: mstr.migration.package_import_process
  - name: Import a migration package
    description: The vendor's workflow page this module follows.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/import-a-migration-package
"""

EXAMPLES = r"""
- name: Import year.mmp (checked against year.mmp.json) unless the target already has these objects
  mstr.migration.package_import:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    src: /srv/migrations/year.mmp
    undo_dir: /srv/migrations/rollback
  register: imported

- name: Show the plan
  ansible.builtin.debug:
    msg: "{{ imported.message }} Undo package: {{ imported.undo_package }}, record: {{ imported.record }}"

# The rollback is an import too, with an undo package and a record of its own (so it can be undone).
- name: Roll back with the undo package, checked against its import record
  mstr.migration.package_import:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    src: "{{ imported.undo_package }}"
    manifest: "{{ imported.record }}"
    undo_dir: /srv/migrations/rollback
"""

RETURN = r"""
message:
  description: What happened (or would happen), in one sentence.
  returned: always
  type: str
  sample: "The target is already up to date: the 2 object(s) of /srv/migrations/year.mmp match it; nothing was imported."
imported:
  description: Whether the package was imported by this run.
  returned: always
  type: bool
plan:
  description: One entry per object of the package, with what the import does (or would do) to it in the target.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Object id.
      type: str
    name:
      description: Object name.
      type: str
    type:
      description: Object type number.
      type: int
    type_name:
      description: Object type name, such as V(attribute) (V(type 77) for a number without a name).
      type: str
    action:
      description: The package's conflict rule for the object.
      type: str
    version_before:
      description: The object's version in the target before the import; null when it did not exist there.
      type: str
    version_package:
      description: The object's version in the package.
      type: str
    outcome:
      description:
        - V(create), V(replace), V(delete), V(duplicate) (V(keep_both) of another version makes a copy),
          V(none), or V(unknown) when the target cannot tell (see RV(plan[].reason)).
      type: str
    reason:
      description: Why the outcome is V(unknown).
      type: str
      returned: when the outcome is V(unknown)
    line:
      description:
        - The entry in one line, as the playbooks print it (V(unchanged) for the outcome V(none)).
      type: str
      sample: create attribute 'Year' (8D679D5111D3E4981000E787EC6DE8A4)
    version_after:
      description: The object's version in the target after the import, read back; null when it is gone.
      type: str
      returned: when imported
    links:
      description:
        - For a user or group of a V(project_security) package whose manifest records its links, what decided per
          kind of link; V(security_roles) and V(security_filters) are V(same) or V(differs) with what the import
          adds and removes, V(other_links) (connection mappings, profile folder links, personal preferences) is
          V(as recorded on <date> in <record>), unknown (with why), or not compared when the import happens anyway.
      type: dict
      returned: for project security packages with links in their manifest
      sample: {security_roles: "differs: adds 'NewSecurityRole'; removes 'Normal Users'", security_filters: same,
               other_links: "not compared: the import carries them with the rest"}
    links_target:
      description: The names of the user's security roles and filters in the target project, before the import.
      type: dict
      returned: for project security packages with links in their manifest
    links_package:
      description: The names of the user's security roles and filters in the package (the source's).
      type: dict
      returned: for project security packages with links in their manifest
  sample:
    - {id: 8D679D5111D3E4981000E787EC6DE8A4, name: Year, type: 12, type_name: attribute, action: replace,
       outcome: create, version_before: null, version_package: 2215B50211EB7C9D8F150080EF651EEA,
       line: "create attribute 'Year' (8D679D5111D3E4981000E787EC6DE8A4)"}
summary:
  description: How many objects get each outcome.
  returned: always
  type: dict
  sample: {create: 2, replace: 0, delete: 0, duplicate: 0, none: 0, unknown: 0}
compare_seconds:
  description: Seconds spent reading the package's objects in the target.
  returned: always
  type: float
src:
  description: The imported file.
  returned: always
  type: str
size:
  description: Its size in bytes.
  returned: always
  type: int
sha256:
  description: Its sha256 (null when it was neither checked against a manifest nor uploaded).
  returned: always
  type: str
manifest:
  description: The manifest the file was checked against; null when it has none.
  returned: always
  type: str
verified:
  description: Whether the file was checked against a manifest before any request.
  returned: always
  type: bool
undo_package:
  description: The new undo package file; null when nothing was imported or the server made none.
  returned: always
  type: str
undo_size:
  description: Size of the undo package in bytes.
  returned: always
  type: int
undo_sha256:
  description: sha256 of the undo package.
  returned: always
  type: str
record:
  description:
    - "The new import record (JSON, format C(mstr.migration/import-record-1)): target base URL, project and user,
      start and end time, import id and status, the imported file's name, size and sha256, the plan with the
      versions before and after, and the undo package's name, size and sha256."
    - "Its story: C(source) (from the manifest: the source's base URL, project id, export time C(exported_at)
      and the export's C(comment); for an undo package the import record it came from, C(undo_of); null without a
      manifest), C(controller) (the user and host that ran the import, and C(awx_job_id), the AWX / Automation
      Platform job: C(AWX_JOB_ID), or C(JOB_ID) beside C(AWX_HOST) as AWX sets them for a job; null outside a job)
      and C(comment) (O(comment)). Records written before these keys lack them and stay readable."
  returned: always; null when nothing was imported
  type: str
notes:
  description: Things worth knowing about this run (no manifest, a package that cannot be compared).
  returned: always
  type: list
  elements: str
base_url:
  description: The Library address of the target.
  returned: always
  type: str
project_id:
  description: The project sent as X-MSTR-ProjectID (null for configuration packages).
  returned: always
  type: str
import:
  description: The import process (null when nothing was imported).
  returned: always
  type: dict
  contains:
    id:
      description: Import id.
      type: str
    status:
      description: Upper-case status, V(IMPORTED) when done.
      type: str
      sample: IMPORTED
    progress:
      description: Progress from 0 to 100.
      type: float
    undo_package_created:
      description: Whether the server made an undo package.
      type: bool
    elapsed:
      description: Seconds spent waiting.
      type: float
      returned: when waited
import_id:
  description: Id of the import process, also when waiting failed, so that cleanup can close it.
  returned: when an import exists
  type: str
option:
  description:
    - The option that caused the failure, as the message starts with it (V(src)), so that a playbook or role can
      name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: src
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils import importer
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.objects import project_header
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session


def validate(params):
    source = importer.verify_source(params["src"], params["manifest"], params["skip_format_check"])
    definition.check_project_id(source["type"], params["project_id"], project=params["project"])
    if not params["project"]:  # else once the name is resolved (run)
        check_record_target(params, source)
    undo_dir = params["undo_dir"] or os.path.dirname(os.path.abspath(params["src"]))
    files.check_directory(undo_dir, "undo_dir")
    files.check_file_options(params)
    return {"source": source, "undo_dir": undo_dir}


def check_record_target(params, source):
    """An undo package checked against its import record goes only where the record says it came from."""
    base_url = decode_session(params["session"])["base_url"] if params["session"] else params["base_url"]
    importer.check_record_target(source, base_url, project_header(source["type"], params["project_id"]))


def run(module, client, prepared):
    params = module.params
    if params["project"]:
        check_record_target(params, prepared["source"])
    changed, result, diff = importer.Import(
        client, prepared["source"], params["project_id"], prepared["undo_dir"], params["generate_undo"],
        params["force"], params["wait_timeout"], module.check_mode, params["comment"]).run()
    if not module.check_mode:
        for path in (result["undo_package"], result["record"]):
            if path:
                changed = module.set_fs_attributes_if_different(module.load_file_common_arguments(params, path=path),
                                                                changed)
    for note in result["notes"]:
        module.warn(note)
    return changed, result, diff


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            src={"type": "path", "required": True},
            manifest={"type": "path"},
            undo_dir={"type": "path"},
            force={"type": "bool", "default": False},
            skip_format_check={"type": "bool", "default": False},
            generate_undo={"type": "bool", "default": True},
            wait_timeout={"type": "float", "default": 1800},
            comment={"type": "str"},
        ),
        supports_check_mode=True,
        add_file_common_args=True,
    )
    run_module(module, validate, run)


if __name__ == "__main__":
    main()
