"""Credentials for machine clients and for ODK Collect, never the secrets themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.storage import random_name
from giamngheo.validators import validate_date_in_range


class ApiToken(models.Model):
    """A per-user bearer token; only its SHA-256 is kept, so a database leak reveals none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DigestCredential(models.Model):
    """HA1 = MD5(username:realm:password), which HTTP Digest needs and Django's hash cannot give.

    ODK Collect authenticates with Digest over plain HTTP (RFC 2617). HA1 is password-equivalent
    for this realm only, so it is kept apart from the password hash and replaced on every
    password change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_credential",
    )
    realm = models.CharField(_("realm"), max_length=120)
    ha1 = models.CharField(max_length=32)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("digest credential")
        verbose_name_plural = _("digest credentials")

    def __str__(self) -> str:
        return f"{self.user} @ {self.realm}"


def _attachment_path(instance: "SubmissionAttachment", filename: str) -> str:
    """A random name: instance IDs and photo names travel in the clear and are guessable."""
    return random_name("openrosa", filename)


class ReviewState(models.TextChoices):
    RECEIVING = "receiving", _("parts still arriving")
    ACCEPTED = "accepted", _("applied to the assessment")
    NEEDS_REVIEW = "needs_review", _("needs review")
    DISMISSED = "dismissed", _("dismissed")
    APPLIED_AFTER_REVIEW = "applied_after_review", _("applied after review")


class Problem(models.TextChoices):
    """Why a parseable submission could not be applied; Collect was told it was received."""

    UNKNOWN_FORM = "unknown_form", _("another form")
    NO_INSTANCE_ID = "no_instance_id", _("no usable instance ID")
    INVALID_ANSWERS = "invalid_answers", _("answers that cannot be accepted")
    UNKNOWN_HOUSEHOLD = "unknown_household", _("unknown household code")
    NO_OPEN_ROUND = "no_open_round", _("no round collecting answers")
    NOT_IN_ROUND = "not_in_round", _("household not listed in the round")
    ALREADY_SURVEYED = "already_surveyed", _("household already surveyed")
    EDIT_MOVES_HOUSEHOLD = "edit_moves_household", _("edit of another household's answers")
    CONFLICTING_RESEND = "conflicting_resend", _("instance ID resent with other answers")
    MISSING_MEMBER = "missing_member", _("a member of the household is missing")


class Submission(models.Model):
    """One OpenRosa submission, kept verbatim: retries are recognised by instance ID and XML.

    A submission the server cannot apply is still acknowledged to Collect (which would
    otherwise resend it forever) and waits here, unapplied, for the commune to review it.
    """

    instance_id = models.CharField(_("instance ID"), max_length=80, db_index=True)
    deprecated_id = models.CharField(_("replaces instance ID"), max_length=80, blank=True)
    form_id = models.CharField(_("form ID"), max_length=80)
    form_version = models.CharField(_("form version"), max_length=40, blank=True)
    commune = models.ForeignKey(
        "geo.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessment = models.ForeignKey(
        "reviews.Assessment",
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    review_round = models.ForeignKey(
        "reviews.ReviewRound",
        verbose_name=_("review round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    household_code = models.CharField(_("household code"), max_length=40, blank=True)
    xml = models.TextField(_("submitted XML"))
    xml_sha256 = models.CharField(max_length=64)
    complete = models.BooleanField(_("all parts received"), default=False)
    superseded = models.BooleanField(_("replaced by an edit"), default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    state = models.CharField(
        _("review state"),
        max_length=24,
        choices=ReviewState.choices,
        default=ReviewState.RECEIVING,
        db_index=True,
    )
    problem = models.CharField(_("problem"), max_length=32, choices=Problem.choices, blank=True)
    problem_detail = models.TextField(_("problem detail"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    history = HistoricalRecords(excluded_fields=["xml", "xml_sha256"])

    class Meta:
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")
        ordering = ["-received_at"]
        constraints = [
            # A resend with other answers is kept beside the original for review, never over it.
            models.UniqueConstraint(
                fields=["instance_id"],
                condition=~models.Q(problem="conflicting_resend"),
                name="one_submission_per_instance_id",
            )
        ]

    def __str__(self) -> str:
        return self.instance_id

    @property
    def in_queue(self) -> bool:
        return self.state == ReviewState.NEEDS_REVIEW


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=400)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("submission attachment")
        verbose_name_plural = _("submission attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "name"], name="one_attachment_name_per_submission"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberChangeKind(models.TextChoices):
    BORN = "born", _("born")
    MOVED_IN = "moved_in", _("moved in")
    DEPARTED = "departed", _("moved away")
    DECEASED = "deceased", _("deceased")


class MemberChangeState(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class MemberChange(models.Model):
    """A change to a household's members reported in a field submission.

    The survey counts the members the enumerator found; the registry changes only once the
    commune officer confirms (a new member is created, a departed one gets `left_on`, and
    the life event is recorded).
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="member_changes",
    )
    kind = models.CharField(_("change"), max_length=12, choices=MemberChangeKind.choices)
    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The member's id in the assessment: the registry id, or "new-N" until confirmed.
    survey_id = models.CharField(_("member in the survey"), max_length=24)
    full_name = models.CharField(_("full name"), max_length=120)
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    data = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=MemberChangeState.choices,
        default=MemberChangeState.PENDING,
        db_index=True,
    )
    life_event = models.ForeignKey(
        "households.LifeEvent",
        verbose_name=_("life event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member change")
        verbose_name_plural = _("member changes")
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name}: {self.get_kind_display()}"

    @property
    def pending(self) -> bool:
        return self.state == MemberChangeState.PENDING
