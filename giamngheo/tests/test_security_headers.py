"""What every response tells the browser: no inline script, HTTPS only, short sessions."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from giamngheo.accounts.tests.factories import UnitFactory, UserFactory
from giamngheo.settings import BASE_DIR

PASSWORD = "pw-for-tests-only"


@pytest.mark.parametrize("url", ["/accounts/login/", "/portal/", "/portal/thong-ke/"])
def test_pages_forbid_inline_scripts(client, db, url):
    policy = client.get(url).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_an_inline_script_or_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # json_script emits <script type="application/json">, which is data, not code.
        scripts = [m for m in inline_script.findall(text) if "application/json" not in m]
        if scripts or handler.search(text):
            offenders.append(str(path.relative_to(BASE_DIR)))
    assert offenders == []


def test_hsts_only_over_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in client.get("/accounts/login/").headers
    header = client.get("/accounts/login/", secure=True).headers["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains"


def test_proxy_header_marks_requests_secure_only_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    proxied = {"HTTP_X_FORWARDED_PROTO": "https"}
    settings.SECURE_PROXY_SSL_HEADER = None
    assert "Strict-Transport-Security" not in client.get("/accounts/login/", **proxied).headers
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "Strict-Transport-Security" in client.get("/accounts/login/", **proxied).headers


@pytest.fixture
def officer(db):
    return UserFactory(unit=UnitFactory())


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_session_cookie_ends_with_the_browser(client, officer):
    cookie = _log_in(client, officer).cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_session_ends_after_eight_idle_hours_and_each_request_extends_it(client, officer):
    _log_in(client, officer)
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert client.get(reverse("home")).status_code == 200
    extended = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert dt.timedelta(hours=7, minutes=59) < extended <= dt.timedelta(hours=8)

    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response.url
