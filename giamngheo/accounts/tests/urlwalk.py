"""Every route of the URL conf with the view that answers it, REST operations included."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from giamngheo.accounts.access import Access, declared


@dataclass(frozen=True)
class Route:
    route: str  # the pattern, prefixes joined: "reviews/<int:pk>/approve/"
    name: str  # "namespace:name", or the view's dotted path when unnamed
    view: Callable[..., Any]
    methods: tuple[str, ...] = ()  # REST operations only

    @property
    def module(self) -> str:
        return getattr(self.view, "func", self.view).__module__  # functools.partial too

    @property
    def dotted(self) -> str:
        return f"{self.module}.{getattr(self.view, 'func', self.view).__qualname__}"

    @property
    def access(self) -> Access | None:
        return declared(self.view)


def _path_view(callback: Callable[..., Any]) -> PathView | None:
    """The ninja PathView behind a URL callback (a bound method, or a closure over `self`)."""
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, PathView):
        return owner
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            owner = _path_view(callback)
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            if isinstance(owner, PathView):
                for operation in owner.operations:
                    view = operation.view_func
                    yield Route(route, name or view.__name__, view, tuple(operation.methods))
            else:
                yield Route(route, name or route, callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))
