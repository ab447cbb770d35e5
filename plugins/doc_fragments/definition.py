# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # A package definition (arguments.DEFINITION_SPEC): package and package_export.
    DOCUMENTATION = r"""
options:
  type:
    description:
      - The package type. V(project) packages hold project objects, V(configuration) packages hold
        configuration objects (users, groups, security roles, database instances, ...), V(project_security)
        packages hold users and user groups and carry their security links in the project.
      - V(project) and V(project_security) need O(project_id); V(configuration) must not have it.
      - Required by M(mstr.migration.package) with O(mstr.migration.package#module:state=present) and by M(mstr.migration.package_export).
    type: str
    choices: [project, configuration, project_security]
    required: false
  settings:
    description:
      - How the target treats the objects when the package is imported.
    type: dict
    suboptions:
      default_action:
        description:
          - Conflict rule for objects without their own O(content[].action), and for dependents.
          - Defaults to V(use_existing), which never overwrites an object in the target.
        type: str
        choices: [use_existing, replace, keep_both, use_newer, use_older, force_replace, delete]
      acl_on_replacing_objects:
        description:
          - Whose access control list a replaced object keeps. Not for V(project_security) packages.
          - Defaults to V(use_existing) for the other types.
        type: str
        choices: [use_existing, replace]
      acl_on_new_objects:
        description:
          - Access control of objects new to the target. Defaults to V(keep_acl_as_source_object).
        type: list
        elements: str
        choices: [keep_acl_as_source_object, inherit_acl_as_dest_folder]
      update_schema:
        description:
          - Schema updates to run after import. Only for V(project) packages.
        type: list
        elements: str
        choices: [recal_table_logical_size, recal_table_keys_fact_entry_level, update_schema_logical_info]
  content:
    description:
      - The objects to put into the package, at least one.
      - Required by M(mstr.migration.package) with O(mstr.migration.package#module:state=present) and by M(mstr.migration.package_export).
    type: list
    elements: dict
    required: false
    suboptions:
      id:
        description:
          - Object id, 32 hexadecimal characters. Either O(content[].id) or O(content[].name) is required.
        type: str
      name:
        description:
          - Object name, resolved to an id by an exact search (in O(project_id) for project packages).
            Fails when no object or more than one has this name and type.
        type: str
      type:
        description:
          - Object type, as a number (V(12)) or a name such as V(attribute), V(metric), V(report), V(filter),
            V(fact), V(table), V(hierarchy), V(folder), V(dashboard), V(document), V(user), V(user_group),
            V(security_role), V(security_filter), V(database_instance), V(database_login),
            V(database_connection), V(transmitter), V(dbms), V(schedule), V(content_group).
        type: raw
        required: true
      action:
        description:
          - Conflict rule for this object. Defaults to O(settings.default_action).
        type: str
        choices: [use_existing, replace, keep_both, use_newer, use_older, force_replace, delete]
      include_dependents:
        description:
          - Also put every object this one depends on into the package.
        type: bool
        default: false
"""

    # package_export lists this variant before DOCUMENTATION, so that its type and content are required.
    # ansible-test wants literal strings here: tests/unit/plugins/test_doc_fragments.py keeps the copies equal.
    REQUIRED = r"""
options:
  type:
    description:
      - The package type. V(project) packages hold project objects, V(configuration) packages hold
        configuration objects (users, groups, security roles, database instances, ...), V(project_security)
        packages hold users and user groups and carry their security links in the project.
      - V(project) and V(project_security) need O(project_id); V(configuration) must not have it.
      - Required by M(mstr.migration.package) with O(mstr.migration.package#module:state=present) and by M(mstr.migration.package_export).
    type: str
    choices: [project, configuration, project_security]
    required: true
  content:
    description:
      - The objects to put into the package, at least one.
      - Required by M(mstr.migration.package) with O(mstr.migration.package#module:state=present) and by M(mstr.migration.package_export).
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description:
          - Object id, 32 hexadecimal characters. Either O(content[].id) or O(content[].name) is required.
        type: str
      name:
        description:
          - Object name, resolved to an id by an exact search (in O(project_id) for project packages).
            Fails when no object or more than one has this name and type.
        type: str
      type:
        description:
          - Object type, as a number (V(12)) or a name such as V(attribute), V(metric), V(report), V(filter),
            V(fact), V(table), V(hierarchy), V(folder), V(dashboard), V(document), V(user), V(user_group),
            V(security_role), V(security_filter), V(database_instance), V(database_login),
            V(database_connection), V(transmitter), V(dbms), V(schedule), V(content_group).
        type: raw
        required: true
      action:
        description:
          - Conflict rule for this object. Defaults to O(settings.default_action).
        type: str
        choices: [use_existing, replace, keep_both, use_newer, use_older, force_replace, delete]
      include_dependents:
        description:
          - Also put every object this one depends on into the package.
        type: bool
        default: false
"""
