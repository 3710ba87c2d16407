"""Writing a notification once per person and key, and e-mailing it to those who want it.

The unique (recipient, dedupe_key) pair is what makes every reminder idempotent: a second run, or
two runs at once, finds the row already there and sends nothing.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from giamngheo.accounts.models import User
from giamngheo.notifications.models import EMAIL_BY_DEFAULT, Notification, NotificationPreference

log = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
) -> list[Notification]:
    """Notify each recipient once for `dedupe_key`; returns only the notifications created now.

    E-mails go after the surrounding transaction commits, so a rolled-back request tells no one.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with transaction.atomic():
            notification, is_new = Notification.objects.get_or_create(
                recipient=user,
                dedupe_key=dedupe_key[:200],
                defaults={"kind": kind, "title": title[:255], "body": body, "url": url[:500]},
            )
        if is_new:
            created.append(notification)
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: email_send(ids))
    return created


def email_send(notification_ids: list[int]) -> int:
    """E-mail the notifications whose recipient has an address and e-mail on for the kind.

    A mail server that refuses is logged, never raised: the notification is in the site anyway,
    and `emailed_at` stays empty to say the e-mail did not go.
    """
    notifications = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at=None)
        .exclude(recipient__email="")
        .select_related("recipient")
    )
    chosen = {
        (p.user_id, p.kind): p.email
        for p in NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for n in notifications}
        )
    }
    to_send = [
        n
        for n in notifications
        if chosen.get((n.recipient_id, n.kind), EMAIL_BY_DEFAULT.get(n.kind, False))
    ]
    if not to_send:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_message(n) for n in to_send]
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:  # any transport fault: SMTP, DNS, TLS
        log.exception("notification e-mails were not sent")
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in to_send]).update(emailed_at=timezone.now())
    return sent


def _message(notification: Notification) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    lines = [notification.body] if notification.body else []
    if notification.url:
        lines.append(
            f"{site}{notification.url}" if notification.url.startswith("/") else notification.url
        )
    lines += [
        "",
        "—",
        gettext(
            "You receive this e-mail because you chose e-mail for this kind of notification: %(url)s"
        )
        % {"url": site + reverse("notifications:preferences")},
    ]
    return EmailMessage(
        subject=f"GiảmNghèo: {notification.title}",
        body="\n".join(lines),
        to=[notification.recipient.email],
    )
