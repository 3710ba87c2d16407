from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.accounts.scoping import unit_q
from giamngheo.geo.models import AdminUnit, Level
from giamngheo.geo.selectors import unit_predecessors, unit_successors


def _scoped_units(actor):
    return AdminUnit.objects.filter(unit_q(actor, unit_field=""))


@login_only
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", Level.COMMUNE)
    if level not in Level.values:
        level = Level.COMMUNE
    units = _scoped_units(request.user).filter(level=level).select_related("parent")
    if request.GET.get("era") != "all":
        units = units.filter(valid_to__isnull=True)
    if query:
        units = units.filter(name__icontains=query) | units.filter(code__startswith=query)
    page = Paginator(units.order_by("code"), 50).get_page(request.GET.get("page"))
    template = "geo/_unit_rows.html" if request.htmx else "geo/unit_list.html"
    return render(
        request, template, {"page": page, "query": query, "level": level, "levels": Level.choices}
    )


@login_only
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _scoped_units(request.user).filter(pk=pk).select_related("parent").first()
    if unit is None:
        raise Http404
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": unit.children.order_by("code")[:500],
        "predecessors": unit_predecessors(unit),
        "successors": unit_successors(unit),
    }
    return render(request, "geo/unit_detail.html", context)
