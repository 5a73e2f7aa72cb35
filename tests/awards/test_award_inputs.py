"""The published award inputs: exactly what the computation used, from which anyone reproduces
every amount offline and checks it against the published awards and the ledger."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import workflow
from app.challenges.rules import sha256_hex
from app.cli import main as cli
from app.ledger import service as ledger
from tests.awards.factories import finalised, verified_and_closed
from tests.challenges.factories import Clock
from tests.factories import token_for


def inputs_url(challenge_id: int) -> str:
    return f"/api/v1/challenges/{challenge_id}/awards/inputs"


def test_nothing_is_published_before_the_awards_are_proposed(client: TestClient, db: Session,
                                                              clock: Clock) -> None:
    v = verified_and_closed(db, clock)
    answer = client.get(inputs_url(v.challenge.id),
                        headers=token_for(client, v.judged.owner.email or ""))
    assert answer.status_code == 409


def test_the_inputs_hold_the_contract_ranking_and_verified_values_but_no_judge(
        client: TestClient, db: Session, clock: Clock) -> None:
    v = finalised(db, clock)
    document = client.get(inputs_url(v.challenge.id)).json()
    assert document["format"] == "valleycross-award-inputs/1"
    assert document["contract_sha256"] == v.challenge.contract_sha256
    assert sha256_hex(v.challenge.contract_json.encode()) == document["contract_sha256"]
    assert [(e["code"], e["rank"], e["measured"]) for e in document["entries"]] == [
        (e.code, e.judging_rank, {"cooling": value}) for e, value in zip(
            workflow.shortlist(db, v.challenge).values(), ("640", "480"), strict=True)]
    assert all(e["normalised"] is not None for e in document["entries"])
    text = json.dumps(document)
    for person in (*v.judged.judges, *v.judged.entrants):
        assert (person.email or "@") not in text and person.display_name not in text
    [award] = [a for a in document["awards"] if a["amount_minor"]]
    assert (award["amount_minor"], award["held_back_minor"]) == (5_000_000, 1_000_000)
    assert document["ledger_head"] == ledger.head(db)[1]


def _saved(client: TestClient, challenge_id: int, folder: Path) -> Path:
    path = folder / "inputs.json"
    path.write_text(client.get(inputs_url(challenge_id)).text, encoding="utf-8")
    return path


def test_the_command_recomputes_every_amount_and_matches_the_ledger(
        client: TestClient, db: Session, clock: Clock, tmp_path: Path) -> None:
    v = finalised(db, clock)
    path = _saved(client, v.challenge.id, tmp_path)
    result = CliRunner().invoke(cli, ["awards", "recompute", str(path)])
    assert result.exit_code == 0, result.output
    assert "ledger: matches (2 entries)" in result.output
    offline = subprocess.run([sys.executable, "-m", "app.awards.allocation", str(path)],
                             capture_output=True, text=True, check=False)
    assert offline.returncode == 0, offline.stdout + offline.stderr


def test_a_doctored_amount_or_contract_is_caught(client: TestClient, db: Session, clock: Clock,
                                                 tmp_path: Path) -> None:
    v = finalised(db, clock)
    path = _saved(client, v.challenge.id, tmp_path)
    document = json.loads(path.read_text())
    document["awards"][0]["amount_minor"] += 1
    path.write_text(json.dumps(document))
    assert CliRunner().invoke(cli, ["awards", "recompute", str(path)]).exit_code == 1
    document["awards"][0]["amount_minor"] -= 1
    document["contract"]["prize_rules"]["award"]["places"][0] += 100
    path.write_text(json.dumps(document))
    result = CliRunner().invoke(cli, ["awards", "recompute", "--offline", str(path)])
    assert result.exit_code == 1
