"""The session a lookup leaves behind, for tests of what comes after it."""

from importlib import import_module

from django.conf import settings
from django.test import RequestFactory

from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.households.models import Household
from giamngheo.portal import services
from giamngheo.portal.access import grant


def lookup_session(household: Household, *, with_code: bool = True) -> str:
    """A session key granted as `portal.lookup` grants it; with the code, a real code is issued
    by an officer of the household's commune, since a grant names the code it was made with."""
    version = ""
    if with_code:
        officer = UserFactory(role=Role.COMMUNE_OFFICER, unit=household.unit.parent)
        code, _plain = services.lookup_code_issue(actor=officer, household=household)
        version = services.code_version(code)
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    grant(request, household, with_code=with_code, code_version=version)
    request.session.save()
    return request.session.session_key
