"""Fuzz the JSON API with the schemathesis command-line tool against the live server.

The server runs on a fresh database with the demo data (`python -m app load-demo`); schemathesis
reads `/openapi.json` and runs every check (`--checks all`) once anonymously and once with a
personal access token of each demo role. Anonymous and admin get every phase (examples, coverage,
fuzzing, stateful) with 10 random cases per operation; the other roles, whose passes mostly repeat
the public reads, run the examples and 5 random cases per operation, so the whole fuzzing stays
within about four minutes. Zero failures are expected: a failure is a bug in the app or in its
OpenAPI document. Reports go to artifacts/fuzz/.

Why some things are the way they are:
- Every token is issued before the first pass: the anonymous pass fuzzes POST /auth/tokens with
  wrong passwords, which (rightly) throttles further sign-ins from 127.0.0.1 for 15 minutes.
- The admin pass runs last: it grants and revokes roles of the demo users the other passes use.
- DELETE /auth/tokens/{token_id} is fuzzed in a pass of its own at the very end, because
  revoking the run's own token (ids are small integers) would turn the rest of a pass into 401s.
- The anti-automation limits are raised for the fuzzed server (RAISED_LIMITS below).
- tests/fuzz/schemathesis.toml lists, with reasons, the operations where a schema-valid request
  may get a 422 (rules JSON Schema cannot state).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, RateLimits
from tests.live import VENV_BIN, LiveServer, api_token, live_server, load_demo

pytestmark = pytest.mark.slow

CONFIG = Path(__file__).with_name("schemathesis.toml")
REPORTS = PROJECT_ROOT / "artifacts" / "fuzz"
SEED = 20261125
MAX_EXAMPLES = 10  # anonymous and admin: every phase
ROLE_EXAMPLES = 5  # the other roles: examples and fuzzing phases only
PASS_TIMEOUT = 150  # seconds; a pass normally takes 10-20 s on two shared cores
REVOKE = "DELETE /api/v1/auth/tokens/{token_id}"
FUZZ_ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
            "SCHEMATHESIS_HOOKS": "tests.fuzz.schemathesis_hooks"}
ROLES = ["solver", "sponsor", "curator", "judge", "verifier", "admin"]  # admin last
# The passes send hundreds of sign-ups, questions, suggestions, uploads and tokens as one
# address and a handful of users within minutes, which the anti-automation limits (rightly)
# refuse after a few; raised for this server only, so every operation is fuzzed past them.
# The production defaults stay in app/config.py RateLimits; tests/security proves them.
RAISED_LIMITS = {f"RATE_LIMITS__{name.upper()}": "1000000" for name in RateLimits.model_fields}


@pytest.fixture(scope="module")
def fuzz_target(databases: object, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    url = databases.fresh()  # type: ignore[attr-defined]
    for stale in REPORTS.glob("*.log"):
        stale.unlink()
    try:
        with live_server(url, tmp_path_factory.mktemp("fuzz-var"), RAISED_LIMITS) as server:
            emails = load_demo(server)
            tokens = {role: api_token(server.url, emails[role]) for role in ROLES}
            tokens["revoker"] = api_token(server.url, emails["solver"])
            yield server, tokens
    finally:
        databases.drop(url)  # type: ignore[attr-defined]


def run_schemathesis(server: LiveServer, name: str, token: str | None, *extra: str,
                     workdir: Path) -> tuple[int, str, float]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "schemathesis"), "--config-file", str(CONFIG), "run",
               f"{server.url}/openapi.json", "--checks", "all", "--seed", str(SEED),
               "--max-examples", str(MAX_EXAMPLES), "--workers", "2", "--no-color",
               "--generation-database", "none", "--request-timeout", "20",
               "--report", "junit", "--report-junit-path", str(REPORTS / f"{name}.xml"),
               *extra]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    started = time.monotonic()
    for _attempt in range(2):
        result = subprocess.run(command, cwd=workdir, capture_output=True, text=True,
                                timeout=PASS_TIMEOUT, check=False, env=FUZZ_ENV)
        output = result.stdout + result.stderr
        if not _only_a_tool_crash(output):
            break
        # Hypothesis occasionally crashes while describing a filter (an AST recursion check);
        # that says nothing about the app, so the pass runs once more. App failures never retry.
        (REPORTS / f"{name}.crashed.log").write_text(output)
    (REPORTS / f"{name}.log").write_text(output)
    return result.returncode, output, time.monotonic() - started


def _only_a_tool_crash(output: str) -> bool:
    return ("Runtime Error" in output and "\nFailures:" not in output
            and "hypothesis/internal" in output)


def _assert_clean(name: str, code: int, output: str, server: LiveServer) -> None:
    assert code == 0, (f"schemathesis found failures in the {name} pass "
                       f"(full log in artifacts/fuzz/{name}.log):\n{output[-6000:]}\n"
                       f"--- server log ---\n{server.log()}")
    selected = re.search(r"Selected: (\d+)/(\d+)", output)
    tested = re.search(r"Tested: (\d+)", output)
    assert selected and tested, output[-2000:]
    assert int(tested.group(1)) == int(selected.group(1)) > 0, output[-2000:]


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_api_fuzzing_finds_nothing(role: str, fuzz_target: tuple[LiveServer, dict[str, str]],
                                   tmp_path: Path) -> None:
    server, tokens = fuzz_target
    extra = [] if role in ("anonymous", "admin") else [
        "--max-examples", str(ROLE_EXAMPLES), "--phases", "examples,fuzzing"]
    code, output, seconds = run_schemathesis(
        server, role, tokens.get(role), "--exclude-name", REVOKE, *extra, workdir=tmp_path)
    _assert_clean(role, code, output, server)
    print(f"schemathesis {role}: {seconds:.1f}s")


def test_token_revocation_fuzzing_finds_nothing(fuzz_target: tuple[LiveServer, dict[str, str]],
                                                tmp_path: Path) -> None:
    server, tokens = fuzz_target
    code, output, _ = run_schemathesis(server, "revoke", tokens["revoker"],
                                       "--include-name", REVOKE, workdir=tmp_path)
    _assert_clean("revoke", code, output, server)
    assert "Tested: 1" in output
