"""Reads: only the reader's own notifications and preferences."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from giamngheo.accounts.models import User
from giamngheo.notifications.models import (
    EMAIL_BY_DEFAULT,
    Kind,
    Notification,
    NotificationPreference,
)


def notification_list(*, actor: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor)


def notification_get(*, actor: User, pk: int) -> Notification:
    return get_object_or_404(notification_list(actor=actor), pk=pk)


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at=None).count()


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    email: bool


def preferences(*, actor: User) -> list[Preference]:
    """Every kind with the actor's e-mail choice (the default where they made none)."""
    chosen = dict(NotificationPreference.objects.filter(user=actor).values_list("kind", "email"))
    return [
        Preference(kind, str(label), chosen.get(kind, EMAIL_BY_DEFAULT[kind]))
        for kind, label in Kind.choices
    ]
