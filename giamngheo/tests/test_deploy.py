"""The files in deploy/ are read by systemd, nginx and a container builder: each is checked by that
tool when it is installed (under CI=true nginx must be), and for what the app relies on."""

import configparser
import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

from giamngheo.ops.backup import expand_date

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
PROXY = DEPLOY / "nginx" / "giamngheo.conf"
CONTAINER = DEPLOY / "Containerfile"
INSTALLED = "/opt/giamngheo/venv/bin/giamngheo"


def _tool(name: str, *candidates: str) -> str:
    """The tool's path; a skip locally when it is missing, a failure under CI=true."""
    found = shutil.which(name) or next((c for c in candidates if Path(c).is_file()), None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed and CI=true.")
    pytest.skip(f"{name} is not installed.")


def _unit(path: Path) -> configparser.ConfigParser:
    # systemd allows a key more than once (Environment=); the last one is enough here.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def _parse_with_command(call: list[str]) -> None:
    """The command's own argument parser accepts the line, or the test fails with its message."""
    verb, *args = call
    assert verb in get_commands(), f"giamngheo has no verb {verb!r}"
    command = load_command_class(get_commands()[verb], verb)
    parser = command.create_parser("giamngheo", verb)
    args = [arg.replace("%%", "%") for arg in args]
    try:
        parser.parse_args(args)
    except SystemExit as error:  # argparse's way of refusing
        pytest.fail(f"giamngheo {verb} refuses {args}: exit {error.code}")


def _serve_has(option: str) -> bool:
    command = load_command_class(get_commands()["serve"], "serve")
    return any(option in action.option_strings for action in command.create_parser("", "")._actions)


def test_every_deploy_unit_is_present():
    assert [unit.name for unit in UNITS] == [
        "giamngheo-backup.service",
        "giamngheo-expire-job-outputs.service",
        "giamngheo-remind.service",
        "giamngheo-web.service",
        "giamngheo-worker.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_systemd_unit_has_the_required_keys(unit):
    parsed = _unit(unit)
    assert parsed.get("Unit", "Description")
    for key in ("ExecStart", "User", "Group", "EnvironmentFile"):
        assert parsed.get("Service", key), key
    assert parsed.get("Service", "User") != "root"
    assert parsed.get("Service", "ExecStart").startswith(INSTALLED + " ")
    if parsed.get("Service", "Type") != "oneshot":
        assert parsed.get("Install", "WantedBy") == "multi-user.target"


def test_web_unit_serves_on_loopback_without_running_jobs():
    command = shlex.split(
        _unit(DEPLOY / "systemd" / "giamngheo-web.service")["Service"]["ExecStart"]
    )
    assert command[1:] == ["serve", "--no-worker", "--host", "127.0.0.1", "--port", "8000"]


@pytest.mark.parametrize(
    "service", ["giamngheo-backup", "giamngheo-expire-job-outputs", "giamngheo-remind"]
)
def test_timer_starts_its_oneshot_service(service):
    timer = _unit(DEPLOY / "systemd" / f"{service}.timer")
    assert timer.get("Timer", "Unit") == f"{service}.service"
    assert timer.get("Timer", "OnCalendar")
    assert timer.get("Install", "WantedBy") == "timers.target"
    assert _unit(DEPLOY / "systemd" / f"{service}.service").get("Service", "Type") == "oneshot"


@pytest.mark.skipif(not _serve_has("--no-worker"), reason="this serve starts no job worker")
@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_systemd_unit_runs_a_giamngheo_verb_with_options_it_accepts(unit):
    _parse_with_command(shlex.split(_unit(unit)["Service"]["ExecStart"])[1:])


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = _tool("systemd-analyze")
    stand_in = tmp_path / "giamngheo"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    for source in (DEPLOY / "systemd").iterdir():
        (tmp_path / source.name).write_text(source.read_text().replace(INSTALLED, str(stand_in)))
    units = sorted(str(path) for path in tmp_path.glob("giamngheo-*"))

    result = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, check=False
    )

    # Unknown or misspelt keys are only warnings to systemd: any output is a failure here.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_backup_file_name_takes_the_date_of_the_night():
    night = dt.datetime(2026, 3, 9, 2, 30)
    assert expand_date("/var/backups/giamngheo/%Y%m%d.tar.gz", night) == Path(
        "/var/backups/giamngheo/20260309.tar.gz"
    )
    assert expand_date("plain.tar", night) == Path("plain.tar")


def test_proxy_body_limit_equals_the_largest_odk_submission():
    size = re.search(r"^\s*client_max_body_size\s+(\d+)([km]?);", PROXY.read_text(), re.M)
    assert size, "client_max_body_size is not set"
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2)]
    assert int(size.group(1)) * factor == settings.OPENROSA_MAX_SUBMISSION_BYTES


def test_proxy_tells_the_app_the_client_address_and_the_scheme():
    text = PROXY.read_text()
    # Set, not appended: a client-supplied X-Forwarded-For never reaches the app.
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;", text)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", text)
    assert re.search(r"listen\s+443\s+ssl", text)
    assert "proxy_pass http://giamngheo;" in text
    assert re.search(r"server\s+127\.0\.0\.1:8000;", text)


def test_nginx_accepts_the_proxy_config(tmp_path):
    nginx = _tool("nginx", "/usr/sbin/nginx")
    openssl = _tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t"]
        + ["-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=True,
    )
    site = re.sub(r"(ssl_certificate\s+)\S+;", rf"\g<1>{cert};", PROXY.read_text())
    site = re.sub(r"(ssl_certificate_key\s+)\S+;", rf"\g<1>{key};", site)
    (tmp_path / "site.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path / 'access.log'};\n{temp_paths}\n"
        f"    include {tmp_path / 'site.conf'};\n}}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_container_file_passes_hadolint():
    hadolint = _tool("hadolint", str(Path(sys.executable).with_name("hadolint")))
    result = subprocess.run([hadolint, str(CONTAINER)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_container_file_builds_a_non_root_image_that_serves():
    instructions = [
        line.split(None, 1)
        for line in re.sub(r"\\\n", " ", CONTAINER.read_text()).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    by_name: dict[str, list[str]] = {}
    for name, argument in instructions:
        by_name.setdefault(name.upper(), []).append(argument)
    assert by_name["FROM"] == ["python:3.11-slim"]
    assert not re.fullmatch(r"(root|0)(:.*)?", by_name["USER"][-1])
    runs = " ".join(by_name["RUN"])
    assert "pip install /src" in runs
    assert "giamngheo collectstatic" in runs
    command = json.loads(by_name["CMD"][-1])
    assert command[:2] == ["giamngheo", "serve"]
    _parse_with_command(command[1:])
