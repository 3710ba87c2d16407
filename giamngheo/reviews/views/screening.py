"""Form A village by village: one table, one save per village (services.screening)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability, can
from giamngheo.geo.models import AdminUnit
from giamngheo.households.vocab import PovertyClass
from giamngheo.reviews import screening, selectors, workflow
from giamngheo.reviews.services import screening as village_service
from giamngheo.reviews.views.common import attempt


def _villages(request: HttpRequest, r) -> list[dict]:
    progress = village_service.village_progress(r)
    return [e for e in progress if can(request.user, Capability.COLLECT_ANSWERS, e["village"])]


@requires(Capability.COLLECT_ANSWERS)
def screening_villages(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    villages = _villages(request, r)
    context = {
        "round": r,
        "villages": villages,
        "total": village_service.round_progress(villages),
        "open": r.status in workflow.SCREENING_OPEN,
    }
    return render(request, "reviews/screening_villages.html", context)


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise ValidationError(_("The form was damaged; reload the page.")) from None


@requires(Capability.COLLECT_ANSWERS)
def screening_village(request: HttpRequest, pk: int, village_pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    village = AdminUnit.objects.filter(pk=village_pk).first()
    if (
        village is None
        or not r.unit.contains(village)
        or not can(request.user, Capability.COLLECT_ANSWERS, village)
        or not r.assessments.filter(household__unit=village).exists()
    ):
        raise Http404
    todo_only = request.GET.get("todo") == "1"
    editable = r.status in workflow.SCREENING_OPEN
    posted = None
    if request.method == "POST" and not editable:
        messages.error(
            request,
            _("Form A is recorded during the screening and survey steps, not in “%(step)s”.")
            % {"step": r.get_status_display()},
        )
    elif request.method == "POST":
        posted = request.POST
        try:
            shown = _ids(posted.getlist("shown"))
            unchanged = _ids(posted.getlist("unchanged"))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            result = attempt(
                request,
                lambda: village_service.village_screen(
                    actor=request.user,
                    review_round=r,
                    village=village,
                    rows={i: posted.getlist(f"m-{i}") for i in shown},
                    confirm_unchanged=unchanged,
                    confirmed=posted.get("confirmed") == "on",
                ),
            )
            if result:
                messages.success(
                    request,
                    _(
                        "Form A saved: %(changed)d households with new markers, %(confirmed)d "
                        "confirmed unchanged."
                    )
                    % result,
                )
                url = reverse("reviews:screening_village", args=[r.pk, village.pk])
                return redirect(url + ("?todo=1" if todo_only else ""))
    rows = village_service.village_rows(r, village)
    due = [row for row in rows if not row.exempt]
    screened = sum(1 for row in due if row.screened)
    shown_rows = [row for row in rows if not (todo_only and (row.screened or row.exempt))]
    pick_all = request.GET.get("pick") == "all" and posted is None
    picked = set(posted.getlist("unchanged")) if posted is not None else set()
    number = {m.code: i for i, m in enumerate(screening.MARKERS, start=1)}
    table = []
    confirming = 0  # as the service counts them: not yet screened, ticks left as shown
    for row in shown_rows:
        key = str(row.assessment.pk)
        ticks = set(posted.getlist(f"m-{key}")) if posted is not None else set(row.starting_markers)
        is_picked = (key in picked) or (pick_all and not row.screened and not row.exempt)
        if is_picked and not row.screened and sorted(ticks) == row.starting_markers:
            confirming += 1
        table.append(
            {
                "row": row,
                "marks": [(m, m.code in ticks) for m in screening.MARKERS],
                "picked": is_picked,
                "last": None
                if row.last_markers is None
                else sorted(number[c] for c in row.last_markers if c in number),
            }
        )
    context = {
        "round": r,
        "village": village,
        "table": table,
        "markers": screening.MARKERS,
        "picked_count": confirming if posted is not None else 0,
        "classes": dict(PovertyClass.choices),
        "due": len(due),
        "screened": screened,
        "exempt": len(rows) - len(due),
        "round_total": village_service.round_progress(village_service.village_progress(r)),
        "todo_only": todo_only,
        "editable": editable,
        "stop_at": screening.STOP_AT,
        "confirmed_law": screening.CONFIRMED,
        "source": screening.SOURCE,
        "exempt_classes": [
            dict(PovertyClass.choices).get(c, c) for c in screening.FORM_A_EXEMPT_CLASSES
        ],
        "exempt_source": screening.EXEMPT_SOURCE,
        "exempt_confirmed": screening.EXEMPT_CONFIRMED,
    }
    return render(request, "reviews/screening_village.html", context)
