"""The settings guard: production mistakes stop the process at start-up."""

import os
import subprocess
import sys

import pytest


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import giamngheo.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = _import_settings(DEBUG="0", GIAMNGHEO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set and DEBUG=0" in result.stderr


def test_debug_off_with_secret_key_starts(tmp_path):
    result = _import_settings(DEBUG="0", SECRET_KEY="x" * 50, GIAMNGHEO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_debug_off_reads_the_secret_key_from_a_file(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("k" * 50 + "\n")
    result = _import_settings(DEBUG="0", SECRET_KEY_FILE=str(key), GIAMNGHEO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_an_unreadable_secret_key_file_refuses_to_start(tmp_path):
    result = _import_settings(
        DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "missing"), GIAMNGHEO_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr


@pytest.mark.parametrize("value", ["ture", "2", "maybe"])
def test_misspelt_boolean_is_an_error(tmp_path, value):
    result = _import_settings(DEBUG=value, GIAMNGHEO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert f"DEBUG={value!r}" in result.stderr


def test_default_database_is_sqlite_under_var(tmp_path):
    result = _import_settings(GIAMNGHEO_VAR_DIR=str(tmp_path))
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    assert tmp_path.exists()


def test_database_url_selects_postgresql(tmp_path):
    result = _import_settings(
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/giamngheo",
        GIAMNGHEO_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_unknown_database_scheme_is_an_error(tmp_path):
    result = _import_settings(
        DATABASE_URL="mysql://root@localhost/x", GIAMNGHEO_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def _setting(expression: str, tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_"))}
    clean.pop("DEBUG", None)
    clean.update(env, GIAMNGHEO_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", f"import giamngheo.settings as s; print({expression})"],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_proxy_ssl_header_is_off_unless_asked_for(tmp_path):
    assert _setting("s.SECURE_PROXY_SSL_HEADER", tmp_path) == "None"
    assert _setting("s.SECURE_PROXY_SSL_HEADER", tmp_path, SECURE_PROXY_SSL_HEADER="1") == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )


def test_hsts_comes_from_the_environment(tmp_path):
    expression = "(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    assert _setting(expression, tmp_path) == "(0, False, False)"
    env = {
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
    }
    assert _setting(expression, tmp_path, **env) == "(31536000, True, True)"


def test_sessions_end_with_the_browser_and_after_eight_idle_hours(tmp_path):
    expression = (
        "(s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST)"
    )
    assert _setting(expression, tmp_path) == f"(True, {8 * 3600}, True)"
