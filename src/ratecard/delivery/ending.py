"""How a referral ends: either side asks to end it (a coded reason), then the one rule of
`outcomes.end_state` is applied to what was delivered, through the referrals service's named
transitions. No session attended: cancelled at once. Otherwise it waits for the provider's
end-of-service report, then ends early or, every planned session attended, completes.
Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.db import utc_now
from ratecard.delivery import service
from ratecard.delivery.models import ActionPlan, Appointment, DeliveryBudget, EndOfServiceReport, ReferralOutcome
from ratecard.delivery.outcomes import EndState, end_state
from ratecard.delivery.schemas import EndingOut
from ratecard.delivery.workflow import PlanStatus
from ratecard.errors import Conflict
from ratecard.referrals import reasons
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral
from ratecard.referrals.workflow import Status, being_delivered

WORDS = {EndState.CANCELLED: "be cancelled", EndState.COMPLETED: "complete", EndState.ENDED_EARLY: "end early"}
WAITING = "waiting for the end-of-service report"


@dataclass(frozen=True)
class Facts:
    """What the rule reads of a referral's delivery."""

    sessions_attended: int
    sessions_planned: int | None
    report_submitted: bool
    outcomes_chosen: bool
    end_requested: bool

    @property
    def all_attended(self) -> bool:
        """Every planned session attended (never, where no number was planned)."""
        return self.sessions_planned is not None and self.sessions_attended >= self.sessions_planned

    @property
    def ready(self) -> bool:
        """Whether it may end now: asked to, or every planned session attended; and, once any session
        was attended, the report in."""
        return (self.end_requested or self.all_attended) and (self.sessions_attended == 0 or self.report_submitted)

    def state(self) -> EndState:
        """The end state the rule gives for these facts."""
        return end_state(sessions_attended=self.sessions_attended, sessions_planned=self.sessions_planned,
                         report_submitted=self.report_submitted)

    def count(self) -> str:
        """'4 of 6 planned sessions attended', in words."""
        if self.sessions_planned is None:
            return (f"{self.sessions_attended} session{'s' if self.sessions_attended != 1 else ''} attended "
                    "(no number of sessions was planned or bought)")
        return f"{self.sessions_attended} of {self.sessions_planned} planned sessions attended"


def facts(session: Session, referral: Referral) -> Facts:
    """The facts of `referral`: sessions attended (yes or late), sessions planned (the newest approved
    action plan's, else those bought), whether outcomes were chosen, the report is in, an end asked for."""
    attended = session.scalar(
        select(func.count()).select_from(Appointment).where(
            Appointment.referral_id == referral.id, Appointment.kind == "session", Appointment.status == "happened")
    ) or 0
    planned = session.scalar(
        select(ActionPlan.sessions).where(ActionPlan.referral_id == referral.id,
                                          ActionPlan.status == PlanStatus.APPROVED.value)
        .order_by(ActionPlan.number.desc()).limit(1)
    )
    if planned is None:
        budget = session.get(DeliveryBudget, referral.id)
        planned = budget.sessions_bought if budget is not None else service.bought(session, referral)[0]
    chosen = session.scalar(select(func.count()).select_from(ReferralOutcome)
                            .where(ReferralOutcome.referral_id == referral.id)) or 0
    return Facts(sessions_attended=attended, sessions_planned=planned,
                 report_submitted=session.get(EndOfServiceReport, referral.id) is not None,
                 outcomes_chosen=chosen > 0, end_requested=referral.end_requested_at is not None)


def _missing(known: Facts) -> str:
    """Why a referral that was asked to end (or has every session attended) cannot end yet."""
    if not known.outcomes_chosen:
        return (f"{known.count()}: it is {WAITING}. The practitioner chooses the desired outcomes first, "
                "then the provider reports on them.")
    return f"{known.count()}: it is {WAITING}, which the provider submits on the delivery page."


def summary(known: Facts, status: Status) -> str:
    """How the referral will end and why, in plain words."""
    if not being_delivered(status):
        return f"{known.count()}: it is {status.value.replace('_', ' ')}."
    if known.sessions_attended == 0:
        return f"{known.count()}: if either side asks to end it now, it will be cancelled at once."
    if known.end_requested or known.all_attended:
        if not known.report_submitted:
            return f"{known.count()}: it will {WORDS[end_state_with_report(known)]} once the end-of-service report is in."
        return f"{known.count()}: it ends now as {known.state().value.replace('_', ' ')}."
    then = "" if known.report_submitted else " once the end-of-service report is in"
    if known.sessions_planned is None:
        return f"{known.count()}: it goes on until either side asks to end it; it will then end early{then}."
    return (f"{known.count()}: it will complete when every planned session is attended and the end-of-service report "
            f"is in; asked to end before then, it will end early{then}.")


def end_state_with_report(known: Facts) -> EndState:
    """The rule's answer once the report is in, the sessions as they are."""
    return end_state(sessions_attended=known.sessions_attended, sessions_planned=known.sessions_planned,
                     report_submitted=True)


def _finish(session: Session, user: User, referral: Referral, known: Facts, now: dt.datetime) -> Referral:
    """Move the referral to the state the rule gives, through the referrals service (a lost race is 409)."""
    state = known.state()
    if state is EndState.COMPLETED:
        return referrals.complete(session=session, user=user, referral_id=referral.id, now=now)
    move = referrals.cancel if state is EndState.CANCELLED else referrals.end_early
    return move(session=session, user=user, referral_id=referral.id, reason_code=referral.end_reason_code,
                reason=referral.end_reason_detail, now=now)


def conclude_if_ready(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral | None:
    """End the referral by the rule if it is ready to end (see `Facts.ready`); None if it goes on."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    if not being_delivered(Status(referral.status)):
        return None
    known = facts(session, referral)
    return _finish(session, user, referral, known, now) if known.ready else None


def conclude(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """End the referral now by the rule, or 409 saying what it still waits for."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    current = Status(referral.status)
    if not being_delivered(current):
        raise Conflict(f"This referral is {current.value.replace('_', ' ')}: there is nothing to end.", status=current.value)
    known = facts(session, referral)
    if not (known.end_requested or known.all_attended):
        raise Conflict(f"{known.count()}: ask to end it first, with a reason, or deliver the rest.",
                       status=current.value, missing="end_request")
    if not known.ready:
        raise Conflict(_missing(known), status=current.value, missing="end_of_service_report")
    return _finish(session, user, referral, known, now)


def request_end(*, session: Session, user: User, referral_id: int, reason_code: str | None, detail: str | None = None,
                now: dt.datetime | None = None) -> Referral:
    """Either side asks to end a referral being delivered (a reason code of its side; detail for
    "other"); asked once. Then it ends by the rule if it can: at once when no session was attended."""
    now = utc_now(now)
    referral = referrals.record_end_request(session=session, user=user, referral_id=referral_id,
                                            reason_code=reason_code, detail=detail, now=now)
    return conclude_if_ready(session=session, user=user, referral_id=referral.id, now=now) or referral


def ending_out(*, session: Session, user: User, referral_id: int) -> EndingOut:
    """The end request, the facts and where they lead now, for anyone who may see the referral."""
    referral = service.load_referral(session, user, referral_id)
    known = facts(session, referral)
    status = Status(referral.status)
    reason = next((r for r in reasons.reason_lists().end if r.code == referral.end_reason_code), None)
    asker = session.get(User, referral.end_requested_by_id) if referral.end_requested_by_id else None
    open_now = being_delivered(status)
    return EndingOut(
        status=status.value, end_requested_at=referral.end_requested_at, end_requested_by=asker.name if asker else None,
        end_reason_code=referral.end_reason_code,
        end_reason=reasons.words(reason, referral.end_reason_detail) if reason else None,
        sessions_attended=known.sessions_attended, sessions_planned=known.sessions_planned,
        outcomes_chosen=known.outcomes_chosen, report_submitted=known.report_submitted,
        waiting_for_report=open_now and (known.end_requested or known.all_attended) and not known.ready,
        would_end_as=known.state().value if open_now else None, summary=summary(known, status),
    )
