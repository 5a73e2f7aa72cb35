"""The `valleycross` command (also `python -m app`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from app.config import PROJECT_ROOT, get_settings


def alembic_config(database_url: str | None = None) -> object:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def migrate_database(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the schema to `revision` (creating the SQLite file's folder when needed)."""
    from alembic import command

    url = database_url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)  # type: ignore[arg-type]


@click.group()
def main() -> None:
    """Valleycross: outcome-based challenge prizes for clean technologies."""


@main.command()
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Apply database migrations."""
    migrate_database(revision=revision)
    click.echo(f"Database at {get_settings().database_url} is at {revision}.")


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True, help="at least 12 characters, not a common one")
@click.option("--name", "display_name", default=None, help="display name (default: the email)")
@click.option("--organisation", default=None)
@click.option("--country", "country_code", default=None, help="ISO 3166-1 alpha-3")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["admin", "curator", "sponsor", "solver", "judge", "verifier"]),
              help="repeat for several roles (default: solver)")
def create_user(email: str, password: str, display_name: str | None, organisation: str | None,
                country_code: str | None, roles: tuple[str, ...]) -> None:
    """Create an account with the given roles."""
    from app.accounts import service as accounts_service
    from app.accounts.models import Role
    from app.db import transaction
    from app.errors import AppError

    try:
        with transaction() as db:
            user = accounts_service.create_user(
                db, email=email, password=password, display_name=display_name or email,
                organisation=organisation, country_code=country_code,
                roles=[Role(r) for r in roles] or [Role.SOLVER],
                # The operator vouches for the address (audited with the creation).
                email_verified=True)
            click.echo(f"Created user {user.id} <{user.email}> with roles "
                       f"{', '.join(sorted(r.value for r in user.role_names))}.")
    except AppError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc


@main.command("load-reference")
def load_reference() -> None:
    """Load the reference data (countries, groups, SDGs, ...) and the real inventory; idempotent."""
    from app.demo import load_reference_data

    for line in load_reference_data():
        click.echo(line)


@main.command("load-demo")
@click.option("--admin-email", default="admin@valleycross.example", show_default=True)
@click.option("--admin-password", default=None,
              help="default: generated, printed, and kept in var/demo_admin_password")
def load_demo(admin_email: str, admin_password: str | None) -> None:
    """Load reference data plus demonstration users and records; safe to run again."""
    from app.demo import load_demo_data

    for line in load_demo_data(admin_email=admin_email, admin_password=admin_password):
        click.echo(line)


@main.command("export-inventory")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True, help="csv: a zip of mechanisms.csv, links.csv, technologies.csv")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_inventory(fmt: str, output: Path) -> None:
    """Write the whole inventory (mechanisms, links, technologies) to a file."""
    import json

    from app.db import transaction
    from app.inventory import transfer, transfer_csv

    with transaction() as db:
        document = transfer.export_data(db)
    if fmt == "json":
        output.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        output.write_bytes(transfer_csv.export_zip(document))
    click.echo(f"Wrote {len(document['mechanisms'])} mechanisms and "
               f"{len(document['technologies'])} technologies to {output}.")


@main.command("import-inventory")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_inventory(path: Path) -> None:
    """Import an inventory export (.json or .zip of CSV files); one bad row and nothing is
    written. Records are matched by name."""
    import json

    from app.db import transaction
    from app.inventory import transfer, transfer_csv

    try:
        if path.suffix.lower() == ".zip":
            bundle = transfer_csv.bundle_from_zip(path.read_bytes())
        else:
            bundle = transfer.bundle_from_json(json.loads(path.read_text(encoding="utf-8-sig")))
        with transaction() as db:
            report = transfer.import_bundle(db, bundle, actor=None, note=f"import {path.name}")
    except transfer.ImportFailed as exc:
        for problem in exc.problems:
            click.echo(f"{problem['where']}: {problem['field']}: {problem['message']}", err=True)
        raise click.ClickException("Nothing was imported.") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path} is not JSON: {exc}") from exc
    for line in report.lines("Imported"):
        click.echo(line)


@main.command("send-mail")
@click.option("--loop", is_flag=True, default=False,
              help="keep running, a pass every --interval seconds, until SIGTERM or Ctrl-C")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(min=1),
              help="seconds between passes with --loop")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(min=1),
              help="at most this many messages in one pass")
def send_mail(loop: bool, interval: int, batch: int) -> None:
    """Email the outbox's waiting messages through SMTP_HOST (one pass, or a worker)."""
    import signal
    import threading

    from sqlalchemy.exc import OperationalError

    import app.models  # noqa: F401  every mapper, so the outbox's key to `users` resolves
    from app.db import session_factory, utcnow
    from app.notifications.delivery import deliver_pending
    from app.notifications.smtp import SmtpSender

    settings = get_settings()
    if not settings.email_enabled:
        raise click.ClickException("SMTP_HOST is not set: email delivery is off "
                                   "(messages are still shown in each user's inbox).")
    stop = threading.Event()
    if loop:
        # Finish the pass under way (each message is committed as it goes), then leave.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    while True:
        try:
            with SmtpSender.from_settings(settings) as sender:
                with session_factory()() as db:
                    report = deliver_pending(db, sender=sender, now=utcnow(), batch=batch)
        except OperationalError as exc:
            if not loop:
                raise
            # The database restarting must not end the worker; the next pass tries again.
            click.echo(f"database unavailable: {exc.orig or exc}", err=True)
            if stop.wait(interval):
                break
            continue
        if report.handled or not loop:
            click.echo(report.summary())
        if report.stopped_because:
            click.echo(f"mail server unavailable ({report.stopped_because}); the other "
                       "messages wait for the next pass", err=True)
        if not loop or stop.is_set():
            break
        # A full batch means more may be waiting: go on at once unless the server is down.
        if (report.handled < batch or report.stopped_because) and stop.wait(interval):
            break


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, default=False)
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the site with uvicorn."""
    import uvicorn

    if reload:  # a developer editing templates sees them at once (app/kit/templating.py)
        os.environ["TEMPLATES_AUTO_RELOAD"] = "1"
    os.environ.setdefault("GC_FREEZE_AFTER_START", "1")  # app/main.py says why
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port,
                workers=workers if not reload else 1, reload=reload,
                # The app believes X-Forwarded-* only from TRUSTED_PROXIES (app/kit/proxies.py);
                # uvicorn's own handling would trust 127.0.0.1, i.e. any local process.
                proxy_headers=False,
                log_level="info", server_header=False)  # no "server: uvicorn" (ASVS 13.4.6)


@main.group()
def ledger() -> None:
    """The public award ledger."""


@ledger.command("verify")
@click.option("--head", default=None,
              help="a head hash published earlier: is it still in the chain?")
def ledger_verify(head: str | None) -> None:
    """Walk the hash chain; exit code 1 when it is broken (or the earlier head is gone)."""
    from app.db import transaction
    from app.ledger import service
    from app.ledger.visibility import PROBLEMS

    with transaction() as db:
        check = service.verify(db, head=head)
    if check.broken:
        click.echo(f"BROKEN at entry {check.broken.sequence}: {check.broken.problem} "
                   f"({PROBLEMS[check.broken.problem]}); {check.entries} entries chain "
                   f"correctly before it, up to head {check.head}")
    else:
        click.echo(f"ok: {check.entries} entries, head {check.head}")
    if head is not None:
        found = "in the chain" if check.head_found else "NOT in the chain"
        click.echo(f"earlier head {head}: {found}")
    raise SystemExit(0 if check.ok else 1)


@main.group()
def awards() -> None:
    """Awards: recompute them from their published inputs."""


@awards.command("recompute")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--offline", is_flag=True, default=False,
              help="check the file alone; do not compare with this installation's ledger")
def awards_recompute(file: Path, offline: bool) -> None:
    """Recompute every award from FILE (GET /api/v1/challenges/{id}/awards/inputs) and say
    whether it matches the published awards and their ledger entries; exit code 1 if not."""
    import json

    from app.awards import inputs

    document = json.loads(file.read_text(encoding="utf-8"))
    result = inputs.recompute(document)
    click.echo(inputs.report(result))
    ok = result.ok
    if not offline:
        ok = _matches_ledger(document) and ok
    raise SystemExit(0 if ok else 1)


def _matches_ledger(document: dict[str, object]) -> bool:
    """Each published award against this installation's ledger entry of the same sequence."""
    import json

    from sqlalchemy import select

    from app.db import transaction
    from app.ledger.models import LedgerEntry

    awards = document.get("awards") or []
    assert isinstance(awards, list)
    if not awards:
        click.echo("ledger: no published awards to compare")
        return True
    with transaction() as db:
        found = {e.sequence: e for e in db.scalars(select(LedgerEntry).where(
            LedgerEntry.sequence.in_([a["ledger_sequence"] for a in awards])))}
    problems = []
    for award in awards:
        entry = found.get(award["ledger_sequence"])
        if entry is None:
            problems.append(f"{award['code']}: ledger entry {award['ledger_sequence']} missing")
            continue
        details = json.loads(entry.payload).get("details", {})
        if (entry.hash != award.get("ledger_hash") or entry.amount_minor != award["amount_minor"]
                or details.get("held_back_minor") != award["held_back_minor"]):
            problems.append(f"{award['code']}: ledger entry {entry.sequence} says "
                            f"{entry.amount_minor} (held {details.get('held_back_minor')}), "
                            f"hash {entry.hash}")
    for line in problems:
        click.echo(f"ledger: MISMATCH {line}")
    if not problems:
        click.echo(f"ledger: matches ({len(awards)} entries)")
    return not problems


@main.command("load-scale")
@click.option("--factor", default=1.0, show_default=True, type=float,
              help="multiplies every count (0.01: 50 mechanisms, 500 needs, 1,000 entries)")
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--password", default=None,
              help="give every scale account this password (default: none, no sign-in)")
@click.option("--files/--no-files", default=True, show_default=True,
              help="put each submitted entry's PDF in UPLOAD_DIR (hard links to one file)")
def load_scale(factor: float, seed: int, password: str | None, files: bool) -> None:
    """Load the deterministic scale data set (5,000 mechanisms, 5,000 technologies, 50,000
    needs, 2,000 challenges, 100,000 entries with scorecards) after the reference data; into a
    database that has none yet, never in production."""
    import time

    from app.db import transaction
    from app.demo import load_reference_data
    from app.scale import ScaleRefused
    from app.scale import load_scale as load

    if get_settings().environment == "production":
        raise click.ClickException("The scale data set is synthetic; it is never loaded in "
                                   "production.")
    started = time.perf_counter()
    for line in load_reference_data():
        click.echo(line)
    reference_seconds, started = time.perf_counter() - started, time.perf_counter()
    try:
        with transaction() as db:
            counts = load(db, factor=factor, seed=seed, password=password, write_files=files)
    except ScaleRefused as exc:
        raise click.ClickException(str(exc)) from exc
    seconds = time.perf_counter() - started
    for table, rows in counts.items():
        click.echo(f"  {table:28} {rows:>9,}")
    click.echo(f"Scale data loaded: {counts.get('mechanisms', 0):,} mechanisms, "
               f"{counts.get('technologies', 0):,} technologies, {counts.get('needs', 0):,} "
               f"needs, {counts.get('challenges', 0):,} challenges, "
               f"{counts.get('submissions', 0):,} entries, {counts.get('scorecards', 0):,} "
               f"scorecards ({sum(counts.values()):,} rows) in {seconds:.1f} s (the reference "
               f"data before: {reference_seconds:.1f} s).")


if __name__ == "__main__":
    main()
