"""A row created by an import gets its "created" history row just before its first change.

An import writes no history row per household and member (`RegistryImport` is the audited event);
the first change or deletion of such a row would otherwise show no "before". Until then the row
still holds exactly what the import wrote, so that is what the history row records, under the
import's user, date and reason.
"""

from typing import Any

from django.db.models import Model

from giamngheo.history import REASON_MAX
from giamngheo.households.models import Household, Member, RegistryImport


def baseline_before_first_change(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None or instance.imported_in_id is None:
        return
    history = sender.history  # type: ignore[attr-defined]
    if history.filter(id=instance.pk).exists():
        return
    original = sender._default_manager.filter(pk=instance.pk).first()
    if original is None:
        return
    event = RegistryImport.objects.get(pk=instance.imported_in_id)
    history.bulk_history_create(
        [original],
        default_user=event.user,
        default_date=event.imported_at,
        default_change_reason=event.reason[:REASON_MAX],
    )


def connect() -> None:
    from django.db.models.signals import pre_delete, pre_save

    for model in (Household, Member):
        for signal in (pre_save, pre_delete):
            signal.connect(
                baseline_before_first_change,
                sender=model,
                dispatch_uid=f"import-baseline-{signal is pre_save}-{model.__name__}",
            )
