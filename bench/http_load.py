"""Every public page, its API twin and the signed-in pages people sit on, measured with wrk
against the platform and, in the same run, against a bare FastAPI app (bench/bare_app.py):
each page's rate as a ratio to the bare app's, p50, p99 and errors, with the issue's targets.

    .venv/bin/python bench/http_load.py [--database sqlite,postgresql] [--data demo,scale]
        [--connections 64,256] [--duration 10] [--workers 2]

For each database and data set it builds a scratch database (SQLite under var/bench/, or a
PostgreSQL database `bench_<data>` on 127.0.0.1:5432), migrates it, loads the demo data (and
`load-scale` for the scale set), starts `python -m app serve` and the bare app with the same
number of workers, and runs `wrk -t2` on each target. Requests say `Accept-Encoding: gzip`,
as browsers do. Targets (issue 16): public pages >= 30% of the bare app with p99 <= 100 ms at
64 connections; signed-in pages >= 10%, p99 <= 250 ms; at 256 connections no errors and
p99 < 1 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_common import PASSWORD, free_port, token, wait_healthy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GZIP = "Accept-Encoding: gzip"


@dataclass
class Target:
    label: str
    path: str
    who: str | None = None  # the demo account whose bearer token it sends; None: anonymous

    @property
    def signed_in(self) -> bool:
        return self.who is not None


def database_url(database: str, data: str, var: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{var / 'bench.db'}"
    name = f"bench_{data}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def prepare(env: dict[str, str], data: str) -> None:
    py = sys.executable
    steps = [["migrate"], ["load-demo", "--admin-email", "admin@bench.example",
                           "--admin-password", PASSWORD]]
    if data == "scale":
        steps.append(["load-scale"])
    for step in steps:
        started = time.monotonic()
        subprocess.run([py, "-m", "app", *step], env=env, check=True, cwd=ROOT,
                       capture_output=True)
        print(f"  {step[0]}: {time.monotonic() - started:.1f} s", flush=True)


def targets(url: str) -> list[Target]:
    engine = create_engine(url)
    with engine.connect() as conn:
        def one(sql: str, **params: object) -> object:
            value = conn.execute(text(sql), params).scalar()
            if value is None:
                raise SystemExit(f"bench data lacks: {sql} {params}")
            return value

        def titled(title: str) -> object:
            return one("SELECT id FROM challenges WHERE title = :t", t=title)

        entered = titled("Solar cold rooms for smallholder harvests")
        judged = titled("Solar pumps for dry-season irrigation")
        final = titled("Solar grain mills for market towns")
        mechanism = one("SELECT min(id) FROM mechanisms")
        # The country with the most needs: the heaviest country page.
        country = one("SELECT country_code FROM needs GROUP BY country_code "
                      "ORDER BY count(*) DESC, country_code LIMIT 1")
    engine.dispose()
    return [
        Target("home", "/"),
        Target("challenges", "/challenges"),
        Target("a challenge", f"/challenges/{entered}"),
        Target("inventory", "/inventory"),
        Target("inventory, filtered", "/inventory?sector=energy_supply&stage=demonstration"),
        Target("challenges, filtered", "/challenges?state=open&sort=largest_purse"),
        Target("technologies", "/inventory/technologies"),
        Target("a mechanism", f"/inventory/mechanisms/{mechanism}"),
        Target("gaps", "/gaps"),
        Target(f"country {country}", f"/countries/{country}"),
        Target("coordination", "/coordination"),
        Target("results", f"/challenges/{final}/results"),
        Target("API challenges", "/api/v1/challenges"),
        Target("API mechanisms", "/api/v1/mechanisms"),
        Target("API mechanisms, facet", "/api/v1/mechanisms?sector=energy_supply"),
        Target("API technologies", "/api/v1/technologies"),
        Target("API needs", "/api/v1/needs"),
        Target("API gaps", "/api/v1/gaps"),
        Target("sponsor's challenges", "/challenges/mine", "sponsor"),
        Target("judge's entries", f"/challenges/{judged}/judging", "judge"),
        Target("inbox", "/inbox", "solver"),
        Target("entry page", f"/challenges/{entered}/submission", "solver"),
    ]


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, connections: int, seconds: int, headers: list[str]) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|"
                                            r"timeout) (\d+)", out))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore
            "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore
            "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore
            "errors": errors}


def first_request_ms(url: str, headers: list[str]) -> float:
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def verdict(target: Target, connections: int, ratio: float, f: dict[str, float]) -> str:
    if connections >= 256:
        ok = f["errors"] == 0 and f["p99"] < 1000
    elif target.signed_in:
        ok = ratio >= 0.10 and f["p99"] <= 250 and f["errors"] == 0
    else:
        ok = ratio >= 0.30 and f["p99"] <= 100 and f["errors"] == 0
    return "ok" if ok else "MISS"


def serve(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def measure(database: str, data: str, args: argparse.Namespace) -> None:
    var = ROOT / "var" / "bench" / f"{database}-{data}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    url = database_url(database, data, var)
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(var),
           "ENVIRONMENT": "development"}
    print(f"\n## {database}, {data} data", flush=True)
    prepare(env, data)
    pages = targets(url)
    port, bare_port = free_port(), free_port()
    py = sys.executable
    platform = serve([py, "-m", "app", "serve", "--port", str(port), "--workers",
                      str(args.workers)], env)
    # The yardstick runs under the same server and settings (access log included).
    bare = serve([py, "-m", "uvicorn", "bench.bare_app:app", "--port", str(bare_port),
                  "--workers", str(args.workers), "--no-server-header", "--proxy-headers"], env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        wait_healthy(f"http://127.0.0.1:{bare_port}", path="/items")
        bearer = {who: f"Authorization: Bearer {token(base, f'{who}@bench.example')}"
                  for who in {t.who for t in pages if t.who}}
        print(f"workers={args.workers} duration={args.duration}s cores={os.cpu_count()} "
              f"load={os.getloadavg()[0]:.2f}")
        print(f"| {'page':24} | conns | {'req/s':>8} | ratio | {'p50 ms':>7} | {'p99 ms':>7} "
              f"| errors | first ms | target |")
        print("|" + "---|" * 9)
        for connections in args.connections:
            yard = run_wrk(f"http://127.0.0.1:{bare_port}/items", connections, args.duration,
                           [GZIP])
            print(f"| {'bare FastAPI list':24} | {connections:5} | {yard['rps']:8.0f} | 1.00 "
                  f"| {yard['p50']:7.1f} | {yard['p99']:7.1f} | {yard['errors']:6.0f} | "
                  f"{'':>8} |        |", flush=True)
            for target in pages:
                headers = [GZIP] + ([bearer[target.who]] if target.who else [])
                first = first_request_ms(base + target.path, headers)
                for _ in range(2 * args.workers):  # every worker has met the page once
                    first_request_ms(base + target.path, headers)
                f = run_wrk(base + target.path, connections, args.duration, headers)
                ratio = f["rps"] / yard["rps"]
                print(f"| {target.label:24} | {connections:5} | {f['rps']:8.0f} | {ratio:5.2f} "
                      f"| {f['p50']:7.1f} | {f['p99']:7.1f} | {f['errors']:6.0f} | "
                      f"{first:8.1f} | {verdict(target, connections, ratio, f):6} |",
                      flush=True)
    finally:
        for process in (platform, bare):
            process.terminate()
            process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="sqlite,postgresql")
    parser.add_argument("--data", default="demo,scale")
    parser.add_argument("--connections", default="64,256",
                        type=lambda s: [int(c) for c in s.split(",")])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    print(f"# bench/http_load.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for database in args.database.split(","):
        for data in args.data.split(","):
            measure(database, data, args)


if __name__ == "__main__":
    main()
