from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "giamngheo.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from giamngheo.jobs.signals import job_finished
        from giamngheo.notifications.services import job_finished_notify

        # At once when the worker ends a job; the daily `remind` catches any the worker missed.
        job_finished.connect(job_finished_notify, dispatch_uid="notifications.job_finished")
