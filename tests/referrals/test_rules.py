"""The brochures' rules at submission: eligibility, prerequisites, pro-forma, timing, area, duplicates, charges."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ratecard.accounts.service import Role
from ratecard.delivery import ending
from ratecard.errors import Conflict, InvalidInput
from ratecard.referrals import service
from ratecard.referrals.models import Referral, ReferralHistory
from tests.referrals import factories as f

TODAY = dt.date.today()


@pytest.fixture
def s(catalogue_session):
    return catalogue_session


@pytest.fixture
def pp(s):
    return f.user(s)


def _submit(s, user, referral, **kwargs):
    return service.submit(session=s, user=user, referral_id=referral.id, **kwargs)


def _problems(excinfo) -> str:
    return " | ".join(excinfo.value.details["problems"])


def _deliver(s, pp, referral, provider="cln"):
    hub = f.user(s, Role.HUB, provider_id=provider)
    worker = f.user(s, Role.CASEWORKER, provider_id=provider)
    _submit(s, pp, referral)
    service.transfer(session=s, user=pp, referral_id=referral.id)
    service.accept(session=s, user=hub, referral_id=referral.id)
    service.allocate(session=s, user=hub, referral_id=referral.id, caseworker_id=worker.id)
    service.start(session=s, user=worker, referral_id=referral.id)
    return service.complete(session=s, user=worker, referral_id=referral.id)


def test_it_blocks_an_ineligible_person_unless_an_override_reason_is_recorded(s, pp):
    man = {"person": {"sex": "male", "area": "Southend"}, "service_id": "esx-women-only-mentoring",
           "option_id": "esx-women-only-mentoring--low-intensity"}
    referral = f.draft(s, pp, **man)
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, referral)
    assert "not eligible" in _problems(caught) and "Record an override reason" in _problems(caught)
    assert s.get(Referral, referral.id).status == "draft"
    done = _submit(s, pp, referral, override_reason="Identifies as a woman; agreed with the provider")
    assert done.status == "referred" and done.eligibility_result == "ineligible"
    assert done.override_reason.startswith("Identifies") and any("Referred although not eligible" in w for w in done.warnings)
    assert s.scalars(select(ReferralHistory.reason).where(ReferralHistory.referral_id == referral.id)).all()[-1].startswith("Identifies")


def test_it_ignores_an_override_reason_when_the_person_is_eligible(s, pp):
    referral = f.draft(s, pp)
    done = _submit(s, pp, referral, override_reason="Just in case")
    assert done.eligibility_result == "eligible" and done.override_reason is None
    assert s.scalars(select(ReferralHistory.reason).where(ReferralHistory.referral_id == referral.id)).all() == ["Created", None]


def test_it_blocks_a_service_outside_the_persons_area_even_with_an_override(s, pp):
    referral = f.draft(s, pp, person={"area": "Norfolk"})
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, referral, override_reason="Please")
    assert "not available in Norfolk" in _problems(caught)


def test_it_warns_and_lists_what_is_missing_when_eligibility_is_unknown(s, pp):
    referral = f.draft(s, pp, person={"sex": None, "area": "Southend"}, service_id="esx-women-only-mentoring",
                       option_id="esx-women-only-mentoring--low-intensity")
    done = _submit(s, pp, referral)
    assert done.eligibility_result == "unknown"
    assert any(w.startswith("Eligibility could not be confirmed. Answers needed:") and "sex" in w for w in done.warnings)


def test_it_recommends_the_assessment_before_an_intensity(s, pp):
    person = {"crn": f.crn(), "area": "Norfolk"}
    low = f.draft(s, pp, person=person, service_id="nsf-accommodation-support", option_id="nsf-accommodation-support--low")
    assert any("assessment" in w for w in _submit(s, pp, low).warnings)
    service.withdraw(session=s, user=pp, referral_id=low.id, reason_code="other", reason="Assessment first")
    assessment = f.draft(s, pp, person=person, service_id="nsf-accommodation-support", option_id="nsf-accommodation-support--assessment")
    _deliver(s, pp, assessment, provider="nsf")
    again = f.draft(s, pp, person=person, service_id="nsf-accommodation-support", option_id="nsf-accommodation-support--low")
    assert not any("assessment" in w for w in _submit(s, pp, again).warnings)


def test_it_requires_cumbria_and_lancashires_community_integration_assessment_first(s, pp):
    person = {"crn": f.crn()}
    housing = f.draft(s, pp, person=person, service_id="cln-accommodation", option_id="cln-accommodation--low")
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, housing)
    assert "Community Integration" in _problems(caught)
    first = f.draft(s, pp, person=person, service_id="cln-community-integration-initial-assessment-and-planning",
                    option_id="cln-community-integration-initial-assessment-and-planning--assessment")
    _submit(s, pp, first)
    assert _submit(s, pp, housing).status == "referred"


@pytest.mark.parametrize(
    ("modules", "sessions", "problem"),
    [([], None, "Complete the pro-forma"), (["Home", "Money", "Habit", "Health"], 12, "At most 3 modules"),
     (["Home"], 19, "At most 18 sessions")],
)
def test_it_needs_the_msrp_pro_forma_within_three_modules_and_eighteen_sessions(s, pp, modules, sessions, problem):
    msrp = {"person": {"area": "Kent"}, "service_id": "kss-delivery-of-home-modules-from-msrp",
            "option_id": "kss-delivery-of-home-modules-from-msrp--msrp-home-module"}
    referral = f.draft(s, pp, msrp_modules=modules, msrp_sessions=sessions, **msrp)
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, referral)
    assert problem in _problems(caught)


def test_it_accepts_a_pro_forma_at_the_limits(s, pp):
    referral = f.draft(s, pp, person={"area": "Kent"}, service_id="kss-delivery-of-home-modules-from-msrp",
                       option_id="kss-delivery-of-home-modules-from-msrp--msrp-home-module",
                       msrp_modules=["Home", "Money", "Habit"], msrp_sessions=18)
    assert _submit(s, pp, referral).status == "referred"


def _ttg(s, pp, *, weeks: int, prison: str, start_weeks_before: int | None = None):
    release = TODAY + dt.timedelta(weeks=weeks)
    values = {"person": {"area": "Norfolk", "profile": {"setting": "custody"}},
              "service_id": "nsf-non-resettlement-prisons-through-the-gate-service",
              "release_date": release.isoformat(), "prison": prison,
              "expected_start": None, "expected_end": None}
    if start_weeks_before is not None:
        values["expected_start"] = (release - dt.timedelta(weeks=start_weeks_before)).isoformat()
    return f.draft(s, pp, **values)


def test_it_needs_fifteen_weeks_notice_from_a_non_resettlement_prison(s, pp):
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, _ttg(s, pp, weeks=14, prison="HMP Peterborough"))
    assert "at least 15 weeks" in _problems(caught)
    assert _submit(s, pp, _ttg(s, pp, weeks=16, prison="HMP Peterborough")).status == "referred"


def test_it_points_out_that_resettlement_prisons_give_the_support_without_a_referral(s, pp):
    done = _submit(s, pp, _ttg(s, pp, weeks=16, prison="HMP Norwich"))
    assert any("resettlement prisons" in w for w in done.warnings)
    assert not any("resettlement prisons" in w for w in _submit(s, pp, _ttg(s, pp, weeks=16, prison="HMP Peterborough")).warnings)


def test_it_starts_pre_release_support_only_in_the_final_twelve_weeks(s, pp):
    with pytest.raises(InvalidInput) as caught:
        _submit(s, pp, _ttg(s, pp, weeks=20, prison="HMP Peterborough", start_weeks_before=13))
    assert "final 12 weeks" in _problems(caught)
    assert _submit(s, pp, _ttg(s, pp, weeks=20, prison="HMP Peterborough", start_weeks_before=12)).status == "referred"


def test_it_allows_one_open_referral_per_person_per_service(s, pp):
    person = {"crn": f.crn()}
    f.draft(s, pp, person=person)
    with pytest.raises(Conflict, match="already has an open referral"):
        f.draft(s, pp, person=person)


def test_it_lets_the_database_refuse_a_duplicate_that_slips_past_the_check(s, pp):
    first = f.draft(s, pp)
    twin = Referral(**{c.key: getattr(first, c.key) for c in Referral.__table__.columns if c.key not in ("id", "reference")})
    twin.reference = "RC-TWIN0001"
    twin.idempotency_key = None
    s.add(twin)
    with pytest.raises(IntegrityError), s.begin_nested():
        s.flush()


def test_it_records_the_cscs_charge_when_cancelled_after_registration(s, pp):
    hub = f.user(s, Role.HUB, provider_id="kss")
    cscs = {"person": {"area": "Kent"}, "service_id": "kss-cscs-card-training",
            "option_id": "kss-cscs-card-training--cscs-card-training"}
    charged = f.transferred(s, pp, **cscs)
    service.accept(session=s, user=hub, referral_id=charged.id)
    service.record_registration(session=s, user=hub, referral_id=charged.id)
    # Asked to end with no session attended, it is cancelled at once (delivery's ending rule).
    cancelled = ending.request_end(session=s, user=pp, referral_id=charged.id, reason_code="other", detail="Found work")
    assert cancelled.status == "cancelled" and cancelled.cancellation_charge_pence == 10000
    assert "£100.00" in cancelled.history[-1].reason and cancelled.history[-1].reason_code == "other"
    free = f.transferred(s, pp, **cscs)
    service.accept(session=s, user=hub, referral_id=free.id)
    assert ending.request_end(session=s, user=pp, referral_id=free.id, reason_code="other",
                              detail="Found work").cancellation_charge_pence is None


def test_it_needs_a_reason_to_cancel_even_when_a_charge_is_due(s, pp):
    hub = f.user(s, Role.HUB, provider_id="kss")
    cscs = {"person": {"area": "Kent"}, "service_id": "kss-cscs-card-training",
            "option_id": "kss-cscs-card-training--cscs-card-training"}
    referral = f.transferred(s, pp, **cscs)
    service.accept(session=s, user=hub, referral_id=referral.id)
    service.record_registration(session=s, user=hub, referral_id=referral.id)
    with pytest.raises(InvalidInput, match="reason"):
        ending.request_end(session=s, user=pp, referral_id=referral.id, reason_code=None)
    assert s.get(Referral, referral.id).status == "accepted" and s.get(Referral, referral.id).end_requested_at is None
