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


class VersionToken:
    """A one-row model's token: read at most once a request, renewed by every writer.

    `geo.UnitsVersion` (units and successions) is one; `reviews.FiguresVersion` (what approved
    rounds add up to) is another. Renewed twice, as the module's docstring says: in the writer's
    transaction and again after its commit (once per transaction however many rows it writes).
    """

    def __init__(self, model_label: str) -> None:
        self._model_label = model_label
        self._request = threading.local()
        _TOKENS.append(self)

    def _model(self) -> Any:
        # By name: the models that renew a token must not be imported back here.
        return apps.get_model(self._model_label)

    def read(self) -> str:
        """The current token: one small query, or none when this request has read it already."""
        request = self._request
        if getattr(request, "active", False) and getattr(request, "token", None) is not None:
            return request.token
        token = self._model().objects.filter(pk=1).values_list("token", flat=True).first() or ""
        if getattr(request, "active", False):
            request.token = token
        return token

    def _new_token(self) -> None:
        model, token = self._model(), uuid.uuid4().hex
        if not model.objects.filter(pk=1).update(token=token):
            model.objects.update_or_create(pk=1, defaults={"token": token})
        self._request.token = None

    def renew(self) -> None:
        """What the token stands for was written: whatever processes keep of it is out of date."""
        self._new_token()
        connection = transaction.get_connection()
        # Once after the commit is enough however many rows the transaction writes.
        if not any(entry[1] == self._new_token for entry in connection.run_on_commit):
            transaction.on_commit(self._new_token)

    def start(self, active: bool) -> None:
        self._request.active, self._request.token = active, None


_TOKENS: list[VersionToken] = []
UNITS = VersionToken("geo.UnitsVersion")


def units_token() -> str:
    """The current units token: one small query, or none when this request has read it already."""
    return UNITS.read()


def units_changed() -> None:
    """Units or successions were written: whatever processes keep of them is out of date."""
    UNITS.renew()


def units_changed_signal(**_kwargs: Any) -> None:
    """`units_changed` as a signal receiver (a deleted unit, a saved or deleted succession)."""
    units_changed()


def _request_started(**_kwargs: Any) -> None:
    for token in _TOKENS:
        token.start(True)


def _request_finished(**_kwargs: Any) -> None:
    for token in _TOKENS:
        token.start(False)


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
