from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from giamngheo.errors import attempt
from giamngheo.reviews.forms import error_messages


def form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as page messages: the review pages keep their forms beside the lists."""
    for message in error_messages(form):
        messages.error(request, message)


def submit(
    request: HttpRequest, form: forms.Form, action: Callable[[], Any], success: str = ""
) -> Any:
    """`attempt(action)` when the form is valid, its errors as messages when not; the result
    is the action's (truthy) result, or None when nothing was done."""
    if not form.is_valid():
        form_errors(request, form)
        return None
    return attempt(request, action, success)
