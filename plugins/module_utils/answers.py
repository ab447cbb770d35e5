# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the server answers, each rule once: answer shapes, status words, the ids it hands out, binaries.

Above the transport, below the API classes: pure functions, no requests.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ansible_collections.mstr.migration.plugins.module_utils.errors import ResponseError, ValidationError

# Status words, compared upper case (servers print READY or ready).
PACKAGE_PROCESSING = "PROCESSING"
PACKAGE_READY = "READY"
PACKAGE_EMPTY = "EMPTY"
IMPORT_DONE = "IMPORTED"
FAILED_MARK = "FAIL"  # create_failed, IMPORT_FAILED, ...

# Ids the server hands out (base64 of "<project id>:<32 hex>"): opaque, but never a path of their own.
_SERVER_ID = re.compile(r"[A-Za-z0-9+=_.:~-]{1,512}")

# The first eight bytes of every package the vendor's server makes (and of the emulator's): a download that does not
# start with them is kept but warned about.
PACKAGE_MAGIC = bytes.fromhex("0180befe7f063772")
# What a proxy's or a login portal's page comes as; a package binary never does.
PAGE_TYPES = ("text/html", "text/plain", "application/json", "application/xml", "text/xml")


# ------------------------------------------------------------ answer shapes
def mapping(value, what: str) -> dict:
    """A JSON object from the server, or a clear error instead of a traceback."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ResponseError("unexpected answer from the server: %s is %s, not a JSON object"
                            % (what, type(value).__name__))
    return value


def list_of(value, kind: type, kind_name: str, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise ResponseError("unexpected answer from the server: %s is not a list of %s" % (what, kind_name))
    return value


def objects_list(value, what: str) -> list:
    return list_of(value, dict, "JSON objects", what)


def strings_list(value, what: str) -> list:
    """A list of strings (settings lists), or a clear error."""
    return list_of(value, str, "strings", what)


def new_id(answer, what: str) -> str:
    """The id of a new holder or import, held to the rule of ids the user passes: it goes into paths too."""
    given = mapping(answer, what).get("id")
    if not isinstance(given, str) or not given:
        raise ResponseError("unexpected answer from the server: %s has no id" % what)
    if not is_server_id(given):
        raise ResponseError("unexpected answer from the server: %s has the id %r, which is not an id the server "
                            "gives out; is base_url the Library address, or is a proxy answering?"
                            % (what, given[:100]))
    return given


# ------------------------------------------------------------------ statuses
def normalise_status(status) -> str:
    """Servers print ``READY`` or ``ready``; compare upper case."""
    return str(status or "").upper()


def is_failed(status) -> bool:
    return FAILED_MARK in normalise_status(status)


# ----------------------------------------------------------------- server ids
def is_server_id(value) -> bool:
    return isinstance(value, str) and bool(_SERVER_ID.fullmatch(value)) and not set(value) <= {"."}


def check_server_id(value, option: str) -> str:
    """A package or import id as the server gave it out; refused before any request when it could leave its path."""
    if not is_server_id(value):
        raise ValidationError(option, "%r is not a package or import id; pass the id an earlier task returned "
                                      "(for example \"{{ package.package_id }}\") unchanged" % (value,))
    return value


def path_segment(value: str, option: str) -> str:
    """A server id as one path segment: '=' stays as the vendor pages print it; anything else outside the id
    alphabet was refused by ``check_server_id``."""
    return quote(check_server_id(value, option), safe="=+:~")


# ------------------------------------------------------------------ binaries
def check_package_head(head: bytes, media_type: str, request: str, status: int) -> bool:
    """Whether a binary answer starts as packages do; a page or JSON fails (nothing is saved).

    The ``inspect`` of ``transport.Client.download`` for package and undo package downloads.
    """
    if media_type in PAGE_TYPES:
        raise ResponseError("%s answered HTTP %s with %s instead of a package binary; nothing was saved. Is base_url "
                            "the Library address, or is a proxy or login page answering?"
                            % (request, status, media_type))
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    kind = None
    if text[:1] == b"<":
        kind = "an HTML page" if re.match(rb"<(!doctype\s+html|html|head|body)", text[:64].lower()) else "XML"
    elif text[:1] in (b"{", b"["):
        kind = "JSON"
    if kind:
        excerpt = text[:80].decode("ascii", "replace").encode("unicode_escape").decode()
        raise ResponseError("%s answered HTTP %s with %s instead of a package binary (it begins '%s'); nothing was "
                            "saved. Is base_url the Library address, or is a proxy or login page answering?"
                            % (request, status, kind, excerpt))
    return head[:len(PACKAGE_MAGIC)] == PACKAGE_MAGIC


def not_a_package_warning(path: str) -> str:
    """What a module warns when a download was kept but does not start as packages do."""
    return ("%s does not start with the bytes every MicroStrategy package starts with; it was saved as the server "
            "sent it, but check it (or the server's version) before importing it" % path)
