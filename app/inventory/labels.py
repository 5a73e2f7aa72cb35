"""Human labels for the inventory's codes (shown on pages and in facet lists)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.inventory.models import Availability, LinkType, MechanismKind, MechanismStatus
from app.reference.models import CountryGroup
from app.reference.vocab import FUNCTION_LABELS, SECTORS, STAGES, MitigationAdaptation

KIND_LABELS: dict[str, str] = {
    MechanismKind.UN_BODY: "UN body", MechanismKind.FUND: "Fund",
    MechanismKind.NETWORK: "Network", MechanismKind.PLATFORM: "Platform",
    MechanismKind.PROGRAMME: "Programme", MechanismKind.PARTNERSHIP: "Partnership",
    MechanismKind.INITIATIVE: "Initiative",
}
STATUS_LABELS: dict[str, str] = {MechanismStatus.ACTIVE: "Active",
                                 MechanismStatus.CLOSED: "Closed", "unknown": "Not known"}
AVAILABILITY_LABELS: dict[str, str] = {
    Availability.PUBLIC_DOMAIN: "Public domain", Availability.OPEN_LICENCE: "Open licence",
    Availability.AVAILABLE_FOR_LICENSING: "Available for licensing",
    Availability.PROPRIETARY: "Proprietary",
}
LINK_LABELS: dict[str, str] = {
    LinkType.PARTNER_OF: "partner of", LinkType.FUNDED_BY: "funded by",
    LinkType.HOSTED_BY: "hosted by", LinkType.FEEDS_INTO: "feeds into",
    LinkType.OVERLAPS_WITH: "overlaps with",
}
MA_LABELS: dict[str, str] = {MitigationAdaptation.MITIGATION: "Mitigation",
                             MitigationAdaptation.ADAPTATION: "Adaptation",
                             MitigationAdaptation.BOTH: "Mitigation and adaptation"}
VERIFICATION_LABELS = {"stale": "Needs checking (stale)", "current": "Recently verified"}
FACET_TITLES = {"function": "Function", "sector": "Sector", "stage": "Stage",
                "group": "Country group", "kind": "Kind", "status": "Status",
                "availability": "Availability", "verification": "Verification"}


def static_labels() -> dict[str, dict[str, str]]:
    return {
        "function": {k.value: v for k, v in FUNCTION_LABELS.items()},
        "sector": {k.value: v.label for k, v in SECTORS.items()},
        "stage": {k.value: f"{v.label} (TRL {v.trl_min}–{v.trl_max})"
                  if v.trl_min != v.trl_max else f"{v.label} (TRL {v.trl_min})"
                  for k, v in STAGES.items()},
        "stage_name": {k.value: v.label for k, v in STAGES.items()},
        "kind": {str(k): v for k, v in KIND_LABELS.items()},
        "status": {str(k): v for k, v in STATUS_LABELS.items()},
        "availability": {str(k): v for k, v in AVAILABILITY_LABELS.items()},
        "link": {str(k): v for k, v in LINK_LABELS.items()},
        "mitigation_adaptation": {str(k): v for k, v in MA_LABELS.items()},
        "verification": VERIFICATION_LABELS,
    }


def facet_labels(db: Session) -> dict[str, dict[str, str]]:
    """Every label, with the country groups' English names."""
    labels = static_labels()
    rows = db.execute(select(CountryGroup.code, CountryGroup.name_en)).all()
    labels["group"] = {str(code): str(name) for code, name in rows}
    return labels
