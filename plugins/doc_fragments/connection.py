# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  base_url:
    description:
      - Address of the MicroStrategy Library web application, for example
        C(https://mstr.example.com/MicroStrategyLibrary). A trailing C(/) or C(/api) is accepted.
      - No user name or password inside it (use O(username) and O(password)). Redirects are never followed, so that
        no credential goes to another address; a server that redirects fails with the address it pointed to. Set
        O(base_url) to that final address.
      - A password or API token sent over plain C(http://) to another machine, or with O(validate_certs=false),
        gives a warning.
      - Not needed when O(session) is given; the session carries it.
      - If not set, the value of the E(MSTR_BASE_URL) environment variable is used.
    type: str
  username:
    description:
      - User to log in as, for O(login_mode=standard) and O(login_mode=ldap).
      - If not set, the value of the E(MSTR_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(MSTR_PASSWORD) environment variable is used.
    type: str
  login_mode:
    description:
      - How to authenticate. V(standard) is login mode 1, V(ldap) 16, V(anonymous) 8 and V(api_token) 4096.
      - If not set, the value of the E(MSTR_LOGIN_MODE) environment variable is used.
    type: str
    choices: [standard, ldap, anonymous, api_token]
    default: standard
  api_token:
    description:
      - API token for O(login_mode=api_token).
      - If not set, the value of the E(MSTR_API_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for tests.
      - If not set, the value of the E(MSTR_VALIDATE_CERTS) environment variable is used; without it, the value
        the O(session) was opened with; without a session, V(true).
    type: bool
  ca_path:
    description:
      - PEM file with the certificate authorities to trust, for servers whose certificate a private CA signed.
      - If not set, the value of the E(MSTR_CA_PATH) environment variable is used; without it, the file the
        O(session) was opened with (the session keeps the path, not the file's content).
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request, not for a whole package or import. In the modules that wait for one
        (their C(wait_timeout) option), a request during that wait gets at most the time left of it.
      - If not set, the value of the E(MSTR_TIMEOUT) environment variable is used; without it, the value the
        O(session) was opened with; without a session, V(60).
    type: float
  project_id:
    description:
      - Id of the project (32 hexadecimal characters), sent as the C(X-MSTR-ProjectID) header.
      - In the modules that handle packages, required (or O(project)) for V(project) and V(project_security)
        packages, and not set for V(configuration) packages. M(mstr.migration.session) checks that the
        user can see it.
      - Workstation shows a project's id in its properties; the REST API lists the projects a user can see, with
        their ids, at C(GET /api/projects). Or give O(project), the name, instead.
      - If not set, the value of the E(MSTR_PROJECT_ID) environment variable is used.
      - When O(project) is set too, O(project) wins and this option is ignored (also a value from
        E(MSTR_PROJECT_ID)).
    type: str
  project:
    description:
      - Name of the project, instead of O(project_id). It is looked up among the projects the user can see
        (C(GET /api/projects), one read after logging in), an exact match first, then one that differs only in
        case. No match fails with the close names and the visible projects.
      - It wins over O(project_id) (set by the task or from E(MSTR_PROJECT_ID)).
    type: str
  session:
    description:
      - The value a login task returns as RV(mstr.migration.session#module:session). Tasks that pass it
        share one server session (its auth token and cookies) instead of logging in themselves.
      - A package holder and an import live only inside the session that created them, so every task of
        an export or import sequence must pass the same O(session).
      - The session also carries how the server was reached at login (O(validate_certs), O(ca_path) and
        O(timeout)); a task that sets one of these options itself uses its own value.
      - If not set, the value of the E(MSTR_SESSION) environment variable is used.
    type: str
requirements:
  - python >= 3.10 (on the host the module runs on, normally the controller)
  - requests >= 2.25
notes:
  - >-
    The modules need the Python library C(requests) where they run. Run them on the controller
    (C(delegate_to: localhost) or C(hosts: localhost)) with C(ansible_python_interpreter) set to the
    controller's Python, for example C("{{ ansible_playbook_python }}").
  - All modules of this collection belong to the action group C(mstr.migration.mstr), so a play can set
    the connection options once with C(module_defaults) and C(group/mstr.migration.mstr).
"""
