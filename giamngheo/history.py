"""Who changed a row and why, for the history row (django-simple-history) the next save writes.

Pages get the user from HistoryRequestMiddleware; services stamp it themselves so that the REST
API, jobs and commands record the actor too.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# HistoricalRecords keeps the reason in a 100-character column.
REASON_MAX = 100

# django-simple-history ships no Vietnamese catalogue. The same msgids as its own
# `history_type` choices, so the project catalogue translates the admin's history pages too.
ACTIONS: dict[str, Promise] = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def action_label(history_type: str) -> str:
    """The history row's kind ("+", "~", "-") as the reader's language names it."""
    label = ACTIONS.get(history_type)
    return str(label) if label is not None else history_type


def stamp(obj: Any, *, actor: Any | None, reason: str = "") -> None:
    obj._history_user = actor
    obj._change_reason = (reason or "").strip()[:REASON_MAX]
