"""Every view and endpoint declares who may use it; only third-party views are exempt."""

import pytest
from django.test import override_settings

from giamngheo.accounts.access import Access
from giamngheo.accounts.models import Role
from giamngheo.accounts.scoping import ROLE_CAPABILITIES, Capability
from giamngheo.accounts.tests.urlwalk import all_routes

# Views we do not write; each is guarded by its own project.
EXEMPT_MODULES = {
    "django.views.i18n": "set_language only stores the chosen language in the session",
    "django.views.static": "static/media serving in DEBUG only (production: the web server)",
    "ninja.openapi.views": "the API's documentation and openapi.json describe, never read data",
}

HOW_TO = (
    "declare its access above the view: @requires(Capability.X), @login_only or @public "
    "from giamngheo.accounts.access (REST operations: @api_requires / @api_login_only / "
    "@api_public under @router.get); class-based views: wrap as_view() in public()/login_only() "
    "or set `access = Access(...)` on the class"
)


EXEMPT_ROUTES = {
    "admin/": "Django admin (its views and redirects): staff-only, AdminSite.has_permission",
}


def _exempt(route) -> str | None:
    for prefix, reason in EXEMPT_ROUTES.items():
        if route.route.startswith(prefix):
            return reason
    module = route.module
    for prefix, reason in EXEMPT_MODULES.items():
        if module == prefix or module.startswith(prefix + "."):
            return reason
    return None


@override_settings(DEBUG=True)
def test_every_view_declares_its_access():
    routes = all_routes()
    missing = [
        f"{r.route} ({r.name}, {r.dotted})" for r in routes if r.access is None and not _exempt(r)
    ]
    assert not missing, f"{len(missing)} view(s) declare no access; {HOW_TO}:\n  " + "\n  ".join(
        missing
    )


def test_the_walk_reaches_pages_rest_and_openrosa():
    names = {r.name for r in all_routes()}
    assert {"reports:target_edit", "reviews:baseline_import", "portal:home", "login"} <= names
    assert {"api-v1:household_index", "api-v1:statistics", "api-v1:token_obtain"} <= names
    assert "openrosa-submission" in names


def test_rest_declarations_are_seen_through_the_operation():
    by_name = {r.name: r for r in all_routes()}
    assert by_name["api-v1:household_index"].access == Access(
        "capability", frozenset({Capability.READ_RECORDS})
    )
    assert by_name["api-v1:token_obtain"].access == Access("public")


def test_targets_and_baselines_are_the_provinces():
    for role in Role:
        provincial = role in (Role.PROVINCE_OFFICER, Role.SYSTEM_ADMIN)
        assert (Capability.SET_TARGETS in ROLE_CAPABILITIES[role]) is provincial
        assert (Capability.RECORD_BASELINES in ROLE_CAPABILITIES[role]) is provincial
    by_name = {r.name: r for r in all_routes()}
    assert Capability.SET_TARGETS in by_name["reports:target_edit"].access.capabilities
    assert Capability.RECORD_BASELINES in by_name["reviews:baseline_import"].access.capabilities


def test_an_unknown_capability_is_refused_when_declared():
    from giamngheo.accounts.access import requires

    with pytest.raises(ValueError, match="Unknown capability"):
        requires("targets.editt")
