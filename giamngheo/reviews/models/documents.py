"""Files kept with a round: uploaded attachments and the documents generated at approval."""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.households.models import Household
from giamngheo.reviews.models.rounds import ReviewRound
from giamngheo.storage import RandomName


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MEETING_MINUTES = "minutes", _("Village meeting minutes")
        POSTING_RECORD = "posting", _("Record of public posting")
        DECISION = "decision", _("Chairman's decision")
        EVIDENCE = "evidence", _("Evidence")
        OTHER = "other", _("Other")

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=RandomName("reviews/attachments"))
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title or self.download_name

    @property
    def download_name(self) -> str:
        """The uploader's file name; older rows kept it as the last part of the stored path."""
        return self.original_name or self.file.name.rsplit("/", 1)[-1]


def stored_document_path(instance: "StoredDocument", filename: str) -> str:
    """An unguessable name under the round's folder; the original name says nothing."""
    return f"documents/{instance.round_id}/{secrets.token_hex(16)}{Path(filename).suffix}"


class StoredDocument(models.Model):
    """A document generated once from an approved round's snapshot, with its checksum."""

    class Kind(models.TextChoices):
        POSTING_PDF = "posting_pdf", _("Public posting list (PDF)")
        POSTING_XLSX = "posting_xlsx", _("Public posting list (Excel)")
        DECISION_PDF = "decision_pdf", _("Chairman's decision (form 02)")
        CERTIFICATES_PDF = "certificates_pdf", _("Certificates (form 03)")

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set for one household's certificate; empty for the whole round."),
    )
    file = models.FileField(_("file"), upload_to=stored_document_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=models.Q(household__isnull=True),
                name="one_round_document_per_kind",
            ),
            models.UniqueConstraint(
                fields=["round", "kind", "household"],
                condition=models.Q(household__isnull=False),
                name="one_household_document_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()}"
