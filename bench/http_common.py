"""What the HTTP benchmarks share: a free port, waiting for a server, a demo account's token."""

from __future__ import annotations

import json
import socket
import time
import urllib.request

PASSWORD = "bench password 0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, timeout: float = 60, path: str = "/healthz") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + path, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{base} did not become healthy")


def token(base: str, email: str = "admin@bench.example") -> str:
    """A bearer token for a demo account (all share the bench password)."""
    body = json.dumps({"name": "bench", "email": email, "password": PASSWORD}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/tokens", data=body,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return str(json.load(r)["token"])
