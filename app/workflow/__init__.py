"""The life of a challenge, told in one place (top of the import order: it calls every domain
below it, none calls it). `steps` moves a challenge from draft to final; `participation` is what
entrants, verifiers and admins do on the way that reaches across domains; `standings` is where
the entries stand after judging; `payouts` pays final awards and checks their holdbacks;
`notices` says what people are told.
"""

from app.workflow.participation import (
    attest,
    attesting_reopened,
    decide_appeal,
    file_appeal,
    join_team,
    register,
    withdraw_registration,
)
from app.workflow.payouts import check_holdback, record_payment
from app.workflow.standings import award_inputs, awards_table, published_results, shortlist
from app.workflow.steps import (
    approve,
    archive,
    cancel,
    finalise,
    follow_clock,
    perform,
    propose_awards,
    request_changes,
    start_judging,
    start_verification,
    submit_for_review,
    withdraw_from_review,
)

__all__ = ["approve", "archive", "attest", "attesting_reopened", "award_inputs", "awards_table",
           "cancel", "check_holdback", "decide_appeal", "file_appeal", "finalise", "follow_clock",
           "perform",
           "propose_awards", "published_results", "record_payment", "request_changes", "shortlist",
           "start_judging", "start_verification", "submit_for_review", "withdraw_from_review",
           "withdraw_registration", "register", "join_team"]
