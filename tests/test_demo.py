"""Lived-in demo data: made-up people and referrals in every status, made through the service, once."""

from __future__ import annotations

from sqlalchemy import func, select

from ratecard.accounts.demo import create_demo_users
from ratecard.delivery.models import EndOfServiceReport, ReferralOutcome
from ratecard.demo import PEOPLE, REFERRALS, create_demo_data
from ratecard.referrals.models import OutboxMessage, Person, Referral, ReferralHistory
from ratecard.referrals.workflow import Status


def test_it_makes_referrals_in_every_status_for_all_five_providers_once(catalogue_session):
    s = catalogue_session
    create_demo_users(session=s)
    report = create_demo_data(session=s)
    assert report.unplaced == [] and report.made == len(REFERRALS) and report.skipped == 0
    rows = s.execute(select(Referral.status, Referral.provider_id, Referral.idempotency_key)).all()
    assert {status for status, _, _ in rows} == {status.value for status in Status}
    assert {provider for _, provider, _ in rows} == {"cln", "nsf", "esx", "kss", "dlnr"}
    people = s.scalars(select(Person)).all()
    assert len(people) == len(PEOPLE) and all(p.crn.startswith("X9") for p in people)
    # Every referral has the history its status needs: created, then one row per step.
    for referral in s.scalars(select(Referral)):
        steps = [h.to_status for h in referral.history]
        assert steps[0] == Status.DRAFT.value and steps[-1] == referral.status
        assert all(a.at <= b.at for a, b in zip(referral.history, referral.history[1:]))
    assert s.scalar(select(func.count()).select_from(OutboxMessage)) > 0
    history = s.scalar(select(func.count()).select_from(ReferralHistory))
    again = create_demo_data(session=s)
    assert (again.made, again.skipped) == (0, len(REFERRALS))
    assert s.scalar(select(func.count()).select_from(Referral)) == len(REFERRALS)
    assert s.scalar(select(func.count()).select_from(ReferralHistory)) == history


def test_it_gives_each_status_a_plausible_path(catalogue_session):
    s = catalogue_session
    create_demo_users(session=s)
    create_demo_data(session=s)
    completed = s.scalar(select(Referral).where(Referral.status == Status.COMPLETED.value))
    assert [h.to_status for h in completed.history] == [
        "draft", "referred", "transferred", "accepted", "allocated", "in_progress", "completed"]
    assert completed.caseworker_id is not None and completed.actual_end is not None
    # Ended ones got there by the rule: outcomes reported where sessions were attended, coded reasons.
    for ended in s.scalars(select(Referral).where(Referral.status.in_(["completed", "ended_early"]))):
        assert s.get(EndOfServiceReport, ended.id) is not None
        assert s.scalar(select(func.count()).select_from(ReferralOutcome).where(
            ReferralOutcome.referral_id == ended.id, ReferralOutcome.achievement.is_not(None))) == 2
    for ended in s.scalars(select(Referral).where(Referral.status.in_(["ended_early", "cancelled"]))):
        assert ended.end_reason_code and ended.history[-1].reason_code == ended.end_reason_code
    withdrawn = s.scalar(select(Referral).where(Referral.status == Status.WITHDRAWN.value))
    assert withdrawn.history[-1].reason_code == "moved_out_of_area"
    rejected = s.scalar(select(Referral).where(Referral.status == Status.REJECTED.value))
    assert rejected.history[-1].reason
    drafts = s.scalars(select(Referral).where(Referral.status == Status.DRAFT.value)).all()
    assert drafts and all(len(d.history) == 1 for d in drafts)
