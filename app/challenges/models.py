from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.challenges.enums import (
    ChallengeState,
    Direction,
    IpTerms,
    MechanismRole,
    SolverKind,
)
from app.challenges.types import DecimalText
from app.db import Base, Timestamped, done_by, owned_by, parts, str_enum, utcnow
from app.reference.vocab import Sector, Stage


class Challenge(Timestamped, Base):
    """A challenge call: what a sponsor pays for, to whom, by when, and for which verified outcome.

    Targets, eligibility, IP terms and prize rules are frozen when an admin approves it; their
    canonical JSON and its SHA-256 are kept in `contract_json` / `contract_sha256`.
    """

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint("purse_amount_minor IS NULL OR purse_amount_minor >= 0",
                        name="purse_not_negative"),
        CheckConstraint("appeals_window_days >= 0", name="appeals_not_negative"),
        CheckConstraint("team_min IS NULL OR team_min >= 1", name="team_min_positive"),
        CheckConstraint("team_max IS NULL OR team_min IS NULL OR team_max >= team_min",
                        name="team_range"),
        Index("ix_challenges_state_close", "state", "submissions_close_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ChallengeState] = mapped_column(
        str_enum(ChallengeState, "challenge_state"), default=ChallengeState.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    sponsor_organisation: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    cover_image: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, "stage"))

    opens_at: Mapped[dt.datetime | None]
    submissions_close_at: Mapped[dt.datetime | None]
    judging_ends_at: Mapped[dt.datetime | None]
    verification_closes_at: Mapped[dt.datetime | None]
    appeals_window_days: Mapped[int] = mapped_column(default=14)
    # The UTC date of `opens_at`: country-group membership is judged on this day.
    opens_on: Mapped[dt.date | None] = mapped_column(Date)

    solver_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    team_min: Mapped[int | None]
    team_max: Mapped[int | None]
    exclude_sponsor_employees: Mapped[bool] = mapped_column(default=False)

    ip_terms: Mapped[IpTerms | None] = mapped_column(str_enum(IpTerms, "ip_terms"))
    ip_licence: Mapped[str | None] = mapped_column(String(100))

    purse_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    purse_currency: Mapped[str | None] = mapped_column(String(3))
    prize_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    min_overall_score: Mapped[Decimal | None] = mapped_column(DecimalText)

    contract_json: Mapped[str | None] = mapped_column(Text)
    contract_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[dt.datetime | None]
    awards_proposed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Set by moderators (app/moderation): gone from every list, feed and page for all but its
    # sponsor and admins (app/challenges/access.py), until restored.
    hidden_at: Mapped[dt.datetime | None]

    targets: Mapped[list[ChallengeTarget]] = parts("ChallengeTarget.position")
    criteria: Mapped[list[ChallengeCriterion]] = parts("ChallengeCriterion.position")
    scope: Mapped[list[ChallengeScope]] = parts()
    needs: Mapped[list[ChallengeNeed]] = parts()
    mechanisms: Mapped[list[ChallengeMechanism]] = parts()
    sdg_targets: Mapped[list[ChallengeSdgTarget]] = parts()
    sectors: Mapped[list[ChallengeSector]] = parts()

    @property
    def scope_codes(self) -> list[str]:
        return sorted(s.code for s in self.scope)


class ChallengeTarget(Base):
    """An outcome target: a metric, its unit, a direction and an exact threshold."""

    __tablename__ = "challenge_targets"
    __table_args__ = (UniqueConstraint("challenge_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(60))
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "target_direction"))
    threshold: Mapped[Decimal] = mapped_column(DecimalText)
    baseline: Mapped[Decimal | None] = mapped_column(DecimalText)
    verification_method: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)


class ChallengeCriterion(Base):
    """A rubric criterion; weights are kept as given and normalised when scores are combined."""

    __tablename__ = "challenge_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(DecimalText)
    min_score: Mapped[Decimal | None] = mapped_column(DecimalText)


class ChallengeScope(Base):
    """Who may enter: a country group (LDC, SIDS, M49-002...) or a single country."""

    __tablename__ = "challenge_scopes"
    __table_args__ = (
        CheckConstraint("(group_code IS NULL) <> (country_code IS NULL)",
                        name="group_or_country"),
        UniqueConstraint("challenge_id", "group_code", "country_code"),
        Index("ix_challenge_scopes_group", "group_code"),
        Index("ix_challenge_scopes_country", "country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id")
    group_code: Mapped[str | None] = mapped_column(ForeignKey("country_groups.code"))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.alpha3"))

    @property
    def code(self) -> str:
        return self.group_code or self.country_code or ""


class ChallengeNeed(Base):
    __tablename__ = "challenge_needs"

    challenge_id: Mapped[int] = owned_by("challenges.id", primary_key=True)
    need_id: Mapped[int] = owned_by("needs.id", primary_key=True, index=True)


class ChallengeMechanism(Base):
    __tablename__ = "challenge_mechanisms"

    challenge_id: Mapped[int] = owned_by("challenges.id", primary_key=True)
    mechanism_id: Mapped[int] = owned_by("mechanisms.id", primary_key=True, index=True)
    role: Mapped[MechanismRole] = mapped_column(str_enum(MechanismRole, "mechanism_role"))


class ChallengeSdgTarget(Base):
    __tablename__ = "challenge_sdg_targets"

    challenge_id: Mapped[int] = owned_by("challenges.id", primary_key=True)
    target_code: Mapped[str] = mapped_column(ForeignKey("sdg_targets.code"), primary_key=True,
                                             index=True)


class ChallengeSector(Base):
    __tablename__ = "challenge_sectors"

    challenge_id: Mapped[int] = owned_by("challenges.id", primary_key=True)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), primary_key=True,
                                           index=True)


class ChallengeTransition(Base):
    """One step of the lifecycle: who (null for the clock), when, why."""

    __tablename__ = "challenge_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[ChallengeState | None] = mapped_column(
        str_enum(ChallengeState, "from_state"))
    to_state: Mapped[ChallengeState] = mapped_column(str_enum(ChallengeState, "to_state"))
    actor_id: Mapped[int | None] = done_by("users.id")
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChallengeQuestion(Base):
    """A question about a challenge; the answer is public, the asker is never shown to others."""

    __tablename__ = "challenge_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    asker_id: Mapped[int | None] = done_by("users.id")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = done_by("users.id")
    answered_at: Mapped[dt.datetime | None]
    # Set by moderators (app/moderation): shown as "hidden by moderators", the row is kept.
    question_hidden_at: Mapped[dt.datetime | None]
    answer_hidden_at: Mapped[dt.datetime | None]


class ChallengeAnnouncement(Base):
    """A dated clarification or announcement by the sponsor."""

    __tablename__ = "challenge_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    author_id: Mapped[int | None] = done_by("users.id")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChallengeRegistration(Base):
    """A solver's registered participation (eligibility checked when registering)."""

    __tablename__ = "challenge_registrations"
    __table_args__ = (
        UniqueConstraint("challenge_id", "user_id"),
        UniqueConstraint("challenge_id", "team_id"),
        CheckConstraint("team_size IS NULL OR team_size >= 1", name="team_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = owned_by("challenges.id", index=True)
    user_id: Mapped[int] = owned_by("users.id", index=True)
    solver_kind: Mapped[SolverKind] = mapped_column(str_enum(SolverKind, "solver_kind"))
    team_size: Mapped[int | None]
    team_name: Mapped[str | None] = mapped_column(String(200))
    # The team this registration enters for (registered by its lead); null for one person.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.alpha3"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
