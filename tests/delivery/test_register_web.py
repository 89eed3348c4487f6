"""The register of a group session on the web: one form for every member, recorded at once or not at all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from ratecard.delivery import groups
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.delivery.schemas import GroupIn
from tests.clients import form_token, signed_in
from tests.delivery import factories as f

TSP = "cln-thinking-skills-programme"


def _group(session, hub, start: dt.date, sessions: int = 2):
    data = GroupIn.model_validate({
        "service_id": TSP, "name": "TSP Preston", "venue": "Unit 4, Preston", "postcode": "PR1 2HE",
        "slots": [{"weekday": "monday", "time": "10:00"}, {"weekday": "thursday", "time": "14:00"}],
        "start_date": start.isoformat(), "session_minutes": 120, "sessions": sessions})
    return groups.create_group(session=session, user=hub, data=data, now=f.ACCEPTED)


@pytest.fixture
def site(catalogue_sessions):
    """Two TSP referrals allocated to people['cw'], enrolled in a group whose sessions have passed and
    in one whose sessions are to come."""
    with catalogue_sessions() as s:
        people = f.cast(s)
        members = [f.allocated(s, people, service_id=TSP) for _ in range(2)]
        past = _group(s, people["hub"], dt.date(2026, 11, 9))
        future = _group(s, people["hub"], dt.date.today() + dt.timedelta(days=14))
        for group in (past, future):
            for m in members:
                groups.enrol(session=s, user=people["hub"], group_id=group.id, referral_id=m.id, now=f.NOW)
        ids = {"past": past.id, "future": future.id,
               "past_session": groups.get_group(session=s, user=people["hub"], group_id=past.id).schedule[0].id,
               "future_session": groups.get_group(session=s, user=people["hub"], group_id=future.id).schedule[0].id}
        refs = [(m.id, m.reference) for m in members]
        s.commit()
    return catalogue_sessions, people, ids, refs


def _browser(sessions, user):
    return signed_in(sessions, user)


def _url(ids, which="past"):
    return f"/groups/{ids[which]}/sessions/{ids[which + '_session']}"


def _post(client, url, lines: dict[int, dict[str, str]], token_from: str | None = None):
    data = {"csrf_token": form_token(client, token_from or "/referrals")}
    for rid, answers in lines.items():
        data |= {f"{name}-{rid}": value for name, value in answers.items()}
    return client.post(url, data=data, follow_redirects=False)


def _statuses(sessions, session_id):
    with sessions() as s:
        return sorted(s.scalars(select(Appointment.status).where(Appointment.group_session_id == session_id)))


def _attended(sessions, referral_id):
    with sessions() as s:
        budget = s.get(DeliveryBudget, referral_id)
        return budget.sessions_attended, budget.minutes_delivered


def test_it_links_each_session_of_the_group_to_its_register(site):
    sessions, people, ids, _ = site
    page = _browser(sessions, people["hub"]).get(f"/groups/{ids['past']}").text
    assert f'href="{_url(ids)}"' in page


def test_it_records_every_members_attendance_at_once_and_then_shows_it_read_only(site):
    sessions, people, ids, [(first, ref1), (second, ref2)] = site
    hub = _browser(sessions, people["hub"])
    page = hub.get(_url(ids)).text
    assert "Record the register" in page and ref1 in page and ref2 in page
    assert "None" not in page.split("<form", 1)[1]  # empty fields are empty, not "None"
    assert 'name="absence-%d" type="radio" value="pop_unacceptable"' % second in page  # the codes of codes.yaml
    answer = _post(hub, _url(ids), {first: {"attended": "late", "late_reason": "Bus cancelled", "session_summary": "Goals"},
                                    second: {"attended": "no", "absence": "pop_unacceptable"}}, token_from=_url(ids))
    assert answer.status_code == 303 and answer.headers["location"] == _url(ids)
    assert _statuses(sessions, ids["past_session"]) == ["did_not_happen", "happened"]
    assert _attended(sessions, first) == (1, 120) and _attended(sessions, second) == (0, 0)
    shown = hub.get(_url(ids)).text
    assert "This register was recorded" in shown and "Record the register" not in shown
    assert "Attended late" in shown and "Bus cancelled" in shown and "without an acceptable reason" in shown
    again = _post(hub, _url(ids), {first: {"attended": "yes"}, second: {}})
    assert again.status_code == 409 and "This register was already recorded" in again.text
    assert _attended(sessions, first) == (1, 120) and _attended(sessions, second) == (0, 0)  # counted once


@pytest.mark.parametrize(
    ("lines", "messages"),
    [
        ({0: {"attended": "late"}, 1: {"attended": "yes"}}, ["{0}: say why they were late"]),
        ({0: {"attended": "yes"}, 1: {"attended": "no"}}, ["{1}: choose why they did not attend"]),
        ({0: {}, 1: {"attended": "no", "absence": "made_up"}},
         ["{0}: select whether they attended", "{1}: choose why they did not attend"]),
        ({0: {"attended": "yes", "session_summary": "x" * 5001}, 1: {"attended": "yes"}}, ["{0}: the summary must be 5000"]),
    ],
)
def test_it_names_the_member_and_field_of_each_problem_and_writes_nothing(site, lines, messages):
    sessions, people, ids, refs = site
    hub = _browser(sessions, people["hub"])
    answer = _post(hub, _url(ids), {refs[i][0]: values for i, values in lines.items()})
    assert answer.status_code == 400 and "There is a problem" in answer.text
    summary = answer.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    for message in messages:
        assert message.format(refs[0][1], refs[1][1]) in summary
    assert re.search(r'href="#(attended|late_reason|absence|session_summary)-\d+"', summary)
    assert _statuses(sessions, ids["past_session"]) == ["booked", "booked"]


def test_it_refuses_the_register_of_a_session_still_to_come(site):
    sessions, people, ids, refs = site
    hub = _browser(sessions, people["hub"])
    page = hub.get(_url(ids, "future")).text
    assert "has not happened yet" in page and "Record the register" not in page
    answer = _post(hub, _url(ids, "future"), {rid: {"attended": "yes"} for rid, _ in refs})
    assert answer.status_code == 422 and "once the appointment has started" in answer.text
    assert _statuses(sessions, ids["future_session"]) == ["booked", "booked"]


def test_it_lets_the_members_caseworker_keep_it_and_shows_a_colleague_no_names(site):
    sessions, people, ids, refs = site
    cw = _browser(sessions, people["cw"])
    assert "Record the register" in cw.get(_url(ids)).text
    other = _browser(sessions, people["cw_other"])
    page = other.get(_url(ids))
    assert page.status_code == 200 and refs[0][1] in page.text and "Record the register" not in page.text
    assert "Sam Example" not in page.text  # the name is for those who may see the referral
    assert "Sam Example" in cw.get(_url(ids)).text
    refused = _post(other, _url(ids), {rid: {"attended": "yes"} for rid, _ in refs})
    assert refused.status_code == 403 and "Only the hub" in refused.text
    assert _statuses(sessions, ids["past_session"]) == ["booked", "booked"]
    assert _post(cw, _url(ids), {rid: {"attended": "yes"} for rid, _ in refs}).status_code == 303


@pytest.mark.parametrize("who", ["hub_other", "pp"])
def test_it_hides_the_register_from_another_provider_and_the_practitioner(site, who):
    sessions, people, ids, refs = site
    client = _browser(sessions, people[who])
    assert client.get(_url(ids)).status_code == 404
    assert _post(client, _url(ids), {rid: {"attended": "yes"} for rid, _ in refs}).status_code == 404
    assert _statuses(sessions, ids["past_session"]) == ["booked", "booked"]


def test_it_answers_404_for_a_session_of_another_group(site):
    sessions, people, ids, _ = site
    hub = _browser(sessions, people["hub"])
    assert hub.get(f"/groups/{ids['past']}/sessions/{ids['future_session']}").status_code == 404
