from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped, parts, str_enum, utcnow
from app.reference.vocab import Function, MitigationAdaptation, Sector, Stage


class MechanismKind(enum.StrEnum):
    UN_BODY = "un_body"
    FUND = "fund"
    NETWORK = "network"
    PLATFORM = "platform"
    PROGRAMME = "programme"
    PARTNERSHIP = "partnership"
    INITIATIVE = "initiative"


class MechanismStatus(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class LinkType(enum.StrEnum):
    PARTNER_OF = "partner_of"
    FUNDED_BY = "funded_by"
    HOSTED_BY = "hosted_by"
    FEEDS_INTO = "feeds_into"
    OVERLAPS_WITH = "overlaps_with"


class Availability(enum.StrEnum):
    PUBLIC_DOMAIN = "public_domain"
    OPEN_LICENCE = "open_licence"
    AVAILABLE_FOR_LICENSING = "available_for_licensing"
    PROPRIETARY = "proprietary"


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Mechanism(Timestamped, Base):
    """A technology facilitation mechanism, framework or process (CTCN, WIPO GREEN, ...)."""

    __tablename__ = "mechanisms"
    __table_args__ = (
        CheckConstraint("budget_amount_minor IS NULL OR budget_amount_minor >= 0",
                        name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    acronym: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[MechanismKind] = mapped_column(str_enum(MechanismKind, "mechanism_kind"))
    hosts: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    founded_year: Mapped[int | None]
    # None: not known (the seed leaves it open where the current state could not be confirmed).
    status: Mapped[MechanismStatus | None] = mapped_column(
        str_enum(MechanismStatus, "mechanism_status"), default=MechanismStatus.ACTIVE)
    budget_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    budget_year: Mapped[int | None]
    budget_note: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_verified_at: Mapped[dt.datetime | None]

    functions: Mapped[list[MechanismFunction]] = parts()
    sectors: Mapped[list[MechanismSector]] = parts()
    stages: Mapped[list[MechanismStage]] = parts()
    scope: Mapped[list[MechanismScope]] = parts()


class MechanismFunction(Base):
    __tablename__ = "mechanism_functions"

    mechanism_id: Mapped[int] = mapped_column(
        ForeignKey("mechanisms.id", ondelete="CASCADE"), primary_key=True)
    function: Mapped[Function] = mapped_column(str_enum(Function, "function"), primary_key=True,
                                               index=True)


class MechanismSector(Base):
    __tablename__ = "mechanism_sectors"

    mechanism_id: Mapped[int] = mapped_column(
        ForeignKey("mechanisms.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), primary_key=True,
                                           index=True)


class MechanismStage(Base):
    __tablename__ = "mechanism_stages"

    mechanism_id: Mapped[int] = mapped_column(
        ForeignKey("mechanisms.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"), primary_key=True, index=True)


class MechanismScope(Base):
    """One entry of a mechanism's geographic scope: a country group or a single country."""

    __tablename__ = "mechanism_scopes"
    __table_args__ = (
        CheckConstraint("(group_code IS NULL) <> (country_code IS NULL)",
                        name="group_or_country"),
        UniqueConstraint("mechanism_id", "group_code", "country_code"),
        Index("ix_mechanism_scopes_group", "group_code"),
        Index("ix_mechanism_scopes_country", "country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id", ondelete="CASCADE"))
    group_code: Mapped[str | None] = mapped_column(ForeignKey("country_groups.code"))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha3"))

    @property
    def code(self) -> str:
        return self.group_code or self.country_code or ""


class MechanismLink(Base):
    """A typed, directed relation between two mechanisms (A funded_by B, A hosted_by B...)."""

    __tablename__ = "mechanism_links"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "link_type"),
        CheckConstraint("source_id <> target_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id", ondelete="CASCADE"),
                                           index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id", ondelete="CASCADE"),
                                           index=True)
    link_type: Mapped[LinkType] = mapped_column(str_enum(LinkType, "link_type"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Technology(Timestamped, Base):
    """An openly documented clean technology in the knowledge base."""

    __tablename__ = "technologies"
    __table_args__ = (CheckConstraint("trl IS NULL OR (trl >= 1 AND trl <= 9)", name="trl_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"))
    trl: Mapped[int | None]
    mitigation_adaptation: Mapped[MitigationAdaptation | None] = mapped_column(
        str_enum(MitigationAdaptation, "mitigation_adaptation"))
    availability: Mapped[Availability] = mapped_column(str_enum(Availability, "availability"))
    licence_id: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(200))
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_verified_at: Mapped[dt.datetime | None]

    sectors: Mapped[list[TechnologySector]] = parts()
    countries: Mapped[list[TechnologyCountry]] = parts()
    mechanisms: Mapped[list[TechnologyMechanism]] = parts()


class TechnologySector(Base):
    __tablename__ = "technology_sectors"

    technology_id: Mapped[int] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), primary_key=True)


class TechnologyCountry(Base):
    """A country where the technology is deployed."""

    __tablename__ = "technology_countries"

    technology_id: Mapped[int] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.alpha3"), primary_key=True)


class TechnologyMechanism(Base):
    __tablename__ = "technology_mechanisms"

    technology_id: Mapped[int] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(
        ForeignKey("mechanisms.id", ondelete="CASCADE"), primary_key=True)


class Suggestion(Base):
    """An edit proposed by any signed-in user; it changes nothing until a curator accepts it."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))  # "mechanism" or "technology"
    entity_id: Mapped[int | None]  # None proposes a new record
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    base_revision: Mapped[int | None]
    status: Mapped[SuggestionStatus] = mapped_column(
        str_enum(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.PENDING,
        index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set by moderators (app/moderation): its words are not shown until it is restored.
    hidden_at: Mapped[dt.datetime | None]


class ChangeStamp(Base):
    """A random token that database triggers (migration 0019) draw anew whenever a row of the
    tables it is named for changes: `mechanisms` (any change to mechanisms and their scopes,
    sectors, stages and functions), `mechanism_coverage` (only what decides coverage: a
    mechanism added or deleted, its status, its scopes, sectors, stages, functions),
    `technologies` (with their sectors and countries), `country_groups` (with their
    memberships) and `needs`. Results computed from those tables are kept in memory under the
    stamps (app/inventory/stamps.py); the app itself never writes this table."""

    __tablename__ = "change_stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(40))
