"""The life of a challenge needs nothing but the workflow: no router, no app, no hook filled in
by importing the web layer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_script_with_only_the_models_and_the_workflow_carries_a_challenge_to_final_awards(
        settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.workflow.whole_life", settings.database_url],
        cwd=ROOT, env={**os.environ}, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["web_modules"] == []
    assert result["state"] == "final"
    # Entry 0 met the target (640 >= 500) and ranks first: the first place, 20% held back;
    # entry 1 missed it, entry 2 fell below the minimum score: no award row for either.
    # Entry 1 missed its target: its zero award is on record too.
    assert result["awards"] == {"0": [5_000_000, 1_000_000, "USD"], "1": [0, 0, "USD"]}
