"""Human labels for the inventory's codes (shown on pages and in facet lists).

The labels are English (the API's facets carry them); pages ask for them `local`, in the
request's language.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.translate import N_, NP_, gettext, in_language, pgettext
from app.inventory.models import Availability, LinkType, MechanismKind, MechanismStatus
from app.reference.models import CountryGroup
from app.reference.vocab import FUNCTION_LABELS, SECTORS, STAGES, MitigationAdaptation

KIND_LABELS: dict[str, str] = {
    MechanismKind.UN_BODY: N_("UN body"), MechanismKind.FUND: N_("Fund"),
    MechanismKind.NETWORK: N_("Network"), MechanismKind.PLATFORM: N_("Platform"),
    MechanismKind.PROGRAMME: N_("Programme"), MechanismKind.PARTNERSHIP: N_("Partnership"),
    MechanismKind.INITIATIVE: N_("Initiative"),
}
STATUS_LABELS: dict[str, str] = {MechanismStatus.ACTIVE: N_("Active"),
                                 MechanismStatus.CLOSED: N_("Closed"), "unknown": N_("Not known")}
AVAILABILITY_LABELS: dict[str, str] = {
    Availability.PUBLIC_DOMAIN: N_("Public domain"),
    Availability.OPEN_LICENCE: N_("Open licence"),
    Availability.AVAILABLE_FOR_LICENSING: N_("Available for licensing"),
    Availability.PROPRIETARY: N_("Proprietary"),
}
LINK_LABELS: dict[str, str] = {
    LinkType.PARTNER_OF: N_("partner of"), LinkType.FUNDED_BY: N_("funded by"),
    LinkType.HOSTED_BY: N_("hosted by"), LinkType.FEEDS_INTO: N_("feeds into"),
    LinkType.OVERLAPS_WITH: N_("overlaps with"),
}
MA_LABELS: dict[str, str] = {MitigationAdaptation.MITIGATION: N_("Mitigation"),
                             MitigationAdaptation.ADAPTATION: N_("Adaptation"),
                             MitigationAdaptation.BOTH: N_("Mitigation and adaptation")}
VERIFICATION_LABELS = {"stale": N_("Needs checking (stale)"), "current": N_("Recently verified")}
FACET_TITLES = {"function": N_("Function"), "sector": N_("Sector"), "stage": N_("Stage"),
                "group": N_("Country group"), "kind": N_("Kind"), "status": N_("Status"),
                "availability": N_("Availability"),
                "verification": NP_("record check", "Verification")}
FACET_TITLE_CONTEXTS = {"verification": "record check"}  # a record's check by a curator


# The codes a revision records as its action and a suggestion's states, shown translated.
REVISION_ACTIONS = (N_("create"), N_("update"), N_("delete"), N_("verify"), N_("restore"),
                    N_("link"), N_("unlink"), N_("suggestion"), N_("import"))
SUGGESTION_STATES = (N_("pending"), N_("accepted"), N_("rejected"))
STAGE_RANGE = N_("%(stage)s (TRL %(low)s–%(high)s)")
STAGE_ONE = N_("%(stage)s (TRL %(trl)s)")


def facet_titles() -> dict[str, str]:
    """The facets' titles in the request's language (for pages)."""
    return {name: pgettext(FACET_TITLE_CONTEXTS[name], title) if name in FACET_TITLE_CONTEXTS
            else gettext(title) for name, title in FACET_TITLES.items()}


def _same(text: str) -> str:
    return text


def static_labels(local: bool = False) -> dict[str, dict[str, str]]:
    """Every label by kind and code; `local`: in the request's language (for pages)."""
    tr: Callable[[str], str] = gettext if local else _same
    return {
        "function": {k.value: tr(v) for k, v in FUNCTION_LABELS.items()},
        "sector": {k.value: tr(v.label) for k, v in SECTORS.items()},
        "stage": {k.value: tr(STAGE_RANGE) % {"stage": tr(v.label), "low": v.trl_min,
                                              "high": v.trl_max}
                  if v.trl_min != v.trl_max else tr(STAGE_ONE) % {"stage": tr(v.label),
                                                                  "trl": v.trl_min}
                  for k, v in STAGES.items()},
        "stage_name": {k.value: tr(v.label) for k, v in STAGES.items()},
        "kind": {str(k): tr(v) for k, v in KIND_LABELS.items()},
        "status": {str(k): tr(v) for k, v in STATUS_LABELS.items()},
        "availability": {str(k): tr(v) for k, v in AVAILABILITY_LABELS.items()},
        "link": {str(k): tr(v) for k, v in LINK_LABELS.items()},
        "mitigation_adaptation": {str(k): tr(v) for k, v in MA_LABELS.items()},
        "verification": {k: tr(v) for k, v in VERIFICATION_LABELS.items()},
    }


def facet_labels(db: Session, local: bool = False) -> dict[str, dict[str, str]]:
    """Every label, with the country groups' names (in Chinese too, when `local`)."""
    labels = static_labels(local)
    rows = db.execute(select(CountryGroup.code, CountryGroup.name_en, CountryGroup.name_zh)).all()
    labels["group"] = {str(code): in_language(str(name), zh) if local else str(name)
                       for code, name, zh in rows}
    return labels
