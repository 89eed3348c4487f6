"""From a match to a referral in the pages: Refer prefills the form, the eligibility facts travel with the
referral, a draft can be changed until submitted, and the form's errors are in plain words."""

from __future__ import annotations

import re
from markupsafe import escape

import pytest
from sqlalchemy import func, select

from ratecard.accounts.service import Role
from ratecard.referrals import service
from ratecard.referrals.models import Referral
from tests.clients import client_for, form_token
from tests.referrals import factories as f


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        users = {"pp": f.user(s), "hub": f.user(s, Role.HUB)}
        emails = {k: u.email for k, u in users.items()}
        s.commit()
    return catalogue_sessions, emails


def _signed_in(sessions, email):
    client = client_for(sessions)
    response = client.post("/login", data={"email": email, "password": f.PASSWORD, "csrf_token": form_token(client),
                                           "next": "/referrals"}, follow_redirects=False)
    assert response.status_code == 303
    return client


def _post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": form_token(client, "/referrals")}, follow_redirects=False)


def _count(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Referral))


TSP_FACTS = {"p_ogrs": "60", "p_index_offences": "violence", "p_previous_offences": "acquisitive",
             "p_serious_mental_health": "no", "p_drug_dependent": "no", "p_alcohol_dependent": "no", "p_audit": "4",
             "p_learning_difficulties": "no"}


def test_it_prefills_the_referral_form_from_the_match_answers_and_creates_nothing(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    before = _count(sessions)
    page = _post(pp, "/referrals/new", prefill="1", service_id="cln-thinking-skills-programme", age="30", sex="male",
                 area="Preston", ogrs="60", index_offences="violence", needs=["thinking"], **{"date_of_birth-year": "1990"})
    assert page.status_code == 200, page.text
    html = page.text
    assert "Refer to Thinking Skills Programme" in html
    assert re.search(r'name="area"[^>]*value="Preston"', html)
    assert re.search(r'<option value="male" selected', html)
    assert re.search(r'name="p_ogrs"[^>]*value="60"', html)
    assert re.search(r'name="p_index_offences" type="checkbox" value="violence" checked', html)
    assert re.search(r'<option value="court_ordered_programme" selected', html)  # transferred, not bought
    assert _count(sessions) == before


def test_it_chooses_the_only_option_of_a_service(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    html = pp.get("/referrals/new?service_id=cln-community-integration-initial-assessment-and-planning").text
    assert len(re.findall(r'name="option_id" type="radio"', html)) == 1
    assert re.search(r'name="option_id" type="radio" value="[^"]+" checked', html)


def test_it_says_a_prerequisite_once_and_links_to_that_service(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    html = pp.get("/referrals/new?service_id=cln-accommodation").text
    assert html.count("must be bought and completed first") == 1
    assert 'href="/services/cln-community-integration-initial-assessment-and-planning"' in html
    created = _post(pp, "/referrals/new", service_id="cln-accommodation", crn=f.crn(), name="Jo Prereq", area="Preston",
                    option_id=_first_option(pp, "cln-accommodation"))
    assert created.status_code == 303, created.text
    refused = _post(pp, created.headers["location"] + "/submit")
    assert refused.status_code == 422
    summary = refused.text[refused.text.index("govuk-error-summary"):refused.text.index("</ul>", refused.text.index("govuk-error-summary"))]
    assert summary.count("must be bought and completed first") == 1
    assert 'href="/services/cln-community-integration-initial-assessment-and-planning"' in summary
    assert "must be bought first:" not in refused.text


def _first_option(client, service_id):
    return re.search(r'name="option_id" type="radio" value="([^"]+)"', client.get(f"/referrals/new?service_id={service_id}").text).group(1)


def test_it_decides_the_submission_on_the_facts_carried_and_records_a_requirement_transfer(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    crn = f.crn()
    created = _post(pp, "/referrals/new", service_id="cln-thinking-skills-programme", crn=crn, name="Jo Facts", sex="male",
                    area="Preston", requirement_type="court_ordered_programme", **TSP_FACTS,
                    **{"date_of_birth-day": "1", "date_of_birth-month": "5", "date_of_birth-year": "1990"})
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    page = pp.get(path).text
    assert "data-eligibility-facts" in page and "Violence" in page and "Requirement transfer" in page
    assert _post(pp, f"{path}/submit").status_code == 303
    assert _post(pp, f"{path}/transfer").status_code == 303
    with sessions() as s:
        referral = s.scalar(select(Referral).where(Referral.id == int(path.rsplit("/", 1)[1])))
        assert referral.eligibility_result == "eligible", referral.warnings
        assert not any("index offences" in w or "index_offences" in w for w in referral.warnings)
        reasons = [h.reason for h in referral.history]
    assert "Requirement transfer" in reasons and "External NSI Referral" not in reasons


def test_it_lets_a_draft_be_changed_until_it_is_submitted(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    crn = f.crn()
    created = _post(pp, "/referrals/new", service_id="cln-conflict-resolution", crn=crn, name="Jo Draft", area="Preston",
                    risk_notes="Low")
    path = created.headers["location"]
    assert f'href="{path}/edit"' in pp.get(path).text
    form = pp.get(f"{path}/edit").text
    assert "Change the draft referral" in form and re.search(r'name="name"[^>]*value="Jo Draft"', form)
    saved = _post(pp, f"{path}/edit", service_id="cln-conflict-resolution", crn=crn, name="Jo Changed", area="Preston",
                  risk_notes="Medium now", p_ogrs="55")
    assert saved.status_code == 303, saved.text
    page = pp.get(path).text
    assert "Jo Changed" in page and "Medium now" in page and "OGRS score" in page
    assert "<strong>Draft changed</strong> by" in page
    assert _post(pp, f"{path}/submit").status_code == 303
    assert f'href="{path}/edit"' not in pp.get(path).text
    refused = _post(pp, f"{path}/edit", service_id="cln-conflict-resolution", crn=crn, name="Too late", area="Preston")
    assert refused.status_code == 409
    assert "has been submitted, so it can no longer be changed" in refused.text
    assert "Too late" not in pp.get(path).text


def test_it_patches_a_draft_by_the_api_and_refuses_once_submitted(site):
    sessions, emails = site
    with sessions() as s:
        practitioner = f.user(s)
        referral = f.draft(s, practitioner)
        s.commit()
        user_id, referral_id = practitioner.id, referral.id
    with sessions() as s:
        from ratecard.accounts.models import User
        from ratecard.referrals.schemas import ReferralPatch
        user = s.get(User, user_id)
        changed = service.patch_draft(session=s, user=user, referral_id=referral_id,
                                      changes=ReferralPatch.model_validate({"risk_notes": "Changed", "person": {"name": "New Name",
                                                                           "profile": {"ogrs": 70}}}))
        out = service.to_out(s, changed, user)
        assert out.risk_notes == "Changed" and out.person.name == "New Name" and out.person.profile == {"ogrs": 70}
        assert out.service_id == "cln-conflict-resolution" and out.expected_start is not None  # the rest kept
        service.submit(session=s, user=user, referral_id=referral_id)
        from ratecard.errors import Conflict
        with pytest.raises(Conflict, match="can no longer be changed"):
            service.patch_draft(session=s, user=user, referral_id=referral_id, changes=ReferralPatch(risk_notes="x"))


BAD = [
    ({"crn": "123"}, "crn", "Enter a CRN in the format one letter and six numbers, like X123456"),
    ({"crn": ""}, "crn", "Enter a CRN in the format one letter and six numbers, like X123456"),
    ({"name": ""}, "name", "Enter the person's full name"),
    ({"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2999"}, "date_of_birth",
     "Date of birth must be in the past"),
    ({"expected_start-day": "31", "expected_start-month": "2", "expected_start-year": "2027"}, "expected_start",
     "Expected start date must be a real date"),
    ({"expected_start-day": "10", "expected_start-month": "3", "expected_start-year": "2027",
      "expected_end-day": "1", "expected_end-month": "3", "expected_end-year": "2027"}, "expected_end",
     "The expected end date must be the same as or after the expected start date"),
    ({"p_ogrs": "101"}, "p_ogrs", "OGRS score must be 100 or less"),
    ({"p_needs": "nonsense"}, "p_needs", "Select needs from the list"),
    ({"risk_notes": "x" * 4001}, "risk_notes", "Risk profile must be 4000 characters or fewer"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_it_says_what_is_wrong_in_plain_words_and_creates_nothing(site, changes, field, message):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    before = _count(sessions)
    data = {"service_id": "cln-conflict-resolution", "crn": f.crn(), "name": "Jo Bloggs", "area": "Preston", **changes}
    response = _post(pp, "/referrals/new", **data)
    assert response.status_code == 400
    html = response.text
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    said = str(escape(message))
    assert f'href="#{field}">{said}</a>' in summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {said}' in html  # beside the field
    words = " ".join(re.findall(r'<a href="#[^"]+">([^<]*)</a>', summary))
    for wrong in ("Value error", "Input should", "String should", "Crn", "Form:", "needs needs", "^[A-Z]", "_"):
        assert wrong not in words, wrong
    assert _count(sessions) == before


def test_it_prefills_the_option_chosen_on_the_results(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    options = re.findall(r'name="option_id" type="radio" value="([^"]+)"', pp.get("/referrals/new?service_id=nsf-accommodation-support").text)
    assert len(options) > 1
    page = _post(pp, "/referrals/new", prefill="1", service_option=f"nsf-accommodation-support {options[1]}", area="Norwich")
    assert page.status_code == 200
    assert re.search(rf'name="option_id" type="radio" value="{re.escape(options[1])}" checked', page.text)
    assert not re.search(rf'name="option_id" type="radio" value="{re.escape(options[0])}" checked', page.text)


def test_it_says_a_wrong_password_beside_the_field_and_in_the_summary(site):
    sessions, emails = site
    client = client_for(sessions)
    response = client.post("/login", data={"email": emails["pp"], "password": "nope", "csrf_token": form_token(client)})
    assert response.status_code == 401
    message = "The email or password is not right."
    assert f'href="#email">{message}</a>' in response.text
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in response.text


def test_it_says_a_reason_that_is_too_long_in_plain_words(site):
    sessions, emails = site
    pp = _signed_in(sessions, emails["pp"])
    created = _post(pp, "/referrals/new", service_id="cln-conflict-resolution", crn=f.crn(), name="Jo Long", area="Preston")
    path = created.headers["location"]
    response = _post(pp, f"{path}/withdraw", reason="x" * 2001)
    assert response.status_code == 400
    assert "The reason must be 2000 characters or fewer" in response.text
    assert "String should" not in response.text
    assert "Withdrawn" not in pp.get(path).text
