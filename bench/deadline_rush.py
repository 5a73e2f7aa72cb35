"""Deadline rush: N solvers each save an entry, upload a 1 MB PDF and submit it within a window,
against a real server (`python -m app serve --workers W`); prints the figures of every step.

    .venv/bin/python bench/deadline_rush.py --database sqlite|postgresql \
        [--solvers 500] [--window 60] [--workers 2]

Builds a scratch database (SQLite: var/bench-rush/rush.db; PostgreSQL: `createdb` on
127.0.0.1:5432 as postgres, dropped at the end), migrates it and loads the demo. The solvers are
made in-process through the services (accounts, `workflow.register` for the demo's open
challenge, one API token each through `auth.create_token`): one shared Argon2id hash, because
500 sign-ins through POST /api/v1/auth/tokens would cost ~0.5 s of CPU each before the rush.
Each solver arrives at i * window / N seconds and, with its bearer token, does
POST /challenges/{id}/submission (save), POST /submissions/{id}/files (upload),
POST /submissions/{id}/submit (receipt). The database is then checked for N submitted entries
and N receipts. Targets: PostgreSQL, zero errors, every receipt, p99 < 1 s per step; SQLite,
zero errors and every receipt (p99 reported). Exit status 1 on FAIL. The server's log stays in
var/bench-rush/server.log.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench-rush"
PASSWORD = "bench password 0123456789"
CHALLENGE_TITLE = "Solar cold rooms for smallholder harvests"  # the demo's open challenge
COUNTRIES = ["NPL", "MWI", "MOZ", "HTI", "FJI", "SEN", "UGA", "TZA", "BGD", "ZMB"]  # LDC/SIDS
STEPS = ("save", "upload", "submit")
TARGET_P99_S = 1.0
PDF_BYTES = 1024 * 1024


@dataclass
class Step:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not become healthy")


def make_pdf(size: int) -> bytes:
    """A one-page PDF of exactly `size` bytes: a text page, a padding stream object the page
    does not use, a correct cross-reference table, `%%EOF` at the end."""
    text = b"BT /F1 14 Tf 72 720 Td (Deadline rush entry) Tj ET"

    def build(pad: int) -> bytes:
        padding = bytes(range(32, 127)) * (pad // 95 + 1)
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                   b"/Resources << /Font << /F1 5 0 R >> >> >>",
                   b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                   b"<< /Length %d >>\nstream\n%s\nendstream" % (pad, padding[:pad])]
        out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1, xref)
        return bytes(out)

    pad = size - len(build(0))
    for _ in range(3):  # the /Length and startxref digits grow with the padding
        pad += size - len(build(pad))
    data = build(pad)
    assert len(data) == size and data.startswith(b"%PDF-") and data.endswith(b"%%EOF\n")
    return data


def scratch_database(kind: str) -> tuple[str, str | None]:
    """The database URL, and the PostgreSQL database's name to drop at the end."""
    if kind == "sqlite":
        return f"sqlite:///{VAR / 'rush.db'}", None
    name = f"vcx_rush_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def prepare(url: str, solvers: int) -> tuple[int, list[str]]:
    """Migrate, load the demo, register `solvers` new solvers; the challenge and their tokens."""
    for args in (["migrate"], ["load-demo", "--admin-email", "admin@bench.example",
                              "--admin-password", PASSWORD]):
        done = subprocess.run([sys.executable, "-m", "app", *args], env=os.environ, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"python -m app {args[0]} failed:\n{done.stderr[-3000:]}")
    from sqlalchemy import select

    import app.models  # noqa: F401  every mapper
    from app import workflow
    from app.accounts import auth
    from app.accounts import service as accounts
    from app.accounts.models import Role
    from app.accounts.passwords import hash_password
    from app.challenges import service as challenges
    from app.challenges.enums import SolverKind
    from app.challenges.models import Challenge
    from app.challenges.schemas import RegistrationIn
    from app.db import transaction

    shared_hash = hash_password(PASSWORD)  # once: every solver signs in with the same password
    tokens: list[str] = []
    with transaction(url) as db:
        challenge_id = db.scalar(select(Challenge.id).where(Challenge.title == CHALLENGE_TITLE))
        assert challenge_id is not None, "the demo's open challenge is missing"
        for n in range(solvers):
            user = accounts.create_user(
                db, email=f"rush{n}@bench.example", password=None,
                display_name=f"Rush Solver {n}", country_code=COUNTRIES[n % len(COUNTRIES)],
                roles=[Role.SOLVER], email_verified=True)
            user.password_hash = shared_hash
            challenge = challenges.get(db, challenge_id=challenge_id, viewer=user)
            workflow.register(db, challenge=challenge, user=user, body=RegistrationIn(
                solver_kind=SolverKind.INDIVIDUAL, declares_not_sponsor_employee=True))
            tokens.append(auth.create_token(db, user=user, name="deadline rush")[1])
    return challenge_id, tokens


async def solver(client: httpx.AsyncClient, n: int, delay: float, token: str, challenge_id: int,
                 pdf: bytes, steps: dict[str, Step]) -> None:
    await asyncio.sleep(delay)
    headers = {"authorization": f"Bearer {token}"}
    entry_id = 0
    for name in STEPS:
        if name == "save":
            call = client.post(f"/api/v1/challenges/{challenge_id}/submission", headers=headers,
                               json={"title": f"Rush entry {n}",
                                     "summary": "A cold room entered at the deadline."})
        elif name == "upload":
            call = client.post(f"/api/v1/submissions/{entry_id}/files", headers=headers,
                               files={"file": (f"entry-{n}.pdf", pdf, "application/pdf")})
        else:
            call = client.post(f"/api/v1/submissions/{entry_id}/submit", headers=headers)
        started = time.perf_counter()
        try:
            response = await call
            failure = "" if response.is_success else f"{response.status_code} " + (
                response.json().get("error", {}).get("code", "") if response.headers.get(
                    "content-type", "").startswith("application/json") else "")
        except httpx.HTTPError as exc:
            failure = type(exc).__name__
        steps[name].latencies.append(time.perf_counter() - started)
        if failure:
            steps[name].errors[failure.strip()] += 1
            return
        if name == "save":
            entry_id = int(response.json()["id"])
        elif name == "submit" and len(response.json()["receipts"]) != 1:
            steps[name].errors["no receipt in the answer"] += 1


async def rush(base: str, challenge_id: int, tokens: list[str], pdf: bytes,
               window: float) -> tuple[dict[str, Step], float]:
    steps = {name: Step() for name in STEPS}
    n = len(tokens)
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would close them
    # under a request (a ReadError that says nothing about the app).
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:
        started = time.perf_counter()
        await asyncio.gather(*(solver(client, i, i * window / n, token, challenge_id, pdf, steps)
                               for i, token in enumerate(tokens)))
        return steps, time.perf_counter() - started


def counted(url: str, challenge_id: int) -> tuple[int, int]:
    """The bench solvers' submitted entries and their receipts, as the database has them."""
    from sqlalchemy import text

    from app.db import get_engine

    mine = ("FROM submissions s JOIN challenge_registrations g ON g.id = s.registration_id "
            "JOIN users u ON u.id = g.user_id WHERE s.challenge_id = :c "
            "AND u.email_normalized LIKE 'rush%@bench.example'")
    with get_engine(url).connect() as conn:
        entries = conn.scalar(text(f"SELECT count(*) {mine} AND s.state = 'submitted'"),
                              {"c": challenge_id})
        receipts = conn.scalar(text(f"SELECT count(*) FROM submission_receipts r WHERE "
                                    f"r.submission_id IN (SELECT s.id {mine})"),
                               {"c": challenge_id})
    return int(entries or 0), int(receipts or 0)


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * p / 100) - 1))]


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--solvers", type=int, default=500)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    url, pg_name = scratch_database(args.database)
    os.environ.update({"DATABASE_URL": url, "VAR_DIR": str(VAR), "ENVIRONMENT": "development"})
    server: subprocess.Popen[bytes] | None = None
    try:
        t0 = time.perf_counter()
        challenge_id, tokens = prepare(url, args.solvers)
        print(f"prepared {args.database}: demo + {len(tokens)} registered solvers with tokens "
              f"in {time.perf_counter() - t0:.1f} s")
        pdf = make_pdf(PDF_BYTES)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(VAR / "server.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers",
                 str(args.workers)], env=os.environ, cwd=ROOT, stdout=log, stderr=log)
        wait_healthy(base)
        print(f"before: {load()}")
        server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
        print(f"rush: {args.solvers} solvers over {args.window:g} s, {args.workers} workers, "
              f"{os.cpu_count()} cores, PDF {len(pdf)} bytes")
        steps, wall = asyncio.run(rush(base, challenge_id, tokens, pdf, args.window))
        print(f"after:  {load()}")
        print(f"CPU during the rush: server {cpu_seconds(server.pid) - server_cpu:.1f} s, this "
              f"client {time.process_time() - client_cpu:.1f} s, of {os.cpu_count()} x "
              f"{wall:.1f} s")
        entries, receipts = counted(url, challenge_id)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from app.db import dispose_engines

        dispose_engines()
        if pg_name:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", pg_name],
                           check=False)
        shutil.rmtree(VAR / "uploads", ignore_errors=True)
    print(f"{'step':8} {'count':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")
    errors = 0
    worst_p99 = 0.0
    for name, step in steps.items():
        ordered = sorted(step.latencies)
        ms = [percentile(ordered, p) * 1000 for p in (50, 95, 99, 100)]
        failed = sum(step.errors.values())
        errors += failed
        worst_p99 = max(worst_p99, ms[2] / 1000 if ordered else 0.0)
        print(f"{name:8} {len(ordered):>6} {failed:>6} " + " ".join(f"{v:>8.0f}" for v in ms)
              + (f"  {dict(step.errors)}" if failed else ""))
    print(f"wall time {wall:.1f} s; submitted entries {entries}/{args.solvers}, "
          f"receipts issued {receipts}/{args.solvers}")
    ok = errors == 0 and entries == receipts == args.solvers
    if args.database == "postgresql":
        ok = ok and worst_p99 < TARGET_P99_S
        target = f"zero errors, every receipt, p99 < {TARGET_P99_S:g} s per step"
    else:
        target = "zero errors, every receipt (p99 reported)"
    print(f"{'PASS' if ok else 'FAIL'} [{args.database}] {target}: errors {errors}, "
          f"worst p99 {worst_p99 * 1000:.0f} ms")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
