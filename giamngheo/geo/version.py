"""The units' version token, and what each process keeps of the unit tree under it.

Everything that writes units or successions calls `units_changed()` (`AdminUnit.save`, the
deletion and succession signals, the catalogue loader, the villages import, the admin's move of
a subtree). The token is written twice: at once, inside the writer's transaction, so the writer's
own later reads in that transaction are not answered from before the change and a rolled-back
change takes its token with it; and again after commit, so a process that read the first token
before the commit and derived from the old rows keeps that under a token nobody reads again.
A reader takes the token before the rows it derives from, so whatever it keeps is at least as new
as its key. Within one request the token is read once (`request_started` forgets it).
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import transaction

_request = threading.local()


def _model() -> Any:
    # By name: `AdminUnit.save` calls this module, which must not import the models back.
    return apps.get_model("geo", "UnitsVersion")


def units_token() -> str:
    """The current token: one small query, or none when this request has read it already."""
    if getattr(_request, "active", False) and getattr(_request, "token", None) is not None:
        return _request.token
    token = _model().objects.filter(pk=1).values_list("token", flat=True).first() or ""
    if getattr(_request, "active", False):
        _request.token = token
    return token


def _new_token() -> None:
    model, token = _model(), uuid.uuid4().hex
    if not model.objects.filter(pk=1).update(token=token):
        model.objects.update_or_create(pk=1, defaults={"token": token})
    _request.token = None


def units_changed() -> None:
    """Units or successions were written: whatever processes keep of them is out of date."""
    _new_token()
    connection = transaction.get_connection()
    # Once after the commit is enough however many units the transaction writes.
    if not any(entry[1] is _new_token for entry in connection.run_on_commit):
        transaction.on_commit(_new_token)


def units_changed_signal(**_kwargs: Any) -> None:
    """`units_changed` as a signal receiver (a deleted unit, a saved or deleted succession)."""
    units_changed()


def _request_started(**_kwargs: Any) -> None:
    _request.active, _request.token = True, None


def _request_finished(**_kwargs: Any) -> None:
    _request.active, _request.token = False, None


request_started.connect(_request_started, dispatch_uid="giamngheo-units-token-start")
request_finished.connect(_request_finished, dispatch_uid="giamngheo-units-token-end")


class TokenCache:
    """A per-process dict valid for one token: emptied when the token changes."""

    def __init__(self) -> None:
        self._token: str | None = None
        self._values: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def get(self, token: str, key: Any) -> Any:
        with self._lock:
            return self._values.get(key) if token == self._token else None

    def put(self, token: str, key: Any, value: Any) -> None:
        with self._lock:
            if token != self._token:
                self._token, self._values = token, {}
            self._values[key] = value
