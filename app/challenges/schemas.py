"""Request and response models. Prize rules are a discriminated union stored as JSON.

No floats anywhere: money is integer minor units (StrictInt), measured values are Decimals given
as strings or integers (a JSON float is refused rather than rounded).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

from app.challenges.enums import ChallengeState, Direction, IpTerms, MechanismRole, SolverKind
from app.kit.money import Money
from app.kit.schemas import IdValue, InputModel, IsoDateTime, ReadModel


def _no_float(value: Any) -> Any:
    if isinstance(value, bool | float):
        raise ValueError("give exact decimals as strings (e.g. \"12.5\") or integers, "
                         "never as floating-point numbers")
    return value


_DECIMAL = {"max_digits": 30, "decimal_places": 10, "allow_inf_nan": False}
ExactDecimal = Annotated[Decimal, BeforeValidator(_no_float), Field(**_DECIMAL)]  # type: ignore[call-overload]
NonNegativeDecimal = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, **_DECIMAL)]  # type: ignore[call-overload]
PositiveDecimal = Annotated[Decimal, BeforeValidator(_no_float), Field(gt=0, **_DECIMAL)]  # type: ignore[call-overload]
Amount = Annotated[StrictInt, Field(ge=1, le=10**15, description="integer minor units")]
TargetKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                                 description="a short reference such as `t1` or `energy`")]


class RuleModel(BaseModel):
    """Parts of the outcome contract: unknown fields refused, values frozen once built."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class OverflowPolicy(enum.StrEnum):
    PRO_RATA = "pro_rata"
    BY_RANK = "by_rank"


class RankedAward(RuleModel):
    type: Literal["ranked"]
    places: list[Amount] = Field(min_length=1, max_length=50,
                                 description="amount for 1st place, 2nd place, ...")


class ThresholdAward(RuleModel):
    type: Literal["threshold"]
    amount_per_solution: Amount
    overflow: OverflowPolicy = Field(
        description="when more solutions qualify than the purse pays: share it pro rata, or "
                    "pay the full amount by rank until the purse is spent")


class Milestone(RuleModel):
    name: str = Field(min_length=1, max_length=200)
    targets: list[TargetKey] = Field(min_length=1, max_length=20)
    amount: Amount


class MilestoneAward(RuleModel):
    type: Literal["milestone"]
    milestones: list[Milestone] = Field(min_length=1, max_length=20)


class PerUnitAward(RuleModel):
    type: Literal["per_unit"]
    unit_target: TargetKey = Field(description="the target whose verified quantity is paid for")
    rate_minor_per_unit: PositiveDecimal = Field(
        description="minor currency units paid per verified unit above the baseline")
    quality_gate_target: TargetKey | None = Field(
        default=None, description="another target a solution must meet to be paid at all")
    cap_per_solver_minor: Amount | None = None
    overall_cap_minor: Amount | None = Field(default=None,
                                             description="defaults to the whole purse")


class PoolAward(RuleModel):
    type: Literal["pool"]
    pool_minor: Amount
    share_target: TargetKey = Field(
        description="qualifying solutions share the pool in proportion to this verified quantity")


Award = Annotated[RankedAward | ThresholdAward | MilestoneAward | PerUnitAward | PoolAward,
                  Field(discriminator="type")]
AWARD_TYPES = ("ranked", "threshold", "milestone", "per_unit", "pool")


class Holdback(RuleModel):
    """Part of every award kept back until a later persistence check."""

    basis_points: Annotated[StrictInt, Field(ge=1, le=10_000, description="100 = 1%")]
    delay_days: Annotated[StrictInt, Field(ge=1, le=3650)]


class ShareTies(RuleModel):
    """Entries with equal normalised scores share the places they occupy equally."""

    rule: Literal["share"] = "share"


class CriterionTies(RuleModel):
    """Of entries with equal normalised scores, the higher mean on `criterion` ranks ahead;
    entries equal on that too share the places they occupy."""

    rule: Literal["criterion"]
    criterion: str = Field(min_length=1, max_length=200,
                           description="the name of a criterion of the rubric")


TieRule = Annotated[ShareTies | CriterionTies, Field(discriminator="rule")]
TIE_RULES = ("share", "criterion")


class PrizeRules(RuleModel):
    purse: Money
    award: Award
    holdback: Holdback | None = None
    ties: TieRule = Field(default=ShareTies(),
                          description="how entries with equal normalised scores are ranked")


class TimelineIn(InputModel):
    opens_at: IsoDateTime | None = None
    submissions_close_at: IsoDateTime | None = None
    judging_ends_at: IsoDateTime | None = None
    verification_closes_at: IsoDateTime | None = None
    appeals_window_days: Annotated[StrictInt, Field(ge=0, le=365)] = 14


class EligibilityIn(InputModel):
    scope: list[Annotated[str, Field(min_length=2, max_length=20)]] = Field(
        default_factory=list, max_length=300,
        description="country groups (LDC, SIDS, M49-002, WORLD...) and/or ISO alpha-3 countries")
    solver_kinds: list[SolverKind] = Field(default_factory=list)
    team_min: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    team_max: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    exclude_sponsor_employees: StrictBool = False


class TargetIn(InputModel):
    key: TargetKey | None = None
    metric: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=60)
    direction: Direction
    threshold: NonNegativeDecimal
    baseline: ExactDecimal | None = None
    verification_method: str = Field(default="", max_length=5000)
    required: StrictBool = True


class CriterionIn(InputModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    weight: PositiveDecimal
    min_score: NonNegativeDecimal | None = None


class RubricIn(InputModel):
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=30)
    min_overall_score: NonNegativeDecimal | None = None


class IpTermsIn(InputModel):
    kind: IpTerms
    licence: str | None = Field(default=None, max_length=100,
                                description="SPDX licence id, required for open_licence")


class MechanismLinkIn(InputModel):
    mechanism_id: IdValue
    role: MechanismRole


class ChallengeCreate(InputModel):
    """A draft; everything but the title may be filled in later (it is checked on submit)."""

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=50_000)
    sponsor_organisation: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    need_ids: list[IdValue] = Field(default_factory=list, max_length=100)
    mechanisms: list[MechanismLinkIn] = Field(default_factory=list, max_length=50)
    sdg_targets: list[str] = Field(default_factory=list, max_length=50)
    sectors: list[str] = Field(default_factory=list, max_length=20)
    stage: str | None = None
    timeline: TimelineIn = Field(default_factory=TimelineIn)
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)
    targets: list[TargetIn] = Field(default_factory=list, max_length=30)
    rubric: RubricIn = Field(default_factory=RubricIn)
    ip_terms: IpTermsIn | None = None
    prize_rules: PrizeRules | None = None


class ChallengeUpdate(InputModel):
    """Fields given replace the stored ones (a section such as `targets` is replaced whole)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=50_000)
    sponsor_organisation: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    # Lists are replaced whole: give [] to clear one; null is refused (422).
    need_ids: list[IdValue] = Field(default=None, max_length=100)  # type: ignore[arg-type]
    mechanisms: list[MechanismLinkIn] = Field(default=None, max_length=50)  # type: ignore[arg-type]
    sdg_targets: list[str] = Field(default=None, max_length=50)  # type: ignore[arg-type]
    sectors: list[str] = Field(default=None, max_length=20)  # type: ignore[arg-type]
    stage: str | None = None
    timeline: TimelineIn | None = None
    eligibility: EligibilityIn | None = None
    targets: list[TargetIn] = Field(default=None, max_length=30)  # type: ignore[arg-type]
    rubric: RubricIn | None = None
    ip_terms: IpTermsIn | None = None
    prize_rules: PrizeRules | None = None


RULE_FIELDS = frozenset({"timeline", "eligibility", "targets", "rubric", "ip_terms",
                         "prize_rules"})


class OptionalReasonIn(InputModel):
    reason: str | None = Field(default=None, max_length=2000)


class QuestionIn(InputModel):
    body: str = Field(min_length=1, max_length=5000)


class AnswerIn(InputModel):
    answer: str = Field(min_length=1, max_length=10_000)


class AnnouncementIn(InputModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class RegistrationIn(InputModel):
    solver_kind: SolverKind
    team_id: IdValue | None = Field(
        default=None, description="required for `team`: a team you lead; its members are "
                                  "checked and its name and size are used")
    team_size: Annotated[StrictInt, Field(ge=1, le=1000)] | None = Field(
        default=None, description="not for `team` (the team's member count is used)")
    team_name: str | None = Field(default=None, max_length=200,
                                  description="an organisation's name; not for `team`")
    declares_not_sponsor_employee: StrictBool = Field(
        default=False, description="for a team, the lead declares it for every member")


# ---- responses -------------------------------------------------------------------------------

class TargetRead(ReadModel):
    key: str
    metric: str
    unit: str
    direction: Direction
    threshold: Decimal
    baseline: Decimal | None
    verification_method: str
    required: bool


class CriterionRead(ReadModel):
    name: str
    description: str
    weight: Decimal
    normalised_weight: Decimal
    min_score: Decimal | None


class RubricRead(BaseModel):
    criteria: list[CriterionRead]
    min_overall_score: Decimal | None


class TimelineRead(BaseModel):
    opens_at: dt.datetime | None
    submissions_close_at: dt.datetime | None
    judging_ends_at: dt.datetime | None
    verification_closes_at: dt.datetime | None
    appeals_window_days: int


class DeadlineRead(BaseModel):
    label: str
    at: dt.datetime
    countdown: str


class EligibilityRead(BaseModel):
    scope: list[str]
    solver_kinds: list[SolverKind]
    team_min: int | None
    team_max: int | None
    exclude_sponsor_employees: bool
    judged_on: dt.date | None = Field(description="country-group membership is taken on this day")


class IpTermsRead(BaseModel):
    kind: IpTerms
    licence: str | None


class MechanismLinkRead(ReadModel):
    mechanism_id: int
    role: MechanismRole


class ChallengeSummary(BaseModel):
    id: int
    title: str
    summary: str
    state: ChallengeState
    sponsor_organisation: str
    purse: Money | None
    opens_at: dt.datetime | None
    submissions_close_at: dt.datetime | None
    next_deadline: DeadlineRead | None
    published_at: dt.datetime | None
    url: str


class ChallengeRead(ChallengeSummary):
    description: str
    contact: str
    owner_id: int
    cover_url: str | None
    stage: str | None
    sectors: list[str]
    sdg_targets: list[str]
    need_ids: list[int]
    mechanisms: list[MechanismLinkRead]
    timeline: TimelineRead
    eligibility: EligibilityRead
    targets: list[TargetRead]
    rubric: RubricRead
    ip_terms: IpTermsRead | None
    prize_rules: PrizeRules | None
    contract_sha256: str | None
    contract_url: str | None
    review_note: str | None
    cancel_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class TransitionRead(ReadModel):
    action: str
    from_state: ChallengeState | None
    to_state: ChallengeState
    actor_id: int | None
    reason: str | None
    at: dt.datetime


class QuestionRead(BaseModel):
    id: int
    body: str
    created_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None
    mine: bool = Field(description="asked by you (the asker is never shown to anyone else)")
    hidden: bool = Field(False, description="hidden by moderators (`body` is then empty)")
    answer_hidden: bool = Field(False, description="the answer was hidden by moderators "
                                "(`answer` is then null)")


class AnnouncementRead(ReadModel):
    id: int
    title: str
    body: str
    created_at: dt.datetime


class RegistrationRead(ReadModel):
    id: int
    challenge_id: int
    user_id: int
    solver_kind: SolverKind
    team_size: int | None
    team_name: str | None
    country_code: str
    created_at: dt.datetime
