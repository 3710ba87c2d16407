"""Writes: notifying a unit's officers, the job-finished receiver, reading and preferences."""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from giamngheo.accounts.models import User
from giamngheo.geo.models import AdminUnit
from giamngheo.history import stamp
from giamngheo.jobs.models import Job
from giamngheo.notifications.delivery import notify
from giamngheo.notifications.models import Kind, Notification, NotificationPreference
from giamngheo.notifications.recipients import unit_officers
from giamngheo.notifications.reminders import job_notify

log = logging.getLogger(__name__)

__all__ = [
    "job_finished_notify",
    "notifications_mark_all_read",
    "notification_open",
    "notify",
    "notify_unit",
    "preferences_save",
]


def notify_unit(
    unit: AdminUnit,
    kind: str = Kind.CITIZEN_REQUEST,
    *,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
) -> list[Notification]:
    """Notify the officers who answer for `unit` (a commune's officers and chairman; a province's
    department officers; a village's commune), once per `dedupe_key` (e.g. "citizen-request:<id>").

    Returns the notifications created now: none when the key was already used.
    """
    return notify(
        recipients=unit_officers(unit),
        kind=kind,
        title=title,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
    )


def job_finished_notify(sender: Any, *, job: Job, **kwargs: Any) -> None:
    """Receiver of `jobs.signals.job_finished`: tell the owner now rather than at the daily run."""
    job_notify(job)


def notification_open(*, actor: User, notification: Notification) -> Notification:
    """Mark the actor's own notification read (opening it is reading it)."""
    if notification.read_at is None and notification.recipient_id == actor.pk:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, actor: User, email_by_kind: dict[str, bool]) -> None:
    """Store the actor's e-mail choice for each kind given (unknown kinds are ignored)."""
    for kind, email in email_by_kind.items():
        if kind not in Kind.values:
            continue
        preference = NotificationPreference.objects.filter(user=actor, kind=kind).first()
        if preference is None:
            preference = NotificationPreference(user=actor, kind=kind)
        elif preference.email == email:
            continue
        preference.email = email
        stamp(preference, actor=actor)
        preference.save()
