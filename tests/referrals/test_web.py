"""The referral pages, used as the demo users would: sign in, refer, accept, allocate, deliver."""

from __future__ import annotations


import datetime as dt
import re

import pytest

from ratecard.accounts.service import Role
from tests.clients import client_for, form_token, signed_in
from tests.referrals import factories as f


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        users = {"pp": f.user(s), "hub": f.user(s, Role.HUB), "cw": f.user(s, Role.CASEWORKER)}
        s.commit()
    return catalogue_sessions, users


def _browser(sessions, user):
    return signed_in(sessions, user)


def _post(client, path, **data):
    page = "/login" if path == "/login" else "/referrals"
    return client.post(path, data={**data, "csrf_token": form_token(client, page)}, follow_redirects=False)


def test_it_sends_visitors_to_sign_in_and_back(site):
    sessions, _ = site
    response = client_for(sessions).get("/referrals?status=accepted", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Freferrals%3Fstatus%3Daccepted"


def test_it_refuses_forged_csrf_tokens_and_changes_nothing(site):
    sessions, users = site
    client = _browser(sessions, users["pp"])
    response = client.post("/referrals/new", data={"csrf_token": "forged", "service_id": "cln-conflict-resolution", "crn": "X123456", "name": "A"})
    assert response.status_code == 403
    assert "X123456" not in client.get("/referrals").text


def test_it_does_not_sign_in_with_a_wrong_password(site):
    sessions, users = site
    client = client_for(sessions)
    client.get("/login")
    response = _post(client, "/login", email=users["pp"].email, password="nope")
    assert response.status_code == 401 and "not right" in response.text


def test_it_runs_a_referral_from_form_to_completion_in_the_browser(site):
    sessions, users = site
    pp, hub, cw = (_browser(sessions, users[k]) for k in ("pp", "hub", "cw"))
    crn = f.crn()
    assert "Refer to Conflict Resolution" in pp.get("/referrals/new?service_id=cln-conflict-resolution").text
    created = _post(pp, "/referrals/new", service_id="cln-conflict-resolution", crn=crn, name="Jo Bloggs", sex="male",
                    area="Preston", risk_notes="Low", priority="urgent")
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    for client, action, extra in ((pp, "submit", {}), (pp, "transfer", {}), (hub, "accept", {}),
                                  (hub, "allocate", {"caseworker_id": str(users["cw"].id)}), (cw, "start", {})):
        page = client.get(path).text
        assert f'action="{path}/{action}"' in page, f"{action} button missing"
        assert _post(client, f"{path}/{action}", **extra).status_code == 303
    # No bare "Complete": it ends on the delivery page, by what was delivered.
    page = cw.get(path).text
    assert f'action="{path}/complete"' not in page and f'href="{path}/delivery#ending"' in page
    refused = _post(cw, f"{path}/complete")
    assert refused.status_code == 409 and "ends by what was delivered" in refused.text
    referral_id = int(path.rsplit("/", 1)[1])
    _attend_every_session(sessions, users["cw"], referral_id)
    assert _post(pp, f"{path}/delivery/desired-outcomes", codes=["gen-engage", "gen-goals"]).status_code == 303
    assert "will complete once the end-of-service report is in" in cw.get(f"{path}/delivery").text
    reported = _post(cw, f"{path}/delivery/end-of-service-report", **{
        "achievement-gen-engage": "achieved", "achievement-gen-goals": "partially_achieved",
        "comments-gen-goals": "One goal left", "further_information": "Joined a peer group"})
    assert reported.status_code == 303, reported.text
    final = pp.get(path).text
    assert _tag(final) == "Completed" and "Allocated to" in final and crn in final
    assert crn in hub.get("/referrals?status=completed").text


def _attend_every_session(sessions, caseworker, referral_id):
    """The four sessions bought, booked and attended (the services, with their clock an hour past each)."""
    from ratecard.delivery import service as delivery
    from ratecard.delivery.schemas import AppointmentIn, FeedbackIn

    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=5)
    with sessions() as s:
        for n in range(4):
            at = start + dt.timedelta(days=n)
            made = delivery.book(session=s, user=caseworker, referral_id=referral_id, data=AppointmentIn(
                kind="session", session_number=n + 1, starts_at=at, duration_minutes=60, method="video"))
            delivery.record_feedback(session=s, user=caseworker, appointment_id=made.id, now=at + dt.timedelta(hours=1),
                                     data=FeedbackIn(attended="yes"))
        s.commit()


def test_it_shows_form_errors_and_keeps_what_was_typed(site):
    sessions, users = site
    pp = _browser(sessions, users["pp"])
    response = _post(pp, "/referrals/new", service_id="cln-conflict-resolution", crn="123", name="Jo Bloggs")
    assert response.status_code == 400
    assert 'href="#crn"' in response.text and 'value="Jo Bloggs"' in response.text


def test_it_shows_the_problems_that_block_a_submission(site):
    sessions, users = site
    pp = _browser(sessions, users["pp"])
    created = _post(pp, "/referrals/new", service_id="cln-conflict-resolution", crn=f.crn(), name="Jo", area="Norfolk")
    response = _post(pp, created.headers["location"] + "/submit")
    assert response.status_code == 422 and "not available in Norfolk" in response.text
    assert "govuk-error-summary" in response.text and "Submit referral" in response.text  # the page, with its actions


def _stored(sessions, make):
    with sessions() as s:
        referral = make(s)
        s.commit()
        return referral.id


def _tag(html: str) -> str:
    found = re.search(r'<h1.*?<strong class="govuk-tag[^"]*">\s*(.*?)\s*</strong>', html, re.S)
    assert found, "no status tag"
    return found.group(1)


def test_it_names_statuses_in_each_readers_words_and_providers_by_name(site):
    sessions, users = site
    referral_id = _stored(sessions, lambda s: f.transferred(s, users["pp"]))
    pp, hub = _browser(sessions, users["pp"]), _browser(sessions, users["hub"])
    for client, words in ((pp, "Sent to provider"), (hub, "Incoming")):
        listing = client.get("/referrals").text
        assert f"{words} (1)" in listing  # the tab
        assert f'data-label="Status">{words}</td>' in listing
        assert 'data-label="Provider">Cumbria and Lancashire CRC</td>' in listing and ">CLN<" not in listing
        page = client.get(f"/referrals/{referral_id}").text
        assert _tag(page) == words
        assert f"<strong>{words}</strong> by" in page  # the history
        assert "Cumbria and Lancashire CRC" in page
    assert "Transferred" not in pp.get(f"/referrals/{referral_id}").text


def test_it_shows_registration_and_the_cancellation_charge(site):
    sessions, users = site
    with sessions() as s:
        kss = f.user(s, Role.HUB, provider_id="kss")
        s.commit()
    cscs = {"person": {"area": "Kent"}, "service_id": "kss-cscs-card-training",
            "option_id": "kss-cscs-card-training--cscs-card-training"}
    referral_id = _stored(sessions, lambda s: f.transferred(s, users["pp"], **cscs))
    hub, pp = _browser(sessions, kss), _browser(sessions, users["pp"])
    path = f"/referrals/{referral_id}"
    assert _post(hub, f"{path}/accept").status_code == 303
    assert "Not recorded yet" in hub.get(path).text
    assert _post(hub, f"{path}/registration").status_code == 303
    page = pp.get(path).text
    assert re.search(r"Registration\s*</dt>\s*<dd[^>]*>\s*Recorded on \d\d \w{3} \d{4}", page)
    assert "<strong>Registration recorded</strong> by" in page
    refused = _post(pp, f"{path}/cancel", reason="Found work")
    assert refused.status_code == 409 and "/end-request" in refused.text and _tag(pp.get(path).text) != "Cancelled"
    # Asked to end on the delivery page before any session: cancelled at once, charged after registration.
    asked = _post(pp, f"{path}/delivery/end-request", reason_code="other", end_detail="Found work")
    assert asked.status_code == 303, asked.text
    page = pp.get(path).text
    assert re.search(r"Cancellation charge\s*</dt>\s*<dd[^>]*>\s*£100.00", page)
    assert _tag(page) == "Cancelled"


def test_it_says_when_a_page_number_is_past_the_end(site):
    sessions, users = site
    _stored(sessions, lambda s: f.draft(s, users["pp"]))
    response = _browser(sessions, users["pp"]).get("/referrals?page=9")
    assert response.status_code == 404
    assert "There is no page 9: there is 1 page" in response.text


def test_it_links_a_window_of_pages_not_every_page(site):
    sessions, users = site
    with sessions() as s:
        for _ in range(7 * 20 + 1):  # eight pages of drafts
            f.draft(s, s.merge(users["pp"]))
        s.commit()
    page = _browser(sessions, users["pp"]).get("/referrals?page=4").text
    links = set(re.findall(r'href="/referrals\?page=(\d+)"', page))
    assert links == {"1", "2", "3", "4", "5", "6", "8"}  # first, last, page 4 and two either side: not 7
    assert page.count("govuk-pagination__item--ellipsis") == 1


def test_it_withdraws_with_a_coded_reason_from_the_radios(site):
    sessions, users = site
    referral_id = _stored(sessions, lambda s: f.transferred(s, users["pp"]))
    pp = _browser(sessions, users["pp"])
    path = f"/referrals/{referral_id}"
    page = pp.get(path).text
    assert 'name="reason_code" type="radio" value="made_in_error"' in page and "The person has died" in page
    missing = _post(pp, f"{path}/withdraw", reason_code="other")
    assert missing.status_code == 422 and "needs a few words of detail" in missing.text
    unknown = _post(pp, f"{path}/withdraw", reason_code="disengaged")
    assert unknown.status_code == 422 and "Choose one of: made_in_error (the referral was made in error)" in unknown.text
    assert _tag(pp.get(path).text) != "Withdrawn"
    assert _post(pp, f"{path}/withdraw", reason_code="duplicate").status_code == 303
    page = pp.get(path).text
    assert _tag(page) == "Withdrawn" and "It duplicates another referral" in page


def test_it_shows_a_capped_count_as_at_least_and_pages_on_without_a_last_page(site, monkeypatch):
    from ratecard.referrals import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    sessions, users = site
    with sessions() as s:
        for _ in range(3 * 20 + 5):  # four pages of drafts
            f.draft(s, s.merge(users["pp"]))
        for _ in range(2):
            f.transferred(s, s.merge(users["pp"]))
        s.commit()
    pp = _browser(sessions, users["pp"])
    first = pp.get("/referrals?status=draft").text
    assert "All (5+)" in first and "Draft (3+)" in first and "Sent to provider (2)" in first
    assert "Showing 1 to 20 of 3+ referrals" in first
    # Only the pages known are linked: the counted one and the next (the page was full); not the last.
    assert set(re.findall(r'href="/referrals\?status=draft&amp;page=(\d+)"', first)) == {"1", "2"}
    assert 'rel="next"' in first
    last = pp.get("/referrals?status=draft&page=4").text
    assert "Showing 61 to 65 of 3+ referrals" in last and 'rel="next"' not in last and 'rel="prev"' in last
    past = pp.get("/referrals?status=draft&page=9")
    assert past.status_code == 404 and "There is no page 9: there are fewer pages than that" in past.text
    exact = pp.get("/referrals?status=transferred").text
    assert "Showing 1 to 2 of 2 referrals" in exact and 'rel="next"' not in exact
