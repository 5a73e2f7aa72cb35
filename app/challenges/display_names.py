"""Names and details of what a challenge links to (needs, mechanisms, SDGs, people) for display."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.i18n.translate import in_language
from app.inventory.models import Mechanism
from app.needs.models import Need
from app.reference.models import Country, SdgTarget
from app.reference.vocab import SECTORS, STAGES


@dataclass(frozen=True)
class NeedInfo:
    id: int
    country: str
    sector: str
    stage: str
    technology: str | None


def needs(db: Session, ids: Iterable[int]) -> list[NeedInfo]:
    """The needs with their country's name in the page's language (sector and stage labels
    are English: the templates translate them)."""
    rows = db.execute(select(Need, Country.name_en, Country.name_zh)
                      .join(Country, Country.alpha3 == Need.country_code)
                      .where(Need.id.in_(list(ids))).order_by(Need.id))
    return [NeedInfo(n.id, in_language(name_en, name_zh), SECTORS[n.sector].label,
                     STAGES[n.stage].label, n.technology_name) for n, name_en, name_zh in rows]


def mechanism_names(db: Session, ids: Iterable[int]) -> dict[int, str]:
    return {m.id: (f"{m.name} ({m.acronym})" if m.acronym else m.name)
            for m in db.scalars(select(Mechanism).where(Mechanism.id.in_(list(ids))))}


def mechanism_options(db: Session) -> list[tuple[str, str]]:
    return [(str(m.id), m.name) for m in db.scalars(select(Mechanism).order_by(Mechanism.name))]


def sdg_titles(db: Session, codes: Iterable[str]) -> dict[str, str]:
    return {t.code: t.title_en for t in db.scalars(select(SdgTarget).where(
        SdgTarget.code.in_(list(codes))))}


def user_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    return {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(wanted)))}
