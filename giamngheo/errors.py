"""The one kind of refusal a service raises, and the one way it reaches people.

A service that will not do what it was asked raises a `DomainError` (or a subclass) whose
message is written for the person who asked, translated. Refusals of their own shape subclass
it and keep their attributes: `households` `RecordInvalid` (errors by field and member) and
`PossibleDuplicates` (409, with the matches), `ImportInvalid` (every row problem), `reviews`
`DocumentAltered` (409), the REST API's `ApiError` and OpenRosa's `SubmissionError`.

How a refusal reaches the person depends only on the kind of page:

- A form page (the form, posted back to itself): the view catches `ValidationError` around the
  service and calls `show_on_form(form, exc)`, which is `form.add_error(exc.field, exc)` with
  unknown fields put above the form, then renders the form again.
- A POST action that returns to another page (a button on a detail page): the view wraps the
  service in `attempt(request, action, success)`, which turns the refusal into an error message
  on the page it redirects to. The review pages' forms work this way too
  (`reviews.views.common.submit`: the form's own errors become messages as well).
- An upload page lists every problem of the file (`exc.messages`) above the form.
- Anything else is not caught: `DomainErrorMiddleware` shows the message with the error's
  status (a message page, or a partial for htmx), and the REST API answers
  ``{"detail": ..., "code": ..., "errors": [...]}`` with the same status (`api.rest.errors`).
  OpenRosa keeps its own protocol: it catches `SubmissionError` and answers as Collect expects,
  with the protocol's status.

It is a Django `ValidationError`, so forms, `full_clean` and existing callers that catch
validation errors treat a service's refusal the way they treat a field's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(ValidationError):
    """A refusal with a message for the person who asked; `status` is the HTTP answer."""

    status: int = 400
    default_code: str = "invalid"
    title: str | Promise = _("This cannot be done")

    def __init__(
        self,
        message: str | Promise | list[Any] | dict[str, Any],
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code or self.default_code, params=params)
        self.field = field
        if status is not None:
            self.status = status

    @property
    def text(self) -> str:
        """The message as the person reads it (placeholders filled in)."""
        return " ".join(str(m) for m in self.messages)

    def __str__(self) -> str:
        return self.text


class Conflict(DomainError):
    """The request was fine but the record has moved on (already decided, locked, taken)."""

    status = 409
    default_code = "conflict"


class NotAvailable(DomainError):
    """What was asked for does not exist yet (no approved figures, no such report)."""

    status = 404
    default_code = "not_available"


class BadParameter(DomainError):
    """A query parameter that is not what the page expects (a hand-edited address)."""

    title = _("Check the address")
    default_code = "bad_parameter"


def attempt(request: HttpRequest, action: Callable[[], Any], success: str = "") -> Any:
    """Run a POST action's service; a refusal becomes an error message on the page the action
    returns to, success the `success` message. Returns the service's result (True for None), or
    None when it was refused, so the view decides where to go next."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def show_on_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's refusal beside the field it names (`DomainError.field`, or the keys of an
    error dict such as `RecordInvalid`'s), and what names no field of this form above it."""
    if hasattr(exc, "error_dict"):
        for field, messages_ in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc)
