#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: migration
short_description: Migrate objects between two Libraries on the Workstation route (/api/migrations), or undo it
version_added: 1.0.0
description:
  - One task runs a whole migration of the route "Migrations in Workstation" between the O(source) and the
    O(target) Library, as the vendor's page "Object migration between environments" does it. It creates the
    migration on the source (C(POST /api/migrations), the content as M(mstr.migration.package_export) takes it),
    waits until its package is C(created), optionally validates it on the target (O(validate)), requests and
    approves the import on the source, reads the whole migration (C(showContent=all)), imports it on the target
    (C(PUT /api/migrations/{id}) with C(packageInfo.replicated) true) and waits until it is C(imported). The package
    never passes through the controller; both Libraries must reach one Storage Service.
  - Idempotent like M(mstr.migration.package_import). Before anything is created, the package is built once in a
    scratch package holder of the classic route on the source (deleted at once) to learn its objects and versions,
    dependents included, and each object is looked up in the target with the same plan as
    M(mstr.migration.package_import) (RV(plan)). When no object would change, no migration is created on either
    side and the task reports no change (O(force) migrates anyway).
  - Governance (O(approval)). V(auto) requests and approves in one run. V(request) stops after the request; the
    migration waits on the source, visible in Workstation, until an approver runs the module with V(approve) and
    the O(migration_id) (or the O(name)), so builder and approver can be different users and jobs. V(request) run
    again while a migration of this O(name), built from the same objects at the same versions for the same target,
    still waits reports no change and returns its id (O(force) creates another).
  - Every migration that imported leaves an import record in O(undo_dir) (format
    C(mstr.migration/import-record-1) as M(mstr.migration.package_import) writes it, with C(route) V(workstation),
    the migration id and the undo package's storage path); a record never replaces another file.
  - O(state=undone) undoes an imported migration by the server (the undo package the target keeps in its Storage
    Service), given its O(migration_id) or the O(record) a run wrote.
  - When a step fails, the message names the side, the step and the server's words. A migration created but not
    imported is deleted on the source, and the message says so (or that it is kept because the delete failed). Once
    the target accepted the import, the migration is kept on both sides and its import record is written whatever
    the import's outcome; when the answer to the import request is lost or unreadable (a gateway's page, a
    timeout), the target is asked whether it accepted it before anything is deleted.
author:
  - mstr.migration maintainers (@mstr-migration)
extends_documentation_fragment:
  - mstr.migration.connection
  - mstr.migration.sides
  - mstr.migration.definition
  - mstr.migration.attributes
  - mstr.migration.attributes.CHECK_MODE_PARTIAL_SCRATCH
  - mstr.migration.attributes.DIFF_FULL
options:
  state:
    description:
      - V(migrated) runs the migration (or its request or approval, see O(approval)); V(undone) undoes an imported
        migration on the target (only O(target) is needed then).
    type: str
    choices: [migrated, undone]
    default: migrated
  name:
    description:
      - The migration's name, shown in Workstation and used in the import record's file name. Required with
        O(state=migrated), except with O(approval=approve) and O(migration_id).
      - With O(approval=approve) and no O(migration_id), the waiting migration of this name on the source is
        approved (names compare as everywhere in the collection; exact first, then ignoring case).
    type: str
  migration_id:
    description:
      - The migration (C(<packageId>:<importId>)) to approve (O(approval=approve)) or to undo (O(state=undone)), as
        a run returned it (RV(migration_id)).
    type: str
  record:
    description:
      - With O(state=undone), the import record a run wrote (RV(record)), instead of O(migration_id). The target
        must be the Library the record names.
    type: path
  approval:
    description:
      - V(auto) requests and approves the import in this run; V(request) stops after the request (the result says
        the migration waits; nothing is imported); V(approve) approves and runs a migration that waits, found by
        O(migration_id) or O(name). O(type) and O(content) are not needed with V(approve). An approval imports
        only into the target environment (and project) the request named; a task whose O(target) is another
        Library or project is refused before anything changes.
    type: str
    choices: [auto, request, approve]
    default: auto
  validate:
    description:
      - Run the server's validation on the target before the import (the page "Validate migrations"). When it
        fails, the task stops with the server's message and the objects it names, nothing is imported and the
        migration is deleted on the source. Not with O(approval=approve) (the server validates only a migration
        whose import is not yet requested).
    type: bool
    default: false
  force:
    description: Migrate even when every object in the target already matches.
    type: bool
    default: false
  generate_undo:
    description: Ask the target to keep an undo package (C(generateUndo)), which O(state=undone) needs.
    type: bool
    default: true
  undo_dir:
    description:
      - Directory for the import records, C(<name>.import.<UTC time>.json). It must exist. Required unless
        O(approval=request) or O(state=undone).
    type: path
  wait_timeout:
    description: Seconds to wait for each of the server's steps (the package, the validation, the import, the undo).
    type: float
    default: 1800
  comment:
    description: A note kept in the import record (C(comment)), for example the change ticket.
    type: str
notes:
  - Both Libraries need the Storage Service, configured with one storage both reach; each side's configuration is
    read before any work. A source that cannot write the package, or a target that cannot read it, fails with the
    server's message naming the step.
  - Privileges are checked before any work (as M(mstr.migration.package_export) does), per step and side, see the
    collection's C(docs/routes.md). The pages also ask for Bypass all objects security check on both sides, which
    the server checks itself.
  - The environment ids are computed as Workstation does, from each side's base URL with a trailing slash;
    O(source.environment_id) and O(target.environment_id) override them.
  - A V(project_security) migration is migrated at every run (its security links are not compared on this route).
seealso:
  - module: mstr.migration.migration_info
  - module: mstr.migration.package_import
  - module: mstr.migration.package_export
  - name: Migrations in Workstation
    description: The vendor's workflow pages this module follows (object migration, validation).
    link: https://microstrategy.github.io/rest-api-docs/common-workflows/administration/migrations/migrations-in-workstation
"""

EXAMPLES = r"""
- name: Migrate the attribute Year (with its dependents) from Tutorial on dev to Demo Project on prod
  mstr.migration.migration:
    username: administrator
    password: "{{ vault_mstr_password }}"
    source:
      base_url: https://dev.example.com/MicroStrategyLibrary
      project: MicroStrategy Tutorial
    target:
      base_url: https://prod.example.com/MicroStrategyLibrary
      project: Demo Project
    name: Year attribute
    type: project
    content:
      - {id: 8D679D5111D3E4981000E787EC6DE8A4, type: attribute, include_dependents: true}
    undo_dir: /srv/migrations/records
  register: migrated

- name: A builder requests a migration; it waits for an approver
  mstr.migration.migration:
    source: {base_url: https://dev.example.com/MicroStrategyLibrary, username: builder,
             password: "{{ vault_builder_password }}", project: MicroStrategy Tutorial}
    target: {base_url: https://prod.example.com/MicroStrategyLibrary, username: builder,
             password: "{{ vault_builder_password }}", project: Demo Project}
    name: Category attribute for review
    type: project
    content: [{id: 8D679D3711D3E4981000E787EC6DE8A4, type: attribute}]
    approval: request
  register: requested

- name: The approver approves and runs it, in another job
  mstr.migration.migration:
    username: approver
    password: "{{ vault_approver_password }}"
    source: {base_url: https://dev.example.com/MicroStrategyLibrary}
    target: {base_url: https://prod.example.com/MicroStrategyLibrary}
    approval: approve
    migration_id: "{{ requested.migration_id }}"
    undo_dir: /srv/migrations/records

- name: Undo the first migration by the server, from its import record
  mstr.migration.migration:
    state: undone
    username: administrator
    password: "{{ vault_mstr_password }}"
    target: {base_url: https://prod.example.com/MicroStrategyLibrary}
    record: "{{ migrated.record }}"
"""

RETURN = r"""
message:
  description: What happened (or would happen), in one sentence.
  returned: always
  type: str
  sample: "Migration 35958BEB7C56491C9A43F7661501E177:B71E7ECF60104A62BA15625C444A623F imported: 2 created."
migration_id:
  description: The migration's id (C(<packageId>:<importId>)), the same on both sides; null when none was created.
  returned: always
  type: str
name:
  description: The migration's name (O(name)).
  returned: state migrated
  type: str
approval:
  description: The O(approval) of this run.
  returned: state migrated
  type: str
imported:
  description: Whether this run imported the migration into the target.
  returned: state migrated
  type: bool
requested:
  description: Whether this run stopped after the request (O(approval=request)); the migration waits for approval.
  returned: state migrated
  type: bool
state:
  description: V(undone) for an undo.
  returned: state undone
  type: str
source:
  description: The source's side of the migration as its Library shows it.
  returned: state migrated
  type: dict
  contains:
    base_url:
      description: The Library address.
      type: str
    environment_id:
      description: The environment id sent (Workstation's).
      type: str
    project_id:
      description: The project.
      type: str
    package_status:
      description: C(packageInfo.status), lower case (V(locked) once approved); null when not read.
      type: str
    import_request_status:
      description: C(importInfo.importRequestStatus) (V(requested), V(approved)).
      type: str
    import_status:
      description: C(importInfo.status) as this side shows it.
      type: str
    undo_request_status:
      description: C(importInfo.undoRequestStatus).
      type: str
target:
  description: The target's side, the same keys as RV(source) (V(imported), V(undo_success) in its C(import_status)).
  returned: always
  type: dict
undo_storage:
  description: The storage path of the undo package the target keeps (Storage Service); null without one.
  returned: always
  type: str
  sample: mstr/shared/migrations/undo/35958BEB7C56491C9A43F7661501E177/B71E7ECF60104A62BA15625C444A623F.mmp
plan:
  description:
    - One entry per object of the package, with what the import does (or would do) to it in the target; the
      entries of M(mstr.migration.package_import)'s RV(mstr.migration.package_import#module:plan).
  returned: state migrated
  type: list
  elements: dict
summary:
  description: How many objects get each outcome.
  returned: state migrated
  type: dict
  sample: {create: 2, replace: 0, delete: 0, duplicate: 0, none: 0, unknown: 0}
record:
  description: The new import record; null when nothing was imported.
  returned: state migrated
  type: str
validation:
  description: The validation's result (V(validated)) when O(validate) ran; null otherwise.
  returned: state migrated
  type: dict
elapsed:
  description: Seconds spent, per step (V(plan), V(create), V(validate), V(import)) and in all (V(total)).
  returned: always
  type: dict
  sample: {plan: 0.4, create: 1.2, import: 2.5, total: 4.6}
notes:
  description: Things worth knowing about this run.
  returned: always
  type: list
  elements: str
side:
  description: The side (V(source), V(target)) whose step failed.
  returned: failure, when a step of a side failed
  type: str
step:
  description: The step that failed, in words (V(creating the migration), V(importing), ...).
  returned: failure, when a step of a side failed
  type: str
migration_kept:
  description: When a migration was created but not imported, whether it is still on the source (its delete failed).
  returned: failure, after the migration was created and before the import started
  type: bool
option:
  description:
    - The option that caused the failure, as the message starts with it (V(target.base_url), V(content[0].id)), so
      that a playbook or role can name its own variable instead (filter P(mstr.migration.failure_message#filter)).
  returned: failure, when an option caused it
  type: str
  sample: target.project_id
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mstr.migration.plugins.module_utils import definition
from ansible_collections.mstr.migration.plugins.module_utils import files
from ansible_collections.mstr.migration.plugins.module_utils import workstation
from ansible_collections.mstr.migration.plugins.module_utils.arguments import definition_spec, get_spec, side_spec
from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.migration_api import check_migration_id
from ansible_collections.mstr.migration.plugins.module_utils.runner import (check_project_options, on_side,
                                                                            run_sides, side_params)
from ansible_collections.mstr.migration.plugins.module_utils.urls import normalise_base_url
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session


def _side_project(params, side, package_type):
    """The side's project option for this package type, named with its side."""
    merged = side_params(params, side)
    check_project_options(merged)
    try:
        definition.check_project_id(package_type, merged["project_id"], project=merged["project"])
    except ValidationError as exc:
        raise on_side(side, exc) from exc


def validate(params):
    if params["migration_id"]:
        params["migration_id"] = check_migration_id(params["migration_id"])
    if params["state"] == "undone":
        return _validate_undo(params)
    if params["record"]:
        raise ValidationError("record", "is used only with state: undone (the import record of the migration to "
                                        "undo)")
    if params["migration_id"] and params["approval"] != "approve":
        raise ValidationError("migration_id", "is used only with approval: approve or state: undone; with approval: "
                                              "%s a run builds a new migration (set approval: approve to approve "
                                              "this one)" % params["approval"])
    body = _validate_approve(params) if params["approval"] == "approve" else _validate_build(params)
    if params["approval"] != "request":
        if not params["undo_dir"]:
            raise ValidationError("undo_dir", "is required: every migration that imports leaves its import record "
                                              "there")
        files.check_directory(params["undo_dir"], "undo_dir")
    return {"sides": ("source", "target"), "body": body}


def _validate_approve(params):
    """approval: approve takes a migration that waits, not a definition."""
    if not (params["migration_id"] or params["name"]):
        raise ValidationError("migration_id", "or name is required with approval: approve (the migration that "
                                              "waits for approval)")
    if params["validate"]:
        raise ValidationError("validate", "cannot be used with approval: approve: the server validates a migration "
                                          "before its import is requested; validate it in the run that requests it")


def _validate_build(params):
    """The definition as package_export takes it, and the project of each side for its type: the API body."""
    if not params["name"] or not params["name"].strip():
        raise ValidationError("name", "is required: the migration's name, shown in Workstation")
    for option in ("type", "content"):
        if not params[option]:
            raise ValidationError(option, "is required with approval: %s" % params["approval"])
    merged = side_params(params, "source")
    check_project_options(merged)
    try:
        body = definition.validate_definition(params["type"], params["settings"], params["content"],
                                              merged["project_id"], merged["project"])
    except ValidationError as exc:
        raise on_side("source", exc) if exc.option in ("project_id", "project") else exc
    _side_project(params, "target", params["type"])
    return body


def _validate_undo(params):
    if bool(params["migration_id"]) == bool(params["record"]):
        raise ValidationError("migration_id", "or record (one of them) is required with state: undone")
    found = workstation.load_record(params["record"]) if params["record"] else None
    if found:
        merged = side_params(params, "target")
        base_url = decode_session(merged["session"])["base_url"] if merged["session"] else merged["base_url"]
        if base_url and found["base_url"] and normalise_base_url(base_url) != normalise_base_url(found["base_url"]):
            raise ValidationError("target.base_url", "%s records an import into %s, not %s: a migration is undone "
                                                     "on its target" % (params["record"], found["base_url"],
                                                                        normalise_base_url(base_url)))
    return {"sides": ("target",), "record": found}


def _side(module, clients, prepared, name, package_type):
    options = module.params.get(name) or {}
    return workstation.Side(name, clients[name], prepared["projects"][name], package_type,
                            {"id": options.get("environment_id"), "name": options.get("environment_name")})


def run(module, clients, prepared):
    params = module.params
    if params["state"] == "undone":
        record = prepared["record"] or {}
        target = _side(module, clients, prepared, "target", None)
        target.project_id = target.project_id or record.get("project_id")
        changed, result, diff = workstation.undo(target, params["migration_id"] or record["migration_id"],
                                                 params["wait_timeout"], module.check_mode)
    else:
        package_type = params["type"]
        options = {key: params[key] for key in ("name", "approval", "migration_id", "force", "validate",
                                                "generate_undo", "wait_timeout", "undo_dir", "comment")}
        options["body"] = prepared["body"]
        changed, result, diff = workstation.Migration(
            _side(module, clients, prepared, "source", package_type),
            _side(module, clients, prepared, "target", package_type), options, module.check_mode).run()
    for warning in result.pop("warnings"):
        module.warn(warning)
    return changed, result, diff


def main():
    module = AnsibleModule(
        argument_spec=get_spec(
            state={"type": "str", "choices": ["migrated", "undone"], "default": "migrated"},
            name={"type": "str"},
            migration_id={"type": "str"},
            record={"type": "path"},
            approval={"type": "str", "choices": ["auto", "request", "approve"], "default": "auto"},
            validate={"type": "bool", "default": False},
            force={"type": "bool", "default": False},
            generate_undo={"type": "bool", "default": True},
            undo_dir={"type": "path"},
            wait_timeout={"type": "float", "default": 1800},
            comment={"type": "str"},
            source=side_spec(),
            target=side_spec(),
            **definition_spec(required=False),
        ),
        supports_check_mode=True,
    )
    run_sides(module, validate, run)


if __name__ == "__main__":
    main()
