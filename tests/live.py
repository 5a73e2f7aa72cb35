"""The real application served by uvicorn in a subprocess, for browsers, fuzzers and sqlmap.

`LiveServer` starts `uvicorn app.main:create_app --factory` on a free port of 127.0.0.1 against a
database the caller prepared (usually a fresh copy from the `databases` fixture), waits until
`/healthz` answers 200 and stops the process at the end. Its log is kept in `var_dir/server.log`
and shown when the server does not come up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT

TEST_SECRET_KEY = "live-test-secret-key-not-for-production-0123456789"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, var_dir: Path, base_url: str,
               extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the app reads its Settings from (nothing inherited that could leak in)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OIDC_", "DATABASE_URL", "BASE_URL", "VAR_DIR", "SECRET_KEY",
                                "LOGIN_", "RATE_LIMITS", "TEST_DATABASE_URL", "SMTP_",
                                "MAIL_FROM"))}
    env.update({
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": TEST_SECRET_KEY,
        "ENVIRONMENT": "test",
        "BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run `python -m app ...` (the real command line) with the server's environment."""
    result = subprocess.run([sys.executable, "-m", "app", *args], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"python -m app {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


class LiveServer:
    def __init__(self, database_url: str, var_dir: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.var_dir = var_dir
        var_dir.mkdir(parents=True, exist_ok=True)
        self.env = server_env(database_url, var_dir, self.url, extra_env)
        self.log_path = var_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
             "--no-access-log", "--no-server-header"],  # as `python -m app serve`
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the live server exited with {self.process.returncode}:\n"
                                   f"{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the live server did not answer /healthz in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def cli(self, *args: str) -> str:
        return run_cli(list(args), self.env)


@contextmanager
def live_server(database_url: str, var_dir: Path,
                extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    server = LiveServer(database_url, var_dir, extra_env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


DEMO_ADMIN_EMAIL = "admin@valleycross.example"
DEMO_PASSWORD = "live demo password 2026"
DEMO_ROLES = ("solver", "sponsor", "curator", "judge", "verifier")


def load_demo(server: LiveServer) -> dict[str, str]:
    """`python -m app load-demo` against the server's database; returns role -> email."""
    server.cli("load-demo", "--admin-email", DEMO_ADMIN_EMAIL, "--admin-password", DEMO_PASSWORD)
    domain = DEMO_ADMIN_EMAIL.split("@", 1)[1]
    return {"admin": DEMO_ADMIN_EMAIL, **{role: f"{role}@{domain}" for role in DEMO_ROLES}}


def api_token(base_url: str, email: str, password: str = DEMO_PASSWORD) -> str:
    """A personal access token obtained the way API clients get one."""
    response = httpx.post(f"{base_url}/api/v1/auth/tokens", timeout=30,
                          json={"name": "proof", "email": email, "password": password})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])
