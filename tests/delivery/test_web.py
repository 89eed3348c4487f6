"""The delivery page, used as the provider and the practitioner would: book, record, plan, note."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ratecard.delivery.models import Appointment, CaseNote
from tests.clients import client_for, form_token, signed_in
from tests.delivery import factories as f
from tests.referrals import factories as rf


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        people = f.cast(s)
        referral = f.allocated(s, people)
        s.commit()
    return catalogue_sessions, people, referral.id


def _browser(sessions, user):
    return signed_in(sessions, user)


def _post(client, referral_id, path, **data):
    token = form_token(client, f"/referrals/{referral_id}/delivery")
    return client.post(f"/referrals/{referral_id}/delivery{path}", data={**data, "csrf_token": token}, follow_redirects=False)


def _count(sessions, model=Appointment) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def _when(days: int) -> dict[str, str]:
    day = dt.date.today() + dt.timedelta(days=days)
    return {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year), "time": "10:00"}


def test_it_books_an_appointment_from_the_form_and_shows_it(site):
    sessions, people, rid = site
    cw = _browser(sessions, people["cw"])
    answer = _post(cw, rid, "/appointments", kind="session", duration_minutes="60", method="phone", **_when(-1))
    assert answer.status_code == 303 and answer.headers["location"] == f"/referrals/{rid}/delivery"
    page = cw.get(f"/referrals/{rid}/delivery").text
    assert "1 booked and 0 attended of 4 bought" in page and "Record what happened" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"method": "in_person"}, "Say where an in-person appointment is"),
        ({"method": "phone", "duration_minutes": "0"}, "Length in minutes must be 1 or more"),
        ({"method": "phone", "duration_minutes": "lots"}, "Length in minutes must be a whole number"),
        ({"method": ""}, "Select how it is held from the list"),
    ],
)
def test_it_shows_plain_words_for_a_bad_booking_and_books_nothing(site, fields, message):
    sessions, people, rid = site
    cw = _browser(sessions, people["cw"])
    answer = _post(cw, rid, "/appointments", **({"kind": "session", "duration_minutes": "60"} | _when(2) | fields))
    assert answer.status_code == 400 and message in answer.text
    assert "Value error" not in answer.text and "greater_than_equal" not in answer.text
    assert _count(sessions) == 0


def test_it_refuses_a_booking_past_the_budget_on_the_page(site):
    sessions, people, rid = site
    cw = _browser(sessions, people["cw"])
    for day in range(1, 5):
        assert _post(cw, rid, "/appointments", kind="session", duration_minutes="60", method="video", **_when(day)).status_code == 303
    answer = _post(cw, rid, "/appointments", kind="session", duration_minutes="60", method="video", **_when(6))
    assert answer.status_code == 409 and "0 sessions and 0 hours left to book" in answer.text
    assert _count(sessions) == 4


def test_it_records_feedback_and_the_practitioner_sees_the_hours(site):
    sessions, people, rid = site
    cw = _browser(sessions, people["cw"])
    _post(cw, rid, "/appointments", kind="session", duration_minutes="90", method="video", **_when(-2))
    with sessions() as s:
        aid = s.scalars(select(Appointment.id)).one()
    assert _post(cw, rid, f"/appointments/{aid}/feedback", attended="late").status_code == 400  # no reason given
    assert _post(cw, rid, f"/appointments/{aid}/feedback", attended="late", late_reason="Bus").status_code == 303
    page = _browser(sessions, people["pp"]).get(f"/referrals/{rid}/delivery").text
    assert "1.5 hours delivered of 4 hours" in page and "Attended late" in page


def test_it_keeps_booking_forms_from_the_practitioner_and_pages_from_others(site):
    sessions, people, rid = site
    pp = _browser(sessions, people["pp"])
    assert "Book an appointment" not in pp.get(f"/referrals/{rid}/delivery").text
    assert _post(pp, rid, "/appointments", kind="session", duration_minutes="60", method="phone", **_when(1)).status_code == 403
    other = _browser(sessions, people["hub_other"])
    assert other.get(f"/referrals/{rid}/delivery").status_code == 404
    assert _count(sessions) == 0


def test_it_adds_a_case_note_from_either_side(site):
    sessions, people, rid = site
    pp = _browser(sessions, people["pp"])
    assert _post(pp, rid, "/notes", subject="", body="x").status_code == 400
    assert _post(pp, rid, "/notes", subject="Address", body="Moved to Lancaster", email="yes").status_code == 303
    assert "Moved to Lancaster" in _browser(sessions, people["cw"]).get(f"/referrals/{rid}/delivery").text
    assert _count(sessions, CaseNote) == 1


def test_it_shows_the_hub_its_performance_with_a_chart_its_table_and_the_csv(site):
    sessions, people, rid = site
    hub = _browser(sessions, people["hub"])
    page = hub.get("/reports/performance")
    assert page.status_code == 200 and "figures" in page.text and 'alt="Bar chart of referrals' in page.text and "performance.csv?" in page.text
    chart = hub.get("/reports/performance.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml") and "<svg" in chart.text and "<script" not in chart.text
    lines = hub.get("/reports/performance.csv").text.splitlines()
    assert len(lines) == 2  # the header and the site's one referral
    assert _browser(sessions, people["pp"]).get("/reports/performance").status_code == 403


def test_it_shows_the_hub_its_caseload_by_tab(site):
    sessions, people, rid = site
    hub = _browser(sessions, people["hub"])
    page = hub.get("/cases?tab=open")
    assert page.status_code == 200 and "All open (1)" in page.text and f"/referrals/{rid}/delivery" in page.text
    assert 'href="/cases"' in page.text  # the navigation offers it
    assert hub.get("/cases?tab=open&page=9").status_code == 404
    assert _browser(sessions, people["pp"]).get("/cases").status_code == 403


def test_it_schedules_a_group_around_a_bank_holiday_and_enrols_from_the_pages(site):
    sessions, people, rid = site
    hub = _browser(sessions, people["hub"])
    token = form_token(hub, "/groups")
    bad = hub.post("/groups", data={"csrf_token": token, "service_id": "cln-thinking-skills-programme", "name": "TSP",
                                    "venue": "Unit 4", "postcode": "PR1 2HE"}, follow_redirects=False)
    assert bad.status_code == 400 and "Weekly slots" in bad.text
    made = hub.post("/groups", follow_redirects=False, data={
        "csrf_token": token, "service_id": "cln-thinking-skills-programme", "name": "TSP Preston", "venue": "Unit 4",
        "postcode": "PR1 2HE", "start_date-day": "24", "start_date-month": "8", "start_date-year": "2026",
        "weekday": "monday", "time-monday": "10:00", "session_minutes": "120"})
    assert made.status_code == 303
    page = hub.get(made.headers["location"]).text
    assert "2026-08-31" in page and "0 of 12 taken" in page
    refused = hub.post(made.headers["location"] + "/members", data={"csrf_token": form_token(hub, made.headers["location"]),
                                                                    "reference": "RC-NOTHERE"}, follow_redirects=False)
    assert refused.status_code == 400 and "Enter the reference of a referral" in refused.text
    assert _browser(sessions, people["pp"]).get("/groups").status_code == 403


# --- ending -----------------------------------------------------------------------------------


def _attend_on_the_page(sessions, cw, rid, days_ago: int) -> None:
    assert _post(cw, rid, "/appointments", kind="session", duration_minutes="60", method="video", **_when(-days_ago)).status_code == 303
    with sessions() as s:
        aid = s.scalars(select(Appointment.id).where(Appointment.referral_id == rid, Appointment.status == "booked")).one()
    assert _post(cw, rid, f"/appointments/{aid}/feedback", attended="yes").status_code == 303


def _referral(sessions, rid):
    from ratecard.referrals.models import Referral

    with sessions() as s:
        return s.get(Referral, rid)


def test_it_ends_a_referral_from_the_delivery_page_once_the_report_is_in(site):
    sessions, people, rid = site
    pp, cw = _browser(sessions, people["pp"]), _browser(sessions, people["cw"])
    _attend_on_the_page(sessions, cw, rid, 3)
    page = pp.get(f"/referrals/{rid}/delivery").text
    assert "Choose the desired outcomes" in page and "data-end-of-service-report" not in page
    assert "1 of 4 planned sessions attended: it will complete when every planned session is attended" in page
    assert _post(pp, rid, "/desired-outcomes", codes=["atb-emotions", "gen-engage"]).status_code == 303
    not_theirs = _post(pp, rid, "/end-of-service-report", **{"achievement-gen-engage": "achieved"})
    assert not_theirs.status_code == 403 and "The provider writes the end-of-service report." in not_theirs.text
    assert _post(cw, rid, "/desired-outcomes", codes=["gen-goals"]).status_code == 403
    none_chosen = _post(pp, rid, "/desired-outcomes")
    assert none_chosen.status_code == 400 and 'href="#codes"' in none_chosen.text
    assert 'name="codes"' not in cw.get(f"/referrals/{rid}/delivery").text  # the provider does not choose them
    assert _post(pp, rid, "/end-request", reason_code="recalled", end_detail="Back in custody").status_code == 303
    page = cw.get(f"/referrals/{rid}/delivery").text
    assert "1 of 4 planned sessions attended: it will end early once the end-of-service report is in." in page
    assert "data-end-request" not in page and "The person has been recalled or is in custody: Back in custody" in page
    assert "Book an appointment" not in page  # and a booking posted all the same is refused
    refused = _post(cw, rid, "/appointments", kind="session", duration_minutes="60", method="video", **_when(-1))
    assert refused.status_code == 409 and "no new appointments can be booked" in refused.text
    missing = _post(cw, rid, "/end-of-service-report", **{"achievement-gen-engage": "achieved"})
    assert missing.status_code == 400 and 'href="#achievement-atb-emotions"' in missing.text
    assert "Say how far this was met: Manages emotions and impulses better" in missing.text
    assert 'href="#achievement-gen-engage"' not in missing.text  # answered: no message
    assert _referral(sessions, rid).status == "in_progress"
    done = _post(cw, rid, "/end-of-service-report", **{"achievement-gen-engage": "achieved",
                                                      "achievement-atb-emotions": "not_achieved",
                                                      "comments-atb-emotions": "Too soon to tell"})
    assert done.status_code == 303, done.text
    assert _referral(sessions, rid).status == "ended_early"
    page = pp.get(f"/referrals/{rid}/delivery").text
    assert "Not achieved – Too soon to tell" in page and "it is ended early" in page


@pytest.mark.parametrize(("fields", "href", "message"), [
    ({}, "#reason_code", "Select why this referral should end, from the reasons listed."),
    ({"reason_code": "other"}, "#end_detail", "needs a few words of detail"),
    ({"reason_code": "needs_met"}, "#reason_code", "Select why this referral should end"),  # the provider's reason
])
def test_it_shows_an_end_request_error_in_the_summary_and_writes_nothing(site, fields, href, message):
    sessions, people, rid = site
    pp = _browser(sessions, people["pp"])
    answer = _post(pp, rid, "/end-request", **fields)
    assert answer.status_code == 422 and f'href="{href}"' in answer.text and message in answer.text
    assert _referral(sessions, rid).end_requested_at is None


def test_it_refuses_a_forged_end_request(site):
    sessions, people, rid = site
    pp = _browser(sessions, people["pp"])
    pp.get(f"/referrals/{rid}/delivery")
    answer = pp.post(f"/referrals/{rid}/delivery/end-request", data={"reason_code": "recalled", "csrf_token": "forged"},
                     follow_redirects=False)
    assert answer.status_code == 403 and _referral(sessions, rid).status == "allocated"


def test_it_cancels_from_the_page_at_once_when_nothing_was_attended(site):
    sessions, people, rid = site
    hub = _browser(sessions, people["hub"])
    page = hub.get(f"/referrals/{rid}").text
    assert f'action="/referrals/{rid}/cancel"' not in page and f'action="/referrals/{rid}/end-early"' not in page
    assert "if either side asks to end it now, it will be cancelled at once" in hub.get(f"/referrals/{rid}/delivery").text
    assert _post(hub, rid, "/end-request", reason_code="disengaged").status_code == 303
    assert _referral(sessions, rid).status == "cancelled"
    assert "asked to end it on" in hub.get(f"/referrals/{rid}").text
    other = _browser(sessions, people["hub_other"])
    assert other.get(f"/referrals/{rid}/delivery").status_code == 404


def test_it_shows_a_capped_tab_count_as_at_least_and_pages_on(site, monkeypatch):
    from ratecard.referrals import queries
    from ratecard.referrals import service as referrals

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    sessions, people, _ = site
    with sessions() as s:
        for _ in range(24):  # 25 open with the site's: two pages, the count capped at 3
            waiting = rf.transferred(s, s.merge(people["pp"]))
            referrals.accept(session=s, user=s.merge(people["hub"]), referral_id=waiting.id, now=f.ACCEPTED)
        s.commit()
    hub = _browser(sessions, people["hub"])
    first = hub.get("/cases?tab=open").text
    assert "All open (3+)" in first and "Unassigned (3+)" in first and "Completed (0)" in first
    assert "Page 1</p>" in first and "&page=2" in first  # no "of": the last page is not known
    second = hub.get("/cases?tab=open&page=2").text
    assert "Page 2</p>" in second and "&page=3" not in second
    past = hub.get("/cases?tab=open&page=9")
    assert past.status_code == 404 and "fewer pages than that" in past.text
    answer = client_for(sessions)
    token_headers = {"Authorization": f"Bearer {_token(sessions, people['hub'])}"}
    cases = answer.get("/api/v1/cases?tab=open", headers=token_headers).json()
    assert (cases["counts"]["open"], cases["counts_capped"], cases["pages"]) == (3, ["open", "unassigned"], 2)


def _token(sessions, user):
    from ratecard.accounts.service import issue_token

    with sessions() as s:
        token = issue_token(session=s, user=s.merge(user))
        s.commit()
    return token
