from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts.access import login_only
from giamngheo.accounts.selectors import home_summary


@login_only
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"summary": home_summary(actor=request.user)})
