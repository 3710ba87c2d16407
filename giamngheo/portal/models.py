"""The department's public news (articles in categories, published by editors in the admin) and
the support policies the province lists for citizens."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from giamngheo.households.vocab import PovertyClass


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
