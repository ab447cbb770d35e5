# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the vendor pages send on each package, import and object call: one table, enforced here.

``TABLE`` is keyed by the emulator's route labels ("METHOD /api/path/{param}",
as ``server.ROUTES`` builds them). The server judges every request of a
table route with a ``Check``: the fixed rules (``Prefer``, ``Content-Type``,
``Accept``, query parameters) before the handler runs, the project header
once the handler has found the holder, import or object type it concerns.
Whatever a request did not do exactly as the table says is one
human-readable *deviation*: most answer 400 (ERR005 when something is
missing, ERR006 when something is there that must not be, or names another
project), a few are accepted as the pages themselves do them, and all of
them go to the request log that ``tests/conformance`` reads.

Pages are cited as ``file#section`` in ../shared/reference/microstrategy-rest-api.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from .errors import ApiError, invalid_input, missing_info

# How a call's X-MSTR-ProjectID header is judged.
CREATION = "creation"        # optional; when sent it names a loaded project, which becomes the holder's project
DEFINITION = "definition"    # by the package type in the body; then as HOLDER
HOLDER = "holder"            # equal to the holder's project; absent when the holder has none
IMPORT_INTO = "import-into"  # equal to the holder's project (no origin leniency); becomes the import's project
IMPORT = "import"            # equal to the import's project; absent for configuration imports
OBJECT = "object"            # required for project-level types, absent for configuration-level types

PROJECT_RULES = {
    CREATION: "optional; a loaded project (else ERR006), which becomes the holder's project",
    DEFINITION: "type project / project_security: the holder's project, and the holder was created with one "
                "(else ERR005); configuration: absent, and the holder was created without one",
    HOLDER: "the holder's project, absent if it has none; an uploaded package also takes the project it came "
            "from (logged as a deviation)",
    IMPORT_INTO: "the holder's project, absent if it has none; it becomes the import's project",
    IMPORT: "the import's project, absent for a configuration import",
    OBJECT: "required for project-level types, absent for configuration-level types (34, 44, 29, 30, 31, 35, 57, "
            "51, 77)",
}

# Configuration-level object types: users and groups, security role, database instance / login /
# connection, transmitter, DBMS, schedule, content group. GET /api/objects takes no project header for them.
CONFIGURATION_TYPES = frozenset({34, 44, 29, 30, 31, 35, 57, 51, 77})

JSON = "application/json"
MULTIPART = "multipart/form-data"
OCTET_STREAM = "application/octet-stream"

CREATE = "create-a-migration-package.md"
VIEW_NEW = "view-newly-created-package.md"
IMPORT_PAGE = "import-a-migration-package.md"
VIEW_UPLOADED = "view-uploaded-package.md"


@dataclass(frozen=True)
class Rule:
    project: str
    prefer_async: bool = False
    content_type: Optional[str] = None
    accept: Optional[str] = None
    query: Tuple[str, ...] = ()
    pages: Tuple[str, ...] = ()


TABLE = {
    "POST /api/packages": Rule(
        CREATION, pages=(CREATE + "#create-an-empty-package", IMPORT_PAGE + "#create-an-empty-package")),
    "PUT /api/packages/{pid}": Rule(
        DEFINITION, prefer_async=True, content_type=JSON,
        pages=(CREATE + "#update-the-package-definition", CREATE + "#create-a-configuration-package")),
    "GET /api/packages/{pid}": Rule(
        HOLDER, pages=(CREATE + "#get-the-package-definition", IMPORT_PAGE + "#get-the-package-definition")),
    "GET /api/packages/{pid}/objects": Rule(
        HOLDER, query=("id",),
        pages=(VIEW_NEW + "#get-the-package-detailed-definition",
               VIEW_UPLOADED + "#get-the-package-detailed-definition")),
    "GET /api/packages/{pid}/binary": Rule(
        HOLDER, accept=OCTET_STREAM, pages=(CREATE + "#download-the-package-and-save-it-as-a-binary-file",)),
    "PUT /api/packages/{pid}/binary": Rule(
        HOLDER, content_type=MULTIPART, pages=(IMPORT_PAGE + "#upload-a-package-binary-file",)),
    "DELETE /api/packages/{pid}": Rule(
        HOLDER, prefer_async=True, pages=(CREATE + "#delete-the-package", IMPORT_PAGE + "#delete-the-package")),
    "POST /api/packages/imports": Rule(
        IMPORT_INTO, prefer_async=True, query=("packageId", "generateUndo"),
        pages=(IMPORT_PAGE + "#create-an-import-process-to-import-a-package", IMPORT_PAGE + "#more-examples")),
    "GET /api/packages/imports/{iid}": Rule(IMPORT, pages=(IMPORT_PAGE + "#query-the-import-status",)),
    "GET /api/packages/imports/{iid}/undoPackage/binary": Rule(
        IMPORT, pages=(IMPORT_PAGE + "#download-an-undo-package-binary-file",)),
    "DELETE /api/packages/imports/{iid}": Rule(
        IMPORT, prefer_async=True, pages=(IMPORT_PAGE + "#delete-the-import-process",)),
    # No vendor workflow page shows this call; API_NOTES.md ("Objects in a project") does.
    "GET /api/objects/{oid}": Rule(
        OBJECT, query=("type",), pages=("API_NOTES.md#objects-in-a-project-for-comparing-a-package-with-a-target",)),
}


def unknown_project(project: str) -> ApiError:
    return ApiError(400, "ERR006", "Project '%s' does not exist or is not loaded." % project, iserver_code=-2147209151)


@dataclass(frozen=True)
class Sent:
    """What a request sent, as far as the table is concerned (never credentials)."""

    project: Optional[str]
    prefer: str = ""
    content_type: str = ""  # media type only, lower case
    accept: str = ""
    query: frozenset = frozenset()

    @property
    def project_id(self) -> Optional[str]:
        return self.project.upper() if self.project else None


class Check:
    """Judges one request against its table row and keeps its deviations."""

    def __init__(self, route: str, sent: Sent, known_projects: Callable[[str], bool]):
        self.route = route
        self.rule = TABLE.get(route)
        self.sent = sent
        self.known_projects = known_projects
        self.deviations: list = []
        self.required_project: Optional[str] = None
        self.project_judged = False

    # ------------------------------------------------------------ recording
    def _fail(self, error: ApiError):
        self.deviations.append(error.message)
        raise error

    def _fail_first(self, errors: list):
        """Log every problem found, answer with the first."""
        self.deviations.extend(error.message for error in errors)
        if errors:
            raise errors[0]

    # ------------------------------------------------------ the fixed rules
    def check_request(self):
        """Prefer, Content-Type, Accept and query parameters: before the handler runs."""
        if self.rule is None:
            return
        rule, sent = self.rule, self.sent
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
        for name in rule.query:
            if name not in sent.query:
                errors.append(missing_info("Query parameter '%s' missing; this call requires it." % name))
        self._fail_first(errors)

    def finish(self):
        """A table route that answers success must have judged its project header."""
        if self.rule is not None and not self.project_judged:
            raise ApiError(500, "ERR001", "Emulator bug: %s answered without judging X-MSTR-ProjectID." % self.route)

    # --------------------------------------------------- the project header
    def _expect(self, required: Optional[str], owner: str, origin: Optional[str] = None):
        """The header must name ``required`` (or be absent when it is None)."""
        self.project_judged = True
        self.required_project = required
        sent = self.sent.project_id
        if required is None:
            if sent:
                self._fail(invalid_input("X-MSTR-ProjectID '%s' sent, but %s has no project: the header must be "
                                         "absent." % (self.sent.project, owner)))
            return
        if sent is None:
            self._fail(missing_info("X-MSTR-ProjectID missing; %s belongs to project %s and every call on it "
                                    "must name it." % (owner, required)))
        if sent == required:
            return
        if origin and sent == origin:
            # The import and view-uploaded pages read and delete an uploaded package with the header of the
            # project it was exported from; accepted so that they replay, but it is not the holder's project.
            self.deviations.append("X-MSTR-ProjectID %s is the project the uploaded package came from, not the "
                                   "holder's project %s (accepted, as the vendor pages do it)." % (sent, required))
            return
        self._fail(invalid_input("X-MSTR-ProjectID %s names another project; %s belongs to project %s."
                                 % (sent, owner, required)))

    def _loaded_project(self) -> Optional[str]:
        """The header's project, which must be loaded when sent."""
        self.project_judged = True
        sent = self.sent.project_id
        if sent and not self.known_projects(sent):
            self._fail(unknown_project(self.sent.project))
        return sent

    def creation(self) -> Optional[str]:
        """POST /api/packages: the holder's project, if any."""
        return self._loaded_project()

    def package_type(self, package_type: Optional[str], package_id: str, holder_project: Optional[str]):
        """A package's type must fit the project its holder was created with (definition, upload)."""
        if package_type in ("project", "project_security") and holder_project is None:
            self._fail(missing_info("A %s package needs the X-MSTR-ProjectID header on every call, creation "
                                    "included; package '%s' was created without one." % (package_type, package_id)))
        if package_type == "configuration" and holder_project is not None:
            self._fail(invalid_input("A configuration package takes no X-MSTR-ProjectID header on any call; "
                                     "package '%s' was created with project %s." % (package_id, holder_project)))

    def holder(self, pkg: dict):
        """Any call on a holder: its project, or the one an uploaded package came from (logged)."""
        origin = pkg.get("origin") if pkg.get("source") == "upload" else None
        self._expect(pkg["projectId"], "package '%s'" % pkg["id"], origin=origin)

    def definition(self, pkg: dict, package_type: str):
        self.package_type(package_type, pkg["id"], pkg["projectId"])
        self.holder(pkg)

    def import_into(self, pkg: dict) -> Optional[str]:
        """POST /api/packages/imports: the import's project, which is the holder's."""
        self._expect(pkg["projectId"], "package '%s'" % pkg["id"])
        return pkg["projectId"]

    def import_process(self, imp: dict):
        self._expect(imp["projectId"], "import '%s'" % imp["id"])

    def object_lookup(self, object_type: int) -> Optional[str]:
        """GET /api/objects: the project to look in, None for the configuration."""
        if object_type in CONFIGURATION_TYPES:
            self._expect(None, "a configuration-level object (type %d)" % object_type)
            return None
        sent = self._loaded_project()
        if sent is None:
            self._fail(missing_info("X-MSTR-ProjectID missing; objects of type %d live in a project." % object_type))
        return sent


def requirements(rule: Rule) -> str:
    """One line of what the emulator requires for a call (the docs table)."""
    parts = ["`X-MSTR-ProjectID`: " + PROJECT_RULES[rule.project]]
    if rule.prefer_async:
        parts.append("`Prefer: respond-async`")
    if rule.content_type:
        parts.append("`Content-Type: %s`" % rule.content_type)
    if rule.accept:
        parts.append("`Accept` containing `%s`" % rule.accept)
    if rule.query:
        parts.append("query " + ", ".join("`%s`" % name for name in rule.query))
    return "; ".join(parts)


def markdown_table() -> str:
    """The table as docs/emulator.md shows it (a test keeps the two equal)."""
    lines = ["| call | what the emulator requires | vendor page (file#section) |", "|---|---|---|"]
    for route, rule in TABLE.items():
        lines.append("| `%s` | %s | %s |" % (route, requirements(rule), "<br>".join(rule.pages)))
    return "\n".join(lines)
