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
                roles=[Role(r) for r in roles] or [Role.SOLVER])
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, default=False)
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the site with uvicorn."""
    import uvicorn

    os.environ.setdefault("FORWARDED_ALLOW_IPS", "127.0.0.1")
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port,
                workers=workers if not reload else 1, reload=reload, proxy_headers=True,
                log_level="info")


if __name__ == "__main__":
    main()
