"""Tokens (hashed, revocable), the browser session with CSRF, and slowing down guessing."""

import hashlib

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from giamngheo.api.credentials import compute_ha1, digest_realm
from giamngheo.api.models import ApiToken, DigestCredential
from giamngheo.api.tests.conftest import PASSWORD
from giamngheo.api.tests.helpers import assert_error_body, body

pytestmark = pytest.mark.django_db


def _obtain(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, "name": "laptop"},
        content_type="application/json",
        **extra,
    )


def test_token_is_shown_once_and_only_its_hash_is_stored(client, personas):
    response = _obtain(client, "commune_a_officer", PASSWORD)
    assert response.status_code == 201
    raw = body(response)["token"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    me = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert body(me)["username"] == "commune_a_officer"
    listed = body(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/auth/tokens"))
    assert [t["prefix"] for t in listed] == [stored.prefix] and "token" not in listed[0]


def test_revoked_token_stops_working(client, personas):
    raw = body(_obtain(client, "commune_a_officer", PASSWORD))["token"]
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    token_id = ApiToken.objects.get().pk
    assert body(c.delete(f"/api/v1/auth/tokens/{token_id}"))["revoked_at"]
    assert_error_body(c.get("/api/v1/me"), 401)


def test_nobody_revokes_another_users_token(client, personas):
    _obtain(client, "commune_a_officer", PASSWORD)
    other = body(_obtain(client, "commune_b_officer", PASSWORD))["token"]
    victim = ApiToken.objects.get(user=personas["commune_a_officer"])
    c = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert_error_body(c.delete(f"/api/v1/auth/tokens/{victim.pk}"), 404)
    victim.refresh_from_db()
    assert victim.revoked_at is None


def test_inactive_user_token_is_refused(client, personas):
    raw = body(_obtain(client, "enumerator_a", PASSWORD))["token"]
    personas["enumerator_a"].is_active = False
    personas["enumerator_a"].save()
    assert_error_body(Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me"), 401)


def test_wrong_password_is_401_and_body_errors_are_422(client, personas):
    assert_error_body(_obtain(client, "commune_a_officer", "wrong"), 401)
    bad = client.post("/api/v1/auth/token", {"username": 5}, content_type="application/json")
    assert_error_body(bad, 422)
    garbled = client.post("/api/v1/auth/token", "{nope", content_type="application/json")
    assert garbled.status_code in (400, 422)
    assert body(garbled)["detail"]


def test_token_login_locks_the_pair_after_five_wrong_passwords(client, personas):
    for _n in range(5):
        response = _obtain(client, "commune_a_officer", "wrong", REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 401
    # The right password from the locked pair is refused without being checked.
    blocked = _obtain(client, "commune_a_officer", PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert_error_body(blocked, 429)
    assert 0 < int(blocked["Retry-After"]) <= 900
    # The same user from another address, and a colleague behind the same address, get tokens.
    assert _obtain(client, "commune_a_officer", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 201
    assert _obtain(client, "commune_b_officer", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 201


def test_twenty_bad_tokens_no_longer_lock_the_office_out(personas):
    guesser = Client(HTTP_AUTHORIZATION="Bearer gn_guess", REMOTE_ADDR="10.9.9.9")
    for _n in range(20):
        refused = assert_error_body(guesser.get("/api/v1/me"), 401)
    assert refused["detail"] == "Cần xác thực: hãy gửi mã truy cập hoặc đăng nhập."
    colleague = Client(REMOTE_ADDR="10.9.9.9")
    obtained = _obtain(colleague, "commune_a_officer", PASSWORD)
    assert obtained.status_code == 201
    me = Client(HTTP_AUTHORIZATION=f"Bearer {body(obtained)['token']}", REMOTE_ADDR="10.9.9.9")
    assert body(me.get("/api/v1/me"))["username"] == "commune_a_officer"


def test_failed_tokens_are_limited_per_address(personas, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    guesser = Client(HTTP_AUTHORIZATION="Bearer gn_guess", REMOTE_ADDR="10.9.9.9")
    for _n in range(4):
        assert guesser.get("/api/v1/me").status_code == 401
    assert_error_body(guesser.get("/api/v1/me"), 429)
    other = Client(REMOTE_ADDR="10.9.9.8")
    assert _obtain(other, "commune_a_officer", PASSWORD, REMOTE_ADDR="10.9.9.8").status_code == 201


def test_browser_session_reads_and_needs_csrf_to_post(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["commune_a_officer"])
    me = browser.get("/api/v1/me")
    assert me.status_code == 200
    assert body(me)["username"] == "commune_a_officer" and body(me)["role"] == "commune_officer"
    no_csrf = browser.post("/api/v1/classify", "{}", content_type="application/json")
    assert no_csrf.status_code in (401, 403)
    assert "CSRF" in body(no_csrf)["detail"]
    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    with_csrf = browser.post(
        "/api/v1/classify", "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert with_csrf.status_code == 422  # past authentication: the engine says what is missing
    assert body(with_csrf)["error"]["field"] == "household_id"


def test_digest_secret_follows_the_password(personas):
    user = personas["enumerator_a"]
    credential = DigestCredential.objects.get(user=user)
    assert credential.ha1 == compute_ha1(user.username, digest_realm(), PASSWORD)
    user.set_password("another-pass-123")
    user.save()
    credential.refresh_from_db()
    assert credential.ha1 == compute_ha1(user.username, digest_realm(), "another-pass-123")


def test_web_login_sets_a_missing_digest_secret(client, personas):
    DigestCredential.objects.all().delete()
    response = client.post("/accounts/login/", {"username": "enumerator_a", "password": PASSWORD})
    assert response.status_code == 302
    assert DigestCredential.objects.filter(user=personas["enumerator_a"]).exists()


def test_set_digest_password_command(personas):
    from django.core.management import call_command

    DigestCredential.objects.all().delete()
    call_command("set_digest_password", "enumerator_a", "--password", "field-pass-456")
    user = personas["enumerator_a"]
    user.refresh_from_db()
    assert user.check_password("field-pass-456")
    assert DigestCredential.objects.get(user=user).ha1 == compute_ha1(
        "enumerator_a", digest_realm(), "field-pass-456"
    )


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = body(schema)["paths"]
    assert {"/api/v1/classify", "/api/v1/households", "/api/v1/assessments"} <= set(paths)
    assert client.get("/api/v1/docs").status_code == 200
