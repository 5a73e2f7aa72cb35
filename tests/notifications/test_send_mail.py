"""`python -m app send-mail`, the real command, against a migrated database and a real SMTP
server; and the settings that switch email delivery on."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT, Settings
from app.notifications import service as notifications
from app.notifications.models import OutboxMessage
from tests.factories import make_user
from tests.live import run_cli, server_env
from tests.notifications.smtp_server import SmtpServer

BASE_URL = "https://valleycross.example"


def mail_env(database_url: str, var_dir: Path, server: SmtpServer) -> dict[str, str]:
    return server_env(database_url, var_dir, BASE_URL, {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port), "SMTP_STARTTLS": "false",
        "SMTP_TIMEOUT_SECONDS": "5", "MAIL_FROM": "Valleycross <no-reply@valleycross.example>"})


def wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_one_pass_sends_skips_and_reports(db: Session, database_url: str,
                                          tmp_path: Path) -> None:
    reader, no_email = make_user(db, email="reader@example.org"), make_user(db)
    no_email.email = no_email.email_normalized = None
    db.commit()
    for user in (reader, no_email):
        notifications.queue(db, recipient_id=user.id, subject="Réponse à votre question",
                            body="Oui.", kind="test.note")
    db.commit()
    with SmtpServer() as server:
        env = mail_env(database_url, tmp_path / "var", server)
        assert run_cli(["send-mail"], env) == "sent 1, retry later 0, skipped 1, failed 0\n"
        assert run_cli(["send-mail"], env) == "sent 0, retry later 0, skipped 0, failed 0\n"
    [received] = server.received
    assert received.rcpt_tos == ["reader@example.org"]
    assert received.email["Subject"] == "Réponse à votre question"
    assert received.email.get_content().replace("\r\n", "\n") == (
        "Oui.\n\n-- \nYou can also read this message in your inbox: "
        f"{BASE_URL}/inbox\n")
    db.expire_all()
    states = db.execute(select(OutboxMessage.recipient_id, OutboxMessage.sent_at.is_not(None),
                               OutboxMessage.skip_reason).order_by(OutboxMessage.id)).all()
    assert [tuple(s) for s in states] == [(reader.id, True, None),
                                         (no_email.id, False, "no usable email address")]


def test_a_server_that_is_down_is_reported_and_left_for_later(db: Session, database_url: str,
                                                              tmp_path: Path) -> None:
    notifications.queue(db, recipient_id=make_user(db).id, subject="Hi", body="x",
                        kind="test.note")
    db.commit()
    server = SmtpServer()  # not started
    result = subprocess.run([sys.executable, "-m", "app", "send-mail"], cwd=PROJECT_ROOT,
                            env=mail_env(database_url, tmp_path / "var", server),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "sent 0, retry later 1, skipped 0, failed 0\n"
    assert f"mail server unavailable (127.0.0.1:{server.port} refused the connection)" in (
        result.stderr)


def test_without_smtp_host_the_command_says_email_is_off(database_url: str,
                                                        tmp_path: Path) -> None:
    env = server_env(database_url, tmp_path / "var", BASE_URL)
    result = subprocess.run([sys.executable, "-m", "app", "send-mail"], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "SMTP_HOST is not set: email delivery is off" in result.stderr


def test_the_worker_loops_until_sigterm(db: Session, database_url: str,
                                        tmp_path: Path) -> None:
    user = make_user(db)

    def queue(subject: str) -> None:
        notifications.queue(db, recipient_id=user.id, subject=subject, body="x",
                            kind="test.note")
        db.commit()

    queue("Before the worker")
    with SmtpServer() as server:
        worker = subprocess.Popen(
            [sys.executable, "-m", "app", "send-mail", "--loop", "--interval", "1"],
            cwd=PROJECT_ROOT, env=mail_env(database_url, tmp_path / "var", server),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: len(server.received) == 1)
            queue("While it runs")
            wait_for(lambda: len(server.received) == 2)
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert worker.returncode == 0, err
    # Idle passes print nothing; each pass that did something prints its line. The second
    # message may land in the pass still sending the first (one "sent 2") or in the next.
    lines = out.splitlines()
    assert lines in (["sent 1, retry later 0, skipped 0, failed 0"] * 2,
                     ["sent 2, retry later 0, skipped 0, failed 0"]), out
    assert [r.email["Subject"] for r in server.received] == ["Before the worker",
                                                             "While it runs"]


def test_smtp_host_needs_one_from_address(settings: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert not settings.email_enabled and settings.smtp_port == 587 and settings.smtp_starttls
    monkeypatch.setenv("SMTP_HOST", "smtp.example.org")
    for bad in ("", "no-reply", "a@example.org, b@example.org",
                "Valleycross <a@example.org>\r\nBcc: b@example.org"):
        monkeypatch.setenv("MAIL_FROM", bad)
        with pytest.raises(ValidationError, match="MAIL_FROM must be one address"):
            Settings()
    monkeypatch.setenv("MAIL_FROM", '"Valleycross, UN" <no-reply@example.org>')
    monkeypatch.setenv("SMTP_PASSWORD", "hunter2 hunter2")
    configured = Settings()
    assert configured.email_enabled and "hunter2" not in repr(configured)
