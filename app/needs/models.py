from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped, done_by, str_enum
from app.reference.vocab import MitigationAdaptation, Sector, Stage


class Priority(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class NeedStatus(enum.StrEnum):
    OPEN = "open"
    ADDRESSED = "addressed"


class Need(Timestamped, Base):
    """A country's technology need in one sector and technology-cycle stage."""

    __tablename__ = "needs"
    __table_args__ = (
        Index("ix_needs_cell", "sector", "stage"),
        Index("ix_needs_country", "country_code"),
        # The gap analysis groups needs by status, country, sector, stage and priority; this
        # index answers that GROUP BY (and a page of one group, ordered by id) without the table.
        Index("ix_needs_status_key", "status", "country_code", "sector", "stage", "priority"),
        # Whether any demonstration data is loaded (a banner on every needs page): one search
        # instead of a scan of every need.
        Index("ix_needs_dataset", "dataset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.alpha3"))
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"))
    technology_id: Mapped[int | None] = done_by("technologies.id")
    technology_name: Mapped[str | None] = mapped_column(String(200))
    mitigation_adaptation: Mapped[MitigationAdaptation] = mapped_column(
        str_enum(MitigationAdaptation, "mitigation_adaptation"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, "priority"))
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus, "need_status"),
                                               default=NeedStatus.OPEN)
    notes: Mapped[str | None] = mapped_column(Text)
    # Which data set the record came from, e.g. "demo" for demonstration data.
    dataset: Mapped[str | None] = mapped_column(String(60))
