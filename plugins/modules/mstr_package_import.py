#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: mstr_package_import
short_description: Import a MicroStrategy migration package (.mmp), idempotently and with an undo package
version_added: 1.0.0
description:
  - "Two ways to use it. B(The whole import from a file, in one task) (O(src)): the mirror of
    M(mstr.migration.mstr_package_export) and what the role P(mstr.migration.import_package#role) runs.
    B(Single steps) (O(package_id) or O(import_id), with a O(session)): for playbooks that drive the vendor's
    sequence themselves with M(mstr.migration.mstr_package_binary) and M(mstr.migration.mstr_package)."
  - With O(src), the module checks the file against its manifest (O(manifest), by default the C(<src>.json)
    that M(mstr.migration.mstr_package_export) writes) before any request; reads every object of the package
    in the target (C(GET /api/objects/{id}), several at once) and decides, from each object's action, whether
    the import would create, replace, delete or duplicate it, or leave it as it is (RV(plan)). When no object
    would change, nothing is imported, nothing is written and the task reports no change (O(force) imports
    anyway). Otherwise it creates a package holder, uploads the file, imports it with an undo package, waits,
    downloads the undo package, writes an import record, closes the import and deletes the holder, releasing
    the import, the holder and (when it logged in itself) the session whatever fails.
  - Rollback points are never lost. The undo package and the import record go to new files in O(undo_dir)
    named after the moment of the import, C(<name>.undo.<UTC time>.mmp) and C(<name>.import.<UTC time>.json);
    an existing file is never replaced (a suffix C(-2), C(-3), ... is added instead).
  - With O(package_id) (and O(state=present)), imports a package already uploaded into a holder of O(session)
    and waits until the import has finished; given an O(import_id) instead, only waits for that import. With
    O(state=absent), closes the import process O(import_id); one already closed is not an error. An import
    fails as soon as the server reports a failed status, with the server's message.
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
      - With O(src) and a manifest, check mode sends no write request; it reads the target's objects and
        returns the RV(plan). Without a manifest it uploads the file into a scratch package holder of the
        session, deleted before the task ends, to learn what the file holds.
options:
  src:
    description:
      - The package file (C(.mmp)) to import in one task. Without O(session) the module logs in with the
        connection options and logs out at the end.
      - Exactly one of O(src), O(package_id) and O(import_id) is required.
    type: path
  manifest:
    description:
      - The manifest of O(src) to check it against before any request (its size and sha256). Defaults to
        C(<src>.json) when that file exists; a file without a manifest is imported unchecked (RV(verified) is
        false and RV(notes) says so).
      - An import record written by this module is accepted too; it checks the undo package it names, for a
        rollback.
      - When the manifest lists the package's objects (manifests of M(mstr.migration.mstr_package_export)
        do), the target is compared before anything is uploaded, so a run with nothing to import uploads
        nothing.
      - Needs O(src).
    type: path
  undo_dir:
    description:
      - Directory for the undo packages and import records. Defaults to the directory of O(src). It must
        exist.
      - New files get mode V(0600) unless O(mode) is set; O(mode) and the other file options apply to both.
      - Needs O(src).
    type: path
  force:
    description:
      - Import even when every object in the target already matches the package. Only with O(src).
      - It does not let a file through that is not a package (see O(skip_format_check)). Forcing a re-import is a
        routine choice, sending a file of another kind is not, and one option for both would make the first
        switch off the check for the second.
    type: bool
    default: false
  skip_format_check:
    description:
      - Send O(src) even when it does not start with the eight bytes every package file starts with
        (C(01 80 be fe 7f 06 37 72)); without it such a file is refused before any request, naming the bytes
        found. The server then decides (it refuses a file it cannot read). Only with O(src).
    type: bool
    default: false
  state:
    description:
      - V(present) imports, V(absent) closes an import process (O(import_id)).
    type: str
    choices: [present, absent]
    default: present
  package_id:
    description:
      - Single step. The ready package holder of O(session) to import (after
        M(mstr.migration.mstr_package_binary) uploaded a file into it). Always imports, so always a change.
    type: str
  import_id:
    description:
      - "Single step. An existing import process of O(session): with O(state=present), wait for it; with
        O(state=absent), close it."
      - Required with O(state=absent).
    type: str
  generate_undo:
    description:
      - Make an undo package that, imported, restores what this import changed. The server cannot make one
        for some packages (for example with the V(keep_both) action); RV(import.undo_package_created) says.
    type: bool
    default: true
  wait:
    description:
      - Single step. Wait until the import has finished. The whole import always waits.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the uploaded package and for the import before failing with the last status seen.
    type: float
    default: 1800
notes:
  - Comparing needs a read of every object of the package in the target. Up to eight run at once, each on its
    own connection of the same session (C(GET /api/objects/{id}?type=N), with the project header for project
    objects); a package of a thousand objects is compared in about a second.
  - An object with the same id and the same version in the target is identical (the vendor's rule), so it
    changes only with the V(force_replace) and V(delete) actions. A folder's version says nothing (non-empty
    folders never keep their version when copied), so for folders only existence counts. For V(use_newer) and
    V(use_older) the modification dates decide.
  - A V(project_security) package carries the users' security links in the project, which the object API does
    not show; such a package cannot be compared and is imported every time.
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
  - module: mstr.migration.mstr_package_export
  - module: mstr.migration.mstr_package_binary
  - module: mstr.migration.mstr_package_info
  - name: Import a migration package
    description: The vendor's workflow page this module follows.
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/import-a-migration-package
"""

EXAMPLES = r"""
- name: Import year.mmp (checked against year.mmp.json) unless the target already has these objects
  mstr.migration.mstr_package_import:
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
  mstr.migration.mstr_package_import:
    base_url: https://prod.example.com/MicroStrategyLibrary
    username: administrator
    password: "{{ vault_mstr_password }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    src: "{{ imported.undo_package }}"
    manifest: "{{ imported.record }}"
    undo_dir: /srv/migrations/rollback

# Single steps, in a session of their own (the holder and the import live in it)
- name: Import the package uploaded before with mstr_package_binary
  mstr.migration.mstr_package_import:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    package_id: "{{ holder.package_id }}"
  register: step

- name: Close the import process
  mstr.migration.mstr_package_import:
    session: "{{ target_login.session }}"
    project_id: B19DEDCC11D4E0EFC000EB9495D0F44F
    import_id: "{{ step.import_id }}"
    state: absent
"""

RETURN = r"""
message:
  description: What happened (or would happen), in one sentence.
  returned: with O(src)
  type: str
  sample: "The target is already up to date: the 2 object(s) of /srv/migrations/year.mmp match it; nothing was imported."
imported:
  description: Whether the package was imported by this run.
  returned: with O(src)
  type: bool
plan:
  description: One entry per object of the package, with what the import does (or would do) to it in the target.
  returned: with O(src)
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
    version_after:
      description: The object's version in the target after the import, read back; null when it is gone.
      type: str
      returned: when imported
  sample:
    - {id: 8D679D5111D3E4981000E787EC6DE8A4, name: Year, type: 12, type_name: attribute, action: replace,
       outcome: create, version_before: null, version_package: 2215B50211EB7C9D8F150080EF651EEA}
summary:
  description: How many objects get each outcome.
  returned: with O(src)
  type: dict
  sample: {create: 2, replace: 0, delete: 0, duplicate: 0, none: 0, unknown: 0}
compare_seconds:
  description: Seconds spent reading the package's objects in the target.
  returned: with O(src)
  type: float
src:
  description: The imported file.
  returned: with O(src)
  type: str
size:
  description: Its size in bytes.
  returned: with O(src)
  type: int
sha256:
  description: Its sha256 (null when it was neither checked against a manifest nor uploaded).
  returned: with O(src)
  type: str
manifest:
  description: The manifest the file was checked against; null when it has none.
  returned: with O(src)
  type: str
verified:
  description: Whether the file was checked against a manifest before any request.
  returned: with O(src)
  type: bool
undo_package:
  description: The new undo package file; null when nothing was imported or the server made none.
  returned: with O(src)
  type: str
undo_size:
  description: Size of the undo package in bytes.
  returned: with O(src)
  type: int
undo_sha256:
  description: sha256 of the undo package.
  returned: with O(src)
  type: str
record:
  description:
    - "The new import record (JSON, format C(mstr.migration/import-record-1)): target base URL, project and user,
      start and end time, import id and status, the imported file's name, size and sha256, the plan with the
      versions before and after, and the undo package's name, size and sha256."
  returned: with O(src); null when nothing was imported
  type: str
notes:
  description: Things worth knowing about this run (no manifest, a package that cannot be compared).
  returned: with O(src)
  type: list
  elements: str
base_url:
  description: The Library address of the target.
  returned: with O(src)
  type: str
project_id:
  description: The project sent as X-MSTR-ProjectID (null for configuration packages).
  returned: with O(src)
  type: str
import:
  description: The import process (null with O(src) when nothing was imported).
  returned: with O(state=present)
  type: dict
  contains:
    id:
      description: Import id (null in single-step check mode).
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
package:
  description: In single-step check mode, the package that would be imported (see M(mstr.migration.mstr_package)).
  returned: in check mode with O(package_id)
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import importer
from ansible_collections.mstr.migration.plugins.module_utils import package as pkg
from ansible_collections.mstr.migration.plugins.module_utils import transfer
from ansible_collections.mstr.migration.plugins.module_utils.api import (PACKAGE_READY, PackageApi, check_server_id,
                                                                         normalise_status, project_header)
from ansible_collections.mstr.migration.plugins.module_utils.arguments import get_spec
from ansible_collections.mstr.migration.plugins.module_utils.client import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.errors import ApiError, MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.runner import run_module

WHOLE_IMPORT_ONLY = ("manifest", "undo_dir")
STEP_NEEDS_SESSION = ("is required for a single step (package_id, import_id): the holder and the import live only in "
                      "the session that created them; pass session: \"{{ login.session }}\" from "
                      "mstr.migration.mstr_session, or give src to run the whole import in this task")


def validate(params):
    if params["wait_timeout"] <= 0:
        raise ValidationError("wait_timeout", "must be a positive number of seconds")
    for option in ("package_id", "import_id"):
        if params[option]:
            check_server_id(params[option], option)
    if params["src"]:
        if params["state"] == "absent":
            raise ValidationError("state", "absent closes an import process: give import_id instead of src")
        if not params["wait"]:
            raise ValidationError("wait", "the whole import (src) always waits for the import; remove wait")
        source = importer.verify_source(params["src"], params["manifest"], params["skip_format_check"])
        pkg.check_project_id(source["type"], params["project_id"], project=params["project"])
        if not params["project"]:  # else once the name is resolved (run)
            check_record_target(params, source)
        undo_dir = params["undo_dir"] or os.path.dirname(os.path.abspath(params["src"]))
        transfer.check_directory(undo_dir, "undo_dir")
        transfer.check_file_options(params)
        return {"source": source, "undo_dir": undo_dir}
    # Flags with a default cannot be required_by rules (false counts as given).
    for option in ("force", "skip_format_check"):
        if params[option]:
            raise ValidationError(option, "goes with src (the whole import from a file); remove it, or give src")
    return None


def check_record_target(params, source):
    """An undo package checked against its import record goes only where the record says it came from."""
    base_url = decode_session(params["session"])["base_url"] if params["session"] else params["base_url"]
    importer.check_record_target(source, base_url, project_header(source["type"], params["project_id"]))


def whole_import(module, client, prepared):
    params = module.params
    if params["project"]:
        check_record_target(params, prepared["source"])
    changed, result, diff = importer.Import(
        client, prepared["source"], params["project_id"], prepared["undo_dir"], params["generate_undo"],
        params["force"], params["wait_timeout"], module.check_mode).run()
    if not module.check_mode:
        for path in (result["undo_package"], result["record"]):
            if path:
                changed = module.set_fs_attributes_if_different(module.load_file_common_arguments(params, path=path),
                                                                changed)
    for note in result["notes"]:
        module.warn(note)
    return changed, result, diff


def wait_or_read(module, api, import_id):
    params = module.params
    try:
        if params["wait"]:
            return api.wait_import(import_id, params["wait_timeout"])
        return api.read_import(import_id)
    except MstrError as exc:
        exc.details.setdefault("import_id", import_id)  # so that cleanup can close it
        raise


def ensure_present(module, api):
    params = module.params
    if params["import_id"]:
        body = wait_or_read(module, api, params["import_id"])
        return False, {"import_id": body.get("id"), "import": pkg.import_result(body)}, None
    package_id = params["package_id"]
    if module.check_mode:
        current = api.read(package_id)
        status = normalise_status(current.get("status"))
        if status != PACKAGE_READY:
            raise MstrError("package %s is %s, not READY; it cannot be imported" % (package_id, status))
        predicted = {"id": None, "status": "IMPORTED", "progress": 100.0,
                     "undoPackageCreated": params["generate_undo"]}
        return True, {"import": pkg.import_result(predicted), "package": pkg.package_result(current, None)}, None
    started = api.start_import(package_id, params["generate_undo"])
    body = wait_or_read(module, api, started["id"])
    return True, {"import_id": body.get("id"), "import": pkg.import_result(body)}, None


def ensure_absent(module, api):
    import_id = module.params["import_id"]
    if module.check_mode:
        try:
            api.read_import(import_id)
        except ApiError as exc:
            if not exc.not_found:
                raise
            return False, {"import_id": import_id}, None
        return True, {"import_id": import_id}, None
    return api.delete_import(import_id), {"import_id": import_id}, None


def run(module, client, prepared):
    if module.params["src"]:
        return whole_import(module, client, prepared)
    # The package type is not known to a single step: project_id, when given, goes with every call.
    api = PackageApi(client, module.params["project_id"])
    if module.params["state"] == "absent":
        return ensure_absent(module, api)
    return ensure_present(module, api)


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            src={"type": "path"},
            manifest={"type": "path"},
            undo_dir={"type": "path"},
            force={"type": "bool", "default": False},
            skip_format_check={"type": "bool", "default": False},
            state={"type": "str", "default": "present", "choices": ["present", "absent"]},
            package_id={"type": "str"},
            import_id={"type": "str"},
            generate_undo={"type": "bool", "default": True},
            wait={"type": "bool", "default": True},
            wait_timeout={"type": "float", "default": 1800},
        ),
        supports_check_mode=True,
        add_file_common_args=True,
        mutually_exclusive=[("src", "package_id", "import_id")],
        required_one_of=[("src", "package_id", "import_id")],
        required_if=[("state", "absent", ["import_id"])],
        required_by={option: "src" for option in WHOLE_IMPORT_ONLY},
    )
    # Single steps act on a holder or an import that lives in a session; the whole import can log in itself.
    run_module(module, validate, run, session_required=not module.params["src"] and STEP_NEEDS_SESSION)


if __name__ == "__main__":
    main()
