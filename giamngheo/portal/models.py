"""The department's public news (articles in categories, published by editors in the admin), the
households' lookup codes and the lookup log, the requests households file online, and the support
policies the province lists for citizens."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.households.vocab import PovertyClass
from giamngheo.validators import validate_date_in_range


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:category", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Article(models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("address name"), max_length=250, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("body"),
        help_text=_("Markdown: **bold**, *italic*, lists, links, tables. HTML is removed."),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("e.g. Sở Nông nghiệp và Môi trường")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    is_published = models.BooleanField(_("published"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["is_published", "-published_at"], name="article_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:article", args=[self.slug])

    def related(self, limit: int = 4) -> models.QuerySet:
        """The latest other articles of the same category."""
        return (
            Article.objects.published()
            .filter(category_id=self.category_id)
            .exclude(pk=self.pk)[:limit]
        )


class CitizenRequest(models.Model):
    """A request a household filed online after proving itself with its lookup code.

    Filing online does not yet count as lodging it with the commune: it is "received" until the
    household comes to the commune and an officer confirms it, which opens what the law provides
    for its kind (a listing for the annual review, a change request, a complaint).
    """

    class Kind(models.TextChoices):
        # Decision 24/2021/QĐ-TTg: Form 01 (Art. 4(1)), Form 04 (Art. 5), complaints (Art. 4(3));
        # a correction is the data subject's right under Law 91/2025/QH15.
        REVIEW = "review", _("Request for review in the annual review (Form 01)")
        REGULAR = "regular", _("Request for a regular review (Form 04)")
        COMPLAINT = "complaint", _("Complaint about the posted list")
        CORRECTION = "correction", _("Correction of personal data")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received — to be confirmed by the household at the commune")
        CONFIRMED = "confirmed", _("Confirmed at the commune")
        REJECTED = "rejected", _("Not accepted")

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="citizen_requests",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("request"))
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_on = models.DateField(_("filed on"), validators=[validate_date_in_range])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    # Form 01: the year of the annual review it asks for; a complaint: the round whose posted
    # list it is about; Form 01 once listed: the round that lists it.
    review_year = models.PositiveSmallIntegerField(_("review year"), null=True, blank=True)
    review_round = models.ForeignKey(
        "reviews.ReviewRound",
        verbose_name=_("round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    complaint = models.ForeignKey(
        "reviews.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    change_request = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_due = models.DateField(
        _("legal deadline"), null=True, blank=True, validators=[validate_date_in_range]
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or refused by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("confirmed or refused at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citizen request")
        verbose_name_plural = _("citizen requests")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["status", "-filed_at"], name="citizen_request_queue")]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def unit(self):
        """The household's village: who may see the request follows it."""
        return self.household.unit


class SupportPolicyQuerySet(models.QuerySet):
    def shown_for(self, poverty_class: str) -> "SupportPolicyQuerySet":
        return self.filter(is_active=True, poverty_class=poverty_class)


class SupportPolicy(models.Model):
    """A support policy for households of one class, as the province's staff list it.

    The table starts empty and nothing fills it but the province: which policies apply, and
    under which legal text, is the province's statement, never the software's.
    """

    name = models.CharField(_("policy"), max_length=300)
    poverty_class = models.CharField(
        _("applies to households classed"), max_length=16, choices=PovertyClass.choices
    )
    legal_citation = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("The legal document and its article, as the province cites them."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("shown to citizens"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupportPolicyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support policy")
        verbose_name_plural = _("support policies")
        ordering = ["poverty_class", "position", "name"]

    def __str__(self) -> str:
        return self.name


class LookupCode(models.Model):
    """The second factor a household holds for the citizen lookup (Law 91/2025/QH15).

    Only a hash is kept: the code is shown once, on the slip the commune prints. Issuing a new
    code revokes the previous one, whose grants (``portal.access``) then stop working.
    """

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="lookup_codes",
    )
    version = models.PositiveIntegerField(_("version"))
    code_hash = models.CharField(_("code hash"), max_length=128)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["code_hash"])

    class Meta:
        verbose_name = _("lookup code")
        verbose_name_plural = _("lookup codes")
        ordering = ["household", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "version"], name="unique_lookup_code_version"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_lookup_code_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.version}"


class LookupAttempt(models.Model):
    """One citizen lookup, logged without the citizen ID: its last three digits and a keyed hash
    (so repeated tries on one ID can be grouped) stand in for it."""

    class Result(models.TextChoices):
        SHOWN = "shown", _("Posted facts shown")
        SHOWN_WITH_CODE = "shown_code", _("Shown with the lookup code")
        NO_MATCH = "no_match", _("No match")
        THROTTLED = "throttled", _("Refused: too many attempts")
        CHALLENGE_FAILED = "challenge", _("Refused: challenge not answered")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    address = models.CharField(_("address"), max_length=64)
    id_tail = models.CharField(_("last digits of the ID"), max_length=3)
    id_digest = models.CharField(_("keyed hash of the ID"), max_length=32)
    with_code = models.BooleanField(_("code given"), default=False)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)

    class Meta:
        verbose_name = _("citizen lookup")
        verbose_name_plural = _("citizen lookups")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} · …{self.id_tail} · {self.result}"
