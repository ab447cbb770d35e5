# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Routes and the router: a path's literal segments win over parameter segments, whatever the declaration order.

A route is declared on its handler with ``@route(method, path, rule)``; the
path's ``{name}`` segments become the handler's keyword arguments (percent
decoded). Among the routes of the request's method that match, the one whose
segments are literal furthest left wins: ``/api/packages/imports`` before
``/api/packages/{pid}``, ``/api/packages/imports/{iid}`` before
``/api/packages/{pid}/binary``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple
from urllib.parse import unquote

from .rules import Rule


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "/api/packages/{pid}": what the request log and /__emulator__/state call the route
    handler: str  # the name of the family's method that answers it
    rule: Optional[Rule] = None  # what the call must send; None: nothing is judged
    auth: bool = True  # needs a session
    segments: Tuple[str, ...] = field(init=False, repr=False, compare=False)
    specificity: Tuple[bool, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        segments = tuple(self.path[1:].split("/"))
        object.__setattr__(self, "segments", segments)
        # Literal segments rank above parameters, left to right.
        object.__setattr__(self, "specificity", tuple(not _is_parameter(segment) for segment in segments))

    @property
    def key(self) -> str:
        return "%s %s" % (self.method, self.path)

    @property
    def shape(self) -> str:
        """The key with its parameters unnamed: two routes of one shape would match the same paths."""
        return "%s /%s" % (self.method, "/".join("{}" if _is_parameter(s) else s for s in self.segments))

    def match(self, segments: Tuple[str, ...]) -> Optional[dict]:
        """The path parameters when ``segments`` fit this route, else None."""
        if len(segments) != len(self.segments):
            return None
        params = {}
        for pattern, value in zip(self.segments, segments):
            if _is_parameter(pattern):
                if not value:
                    return None
                params[pattern[1:-1]] = unquote(value)
            elif pattern != value:
                return None
        return params


def _is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def route(method: str, path: str, rule: Optional[Rule] = None, auth: bool = True):
    """Declare the decorated method as the handler of ``method path`` (stackable)."""
    def mark(function):
        function.routes = getattr(function, "routes", ()) + (Route(method, path, function.__name__, rule, auth),)
        return function
    return mark


def declared_routes(cls) -> tuple:
    """The routes declared on the methods of ``cls`` (and its bases), in declaration order."""
    found = []
    for klass in reversed(cls.__mro__):
        for value in vars(klass).values():
            found.extend(getattr(value, "routes", ()))
    return tuple(found)


class Router:
    """Finds the route of a request among routes bound to their handlers' owners."""

    def __init__(self, bound: list):
        """``bound``: [(route, owner)], the owner being the object whose method ``route.handler`` answers."""
        self.bound = list(bound)
        shapes = [entry.shape for entry, _owner in self.bound]
        twice = sorted({shape for shape in shapes if shapes.count(shape) > 1})
        if twice:
            raise ValueError("routes declared twice: %s" % ", ".join(twice))
        self.candidates: dict = {}  # (method, number of segments): [(route, owner)]
        for entry, owner in self.bound:
            self.candidates.setdefault((entry.method, len(entry.segments)), []).append((entry, owner))

    @property
    def routes(self) -> list:
        return [entry for entry, _owner in self.bound]

    def find(self, method: str, path: str):
        """(route, owner, params) of the most specific route of ``method`` that ``path`` fits, else None."""
        if not path.startswith("/"):
            return None
        segments = tuple(path[1:].split("/"))
        best = None
        for entry, owner in self.candidates.get((method, len(segments)), ()):
            params = entry.match(segments)
            if params is not None and (best is None or entry.specificity > best[0].specificity):
                best = (entry, owner, params)
        return best
