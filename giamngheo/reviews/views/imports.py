from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from giamngheo.accounts.access import requires
from giamngheo.accounts.scoping import Capability
from giamngheo.reviews import imports, selectors
from giamngheo.reviews.forms import ImportForm


@requires(Capability.COLLECT_ANSWERS)
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    response = HttpResponse(
        imports.template_xlsx(r),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mau-phieu-{r.year}-{r.unit.code}.xlsx"'
    )
    return response


@requires(Capability.COLLECT_ANSWERS)
def import_answers(request: HttpRequest, pk: int) -> HttpResponse:
    r = selectors.round_get(actor=request.user, pk=pk)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                actor=request.user, review_round=r, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            return redirect("jobs:detail", job.pk)
    return render(request, "reviews/import.html", {"round": r, "form": form, "problems": problems})
