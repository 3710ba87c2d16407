"""Login throttling: a guessed (account, address) pair locks, nobody else does.

Numbers are the defaults (5 per pair, 100 per address, slow-down after 10 per account) unless a
test lowers one to stay short.
"""

import os
import subprocess
import sys
from unittest import mock

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from giamngheo.accounts import throttle
from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory
from giamngheo.settings import CACHE_TABLE, cache_config

PASSWORD = "pw-for-tests-only"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
OFFICE = "203.0.113.10"  # the office's proxy, as the server sees it without TRUSTED_PROXIES
HOME = "198.51.100.20"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def backend(request, settings, db):
    """The two caches an installation may use; Redis must answer under CI."""
    if request.param == "redis":
        if not _redis_up():
            if os.environ.get("CI") == "true":
                pytest.fail(f"Redis does not answer at {REDIS_URL}")
            pytest.skip(f"Redis does not answer at {REDIS_URL}")
        settings.CACHES = {"default": cache_config(REDIS_URL)}
    else:
        settings.CACHES = {"default": cache_config("")}
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


@pytest.fixture
def officers(db):
    return {
        name: UserFactory(username=name, role=Role.COMMUNE_OFFICER)
        for name in ("lan", "minh", "hoa")
    }


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)


def web_login(username: str, password: str, address: str, **extra):
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response, SESSION_KEY in client.session


def admin_login(username: str, password: str, address: str):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return response, SESSION_KEY in client.session


# The cache ----------------------------------------------------------------------------------


def test_default_cache_is_the_database_and_its_table_exists_after_migrate(db):
    assert cache_config("")["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert CACHE_TABLE in connection.introspection.table_names()


def test_cache_url_selects_redis():
    config = cache_config("redis://127.0.0.1:6379/3")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "redis://h:port/0"])
def test_invalid_cache_url_fails_at_start_up(url):
    env = {**os.environ, "CACHE_URL": url, "DJANGO_SETTINGS_MODULE": "giamngheo.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "CACHE_URL" in result.stderr


def test_counters_are_shared_between_processes(backend):
    """Two cache clients, as two server processes would hold, see one count."""
    first = throttle.Throttle(caches.create_connection("default"))
    second = throttle.Throttle(caches.create_connection("default"))
    for n in range(5):
        (first if n % 2 else second).failed(address=HOME, subject="lan")
    assert first.check(address=HOME, subject="lan").reason == "pair"
    assert second.check(address=HOME, subject="lan").reason == "pair"
    assert second.check(address=OFFICE, subject="lan").allowed


def test_pair_lockout_and_success_clearing_on_each_backend(backend):
    counter = throttle.Throttle(caches["default"])
    for _n in range(4):
        counter.failed(address=HOME, subject="lan")
    counter.succeeded(address=HOME, subject="lan")
    for _n in range(4):
        counter.failed(address=HOME, subject="lan")
    assert counter.check(address=HOME, subject="lan").allowed  # the success started afresh
    counter.failed(address=HOME, subject="lan")
    verdict = counter.check(address=HOME, subject="lan")
    assert (verdict.allowed, verdict.reason) == (False, "pair")
    assert 890 <= verdict.retry_after <= 900


def test_subject_and_scope_are_generic_key_parts(db):
    """A public lookup keyed on (address, citizen ID) counts apart from logins."""
    lookup = throttle.Throttle(caches["default"], scope="lookup")
    for _n in range(5):
        lookup.failed(address=HOME, subject="031080000111")
    assert not lookup.check(address=HOME, subject="031080000111").allowed
    assert lookup.check(address=HOME, subject="031080000222").allowed
    login = throttle.Throttle(caches["default"])
    assert login.check(address=HOME, subject="031080000111").allowed


# Client address -----------------------------------------------------------------------------


def _address(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return throttle.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert _address("10.0.0.5", "203.0.113.7") == "10.0.0.5"


def test_spoofed_forwarded_for_from_an_untrusted_client_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _address("198.51.100.9", "10.0.0.1, 1.2.3.4") == "198.51.100.9"


def test_behind_trusted_proxies_the_right_most_untrusted_address_counts(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    # What the client wrote (1.2.3.4) is left of the address our proxy saw (203.0.113.7).
    assert _address("10.0.0.5", "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    assert _address("192.0.2.1", "1.2.3.4, 203.0.113.7, 10.1.1.1") == "203.0.113.7"
    assert _address("10.0.0.5", "") == "10.0.0.5"
    assert _address("10.0.0.5", "not-an-address") == "10.0.0.5"


def test_a_spoofed_forwarded_for_does_not_escape_a_lockout(settings, officers):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(6):
        web_login("lan", "wrong", HOME, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response, logged_in = web_login("lan", PASSWORD, HOME, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429 and not logged_in


def test_behind_the_office_proxy_each_officer_is_counted_apart(settings, officers):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _n in range(5):
        web_login("lan", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.1.11")
    assert not web_login("lan", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.1.11")[1]
    assert web_login("lan", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.1.12")[1]
    assert web_login("minh", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.1.11")[1]


# Web and admin login ------------------------------------------------------------------------


def test_web_login_locks_the_pair_after_five_wrong_passwords(officers):
    for _n in range(5):
        response, logged_in = web_login("lan", "wrong", OFFICE)
        assert response.status_code == 200 and not logged_in
    response, logged_in = web_login("lan", PASSWORD, OFFICE)  # the right password, too late
    assert response.status_code == 429 and not logged_in
    assert 0 < int(response["Retry-After"]) <= 900
    html = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần với tài khoản này từ địa chỉ của bạn" in html
    assert "15 phút" in html


def test_web_login_same_user_elsewhere_and_colleagues_behind_the_proxy_still_log_in(officers):
    for _n in range(30):
        web_login("lan", "wrong", OFFICE)
    assert web_login("lan", PASSWORD, HOME) == (mock.ANY, True)
    assert web_login("minh", PASSWORD, OFFICE) == (mock.ANY, True)
    assert web_login("hoa", PASSWORD, OFFICE) == (mock.ANY, True)


def test_admin_login_locks_the_pair_too(admin_user):
    for _n in range(5):
        assert admin_login("quantri", "wrong", OFFICE) == (mock.ANY, False)
    response, logged_in = admin_login("quantri", PASSWORD, OFFICE)
    assert not logged_in
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert admin_login("quantri", PASSWORD, HOME)[1]


def test_a_non_staff_user_refused_by_the_admin_is_not_a_failure(officers):
    for _n in range(6):
        assert not admin_login("lan", PASSWORD, OFFICE)[1]
    assert web_login("lan", PASSWORD, OFFICE)[1]


def test_address_ceiling_stops_one_address_guessing_many_accounts(settings, db):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    users = [UserFactory(username=f"officer{n}") for n in range(4)]
    for user in users[:3]:
        for _n in range(2):
            web_login(user.username, "wrong", OFFICE)
    # Six failures over three accounts: below the ceiling, a colleague still logs in.
    assert web_login(users[3].username, PASSWORD, OFFICE)[1]
    for _n in range(2):
        web_login(users[0].username, "wrong", OFFICE)
    response, logged_in = web_login(users[3].username, PASSWORD, OFFICE)
    assert response.status_code == 429 and not logged_in
    assert "Đăng nhập sai quá nhiều lần từ mạng của bạn" in response.content.decode()
    assert web_login(users[3].username, PASSWORD, HOME)[1]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # the start of a counting window

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock():
    fake = Clock()
    with mock.patch.object(throttle, "time", fake):
        yield fake


def test_guessing_one_account_from_many_addresses_is_slowed_not_locked(officers, clock):
    for n in range(10):
        clock.now += 31
        response, _logged_in = web_login("lan", "wrong", f"192.0.2.{n}")
        assert response.status_code == 200  # each address is far below its own limit
    waits = []
    for n in range(10, 16):
        refused = web_login("lan", "wrong", f"198.51.100.{n}")[0]  # straight after a failure
        waits.append(int(refused["Retry-After"]) if refused.status_code == 429 else 0)
        clock.now += 31
        assert web_login("lan", "wrong", f"192.0.2.{n}")[0].status_code == 200
    # Ten failures are free; then each try waits 1, 2, 4, ... seconds, never more than 30.
    assert waits == [1, 2, 4, 8, 16, 30]
    clock.now += 31
    assert web_login("lan", PASSWORD, HOME)[1], "a slow-down is not a lockout"


def test_the_slow_down_refuses_even_the_right_password_until_the_wait_ends(officers, clock):
    for n in range(10):
        web_login("lan", "wrong", f"192.0.2.{n}")
    response, logged_in = web_login("lan", PASSWORD, HOME)
    assert response.status_code == 429 and not logged_in
    assert response["Retry-After"] == "1"
    assert "Hãy chờ 1 giây rồi thử lại" in response.content.decode()
    clock.now += 1.5
    assert web_login("lan", PASSWORD, HOME)[1]


def test_an_address_the_owner_logged_in_from_skips_the_slow_down(officers, clock):
    assert web_login("lan", PASSWORD, HOME)[1]
    for n in range(40):
        web_login("lan", "wrong", f"192.0.2.{n}")
    assert web_login("lan", "wrong", "192.0.2.200")[0].status_code == 429
    assert web_login("lan", PASSWORD, HOME)[1]
