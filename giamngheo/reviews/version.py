"""The figures' version token, and the cache of what approved rounds add up to under it.

A report reads approved (locked) rounds only: their summaries, frozen when each was approved, and
the communes' resident counts. What it computes from them changes only when a round enters or
leaves approval, a summary or a resident count is written, or the units change. Every such
writer renews `reviews.FiguresVersion`'s token (`figures_changed`), like `geo.version`'s units
token: once in its transaction and again after commit. Rounds, resident counts and summaries
renew it on every save and delete (signals connected in `ReviewsConfig.ready`); the bulk writers
call `figures_changed` themselves.

`remembered` keeps a computed figure in Django's cache under both tokens, so every process
reads what one of them computed until something it was computed from is written. Only aggregate
figures go there, never a page and nothing that depends on who reads it: the permission checks
stay with the callers, before they ask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from giamngheo.geo.version import VersionToken, units_token

T = TypeVar("T")
FIGURES = VersionToken("reviews.FiguresVersion")
# A key is never read again once either token changes, so what bounds the entries left behind by
# a season of approvals (a province's year is ≈ 100 KB) is their expiry; computing a figure
# again a few times a day costs nothing noticeable.
TIMEOUT = 6 * 3600
_MISSING = object()


def figures_token() -> str:
    return FIGURES.read()


def figures_changed() -> None:
    """Approved rounds, their summaries or resident counts were written."""
    FIGURES.renew()


def figures_changed_signal(**_kwargs: Any) -> None:
    """`figures_changed` as a signal receiver (a round, summary or resident count saved or deleted)."""
    figures_changed()


def remembered(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned before under the same tokens, `name` and `parts`.

    The tokens are read before anything is computed, so a value is never kept under a token newer
    than the rows it was computed from. `compute` may return None (kept too); an exception is not
    kept.
    """
    key = ":".join(
        ["figures", units_token(), figures_token(), name, *(str(part) for part in parts)]
    )
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value  # type: ignore[return-value]
