"""Who changed a row and why, for the history row (django-simple-history) the next save writes.

Pages get the user from HistoryRequestMiddleware; services stamp it themselves so that the REST
API, jobs and commands record the actor too.
"""

from __future__ import annotations

from typing import Any

# HistoricalRecords keeps the reason in a 100-character column.
REASON_MAX = 100


def stamp(obj: Any, *, actor: Any | None, reason: str = "") -> None:
    obj._history_user = actor
    obj._change_reason = (reason or "").strip()[:REASON_MAX]
