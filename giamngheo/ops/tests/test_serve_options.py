"""`giamngheo serve` refuses a configuration that would run jobs inside its web workers."""

import pytest
from django.core.management import CommandError, call_command

from giamngheo.ops.management.commands.serve import Command


def test_serve_refuses_to_run_jobs_inside_web_workers(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="inside the web workers"):
        call_command("serve", "--port", "1")


def test_serve_command_runs_gunicorn_with_keep_alive_workers(settings):
    settings.WEB_KEEPALIVE_SECONDS = 15
    command = Command()._gunicorn_command("127.0.0.1:8000", {"workers": 3, "threads": 4})
    assert command[1:4] == ["-m", "gunicorn", "giamngheo.wsgi:application"]
    assert "--worker-class=gthread" in command and "--workers=3" in command
    assert "--keep-alive=15" in command
