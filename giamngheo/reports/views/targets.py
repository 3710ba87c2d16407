"""Targets assigned to units: a list with what was achieved, and a form to enter them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, scoped
from giamngheo.errors import show_on_form
from giamngheo.reports.forms import TargetForm
from giamngheo.reports.models import Target
from giamngheo.reports.selectors.common import require_aggregates
from giamngheo.reports.selectors.figures import unit_summary
from giamngheo.reports.selectors.targets import target_results
from giamngheo.reports.services import target_save
from giamngheo.reports.views.common import parse_params
from giamngheo.reports.views.pages import _picker, _year


@requires(Capability.READ_AGGREGATES)
def target_list(request: HttpRequest) -> HttpResponse:
    params = parse_params(request)
    require_aggregates(request.user, params.unit)
    year = _year(params, request)
    summary = unit_summary(actor=request.user, unit=params.unit, year=year)
    results = target_results(actor=request.user, summary=summary)
    context = {"results": results, **_picker(request, params, year)}
    return render(request, "reports/targets.html", context)


@requires(Capability.SET_TARGETS)
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = None
    if pk is not None:
        editable = scoped(Target.objects.all(), request.user, Capability.SET_TARGETS)
        target = get_object_or_404(editable, pk=pk)
    form = TargetForm(request.POST or None, instance=target, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = target_save(actor=request.user, target=target, **data)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The target was saved."))
            return redirect(f"{reverse('reports:targets')}?unit={saved.unit_id}&year={saved.year}")
    return render(request, "reports/target_form.html", {"form": form, "target": target})
