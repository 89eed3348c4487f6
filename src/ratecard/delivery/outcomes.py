"""Desired outcomes (chosen by the practitioner from the service's category) and the provider's
end-of-service report on them; and the one rule that says how a referral ends."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Service
from ratecard.db import utc_now
from ratecard.delivery import facts, service
from ratecard.delivery.codes import Outcome, outcome_lists
from ratecard.delivery.models import EndOfServiceReport, ReferralOutcome
from ratecard.delivery.schemas import EndOfServiceReportIn, EndOfServiceReportOut, OutcomeOut
from ratecard.errors import Conflict, Forbidden, InvalidInput
from ratecard.referrals.models import Referral
from ratecard.referrals.workflow import TERMINAL, Status

PROVIDER = frozenset({Role.HUB, Role.CASEWORKER, Role.ADMIN})
PRACTITIONER = frozenset({Role.PRACTITIONER, Role.ADMIN})


class EndState(StrEnum):
    """How a referral ends, decided from what was delivered."""

    CANCELLED = "cancelled"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


def end_state(*, sessions_attended: int, sessions_planned: int | None, report_submitted: bool) -> EndState:
    """The one rule: no session attended -> cancelled; every planned session attended and the report
    submitted -> completed; anything else -> ended early."""
    if sessions_attended == 0:
        return EndState.CANCELLED
    if report_submitted and sessions_planned is not None and sessions_attended >= sessions_planned:
        return EndState.COMPLETED
    return EndState.ENDED_EARLY


def choices(*, session: Session, user: User, referral_id: int) -> tuple[Outcome, ...]:
    """The desired outcomes the referral's service offers."""
    referral = service.load_referral(session, user, referral_id)
    programme = session.get(Service, referral.service_id)
    return outcome_lists().for_category(programme.category if programme else "")


def choose(*, session: Session, user: User, referral_id: int, codes: list[str]) -> list[ReferralOutcome]:
    """The practitioner chooses the desired outcomes (replacing any earlier choice) until the report is in."""
    referral = service.load_referral(session, user, referral_id)
    if Role(user.role) not in PRACTITIONER:
        raise Forbidden("The practitioner chooses the desired outcomes.")
    if Status(referral.status) in TERMINAL:
        raise Conflict("This referral has ended: its outcomes can no longer change.")
    if session.get(EndOfServiceReport, referral.id) is not None:
        raise Conflict("The end-of-service report is in: the outcomes can no longer change.")
    offered = {o.code: o for o in choices(session=session, user=user, referral_id=referral_id)}
    unknown = [c for c in codes if c not in offered]
    if unknown:
        raise InvalidInput(f"Choose outcomes this service offers; not {', '.join(unknown)}.", field="codes")
    if len(set(codes)) != len(codes):
        raise InvalidInput("Choose each outcome once.", field="codes")
    session.execute(delete(ReferralOutcome).where(ReferralOutcome.referral_id == referral.id))
    rows = [ReferralOutcome(referral_id=referral.id, code=c, text=offered[c].text) for c in codes]
    session.add_all(rows)
    facts.refresh(session, referral.id)
    return rows


def _chosen(session: Session, referral: Referral) -> list[ReferralOutcome]:
    return list(session.scalars(select(ReferralOutcome).where(ReferralOutcome.referral_id == referral.id)
                                .order_by(ReferralOutcome.id)))


def submit_report(*, session: Session, user: User, referral_id: int, data: EndOfServiceReportIn,
                  now: dt.datetime | None = None) -> EndOfServiceReport:
    """The provider's end-of-service report: each desired outcome answered once; submitted once."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    if Role(user.role) not in PROVIDER:
        raise Forbidden("The provider writes the end-of-service report.")
    if Status(referral.status) in TERMINAL:
        raise Conflict(f"This referral is {referral.status.replace('_', ' ')}: no report is needed now.")
    chosen = {o.code: o for o in _chosen(session, referral)}
    if not chosen:
        raise Conflict("The practitioner has not chosen the desired outcomes yet: ask them to.")
    given = [o.code for o in data.outcomes]
    if sorted(given) != sorted(chosen) or len(set(given)) != len(given):
        missing, extra = sorted(set(chosen) - set(given)), sorted(set(given) - set(chosen))
        words = "; ".join(filter(None, [
            f"say how far these were met: {', '.join(chosen[c].text for c in missing)}" if missing else "",
            f"these were not chosen: {', '.join(extra)}" if extra else "",
            "answer each outcome once" if len(set(given)) != len(given) else "",
        ]))
        raise InvalidInput(f"Report on every desired outcome once: {words}.", field="outcomes")
    report = EndOfServiceReport(referral_id=referral.id, further_information=data.further_information,
                                submitted_by_id=user.id, submitted_at=now)
    try:
        with session.begin_nested():  # one report per referral, whoever races
            session.add(report)
    except IntegrityError:
        raise Conflict("The end-of-service report was already submitted.") from None
    for answer in data.outcomes:
        row = chosen[answer.code]
        row.achievement = answer.achievement.value
        row.comments = " ".join(answer.comments.split()) if answer.comments and answer.comments.strip() else None
    facts.refresh(session, referral.id)
    session.flush()
    from ratecard.delivery import ending  # ending reads this module's rule: imported when needed

    # With every planned session attended, or an end asked for, the report is what it waited for.
    ending.conclude_if_ready(session=session, user=user, referral_id=referral.id, now=now)
    return report


def report_out(*, session: Session, user: User, referral_id: int) -> EndOfServiceReportOut:
    """The referral's desired outcomes and its report, for either side."""
    referral = service.load_referral(session, user, referral_id)
    report = session.get(EndOfServiceReport, referral.id)
    return EndOfServiceReportOut(
        referral_id=referral.id,
        outcomes=[OutcomeOut(code=o.code, text=o.text, achievement=o.achievement, comments=o.comments)
                  for o in _chosen(session, referral)],
        submitted_at=report.submitted_at if report else None,
        further_information=report.further_information if report else None,
        referral_status=referral.status,
    )
