from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, owned_by


class Country(Base):
    """A country or territory (ISO 3166-1), with its UN M49 place and names in six languages."""

    __tablename__ = "countries"

    alpha3: Mapped[str] = mapped_column(String(3), primary_key=True)
    alpha2: Mapped[str | None] = mapped_column(String(2), unique=True)
    numeric: Mapped[str | None] = mapped_column(String(3))
    m49: Mapped[str | None] = mapped_column(String(3))
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str | None] = mapped_column(String(200))
    name_es: Mapped[str | None] = mapped_column(String(200))
    name_ru: Mapped[str | None] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(3))
    subregion_code: Mapped[str | None] = mapped_column(String(3))
    intermediate_region_code: Mapped[str | None] = mapped_column(String(3))
    currency_code: Mapped[str | None] = mapped_column(String(3))
    is_independent: Mapped[bool | None]


class CountryGroup(Base):
    """`WORLD`, an M49 region (`M49-002`), `LDC`, `LLDC` or `SIDS`."""

    __tablename__ = "country_groups"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    m49: Mapped[str | None] = mapped_column(String(3))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("country_groups.code"))
    description: Mapped[str | None] = mapped_column(Text)


class CountryGroupMembership(Base):
    """A country's membership of a group, valid from `valid_from` (inclusive, open when null)
    until `valid_to` (exclusive, open when null)."""

    __tablename__ = "country_group_memberships"
    __table_args__ = (
        UniqueConstraint("group_code", "country_code", "valid_from"),
        Index("ix_country_group_memberships_country", "country_code", "group_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_code: Mapped[str] = owned_by("country_groups.code")
    country_code: Mapped[str] = owned_by("countries.alpha3")
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class SdgGoal(Base):
    __tablename__ = "sdg_goals"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    title_en: Mapped[str] = mapped_column(Text)
    title_fr: Mapped[str | None] = mapped_column(Text)


class SdgTarget(Base):
    """An SDG target; codes stay strings (`7.a` is no number, `8.1` is not `8.10`)."""

    __tablename__ = "sdg_targets"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    goal_code: Mapped[str] = mapped_column(ForeignKey("sdg_goals.code"), index=True)
    title_en: Mapped[str] = mapped_column(Text)
    title_fr: Mapped[str | None] = mapped_column(Text)
