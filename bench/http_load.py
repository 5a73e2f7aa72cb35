"""Load test with wrk against a real server on loopback: proves the request unit of work holds
up at 64+ concurrent connections (no pool/thread-pool deadlock) and prints the figures.

    .venv/bin/python bench/http_load.py [--workers 1] [--duration 10] [--connections 64,128]

Builds a scratch SQLite database under var/bench/, loads the demo data, starts
`python -m app serve`, and runs wrk (Debian package) on a few read endpoints; bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 0123456789"
CHINESE = ["Accept-Language: zh-CN,zh;q=0.9"]  # the same pages with every string translated


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not become healthy")


def token(base: str, email: str = "admin@bench.example") -> str:
    body = json.dumps({"name": "bench", "email": email, "password": PASSWORD}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/tokens", data=body,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return str(json.load(r)["token"])


def run_wrk(url: str, connections: int, seconds: int, headers: list[str]) -> dict[str, str]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out),
               "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M),
               "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M),
               "errors": re.search(r"Non-2xx or 3xx responses: (\d+)", out),
               "socket": re.search(r"Socket errors: (.*)", out)}
    return {k: (m.group(1) if m else "0" if k == "errors" else "-") for k, m in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="64,128")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    var = ROOT / "var" / "bench"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{var / 'bench.db'}", "VAR_DIR": str(var),
           "ENVIRONMENT": "development"}
    py = sys.executable
    subprocess.run([py, "-m", "app", "migrate"], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    subprocess.run([py, "-m", "app", "load-demo", "--admin-email", "admin@bench.example",
                    "--admin-password", PASSWORD], env=env, check=True, cwd=ROOT,
                   capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([py, "-m", "app", "serve", "--port", str(port), "--workers",
                               str(args.workers)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(base)
        auth = [f"Authorization: Bearer {token(base)}"]
        solver, sponsor, judge, verifier = (
            [f"Authorization: Bearer {token(base, f'{who}@bench.example')}"]
            for who in ("solver", "sponsor", "judge", "verifier"))
        db = sqlite3.connect(var / "bench.db")
        # The demo's open challenge (the demo solver's submitted entry), the one in judging,
        # the one in verification, the one with awards proposed and the final one.
        entered, judged, verifying, proposed, final = (
            db.execute("SELECT id FROM challenges WHERE title = ?", (title,)).fetchone()[0]
            for title in ("Solar cold rooms for smallholder harvests",
                          "Solar pumps for dry-season irrigation", "Biogas for school kitchens",
                          "Cold storage for fishing cooperatives",
                          "Solar grain mills for market towns"))
        db.close()
        targets = [("GET /healthz", "/healthz", []),
                   ("GET /api/v1/me (token lookup)", "/api/v1/me", auth),
                   ("GET /api/v1/reference/countries/NPL", "/api/v1/reference/countries/NPL",
                    []),
                   ("GET / (page)", "/", []),
                   ("GET / (page, in Chinese)", "/", CHINESE),
                   ("GET /challenges (anonymous)", "/challenges", []),
                   ("GET /challenges (anonymous, in Chinese)", "/challenges", CHINESE),
                   # a signed-in page: user lookup, the unread count in the header, the inbox
                   ("GET /inbox (signed-in page)", "/inbox", auth),
                   ("GET /challenges (signed-in page)", "/challenges", auth),
                   ("GET /teams (solver's teams page)", "/teams", solver),
                   ("GET entry page (solver, submitted)", f"/challenges/{entered}/submission",
                    solver),
                   ("GET entries list page (sponsor)", f"/challenges/{entered}/submissions",
                    sponsor),
                   ("GET judging page (panel judge, blind)", f"/challenges/{judged}/judging",
                    judge),
                   ("GET judging page (sponsor, progress)", f"/challenges/{judged}/judging",
                    sponsor),
                   ("GET verification page (verifier)", f"/challenges/{verifying}/verification",
                    verifier),
                   ("GET awards page (sponsor, appeal open)", f"/challenges/{proposed}/awards",
                    sponsor),
                   ("GET results page (anonymous)", f"/challenges/{final}/results", []),
                   ("GET 360Giving export (anonymous)",
                    f"/api/v1/challenges/{final}/results/360giving.json", [])]
        print(f"workers={args.workers} duration={args.duration}s cores={os.cpu_count()}")
        print(f"{'endpoint':40} {'conns':>5} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
        for connections in (int(c) for c in args.connections.split(",")):
            for label, path, headers in targets:
                f = run_wrk(base + path, connections, args.duration, headers)
                print(f"{label:40} {connections:>5} {f['rps']:>9} {f['p50']:>9} {f['p99']:>9} "
                      f"{f['errors']:>8}" + (f"  socket errors: {f['socket']}"
                                             if f["socket"] != "-" else ""))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
