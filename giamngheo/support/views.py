from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can
from giamngheo.errors import show_on_form
from giamngheo.support.forms import (
    CampaignForm,
    ContributionForm,
    DisbursementForm,
    HouseholdSearchForm,
    PledgeForm,
    SupportRecordForm,
)
from giamngheo.support.models import SupportKind
from giamngheo.support.selectors import (
    fund_donors,
    fund_get,
    fund_ledger,
    fund_list,
    fund_pledges,
    household_get,
    household_in_fund_territory,
    household_lookup,
    household_support_history,
    housing_support_outcome,
    model_escaped_households,
    model_get,
    model_ranking,
    support_list,
    support_totals_by_kind,
)
from giamngheo.support.services import (
    campaign_create,
    contribution_receive,
    disbursement_create,
    pledge_create,
    support_record_create,
)


def _can_move_money(request: HttpRequest, fund) -> bool:
    return can(
        request.user,
        Capability.EDIT_PROGRAMS,
        fund.unit,
        organisation_id=fund.managing_organisation_id,
    )


@requires(Capability.READ_PROGRAMS)
def fund_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "support/fund_list.html", {"funds": fund_list(actor=request.user)})


@requires(Capability.READ_PROGRAMS)
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_get(actor=request.user, pk=pk)
    context = {
        "fund": fund,
        "ledger": list(reversed(fund_ledger(fund=fund)))[:200],
        "donors": fund_donors(fund=fund)[:100],
        "pledges": fund_pledges(fund=fund),
        "campaigns": fund.campaigns.all(),
        "in_kind": fund.contributions.filter(kind="in_kind").select_related("donor"),
        "can_edit": _can_move_money(request, fund),
    }
    return render(request, "support/fund_detail.html", context)


@requires(Capability.EDIT_PROGRAMS)
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_get(actor=request.user, pk=pk)
    if not _can_move_money(request, fund):
        raise PermissionDenied
    form = ContributionForm(
        request.POST or None, fund=fund, initial={"received_on": timezone.localdate()}
    )
    if form.is_valid():
        try:
            contribution_receive(actor=request.user, fund=fund, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The contribution was received."))
            return redirect(fund)
    return render(
        request,
        "support/money_form.html",
        {"fund": fund, "form": form, "title": _("Receive a contribution")},
    )


@requires(Capability.EDIT_PROGRAMS)
def disbursement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_get(actor=request.user, pk=pk)
    if not _can_move_money(request, fund):
        raise PermissionDenied
    form = DisbursementForm(request.POST or None, initial={"disbursed_on": timezone.localdate()})
    if form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("household_code").strip()
        household = household_in_fund_territory(fund=fund, code=code) if code else None
        if code and household is None:
            form.add_error("household_code", _("No household has this code."))
        else:
            try:
                disbursement_create(
                    actor=request.user,
                    fund=fund,
                    household=household,
                    **{**data, "support_kind": data["support_kind"] or None},
                )
            except ValidationError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The disbursement was recorded."))
                return redirect(fund)
    return render(
        request, "support/money_form.html", {"fund": fund, "form": form, "title": _("Disburse")}
    )


def _fund_form_page(
    request: HttpRequest, pk: int, form_class, service, title: str, form_kwargs
) -> HttpResponse:
    """Shared by the campaign and pledge pages: same permission, same error handling."""
    fund = fund_get(actor=request.user, pk=pk)
    if not _can_move_money(request, fund):
        raise PermissionDenied
    form = form_class(request.POST or None, **form_kwargs(fund))
    if form.is_valid():
        try:
            service(actor=request.user, fund=fund, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(fund)
    return render(request, "support/money_form.html", {"fund": fund, "form": form, "title": title})


@requires(Capability.EDIT_PROGRAMS)
def campaign_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _fund_form_page(
        request, pk, CampaignForm, campaign_create, _("New campaign"), lambda fund: {}
    )


@requires(Capability.EDIT_PROGRAMS)
def pledge_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _fund_form_page(
        request, pk, PledgeForm, pledge_create, _("Record a pledge"), lambda fund: {"fund": fund}
    )


@requires(Capability.READ_RECORDS)
def support_list_view(request: HttpRequest) -> HttpResponse:
    form = HouseholdSearchForm(request.GET or None)
    household = history = record_form = None
    sponsorships: list = []
    if form.is_valid() and form.cleaned_data["code"]:
        household = household_lookup(actor=request.user, code=form.cleaned_data["code"])
        if household is not None:
            history = household_support_history(actor=request.user, household=household)
            sponsorships = list(household.sponsorships.select_related("sponsor_organisation"))
            if can(request.user, Capability.EDIT_RECORDS, household.unit):
                record_form = SupportRecordForm(initial={"given_on": timezone.localdate()})
    context = {
        "record_form": record_form,
        "sponsorships": sponsorships,
        "form": form,
        "household": household,
        "history": history,
        "recent": support_list(actor=request.user)[:50],
        "totals": [
            {**row, "label": SupportKind(row["kind"]).label}
            for row in support_totals_by_kind(actor=request.user)
        ],
        "housing": housing_support_outcome(actor=request.user),
    }
    return render(request, "support/support_list.html", context)


@requires(Capability.EDIT_RECORDS)
def support_record_create_view(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = household_get(actor=request.user, pk=household_pk)
    form = SupportRecordForm(request.POST or None)
    if form.is_valid():
        try:
            support_record_create(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The support was recorded."))
            return redirect(f"{reverse('support:support_list')}?code={quote(household.code)}")
    return render(
        request, "support/support_record_form.html", {"household": household, "form": form}
    )


@requires(Capability.READ_PROGRAMS)
def model_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "support/model_list.html", {"results": model_ranking(actor=request.user)}
    )


@requires(Capability.READ_PROGRAMS)
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    model = model_get(actor=request.user, pk=pk)
    escaped = model_escaped_households(model=model)
    participants = [
        (p, p.household_id in escaped) for p in model.participants.select_related("household")
    ]
    context = {"model": model, "participants": participants, "funding": model.funding.all()}
    return render(request, "support/model_detail.html", context)
