"""sqlmap (Debian's) against the live server's list filters and the sign-in form.

The server runs on a fresh database with the demo data, with sign-in throttling switched off so
that sqlmap reaches the queries (throttling is proven in test_throttling.py). Logs go to
artifacts/sqlmap/. A second test points the same script at a deliberately injectable stand-in
to prove that the script fails when there is something to find.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.live import LiveServer, api_token, free_port, live_server, load_demo

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("sqlmap_check.sh")
ARTIFACTS = PROJECT_ROOT / "artifacts" / "sqlmap"
NO_THROTTLE = {"LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000", "LOGIN_MAX_FAILURES_PER_IP": "1000000"}


def _sqlmap_installed() -> None:
    if shutil.which("sqlmap") is None:
        pytest.fail("sqlmap is not installed: apt-get install -y sqlmap (.ci/run does it as "
                    "root)", pytrace=False)


@pytest.fixture(scope="module")
def target(databases: object, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[LiveServer, str]]:
    _sqlmap_installed()
    url = databases.fresh()  # type: ignore[attr-defined]
    try:
        with live_server(url, tmp_path_factory.mktemp("sqlmap-var"), NO_THROTTLE) as server:
            emails = load_demo(server)
            yield server, api_token(server.url, emails["admin"])
    finally:
        databases.drop(url)  # type: ignore[attr-defined]


def _run(base: str, token: str, out: Path, dbms: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), base, token, str(out), dbms], text=True,
                          capture_output=True, timeout=600, check=False,
                          env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(out),
                               **env})


def test_sqlmap_finds_no_injection(target: tuple[LiveServer, str]) -> None:
    server, token = target
    dbms = "SQLite" if server.database_url.startswith("sqlite") else "PostgreSQL"
    shutil.rmtree(ARTIFACTS / "app", ignore_errors=True)
    started = time.monotonic()
    result = _run(server.url, token, ARTIFACTS / "app", dbms)
    print(result.stdout, f"sqlmap total: {time.monotonic() - started:.0f}s")
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{server.log()}"
    for name in ("users-search", "countries-filter", "challenges-search", "mechanisms-search",
                 "technologies-search", "needs-filter", "gaps-filter", "login-form"):
        assert f"sqlmap {name}: exit 0" in result.stdout


def test_the_check_catches_an_injectable_parameter(tmp_path: Path) -> None:
    _sqlmap_installed()
    port = free_port()
    stand_in = subprocess.Popen([sys.executable, str(Path(__file__).with_name(
        "vulnerable_server.py")), str(port)])
    try:
        for _ in range(50):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/users?q=demo", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        result = _run(f"http://127.0.0.1:{port}", "none", ARTIFACTS / "stand-in", "SQLite",
                      SQLMAP_TARGETS="users-search")
    finally:
        stand_in.terminate()
        stand_in.wait(timeout=10)
    assert result.returncode == 1, result.stdout
    assert "INJECTABLE" in result.stdout and "Parameter: q (GET)" in result.stdout


def test_the_check_refuses_any_host_but_localhost(tmp_path: Path) -> None:
    result = _run("http://example.org", "x", tmp_path, "SQLite")
    assert result.returncode == 2 and "only ever pointed at 127.0.0.1" in result.stderr
