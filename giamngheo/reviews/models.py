"""Review rounds (Decision 24/2021/QĐ-TTg) and what each round found for each household."""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.geo.models import AdminUnit
from giamngheo.households.models import Household
from giamngheo.households.vocab import PovertyClass
from giamngheo.storage import RandomName
from giamngheo.validators import validate_date_in_range


class RoundType(models.TextChoices):
    PERIODIC = "periodic", _("Periodic (annual)")
    AD_HOC = "ad_hoc", _("Ad-hoc (on application)")


class RoundStatus(models.TextChoices):
    """The steps of Art. 4, Decision 24/2021/QĐ-TTg, in order; none can be skipped."""

    LISTING = "listing", _("Listing households to review")
    SCREENING = "screening", _("Screening (form A)")
    SURVEY = "survey", _("Household survey (form B)")
    MEETING = "meeting", _("Village meeting")
    POSTING = "posting", _("Public posting")
    COMPLAINTS = "complaints", _("Complaints and re-check")
    APPROVAL = "approval", _("Awaiting the chairman's decision")
    APPROVED = "approved", _("Approved")
    REPORTED = "reported", _("Reported to the province")


class ReviewRound(models.Model):
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="review_rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    round_type = models.CharField(
        _("round type"), max_length=8, choices=RoundType.choices, default=RoundType.PERIODIC
    )
    review_date = models.DateField(_("review date"), validators=[validate_date_in_range])
    standard = models.CharField(_("poverty standard"), max_length=40)
    status = models.CharField(
        _("step"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.LISTING
    )
    step_started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    step_deadline = models.DateField(
        _("step deadline"), null=True, blank=True, validators=[validate_date_in_range]
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(
        _("decision date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The village meeting's result (Decision 24/2021/QĐ-TTg, Art. 4(2)): at least half agree.
    meeting_held_on = models.DateField(
        _("meeting held on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    meeting_attendees = models.PositiveIntegerField(_("meeting attendees"), null=True, blank=True)
    meeting_agreed = models.PositiveIntegerField(_("attendees who agreed"), null=True, blank=True)
    posting_started_on = models.DateField(
        _("posting started on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    posting_ends_on = models.DateField(
        _("posting ends on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(round_type="periodic"),
                name="one_periodic_round_per_commune_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.get_round_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:round_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (RoundStatus.APPROVED, RoundStatus.REPORTED)


class RoundTransition(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=RoundStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=RoundStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("round step")
        verbose_name_plural = _("round steps")
        ordering = ["round", "at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Assessment(models.Model):
    """A household as it was on the round's review date, and how the standard classified it.

    `facts` holds the classifier contract's household fields (household-facts.md) and `members`
    its member list; the registry's Member ids are the contract's `member_id`s.
    """

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="assessments"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    screening = models.JSONField(_("form A answers"), default=dict, blank=True)
    screened_out = models.BooleanField(
        _("screened out by form A"),
        default=False,
        help_text=_("Four or more form A markers: not poor, no form B needed."),
    )
    # Who recorded form A for this household, and when: nothing counts as screened unseen.
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("form A recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("form A recorded at"), null=True, blank=True)
    facts = models.JSONField(_("household facts"), default=dict, blank=True)
    members = models.JSONField(_("member facts"), default=list, blank=True)
    income_per_capita_month = models.PositiveBigIntegerField(
        _("income per person per month"), null=True, blank=True
    )
    b1_score = models.IntegerField(_("form B1 score"), null=True, blank=True)
    # The classification, stored with the engine version that produced it.
    poverty_class = models.CharField(
        _("class"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    standard = models.CharField(_("standard"), max_length=40, blank=True)
    deprived = models.JSONField(_("deprived indicators"), default=list, blank=True)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0)
    deprived_members = models.JSONField(
        _("members causing each deprivation"), default=dict, blank=True
    )
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, default="web")
    sections_done = models.JSONField(_("form sections completed"), default=list, blank=True)
    classification_error = models.JSONField(
        _("why it could not be classified"), default=dict, blank=True
    )
    instance_id = models.CharField(max_length=80, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"], name="one_assessment_per_round_household"
            )
        ]
        indexes = [models.Index(fields=["round", "poverty_class"], name="assessment_round_class")]

    def __str__(self) -> str:
        return f"{self.household} · {self.round}"


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        RECHECKED = "rechecked", _("Re-checked")
        DISMISSED = "dismissed", _("Dismissed")

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="complaints"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"), validators=[validate_date_in_range])
    complainant = models.CharField(_("complainant"), max_length=120)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    recheck_due = models.DateField(
        _("re-check due"), null=True, blank=True, validators=[validate_date_in_range]
    )
    resolution = models.TextField(_("resolution"), blank=True)
    class_before = models.CharField(
        _("class before"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    class_after = models.CharField(
        _("class after"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reposting_ends_on = models.DateField(
        _("re-posting ends on"), null=True, blank=True, validators=[validate_date_in_range]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["round", "received_on"]

    def __str__(self) -> str:
        return f"{self.household} · {self.received_on:%d/%m/%Y}"


class Flow(models.TextChoices):
    """Movements between the start and the end of a round (report forms 2 and 3)."""

    STAYED_POOR = "stayed_poor", _("Still poor")
    STAYED_NEAR_POOR = "stayed_near_poor", _("Still near-poor")
    ESCAPED_TO_NEAR_POOR = "escaped_to_near_poor", _("Escaped poverty, now near-poor")
    ESCAPED_ABOVE_NEAR_POOR = "escaped_above_near_poor", _("Escaped poverty above near-poor")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    NEAR_POOR_TO_POOR = "near_poor_to_poor", _("Near-poor became poor")
    NEW_POOR = "new_poor", _("Newly poor")
    RELAPSED_POOR = "relapsed_poor", _("Poor again (relapsed)")
    NEW_NEAR_POOR = "new_near_poor", _("Newly near-poor")
    RELAPSED_NEAR_POOR = "relapsed_near_poor", _("Near-poor again (relapsed)")
    LEFT_LISTS = "left_lists", _("Left the lists (life event)")
    ENTERED_LISTS = "entered_lists", _("Entered the lists (life event)")


class Outcome(models.Model):
    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="outcomes"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="outcomes"
    )
    start_class = models.CharField(
        _("class at start"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    end_class = models.CharField(
        _("class at end"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    flow = models.CharField(_("movement"), max_length=24, choices=Flow.choices)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="one_outcome_per_round")
        ]
        indexes = [models.Index(fields=["round", "flow"], name="outcome_round_flow")]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_flow_display()}"


class Baseline(models.Model):
    """The lists recognised by the province's decision, for the first year in the system."""

    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="baselines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"), validators=[validate_date_in_range])
    standard = models.CharField(_("standard"), max_length=40)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline list")
        verbose_name_plural = _("baseline lists")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_baseline_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} ({self.decision_number})"


class BaselineEntry(models.Model):
    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline list"), on_delete=models.CASCADE, related_name="entries"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    poverty_class = models.CharField(_("class"), max_length=12, choices=PovertyClass.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline entry")
        verbose_name_plural = _("baseline entries")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "household"], name="one_baseline_entry")
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.poverty_class}"


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


class ChangeRequest(models.Model):
    """After approval, data changes only through a recorded request with reason and evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPLIED = "applied", _("Applied through an ad-hoc review")
        REJECTED = "rejected", _("Rejected")

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(
        _("evidence"), upload_to=RandomName("reviews/change-requests"), blank=True
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    changes = models.JSONField(_("requested changes"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    ad_hoc_round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("ad-hoc review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.household} · {self.requested_at:%d/%m/%Y}"


class PublicHoliday(models.Model):
    """Days off that do not count as working days (Labour Code 2019, Art. 112; set yearly)."""

    date = models.DateField(_("date"), unique=True, validators=[validate_date_in_range])
    name = models.CharField(_("name"), max_length=120)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class RoundSnapshot(models.Model):
    """What an approved round's documents print, frozen when the chairman signs (Mẫu 02).

    Decision 24/2021/QĐ-TTg changes an approved list only by a new decision, which is a round of
    its own; so the registry may move on while the round's documents keep what was approved.
    """

    class Source(models.TextChoices):
        APPROVAL = "approval", _("Taken at approval")
        MIGRATION = "migration", _("Taken from the data as of the upgrade, not at approval")
        SEEDED = "seeded", _("Taken from generated demonstration data")

    round = models.OneToOneField(
        ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="snapshot"
    )
    taken_at = models.DateTimeField(_("taken at"))
    taken_from = models.CharField(_("taken from"), max_length=10, choices=Source.choices)
    note = models.TextField(_("note"), blank=True)
    commune_code = models.CharField(_("commune code"), max_length=16)
    commune_name = models.CharField(_("commune"), max_length=120)

    class Meta:
        verbose_name = _("approved round snapshot")
        verbose_name_plural = _("approved round snapshots")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_taken_from_display()}"


class SnapshotEntry(models.Model):
    """One household of an approved round as its documents print it (no ID numbers, no income)."""

    snapshot = models.ForeignKey(
        RoundSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="entries"
    )
    # Reports of an approved round group by the frozen attributes through `assessment.frozen`.
    assessment = models.OneToOneField(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="frozen"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    household_code = models.CharField(_("household code"), max_length=32)
    head_name = models.CharField(_("head of household"), max_length=120)
    village_id = models.IntegerField(_("village id"))
    village = models.CharField(_("village / residential group"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    area = models.CharField(_("area"), max_length=8, blank=True)
    head_ethnicity = models.CharField(_("ethnicity of the head"), max_length=2, blank=True)
    has_merit_person = models.BooleanField(_("has a person with meritorious services"))
    social_protection = models.BooleanField(_("social protection beneficiary"))
    no_working_capacity = models.BooleanField(_("no member able to work"))
    causes = models.JSONField(_("causes of poverty"), default=list)
    members = models.JSONField(_("members (name, relation)"), default=list)
    member_count = models.PositiveSmallIntegerField(_("number of members"))
    poverty_class = models.CharField(
        _("class"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    start_class = models.CharField(
        _("class at start"), max_length=12, choices=PovertyClass.choices, blank=True
    )
    flow = models.CharField(_("movement"), max_length=24, choices=Flow.choices, blank=True)
    class_printed = models.CharField(_("class as printed"), max_length=40, blank=True)
    category_printed = models.CharField(_("category as printed"), max_length=60, blank=True)
    escape_printed = models.CharField(_("escape as printed"), max_length=60, blank=True)
    deprived = models.JSONField(_("deprived indicators"), default=list)
    deprivation_count = models.PositiveSmallIntegerField(_("number of deprivations"), default=0)
    explanation = models.JSONField(_("explanation"), default=list)
    # Form 11 counts the assessed members under 16 on the review date, as the assessment recorded
    # them; counted once here so later changes to members never alter an approved year.
    children = models.PositiveSmallIntegerField(_("children under 16"), default=0)
    children_malnourished = models.PositiveSmallIntegerField(
        _("children stunted or underweight"), default=0
    )
    children_uninsured = models.PositiveSmallIntegerField(
        _("children without health insurance"), default=0
    )
    children_out_of_school = models.PositiveSmallIntegerField(
        _("children of school age not in school"), default=0
    )

    class Meta:
        verbose_name = _("approved round entry")
        verbose_name_plural = _("approved round entries")
        ordering = ["snapshot", "village", "head_name", "household_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "household"], name="one_snapshot_entry_per_household"
            )
        ]
        indexes = [
            models.Index(fields=["snapshot", "poverty_class"], name="snapshot_entry_class"),
        ]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"


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
