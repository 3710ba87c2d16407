"""`giamngheo serve` as ODK Collect and browsers meet it: a real server process, real sockets."""

import http.client
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from giamngheo.api.tests.odk import digest_header
from giamngheo.tests.server import manage, scratch_installation

pytestmark = pytest.mark.server

PASSWORD = "field-pass-for-tests-456"
COLLECT = {"User-Agent": "org.odk.collect.android/v2025.2.3", "X-OpenRosa-Version": "1.0"}
SUBMISSION = "/api/openrosa/11001/submission"
FORM_LIST = "/api/openrosa/11001/formList"

SETUP = f"""
from giamngheo.accounts.models import Role
from giamngheo.accounts.tests.factories import UserFactory, build_small_province
from giamngheo.api.credentials import digest_set_password
units = build_small_province()
user = UserFactory(username="enumerator_a", role=Role.ENUMERATOR, unit=units["A"])
user.set_password("{PASSWORD}")
user.save()
digest_set_password(user=user, password="{PASSWORD}")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not start listening")


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    env, db_path = scratch_installation(tmp_path)
    manage(env, "shell", "-c", SETUP)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "giamngheo", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_listening(port, process)
        yield {"port": port, "process": process, "db": db_path}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _nothing_pending(conn: http.client.HTTPConnection) -> bool:
    """No stray bytes (a HEAD body) wait on the connection after a complete response."""
    readable, _, _ = select.select([conn.sock], [], [], 0.3)
    return not readable


def _request(conn, method: str, path: str, headers: dict | None = None):
    conn.request(method, path, headers={**COLLECT, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    assert response.getheader("Connection", "").lower() != "close", (method, path)
    return response, body


def test_collect_head_digest_get_sequence_on_one_keep_alive_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=20)
    conn.connect()
    sock = conn.sock
    for _ in range(20):
        challenge, body = _request(conn, "HEAD", SUBMISSION)
        assert challenge.status == 401 and body == b""
        assert challenge.getheader("WWW-Authenticate").startswith("Digest ")
        assert _nothing_pending(conn)
        www = challenge.getheader("WWW-Authenticate")

        auth = digest_header(www, "enumerator_a", PASSWORD, "HEAD", SUBMISSION, nc=1)
        head, body = _request(conn, "HEAD", SUBMISSION, {"Authorization": auth})
        assert head.status == 204 and body == b""
        assert _nothing_pending(conn)

        auth = digest_header(www, "enumerator_a", PASSWORD, "GET", FORM_LIST, nc=2)
        listing, body = _request(conn, "GET", FORM_LIST, {"Authorization": auth})
        assert listing.status == 200 and b"<xform>" in body
        assert _nothing_pending(conn)
    assert conn.sock is sock, "the server closed the keep-alive connection"
    conn.close()


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/portal/", "/api/v1/openapi.json", FORM_LIST, "/static/css/site.css"],
)
def test_head_responses_carry_no_body(server, path):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=20)
    for _ in range(3):
        get, get_body = _request(conn, "GET", path)
        head, head_body = _request(conn, "HEAD", path)
        assert head.status == get.status and head_body == b""
        assert _nothing_pending(conn)
    conn.close()


def test_serve_supervises_one_worker_and_stops_it_cleanly(server):
    def worker_pids():
        with sqlite3.connect(server["db"], timeout=20) as db:
            return [pid for (pid,) in db.execute("SELECT pid FROM jobs_workerheartbeat")]

    deadline = time.monotonic() + 60
    while not worker_pids() and time.monotonic() < deadline:
        time.sleep(0.3)
    [first] = worker_pids()

    os.kill(first, signal.SIGKILL)  # the supervisor restarts a worker that dies
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and [p for p in worker_pids() if p != first] == []:
        time.sleep(0.3)
    second = next(p for p in worker_pids() if p != first)
    assert _pid_running(second)

    process = server["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not _pid_running(second), "the job worker outlived serve"
    assert worker_pids() == [], "a cleanly stopped worker removes its heartbeat"
