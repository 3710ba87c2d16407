from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "giamngheo.reviews"
    verbose_name = _("Poverty reviews")

    def ready(self) -> None:
        # Registers the background import job with the worker.
        from giamngheo.reviews import imports  # noqa: F401
        from giamngheo.reviews.version import figures_changed_signal

        # A new release may pickle what it keeps differently (a field added to a unit): the
        # figures kept by the release before are not read again after `migrate`.
        post_migrate.connect(figures_changed_signal, sender=self, dispatch_uid="figures-migrate")

        # What reports add up (`reviews.version`): a round's status, year or unit, the summaries
        # frozen with it and the communes' resident counts. Any save of a round renews the
        # token, since a round leaving approval is a save like any other.
        for label in (
            "reviews.ReviewRound",
            "reviews.RoundSummary",
            "reviews.FlowSummary",
            "reviews.DeprivationSummary",
            "households.ResidentCount",
        ):
            model = self.apps.get_model(label)
            for signal in (post_save, post_delete):
                signal.connect(
                    figures_changed_signal, sender=model, dispatch_uid=f"figures-{label}-{signal}"
                )
