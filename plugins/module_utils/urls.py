# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What may be sent: the Library address and header values, checked before any request (beside the transport)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ansible_collections.mstr.migration.plugins.module_utils.errors import ValidationError

# What requests and http.client accept in a header value without an exception of their own: printable ASCII.
HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")
URL_EXAMPLE = "use the Library address with its scheme, for example https://mstr.example.com/MicroStrategyLibrary"


def shown_url(url: str) -> str:
    """The URL as it may be printed: whatever stands before an '@' (user and password) is masked."""
    if "@" not in url:
        return url
    scheme, sep, _rest = url.partition("://")
    return (scheme + sep if sep else "") + "***@" + url.rsplit("@", 1)[1]


def url_password(value) -> list:
    """The password typed into a URL (refused as base_url), so that a module can mask it in its own result."""
    try:
        password = urlsplit(str(value or "")).password
    except ValueError:
        return []
    return [password] if password else []


def normalise_base_url(value: str) -> str:
    """``https://host/MicroStrategyLibrary`` whatever the user typed around it; anything requests could not send
    (or would send where the user did not mean) is refused here, before any request."""
    url = str(value or "").strip()
    shown = shown_url(url)
    if any(ord(char) < 0x21 or ord(char) == 0x7f for char in url):
        raise ValidationError("base_url", "'%s' contains a space or a control character; %s"
                              % (shown.encode("unicode_escape").decode(), URL_EXAMPLE))
    _check_parts(_split(url, shown), shown)
    if url.endswith(("?", "#")):
        raise ValidationError("base_url", "'%s' has a query or fragment (? or #); %s" % (shown, URL_EXAMPLE))
    url = url.rstrip("/")
    if url.endswith("/api"):
        url = url[:-len("/api")]
    return url.rstrip("/")


def _split(url: str, shown: str):
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValidationError("base_url", "'%s' is not a URL (an IPv6 address needs both brackets, [::1]); %s"
                              % (shown, URL_EXAMPLE)) from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("base_url", "'%s' is not a URL; %s" % (shown, URL_EXAMPLE))
    return parts


def _check_parts(parts, shown: str) -> None:
    if "@" in parts.netloc:
        # requests would send them as Basic auth to every address, and base_url is shown in results and records.
        raise ValidationError("base_url", "must not contain a user name or password (%s); set username and password "
                                          "(or api_token) instead, and base_url to the address alone" % shown)
    try:
        port = parts.port
    except ValueError as exc:
        raise ValidationError("base_url", "'%s' has no valid port: a port is a number from 1 to 65535; %s"
                              % (shown, URL_EXAMPLE)) from exc
    if port == 0 or not _valid_host(parts.hostname or "", parts.netloc):
        raise ValidationError("base_url", "'%s' has no valid host name%s; %s"
                              % (shown, " or port" if port == 0 else "", URL_EXAMPLE))
    if parts.query or parts.fragment:
        raise ValidationError("base_url", "'%s' has a query or fragment (? or #); %s" % (shown, URL_EXAMPLE))


def _valid_host(host: str, netloc: str) -> bool:
    if "[" in netloc:  # an IPv6 address
        try:
            return ipaddress.ip_address(host).version == 6
        except ValueError:
            return False
    return bool(_HOST_NAME.fullmatch(host)) and len(host) <= 253


def is_loopback(host) -> bool:
    """A server on this machine (a tunnel, a local test server) is reached without crossing a network."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_header_value(value, option: str) -> str:
    """A value that goes into an HTTP header, refused before any request when requests could not send it."""
    if not isinstance(value, str) or not HEADER_VALUE.fullmatch(value):
        raise ValidationError(option, "%r cannot be sent in an HTTP header: it must be printable ASCII, without line "
                                      "breaks, control characters or spaces around it" % (value,))
    return value
