import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Jobs run inline (no worker needed to see their result); password hashing is cheap."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
