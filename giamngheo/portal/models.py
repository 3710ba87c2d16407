"""The department's public news: articles in categories, published by editors in the admin."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
