"""What the people around a challenge are told when it moves (inbox and email, each in the
recipient's language). The workflow decides when; this module says what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Role, User, UserRole
from app.awards import allocation
from app.awards.models import Appeal, AppealStatus, AwardPayment, HoldbackCheck, HoldbackOutcome
from app.awards.payments import AwardMoney
from app.awards.service import awards_url
from app.challenges.deadlines import appeals_close_at
from app.challenges.models import Challenge, ChallengeRegistration
from app.challenges.participants import participant_ids
from app.i18n.translate import Translatable, translatable
from app.judging import panel
from app.kit.links import site_link
from app.kit.money import format_money
from app.notifications import service as notifications
from app.submissions import access as submissions_access
from app.submissions.models import Submission
from app.verification.outcomes import ShortlistedEntry
from app.verification.service import verification_url


def _url(challenge: Challenge) -> str:
    return site_link(f"/challenges/{challenge.id}")


def waiting_for_review(db: Session, challenge: Challenge, *, actor: User) -> None:
    review_queue = site_link("/admin/challenges/review")
    notifications.queue_many(
        db, recipient_ids=[i for i in accounts_service.active_user_ids_with_role(
            db, role=Role.ADMIN) if i != actor.id],
        subject=translatable("Waiting for review: %(title)s", title=challenge.title),
        body=translatable("A sponsor submitted a challenge for review.\n\n%(url)s\n\n"
                          "The review queue: %(queue)s", url=_url(challenge), queue=review_queue),
        kind="challenge.submitted")


def approved(db: Session, challenge: Challenge, *, actor: User) -> None:
    if challenge.owner_id == actor.id:
        return
    notifications.queue(db, recipient_id=challenge.owner_id,
                        subject=translatable("Approved: %(title)s", title=challenge.title),
                        body=translatable("Your challenge was approved and published."
                                          "\n\n%(url)s", url=_url(challenge)),
                        kind="challenge.approved")


def changes_requested(db: Session, challenge: Challenge, *, reason: str | None) -> None:
    notifications.queue(db, recipient_id=challenge.owner_id,
                        subject=translatable("Changes requested: %(title)s",
                                             title=challenge.title),
                        body=translatable("A reviewer asked for changes:\n\n%(reason)s"
                                          "\n\n%(url)s", reason=reason, url=_url(challenge)),
                        kind="challenge.changes_requested")


def cancelled(db: Session, challenge: Challenge, *, reason: str | None,
              actor: User | None = None) -> None:
    """The entrants are told; so is the sponsor when someone else (an admin) cancelled."""
    recipients = set(participant_ids(db, challenge_id=challenge.id))
    if actor is not None and actor.id != challenge.owner_id:
        recipients.add(challenge.owner_id)
    notifications.queue_many(db, recipient_ids=sorted(recipients),
                             subject=translatable("Cancelled: %(title)s", title=challenge.title),
                             body=translatable("The challenge was cancelled:\n\n%(reason)s"
                                               "\n\n%(url)s", reason=reason,
                                               url=_url(challenge)),
                             kind="challenge.cancelled")


def judging_started(db: Session, challenge: Challenge) -> None:
    entries = panel.submitted_entry_count(db, challenge=challenge)
    url = panel.judging_url(challenge)
    notifications.queue_many(
        db, recipient_ids=[judge.id for judge in panel.judges(db, challenge=challenge)],
        subject=translatable("Judging has started: %(challenge)s", challenge=challenge.title),
        body=(translatable("The %(count)s submitted entry of \"%(challenge)s\" are ready for "
                           "you to score, shown by entry code only.\n\n%(url)s",
                           count=entries, challenge=challenge.title, url=url)
              if entries == 1 else
              translatable("The %(count)s submitted entries of \"%(challenge)s\" are ready "
                           "for you to score, shown by entry code only.\n\n%(url)s",
                           count=entries, challenge=challenge.title, url=url)),
        kind="judging.started")


def verification_started(db: Session, challenge: Challenge, *, shortlisted: int) -> None:
    verifiers = db.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == Role.VERIFIER, User.is_active.is_(True),
        User.id != challenge.owner_id))
    url = site_link(verification_url(challenge))
    if shortlisted == 1:
        body = translatable("Judging of \"%(challenge)s\" is over and %(count)s entry passed "
                            "it. Their outcomes wait for your attestation.\n\n%(url)s",
                            challenge=challenge.title, count=shortlisted, url=url)
    else:
        body = translatable("Judging of \"%(challenge)s\" is over and %(count)s entries passed "
                            "it. Their outcomes wait for your attestation.\n\n%(url)s",
                            challenge=challenge.title, count=shortlisted, url=url)
    notifications.queue_many(
        db, recipient_ids=list(verifiers),
        subject=translatable("Outcomes to verify: %(challenge)s", challenge=challenge.title),
        body=body, kind="verification.started")


def _entrants(db: Session, registration_id: int) -> list[int]:
    registration = db.get(ChallengeRegistration, registration_id)
    if registration is None:
        return []
    return sorted(submissions_access.entrant_ids(db, registration=registration))


def awards_proposed(db: Session, challenge: Challenge, shortlist: Iterable[ShortlistedEntry],
                    plan: allocation.AwardPlan) -> None:
    """Each shortlisted entry's entrants learn their proposed award and how to appeal."""
    paid = {a.entry: a for a in plan.allocations}
    closes = appeals_close_at(challenge.awards_proposed_at, challenge.appeals_window_days)
    url = site_link(awards_url(challenge))
    for entry in shortlist:
        award = paid.get(entry.submission_id)
        # The reason is translated where the catalog knows it, as the awards page's `|tr` does.
        reason = (award.reasons[0] if len(award.reasons) == 1 else Translatable(award.reason)) \
            if award else None
        if award and award.amount_minor:
            said = translatable("Your entry \"%(entry)s\" is proposed an award of %(amount)s "
                                "(%(reason)s).", entry=entry.title,
                                amount=format_money(award.amount_minor, plan.currency),
                                reason=reason)
        elif reason:
            said = translatable("Your entry \"%(entry)s\" is proposed no award: %(reason)s.",
                                entry=entry.title, reason=reason)
        else:
            said = translatable("Your entry \"%(entry)s\" is proposed no award.",
                                entry=entry.title)
        body = translatable("%(said)s If you think the rules were applied wrongly, you may "
                            "appeal until %(closes)s UTC.\n\n%(url)s", said=said,
                            closes=closes.strftime("%Y-%m-%d %H:%M"), url=url) if closes else \
            translatable("%(said)s If you think the rules were applied wrongly, you may "
                         "appeal.\n\n%(url)s", said=said, url=url)
        notifications.queue_many(
            db, recipient_ids=_entrants(db, entry.registration_id),
            subject=translatable("Awards proposed: %(challenge)s", challenge=challenge.title),
            body=body, kind="awards.proposed")


def appeal_decided(db: Session, challenge: Challenge, appeal: Appeal,
                   changed: Mapping[int, tuple[int, int]]) -> None:
    """The appellants learn the decision; every entry whose award changed, its new amount."""
    currency = (challenge.prize_rules or {}).get("purse", {}).get("currency", "")
    url = site_link(awards_url(challenge))
    for submission_id in sorted({appeal.submission_id, *changed}):
        submission = db.get(Submission, submission_id)
        if submission is None:
            continue
        lines = []
        if submission_id == appeal.submission_id:
            # One whole sentence per decision, so each translates whole.
            lines.append(translatable(
                "Your appeal for \"%(entry)s\" was upheld: %(decision)s",
                entry=submission.title, decision=appeal.decision)
                if appeal.status == AppealStatus.UPHELD else translatable(
                "Your appeal for \"%(entry)s\" was dismissed: %(decision)s",
                entry=submission.title, decision=appeal.decision))
        if submission_id in changed:
            old, new = changed[submission_id]
            lines.append(translatable(
                "The awards were recomputed: \"%(entry)s\" is now proposed %(new)s (before: "
                "%(old)s).", entry=submission.title, new=format_money(new, currency),
                old=format_money(old, currency)))
        body = url
        for line in reversed(lines):  # the lines, then the address, a blank line between
            body = translatable("%(intro)s\n\n%(rest)s", intro=line, rest=body)
        notifications.queue_many(
            db, recipient_ids=_entrants(db, submission.registration_id),
            subject=translatable("Appeal decided: %(challenge)s", challenge=challenge.title),
            body=body, kind="awards.appeal_decided")


def payment_recorded(db: Session, challenge: Challenge, payment: AwardPayment,
                     money: AwardMoney, today: dt.date) -> None:
    """The entrants learn what was paid, what is still held and until when."""
    submission = db.get(Submission, payment.submission_id)
    if submission is None:
        return
    paid = format_money(payment.amount_minor, payment.currency)
    payout = money.payout
    said = translatable("%(amount)s was paid for \"%(entry)s\" on %(date)s (reference "
                        "%(reference)s).", amount=paid, entry=submission.title,
                        date=payment.paid_on.isoformat(), reference=payment.reference)
    if payout.held_minor and payout.holdback_due_on:
        said = translatable("%(said)s %(held)s is held back until the persistence check due "
                            "on %(date)s.", said=said,
                            held=format_money(payout.held_minor, payment.currency),
                            date=payout.holdback_due_on.isoformat())
    url = site_link(awards_url(challenge))
    notifications.queue_many(
        db, recipient_ids=_entrants(db, submission.registration_id),
        subject=translatable("Payment recorded: %(challenge)s", challenge=challenge.title),
        body=translatable("%(said)s\n\n%(url)s", said=said, url=url), kind="awards.paid")


def holdback_checked(db: Session, challenge: Challenge, check: HoldbackCheck) -> None:
    submission = db.get(Submission, check.submission_id)
    if submission is None:
        return
    amount = format_money(check.amount_minor, (challenge.prize_rules or {})
                          .get("purse", {}).get("currency", "USD"))
    said = translatable("The holdback of %(amount)s for \"%(entry)s\" was released: "
                        "%(reason)s. It is now payable.", amount=amount,
                        entry=submission.title, reason=check.reason) \
        if check.outcome == HoldbackOutcome.RELEASED else translatable(
        "The holdback of %(amount)s for \"%(entry)s\" was forfeited: %(reason)s.",
        amount=amount, entry=submission.title, reason=check.reason)
    url = site_link(awards_url(challenge))
    notifications.queue_many(
        db, recipient_ids=_entrants(db, submission.registration_id),
        subject=translatable("Holdback checked: %(challenge)s", challenge=challenge.title),
        body=translatable("%(said)s\n\n%(url)s", said=said, url=url), kind="awards.holdback")
