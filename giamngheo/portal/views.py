"""The public site: no login; only published news and approved aggregates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from giamngheo.accounts.access import public
from giamngheo.errors import BadParameter
from giamngheo.households.vocab import PovertyClass
from giamngheo.portal import selectors
from giamngheo.portal.models import Article, Category
from giamngheo.portal.text import render_markdown
from giamngheo.reports.exports.statistics import statistics_rows
from giamngheo.reports.selectors.common import FINAL_STATUSES, NoApprovedRound
from giamngheo.reports.selectors.figures import (
    chart_rates,
    published_summary,
    published_trend,
    published_years,
)
from giamngheo.reports.selectors.lineage import Resolver
from giamngheo.reports.selectors.maps import PovertyMap, province_map
from giamngheo.reviews.models import ReviewRound
from giamngheo.spreadsheets import csv_writer


def _context(**extra) -> dict:
    return {"categories": Category.objects.all(), **extra}


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", _context(articles=selectors.latest_articles()))


@public
def category(request: HttpRequest, slug: str) -> HttpResponse:
    current = get_object_or_404(Category, slug=slug)
    articles = selectors.category_articles(category=current)[:50]
    return render(request, "portal/category.html", _context(category=current, articles=articles))


@public
def article(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    context = _context(article=item, body=render_markdown(item.body), related=item.related())
    return render(request, "portal/article.html", context)


def _unit_and_year(request: HttpRequest):
    raw_unit, raw_year = request.GET.get("unit", ""), request.GET.get("year", "")
    if raw_unit and not raw_unit.isdigit():
        raise BadParameter(_("The unit must be chosen from the list."))
    if raw_year and (not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100):
        raise BadParameter(_("The year must be a number such as 2025."))
    units = selectors.public_units()
    unit = (
        units.filter(pk=int(raw_unit)).first() if raw_unit else selectors.public_provinces().first()
    )
    if unit is None:
        raise BadParameter(_("There is no such unit."))
    years = published_years(unit=unit)
    year = int(raw_year) if raw_year else (years[0] if years else None)
    return unit, year, years


def _unpublished() -> NoApprovedRound:
    return NoApprovedRound(
        message=_("No approved review results have been published for this unit and year.")
    )


@public
def statistics(request: HttpRequest) -> HttpResponse:
    unit, year, years = _unit_and_year(request)
    if year is None:
        raise _unpublished()
    resolver = Resolver()
    try:
        summary = published_summary(unit=unit, year=year, resolver=resolver)
    except NoApprovedRound:
        raise _unpublished() from None
    history = published_trend(unit=unit, years=years[:8], resolver=resolver)
    charts = {
        "trend": {"labels": [str(y) for y, _ in history], **chart_rates(r for _, r in history)},
        "communes": {"labels": [r.label for r in summary.rows], **chart_rates(summary.rows)},
    }
    labels = {"poor": _("Poverty rate"), "near_poor": _("Near-poverty rate"), "deprived": ""}
    context = _context(
        unit=unit,
        year=year,
        years=years,
        summary=summary,
        charts=charts,
        chart_labels=labels,
        provinces=selectors.public_provinces(),
        map=_public_map(unit, year, summary, resolver),
        map_years=years,
        map_form_unit=unit,
        map_link_note=_("Choose a commune to see its figures."),
    )
    return render(request, "portal/statistics.html", context)


def _public_map(unit, year: int, summary, resolver: Resolver) -> PovertyMap | None:
    """The province's map, the unit's own commune outlined; each symbol opens that commune's
    statistics."""
    return province_map(
        unit=unit,
        year=year,
        summary=summary,
        href=lambda row: f"?unit={row.unit_pk}&year={year}",
        resolver=resolver,
    )


@public
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """The aggregates behind the statistics page, one row per unit and year."""
    try:
        unit, _year, years = _unit_and_year(request)
    except BadParameter as exc:
        return render(request, "portal/message.html", _context(text=str(exc)), status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-ho-ngheo-{unit.code}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark
    csv_writer(response).writerows(statistics_rows(unit=unit, years=years))
    return response


@public
def postings(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/postings.html", _context(rounds=selectors.posted_rounds()))


@public
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = (
        ReviewRound.objects.filter(pk=pk, status__in=FINAL_STATUSES).select_related("unit").first()
    )
    if review_round is None:
        raise Http404
    entries = selectors.posting_list(review_round=review_round)
    if entries is None:
        raise Http404
    names = dict(PovertyClass.choices)
    for entry in entries:
        entry["class_label"] = names.get(entry["poverty_class"], "")
    context = _context(
        round=review_round, entries=entries, commune_name=review_round.snapshot.commune_name
    )
    return render(request, "portal/posting.html", context)
