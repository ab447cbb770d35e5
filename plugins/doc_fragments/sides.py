# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The two Libraries of a migration (arguments.side_spec, runner.run_sides).
    DOCUMENTATION = r"""
options:
  source:
    description:
      - The source Library, where the migration is created, requested and approved. The same options as the task's
        connection options (see O(base_url) and the others), given once per side; a suboption left unset takes the
        task's own option of that name (so credentials shared by both sides, or set with C(module_defaults) or the
        E(MSTR_*) variables, are given once), except that a side with its own O(source.session) takes neither the
        task's O(base_url) nor its O(session).
      - The suboptions have no environment variables of their own; E(MSTR_BASE_URL) and the others reach both sides
        through the task's options.
    type: dict
    suboptions: &side
      base_url:
        description: Address of this side's Library (see O(base_url)).
        type: str
      username:
        description: User to log in as on this side.
        type: str
      password:
        description: Password of the user on this side.
        type: str
      login_mode:
        description: How to authenticate on this side (see O(login_mode)).
        type: str
        choices: [standard, ldap, anonymous, api_token]
      api_token:
        description: API token for O(login_mode=api_token) on this side.
        type: str
      validate_certs:
        description: Verify this side's TLS certificate.
        type: bool
      ca_path:
        description: PEM file with the certificate authorities of this side.
        type: path
      timeout:
        description: Seconds to wait for each HTTP request to this side.
        type: float
      project_id:
        description:
          - The project on this side (32 hexadecimal characters), the project the package is built from on the
            source, the one it is imported into on the target. Required (or C(project)) for V(project) and
            V(project_security) migrations, not set for V(configuration) ones.
        type: str
      project:
        description: Name of the project on this side, instead of C(project_id) (it wins over it).
        type: str
      session:
        description: A session of this side's Library, as M(mstr.migration.session) returns it.
        type: str
      environment_id:
        description:
          - The environment id Workstation shows for this side. By default, as Workstation computes it, the base URL
            of the Library without C(/api) and with a trailing slash (C(https://host/MicroStrategyLibrary/)).
          - Set it when Workstation reaches the Library under another address (a load balancer), so that the
            migration shows the environment Workstation knows.
        type: str
      environment_name:
        description: The environment's name shown in Workstation; by default the base URL.
        type: str
  target:
    description:
      - The target Library, where the migration is imported (and undone). The same suboptions as O(source).
    type: dict
    suboptions: *side
"""
