# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one shape of every module run: validate, connect, run, clean up, report.

A module gives ``validate(params)`` (no requests; raises ValidationError)
and ``run(module, client, prepared)`` returning ``(changed, result, diff)``.
"""

from __future__ import annotations

import os
import signal
from typing import Callable, Optional
from urllib.parse import urlsplit

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mstr.migration.plugins.module_utils import transport
from ansible_collections.mstr.migration.plugins.module_utils.arguments import check_positive
from ansible_collections.mstr.migration.plugins.module_utils.errors import MstrError, ValidationError
from ansible_collections.mstr.migration.plugins.module_utils.names import project_id_by_name
from ansible_collections.mstr.migration.plugins.module_utils.session_value import decode_session
from ansible_collections.mstr.migration.plugins.module_utils.transport import Client
from ansible_collections.mstr.migration.plugins.module_utils.urls import (check_header_value, is_loopback,
                                                                          normalise_base_url, url_password)

SESSION_NEEDED = ("is required by this module: a package holder and an import live only inside the server session that "
                  "created them, so log in once with mstr.migration.session and pass session: "
                  "\"{{ login.session }}\" to every task of the sequence")


def check_project_options(params: dict) -> None:
    """A project name wins over a project_id (set by the task or from MSTR_PROJECT_ID): the one rule of precedence,
    so that a playbook passes both through (a name on the command line, an id from a vars file)."""
    if params.get("project"):
        params["project_id"] = None


def check_login_options(params: dict) -> None:
    """Credentials are complete for the login mode (only when the module logs in itself)."""
    mode = params.get("login_mode") or "standard"
    if mode in ("standard", "ldap") and not params.get("username"):
        raise ValidationError("username", "is required for login_mode %s; set username (or MSTR_USERNAME), or pass "
                                          "session from mstr.migration.session" % mode)
    if mode == "api_token" and not params.get("api_token"):
        raise ValidationError("api_token", "is required for login_mode api_token; set api_token (or MSTR_API_TOKEN)")


def connection_settings(params: dict) -> tuple:
    """(session dict or None, client keyword arguments), validated without any request.

    A task that passes ``session`` reaches the server as the login did (its
    ``validate_certs``, ``ca_path`` and ``timeout``), unless it sets an option itself.
    """
    session = decode_session(params["session"]) if params.get("session") else None
    base_url = session["base_url"] if session else params.get("base_url")
    if not base_url:
        raise ValidationError("base_url", "is required; set base_url (or MSTR_BASE_URL) to the Library address, for "
                                          "example https://mstr.example.com/MicroStrategyLibrary")
    base_url = normalise_base_url(base_url)  # before the login options: a password inside base_url is named first
    # Only a base_url the task sets itself must match the session: MSTR_BASE_URL (an AWX credential for one side)
    # must not refuse a session of the other side.
    own_base_url = params.get("base_url") and params["base_url"] != os.environ.get("MSTR_BASE_URL")
    if own_base_url and session and normalise_base_url(params["base_url"]) != session["base_url"]:
        raise ValidationError("base_url", "%s differs from the server of session (%s); drop base_url or use a session "
                                          "of that server" % (params["base_url"], session["base_url"]))
    from_session = session or {}
    validate_certs = _first_set(params.get("validate_certs"), from_session.get("validate_certs"), True)
    ca_path = _first_set(params.get("ca_path"), from_session.get("ca_path"))
    timeout = _first_set(params.get("timeout"), from_session.get("timeout"), 60)
    if ca_path and not os.path.isfile(ca_path):
        raise ValidationError("ca_path", "%s is not a readable file; point it at a PEM CA bundle" % ca_path)
    if ca_path and os.path.getsize(ca_path) == 0:
        ca_path = None  # an AWX credential with no CA bundle still injects an (empty) file
    check_positive(timeout, "timeout")
    if session is None:
        check_login_options(params)
    if params.get("project_id"):
        # Sent as X-MSTR-ProjectID: refused here, not by requests after the login.
        check_header_value(params["project_id"], "project_id")
    return session, {"base_url": base_url, "validate_certs": validate_certs,
                     "ca_path": ca_path, "timeout": timeout}


def credential_warnings(params: dict, session: Optional[dict], settings: dict) -> list:
    """Warnings for a login whose password or API token could be read or sent to an impostor on the way."""
    if session is not None or (params.get("login_mode") or "standard") == "anonymous":
        return []
    what = "the api_token" if params.get("login_mode") == "api_token" else "the password"
    if settings["base_url"].startswith("http://"):
        # No certificate on plain http, so validate_certs and ca_path change nothing there. A server on this
        # machine (a tunnel, a local test server) is reached without crossing a network.
        if is_loopback(urlsplit(settings["base_url"]).hostname):
            return []
        return ["%s goes to %s over plain http, readable by anyone on the way; use the https address of the "
                "Library" % (what, settings["base_url"])]
    if not settings["validate_certs"]:
        return ["validate_certs is false: %s goes to whatever server answers at %s; set ca_path to the CA bundle "
                "of the server instead" % (what, settings["base_url"])]
    return []


def _first_set(*values):
    """The first value that is set: the task's own option, then the session's, then the default."""
    return next((value for value in values if value is not None and value != ""), None)


def open_client(params: dict, session: Optional[dict], settings: dict) -> Client:
    client = Client(**settings)
    if session:
        client.resume(session)
    else:
        client.login(params.get("login_mode") or "standard", params.get("username"), params.get("password"),
                     params.get("api_token"))
    return client


def run_module(module, validate: Callable, run: Callable, session_required=False,
               keep_session: bool = False, hide_runtime_secrets: bool = True) -> None:
    """Run a module: nothing is requested until every option is validated.

    ``session_required``: true, or the message to give when ``session`` is missing.
    A module that logs in itself (no ``session`` given) logs out at the end,
    unless ``keep_session`` (session returns the session instead).
    """
    if transport.requests is None:
        module.fail_json(msg=missing_required_lib("requests"), exception=transport.REQUESTS_IMPORT_ERROR)
    client = None
    logged_in_here = False
    outcome = None
    failure = None
    # A job stopped with SIGTERM (an AWX cancel, a CI timeout) unwinds like Ctrl-C, so that holders, imports and
    # the session are released on the way out instead of left on the server.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # A password typed into base_url is refused below; the result shows base_url, so it is masked there too.
    module.no_log_values.update(url_password(module.params.get("base_url")))
    try:
        check_project_options(module.params)
        check_positive(module.params.get("wait_timeout"), "wait_timeout")
        # The module's own options first: a wrong one is named even when the connection is incomplete too.
        prepared = validate(module.params)
        session, settings = connection_settings(module.params)
        if session_required and session is None:
            raise ValidationError("session", session_required if isinstance(session_required, str)
                                  else SESSION_NEEDED)
        for warning in credential_warnings(module.params, session, settings):
            module.warn(warning)
        client = open_client(module.params, session, settings)
        logged_in_here = session is None
        if module.params.get("project"):
            # The module's code knows projects by id only.
            module.params["project_id"] = project_id_by_name(client, module.params["project"])
        outcome = run(module, client, prepared)
    except MstrError as exc:
        failure = exc
    except KeyboardInterrupt:
        failure = MstrError("the task was stopped (interrupted or terminated) before it finished; the package "
                            "holder, import and session it had opened were released. If it was importing, the "
                            "target may have changed")
    finally:
        if logged_in_here and client.token and (failure is not None or not keep_session):
            try:
                client.logout()
            except MstrError:
                pass  # the result matters more than a failed logout
        if client is not None and hide_runtime_secrets:
            module.no_log_values.update(client.secrets())
    if failure is not None:
        module.fail_json(**failure.to_fail_kwargs())
    changed, result, diff = outcome
    if diff is not None:
        result["diff"] = diff  # shown by ansible-playbook only with --diff
    module.exit_json(changed=changed, **result)


# ------------------------------------------------------------------ two sides
# What a side (source, target) may set of the connection options; unset, the task's own option of that name (or its
# MSTR_* variable, or module_defaults) is used, so that credentials shared by both sides are given once.
SIDE_OPTIONS = ("base_url", "username", "password", "login_mode", "api_token", "validate_certs", "ca_path", "timeout",
                "project_id", "project", "session")


def side_params(params: dict, side: str) -> dict:
    """The connection options of ``side``: its own, else the task's. A side with its own session takes neither the
    task's base_url nor its session."""
    own = params.get(side) or {}
    merged = {}
    for key in SIDE_OPTIONS:
        value = own.get(key)
        inherit = not (own.get("session") and key in ("base_url", "session"))
        if own.get("project") and key == "project_id":
            inherit = False  # the side's project name wins over an inherited id
        merged[key] = value if value not in (None, "") or not inherit else params.get(key)
    return merged


def on_side(side: str, exc: ValidationError) -> ValidationError:
    """The same complaint, naming the side's option (``target.base_url``)."""
    return ValidationError("%s.%s" % (side, exc.option), exc.message[len(exc.option) + 2:])


def _side_settings(params: dict, side: str) -> tuple:
    merged = side_params(params, side)
    try:
        check_project_options(merged)
        session, settings = connection_settings(merged)
    except ValidationError as exc:
        raise on_side(side, exc) from exc
    return merged, session, settings


def _open_side(module, side: str, merged: dict, session: Optional[dict], settings: dict) -> Client:
    for warning in credential_warnings(merged, session, settings):
        module.warn("%s: %s" % (side, warning))
    try:
        client = open_client(merged, session, settings)
    except MstrError as exc:
        exc.message = "%s (%s), %s: %s" % (side, settings["base_url"], "logging in" if session is None else
                                           "resuming the session", exc.message)
        exc.details.update(side=side, step="logging in" if session is None else "resuming the session")
        raise
    client.logged_in_here = session is None
    return client


def run_sides(module, validate: Callable, run: Callable) -> None:
    """Run a module that talks to several Libraries (``validate`` returns ``prepared`` with ``sides``, the names of
    the sides it needs, such as ``("source", "target")``): every option of every side is checked before the first
    login; ``run(module, clients, prepared)`` gets ``{side: Client}`` and ``{side: project id}`` in
    ``prepared["projects"]``; each session opened here is closed whatever happens."""
    if transport.requests is None:
        module.fail_json(msg=missing_required_lib("requests"), exception=transport.REQUESTS_IMPORT_ERROR)
    clients: dict = {}
    outcome = failure = None
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    for side in ("source", "target"):
        module.no_log_values.update(url_password((module.params.get(side) or {}).get("base_url")))
    module.no_log_values.update(url_password(module.params.get("base_url")))
    try:
        check_positive(module.params.get("wait_timeout"), "wait_timeout")
        prepared = validate(module.params)
        sides = [(side,) + _side_settings(module.params, side) for side in prepared["sides"]]
        prepared["projects"] = {}
        for side, merged, session, settings in sides:
            clients[side] = _open_side(module, side, merged, session, settings)
            if merged.get("project"):
                merged["project_id"] = project_id_by_name(clients[side], merged["project"], side + ".project")
            prepared["projects"][side] = merged.get("project_id") or None
        outcome = run(module, clients, prepared)
    except MstrError as exc:
        failure = exc
    except KeyboardInterrupt:
        failure = MstrError("the task was stopped (interrupted or terminated) before it finished; the sessions it "
                            "had opened were closed. If it was migrating, the source or the target may have changed")
    finally:
        _close_sides(module, clients)
    if failure is not None:
        module.fail_json(**failure.to_fail_kwargs())
    changed, result, diff = outcome
    if diff is not None:
        result["diff"] = diff
    module.exit_json(changed=changed, **result)


def _close_sides(module, clients: dict) -> None:
    for client in clients.values():
        if client.logged_in_here and client.token:
            try:
                client.logout()
            except MstrError:
                pass  # the result matters more than a failed logout
        module.no_log_values.update(client.secrets())
