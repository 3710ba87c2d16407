"""Registry pages: parse a form, call one service or selector, render or redirect."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.models import User
from giamngheo.accounts.scoping import Capability, can, has_capability
from giamngheo.errors import show_on_form
from giamngheo.households import selectors as sel
from giamngheo.households import services
from giamngheo.households.forms import (
    CausesForm,
    HouseholdForm,
    LifeEventForm,
    MemberForm,
    MergeForm,
    RemoveForm,
)
from giamngheo.households.models import Household, HouseholdStatus, mask_citizen_id

EDIT = Capability.EDIT_RECORDS
PAGE_SIZE = 25


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 matches: counting the 300,000 households a common name matches
    among a million costs most of a second, and nobody pages that far; they narrow the search."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        # Without the ordering: sorting a million rows to count the first 1,001 took seconds.
        # A ranked search (`RankedHouseholds`) counts its matches unordered.
        rows = self.object_list
        matches = rows.matches if isinstance(rows, sel.RankedHouseholds) else rows
        return matches.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def list_filters(request: HttpRequest) -> dict:
    """The list's search and filters; the export takes the same, so it exports what is shown."""
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "unit": request.GET.get("unit", "") if request.GET.get("unit", "").isdigit() else "",
        "status": request.GET.get("status", ""),
    }


@requires(Capability.READ_RECORDS)
def household_list(request: HttpRequest) -> HttpResponse:
    filters = list_filters(request)
    households = sel.household_page_list(actor=request.user, filters=filters)
    page = CappedPaginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    citizen_id = sel.searched_citizen_id(filters["q"])
    services.citizen_id_search_record(
        actor=request.user, query=filters["q"], households=page, purpose="search by citizen ID"
    )
    context = {
        "page": page,
        "searched_citizen_id": mask_citizen_id(citizen_id),
        "filters": filters,
        "statuses": HouseholdStatus.choices,
        "can_edit": has_capability(request.user, EDIT),
    }
    if request.htmx:
        return render(request, "households/_rows.html", context)
    context["village_options"] = _village_options(request.user, filters["unit"])
    return render(request, "households/list.html", context)


def _village_options(actor: User, selected: str) -> str:
    """The village picker's options, read as values and joined here: a province officer's list
    holds hundreds of villages, and model instances through a template loop cost more CPU than
    the rest of the page."""
    rows = sel.villages_for(actor=actor).values_list("pk", "name", "parent__name")
    return format_html_join(
        "",
        '<option value="{}"{}>{} · {}</option>',
        (
            (pk, mark_safe(" selected") if str(pk) == selected else "", name, commune)
            for pk, name, commune in rows
        ),
    )


@requires(Capability.READ_RECORDS)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = sel.household_get(actor=request.user, pk=pk)
    shown = sel.household_members_for_display(actor=request.user, household=household)
    if shown.reveals_citizen_ids:
        services.personal_data_access_record(
            actor=request.user, household=household, purpose="household page"
        )
    context = {
        "household": household,
        "members": shown.members,
        "unmasked": shown.unmasked,
        "can_edit": can(request.user, EDIT, household.unit),
        "events": household.events.select_related("related_household", "recorded_by"),
        "causes": [
            label
            for code, label in CausesForm.base_fields["causes"].choices
            if code in household.causes
        ],
        "history": sel.household_history(household=household),
    }
    return render(request, "households/detail.html", context)


@requires(Capability.EDIT_RECORDS)
def household_create(request: HttpRequest) -> HttpResponse:
    villages = sel.villages_for(actor=request.user, capability=EDIT)
    form = HouseholdForm(request.POST or None, villages=villages)
    head = MemberForm(request.POST or None, prefix="head", head=True)
    duplicates = None
    if request.method == "POST" and form.is_valid() and head.is_valid():
        try:
            household = services.household_create(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                data=form.cleaned_data,
                members=[head.member_data()],
                confirm_duplicates=head.cleaned_data["confirm_duplicates"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.matches
        except services.RecordInvalid as exc:
            show_on_form(form, services.RecordInvalid(exc.household_errors))
            show_on_form(head, services.RecordInvalid(exc.member_errors.get(0, {})))
        else:
            messages.success(
                request, _("Household %(code)s registered.") % {"code": household.code}
            )
            return redirect(household)
    context = {"form": form, "head": head, "duplicates": duplicates}
    return render(request, "households/form.html", context)


@requires(Capability.EDIT_RECORDS)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = sel.household_get(actor=request.user, pk=pk, capability=EDIT)
    villages = sel.villages_for(actor=request.user, capability=EDIT)
    form = HouseholdForm(request.POST or None, instance=household, villages=villages, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                data=form.cleaned_data,
                reason=form.cleaned_data["reason"],
            )
        except services.RecordInvalid as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(household)
    return render(request, "households/form.html", {"form": form, "household": household})


@requires(Capability.EDIT_RECORDS)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = sel.household_get(actor=request.user, pk=pk, capability=EDIT)
    form = MemberForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                actor=request.user,
                household=household,
                data=form.member_data(),
                confirm_duplicates=form.cleaned_data["confirm_duplicates"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.matches
        except services.RecordInvalid as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect(household)
    context = {"form": form, "household": household, "duplicates": duplicates}
    return render(request, "households/member_form.html", context)


@requires(Capability.EDIT_RECORDS)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = sel.member_get(actor=request.user, pk=pk)
    household = member.household
    form = MemberForm(request.POST or None, instance=member, editing=True)
    if request.method == "GET" and member.citizen_id:
        # The form shows the full number to someone allowed to edit it, and the Personal Data
        # Protection Law (Law 91/2025/QH15) makes that showing something we must be able to account for.
        services.personal_data_access_record(
            actor=request.user, household=household, purpose="member form"
        )
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                member=member,
                data=form.member_data(),
                reason=form.cleaned_data["reason"],
                confirm_duplicates=form.cleaned_data["confirm_duplicates"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.matches
        except services.RecordInvalid as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(household)
    context = {"form": form, "household": household, "member": member, "duplicates": duplicates}
    return render(request, "households/member_form.html", context)


@requires(Capability.EDIT_RECORDS)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = sel.member_get(actor=request.user, pk=pk)
    household = member.household
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except services.RecordInvalid as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Member removed."))
            return redirect(household)
    context = {"form": form, "household": household, "member": member}
    return render(request, "households/member_remove.html", context)


def _scoped_by_code(request: HttpRequest, code: str) -> Household | None:
    return sel.household_list(actor=request.user).filter(code=code.strip()).first()


@requires(Capability.EDIT_RECORDS)
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = sel.household_get(actor=request.user, pk=pk, capability=EDIT)
    form = LifeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        related = None
        code = form.cleaned_data["related_code"]
        if code:
            related = _scoped_by_code(request, code)
            if related is None:
                form.add_error("related_code", _("No household with this code in your unit."))
        if form.is_valid():
            try:
                services.life_event_record(
                    actor=request.user,
                    household=household,
                    kind=form.cleaned_data["kind"],
                    date=form.cleaned_data["date"],
                    related_household=related,
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                )
            except services.RecordInvalid as exc:
                show_on_form(form, exc)
                if "related_household" in exc.message_dict:
                    for message in exc.message_dict["related_household"]:
                        form.add_error("related_code", message)
            else:
                messages.success(request, _("Life event recorded."))
                return redirect(household)
    return render(request, "households/event_form.html", {"form": form, "household": household})


@requires(Capability.EDIT_RECORDS)
def causes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = sel.household_get(actor=request.user, pk=pk, capability=EDIT)
    form = CausesForm(request.POST or None, initial={"causes": household.causes})
    if request.method == "POST" and form.is_valid():
        services.household_set_causes(
            actor=request.user,
            household=household,
            causes=form.cleaned_data["causes"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Changes saved."))
        return redirect(household)
    return render(request, "households/causes_form.html", {"form": form, "household": household})


@requires(Capability.EDIT_RECORDS)
def household_merge(request: HttpRequest, pk: int) -> HttpResponse:
    drop = sel.household_get(actor=request.user, pk=pk, capability=EDIT)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep = _scoped_by_code(request, form.cleaned_data["keep_code"])
        if keep is None:
            form.add_error("keep_code", _("No household with this code in your unit."))
        else:
            try:
                services.household_merge(
                    actor=request.user, keep=keep, drop=drop, reason=form.cleaned_data["reason"]
                )
            except services.RecordInvalid as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Households merged."))
                return redirect(keep)
    return render(request, "households/merge_form.html", {"form": form, "household": drop})
