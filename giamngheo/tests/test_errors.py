import json

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from ninja import NinjaAPI
from ninja.testing import TestClient

from giamngheo.api.openrosa.parsing import SubmissionError
from giamngheo.api.rest import errors as api_errors
from giamngheo.api.rest.errors import ApiError
from giamngheo.errors import (
    BadParameter,
    Conflict,
    DomainError,
    NotAvailable,
    attempt,
    show_on_form,
)
from giamngheo.households.imports import ImportInvalid
from giamngheo.households.services import PossibleDuplicates, RecordInvalid
from giamngheo.middleware import DomainErrorMiddleware
from giamngheo.reviews.services.documents import DocumentAltered


def middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: HttpResponse())


def page_request(*, htmx: bool = False):
    request = RequestFactory().get("/somewhere/")
    request.htmx = htmx
    request.resolver_match = None
    return request


def test_a_domain_error_is_a_validation_error_forms_understand():
    error = DomainError("Say why.", field="reason", code="no_reason")
    assert isinstance(error, ValidationError)
    assert (error.text, error.field, error.code, error.status) == (
        "Say why.",
        "reason",
        "no_reason",
        400,
    )
    assert str(error) == "Say why."


def test_conflicts_and_missing_things_carry_their_own_status():
    assert Conflict("Already decided.").status == 409
    assert NotAvailable("Nothing yet.").status == 404
    assert DomainError("x", status=422).status == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status"),
    [(BadParameter("The year must be a number."), 400), (Conflict("Already decided."), 409)],
)
def test_page_shows_the_message_with_the_errors_status(error, status):
    response = middleware().process_exception(page_request(), error)
    assert response.status_code == status
    page = response.content.decode()
    assert error.text in page
    assert "<html" in page


@pytest.mark.django_db
def test_htmx_request_gets_only_the_message_partial():
    response = middleware().process_exception(page_request(htmx=True), Conflict("Already decided."))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Already decided." in page
    assert "<html" not in page


@pytest.mark.django_db
def test_permission_denied_on_a_page_says_why_with_403():
    error = PermissionDenied("Your role can see figures here, but not the households.")
    response = middleware().process_exception(page_request(), error)
    assert response.status_code == 403
    assert "but not the households" in response.content.decode()


def test_other_exceptions_are_left_to_django():
    assert middleware().process_exception(page_request(), ValueError("boom")) is None


def test_api_answers_a_domain_error_with_its_status_detail_and_code():
    api = NinjaAPI(urls_namespace="test_errors")
    api_errors.install(api)

    @api.get("/conflict")
    def conflict(request):
        raise Conflict("This member change was already decided.", field="state")

    response = TestClient(api).get("/conflict")
    assert response.status_code == 409
    body = json.loads(response.content)
    assert body["detail"] == "This member change was already decided."
    assert body["code"] == "conflict"
    assert body["errors"] == [{"field": "state", "message": body["detail"]}]


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


def test_a_refusal_naming_a_field_is_shown_beside_it_and_others_above_the_form():
    form = ReasonForm({"reason": ""})
    assert form.is_valid()
    show_on_form(form, DomainError("Say why.", field="reason"))
    show_on_form(form, DomainError("The round is locked.", field="round"))
    assert form.errors["reason"] == ["Say why."]
    assert form.non_field_errors() == ["The round is locked."]


def test_a_record_refusal_puts_each_message_on_its_field():
    form = ReasonForm({"reason": ""})
    assert form.is_valid()
    show_on_form(form, RecordInvalid({"reason": ["Too short."]}, {0: {"full_name": ["Empty."]}}))
    assert form.errors["reason"] == ["Too short."]
    assert form.non_field_errors() == ["Empty."]


@pytest.mark.django_db
def test_attempt_turns_a_refusal_into_a_page_message_and_returns_nothing():
    request = RequestFactory().post("/somewhere/")
    request.session = {}
    request._messages = FallbackStorage(request)

    def refuse():
        raise Conflict("Already decided.")

    assert attempt(request, refuse, "Done.") is None
    assert attempt(request, lambda: None, "Done.") is True
    assert [str(m) for m in request._messages] == ["Already decided.", "Done."]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (PossibleDuplicates([]), 409),
        (RecordInvalid({"reason": ["Say why."]}), 400),
        (ImportInvalid([]), 400),
        (DocumentAltered("The stored document is missing."), 409),
        (ApiError(429, "Too many attempts."), 429),
        (SubmissionError(413, "Too large."), 413),
    ],
)
def test_service_refusals_shown_to_people_are_domain_errors_with_their_status(error, status):
    assert isinstance(error, DomainError)
    assert error.status == status
    assert error.text
