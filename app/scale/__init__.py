"""A deterministic data set at real scale (`valleycross load-scale`): 5,000 mechanisms, 5,000
technologies, 50,000 needs, 2,000 challenges and 100,000 entries with judges' scorecards, for
checking that every page still answers in time on that much data.

Written in bulk (one Core executemany per table, ids handed out in advance), from seeded
generators: the same seed, factor and day give the same rows. Times lie relative to midnight
UTC of the loading day, so that each challenge's state agrees with the clock when read. Every
name says "Scale" and every account is @scale.example, so nobody mistakes the data for real.

Not written: notifications, awards, the ledger (hash-chained money events only), recusals,
attestations, questions and announcements.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import Connection, exists, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.passwords import hash_password, password_problem
from app.challenges import clock
from app.needs.models import Need
from app.scale.bulk import Writer, scaled
from app.scale.challenges import make_challenges
from app.scale.entries import PDF, make_entries
from app.scale.inventory import make_mechanisms, make_technologies
from app.scale.needs import DATASET, make_needs
from app.scale.people import DOMAIN, make_people
from app.scale.world import read_world
from app.submissions import uploads

COUNTS = {"mechanisms": 5_000, "technologies": 5_000, "needs": 50_000, "challenges": 2_000,
          "entries": 100_000}


class ScaleRefused(Exception):
    """The scale data cannot be loaded into this database (said why)."""


def anchor_of(now: dt.datetime) -> dt.datetime:
    """Midnight UTC of `now`'s day: every time in the data set is counted from it."""
    return now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def already_loaded(conn: Connection) -> bool:
    return bool(conn.scalar(select(
        exists().where(User.email_normalized.like(f"%@{DOMAIN}"))
        | exists().where(Need.dataset == DATASET))))


def load_scale(db: Session, *, factor: float = 1.0, seed: int = 2026,
               now: dt.datetime | None = None, password: str | None = None,
               write_files: bool = True) -> dict[str, int]:
    """Insert the scale data set in the session's transaction (the caller commits); returns
    the rows written per table. `factor` scales every count but the accounts'; `password`
    (default: none, so nobody signs in as them) is given to every scale account."""
    if not 0 < factor <= 10:
        raise ScaleRefused(f"factor must be above 0 and at most 10, not {factor}")
    if password is not None and (problem := password_problem(password)):
        raise ScaleRefused(f"password: {problem}")
    conn = db.connection()
    world = read_world(conn)
    if world is None:
        raise ScaleRefused("no reference data (countries, groups, SDGs): run "
                           "`valleycross load-reference` first")
    if already_loaded(conn):
        raise ScaleRefused(f"this database holds scale data already (accounts @{DOMAIN}); "
                           "load it into a fresh database")
    anchor = anchor_of(now or clock.now())
    counts = {name: scaled(n, factor) for name, n in COUNTS.items()}
    w = Writer(conn)
    people = make_people(w, world, seed=seed, anchor=anchor,
                         password_hash=hash_password(password) if password else None)
    mechanisms = make_mechanisms(w, world, count=counts["mechanisms"], seed=seed,
                                 anchor=anchor, curators=people.curators)
    technologies = make_technologies(w, world, count=counts["technologies"], seed=seed,
                                     anchor=anchor, mechanisms=mechanisms,
                                     curators=people.curators)
    needs = make_needs(w, world, count=counts["needs"], seed=seed, anchor=anchor,
                       technologies=technologies)
    calls = make_challenges(w, world, people, count=counts["challenges"], seed=seed,
                            anchor=anchor, mechanisms=mechanisms, needs=needs)
    stored = make_entries(w, world, people, calls, count=counts["entries"], seed=seed,
                          anchor=anchor)
    w.finish()
    if write_files:
        link_files(stored)
    return dict(sorted(w.counts.items()))


def link_files(names: list[str]) -> None:
    """Every entry's file is the same small PDF: written once, then hard-linked under each
    stored name (a copy where links are not possible). Written before the commit; should the
    commit fail, they are litter named scale-*.pdf, which a second load reuses."""
    if not names:
        return
    folder = uploads.folder()
    first = folder / names[0]
    first.write_bytes(PDF)
    for name in names[1:]:
        path = folder / name
        try:
            os.link(first, path)
        except FileExistsError:
            continue
        except OSError:
            Path(path).write_bytes(PDF)
