# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a call must send (``Rule``), and the check that judges one request by it (``Check``).

A family declares each route's ``Rule`` with the route (``family.route``);
``conformance.TABLE`` collects them. The server judges every request of a
route with a rule: the fixed parts (``Prefer``, ``Content-Type``, ``Accept``,
query parameters) before the handler runs, the project header once the
handler has found what the call concerns (a holder, an import, an object
type), by the rule's ``ProjectRule``. Whatever a request did not do exactly
as the rule says is one human-readable *deviation*: most answer 400 (ERR005
when something is missing, ERR006 when something is there that must not be,
or names another project), a few are accepted as the vendor pages themselves
do them, and all of them go to the request log that ``tests/conformance``
reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from .errors import ApiError, invalid_input, missing_info

JSON = "application/json"
MULTIPART = "multipart/form-data"
OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class ProjectRule:
    """How a call's X-MSTR-ProjectID header is judged: ``judge(check, *subject)`` once the handler knows the subject.

    ``text`` is the rule as docs/emulator.md shows it; ``name`` goes to the request log (``projectRule``).
    """

    name: str
    text: str
    judge: Callable


@dataclass(frozen=True)
class Rule:
    project: ProjectRule
    prefer_async: bool = False
    content_type: Optional[str] = None
    accept: Optional[str] = None
    query: Tuple[str, ...] = ()
    pages: Tuple[str, ...] = ()  # file#section in ../shared/reference (the vendor pages, or API_NOTES.md)

    def requirements(self) -> str:
        """One line of what the emulator requires for the call (the docs table)."""
        parts = ["`X-MSTR-ProjectID`: " + self.project.text]
        if self.prefer_async:
            parts.append("`Prefer: respond-async`")
        if self.content_type:
            parts.append("`Content-Type: %s`" % self.content_type)
        if self.accept:
            parts.append("`Accept` containing `%s`" % self.accept)
        if self.query:
            parts.append("query " + ", ".join("`%s`" % name for name in self.query))
        return "; ".join(parts)


def unknown_project(project: str) -> ApiError:
    return ApiError(400, "ERR006", "Project '%s' does not exist or is not loaded." % project, iserver_code=-2147209151)


@dataclass(frozen=True)
class Sent:
    """What a request sent, as far as the rules are concerned (never credentials)."""

    project: Optional[str]
    prefer: str = ""
    content_type: str = ""  # media type only, lower case
    accept: str = ""
    query: frozenset = frozenset()

    @property
    def project_id(self) -> Optional[str]:
        return self.project.upper() if self.project else None


def _fixed_rule_errors(rule: Rule, sent: Sent) -> list:
    errors = []
    if rule.prefer_async and "respond-async" not in sent.prefer.lower():
        errors.append(missing_info("Header 'Prefer: respond-async' missing; this call requires it."))
    if rule.content_type and not sent.content_type:
        errors.append(missing_info("Header 'Content-Type: %s' missing." % rule.content_type))
    elif rule.content_type and sent.content_type != rule.content_type:
        errors.append(invalid_input("Content-Type '%s' sent; this call takes '%s'."
                                    % (sent.content_type, rule.content_type)))
    if rule.accept and rule.accept not in sent.accept.lower():
        errors.append(missing_info("Header 'Accept: %s' missing (Accept sent: '%s')."
                                   % (rule.accept, sent.accept or "none")))
    errors.extend(missing_info("Query parameter '%s' missing; this call requires it." % name)
                  for name in rule.query if name not in sent.query)
    return errors


class Check:
    """Judges one request against its route's rule (None: nothing to judge) and keeps its deviations."""

    def __init__(self, route: str, rule: Optional[Rule], sent: Sent, known_projects: Callable[[str], bool]):
        self.route = route
        self.rule = rule
        self.sent = sent
        self.known_projects = known_projects
        self.deviations: list = []
        self.required_project: Optional[str] = None
        self.project_judged = False

    # ------------------------------------------------------------ recording
    def fail(self, error: ApiError):
        """Log the deviation and answer with it."""
        self.deviations.append(error.message)
        raise error

    def note(self, text: str):
        """Log a deviation that is accepted."""
        self.deviations.append(text)

    # ------------------------------------------------------ the fixed rules
    def check_request(self):
        """Prefer, Content-Type, Accept and query parameters, before the handler runs: log every problem found,
        answer with the first."""
        if self.rule is None:
            return
        errors = _fixed_rule_errors(self.rule, self.sent)
        self.deviations.extend(error.message for error in errors)
        if errors:
            raise errors[0]

    def finish(self):
        """A route with a rule that answers success must have judged its project header."""
        if self.rule is not None and not self.project_judged:
            raise ApiError(500, "ERR001", "Emulator bug: %s answered without judging X-MSTR-ProjectID." % self.route)

    # --------------------------------------------------- the project header
    def judge(self, *subject):
        """The route's project rule, on what the call concerns."""
        return self.rule.project.judge(self, *subject)

    def expect_project(self, required: Optional[str], owner: str, origin: Optional[str] = None):
        """The header must name ``required`` (or be absent when it is None); ``origin`` is accepted and logged."""
        self.project_judged = True
        self.required_project = required
        sent = self.sent.project_id
        if required is None:
            if sent:
                self.fail(invalid_input("X-MSTR-ProjectID '%s' sent, but %s has no project: the header must be "
                                        "absent." % (self.sent.project, owner)))
            return
        if sent is None:
            self.fail(missing_info("X-MSTR-ProjectID missing; %s belongs to project %s and every call on it "
                                   "must name it." % (owner, required)))
        if sent == required:
            return
        if origin and sent == origin:
            # The import and view-uploaded pages read and delete an uploaded package with the header of the
            # project it was exported from; accepted so that they replay, but it is not the holder's project.
            self.note("X-MSTR-ProjectID %s is the project the uploaded package came from, not the holder's "
                      "project %s (accepted, as the vendor pages do it)." % (sent, required))
            return
        self.fail(invalid_input("X-MSTR-ProjectID %s names another project; %s belongs to project %s."
                                % (sent, owner, required)))

    def loaded_project(self) -> Optional[str]:
        """The header's project, which must be loaded when sent."""
        self.project_judged = True
        sent = self.sent.project_id
        if sent and not self.known_projects(sent):
            self.fail(unknown_project(self.sent.project))
        return sent
