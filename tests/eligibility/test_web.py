"""The match pages: the form in short sections keeping answers between them, plain labels and messages,
the results with the answers entered, "Change" and "Refer"."""

from __future__ import annotations

import re

import pytest

from ratecard.eligibility import forms, labels
from ratecard.eligibility.profile import Profile
from ratecard.security.csrf import COOKIE
from tests.clients import client_for, form_token
from tests.referrals import factories as f


@pytest.fixture
def web(catalogue_sessions):
    client = client_for(catalogue_sessions)
    client.get("/match")
    return client


def _post(client, **data):
    return client.post("/match", data={**data, "csrf_token": client.cookies.get(COOKIE)})


def _hidden(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)


def test_it_asks_every_profile_field_in_some_section_so_none_is_lost():
    asked = {q.name for qs in forms.sections().values() for q in qs}
    assert asked == set(Profile.model_fields) - forms.NOT_ASKED
    assert list(forms.sections())[:5] == ["about", "order", "risk", "offence", "needs"]


def test_it_places_a_new_field_by_a_word_of_its_name_or_under_other():
    assert forms._question("victim_types", list[str]).section == "offence"
    assert forms._question("heroin_or_crack_use", bool | None).section == "needs"
    assert forms._question("gypsy_or_traveller", bool | None).section == "about"
    assert forms._question("favourite_colour", str | None).section == "other"
    assert forms._question("favourite_colour", str | None).label == "Favourite colour"


@pytest.mark.parametrize(("value", "field", "words"), [
    ("rar", "requirements", "RAR"), ("pss", "setting", "PSS (post-sentence supervision)"),
    ("ete", "needs", "ETE (education, training and employment)"), ("womens", "needs", "Women's"),
    ("low", "rosh", "Low"), ("very_high", "rosh", "Very high"), ("medium", "sara", "Medium"),
])
def test_it_says_values_as_people_do(value, field, words):
    assert labels.value_label(value, field) == words


def test_it_labels_flags_in_plain_words():
    assert labels.field_label("class_a_use") == "Class A drug use"
    assert labels.field_label("speaks_english") == "Speaks English"


def test_it_shows_one_section_at_a_time_and_keeps_answers_in_hidden_fields(web):
    first = web.get("/match").text
    assert 'name="age"' in first and 'name="ogrs"' not in first
    risk = _post(web, section="about", go="risk", age="30", sex="male", area="Lancashire")
    assert risk.status_code == 200
    assert 'name="ogrs"' in risk.text and 'id="age"' not in risk.text
    assert {("age", "30"), ("sex", "male"), ("area", "Lancashire")} <= set(_hidden(risk.text))
    # Back to the first section: the answer is shown in its field again, not kept twice.
    about = _post(web, section="risk", go="about", age="30", sex="male", area="Lancashire", ogrs="40")
    assert 'id="age" name="age" type="text" value="30"' in about.text or re.search(r'name="age"[^>]*value="30"', about.text)
    assert ("ogrs", "40") in _hidden(about.text) and ("age", "30") not in _hidden(about.text)


def test_it_uses_plain_words_for_risk_levels_on_the_form(web):
    page = _post(web, section="about", go="risk").text
    assert ">Very high<" in page and "intensity" not in page


def test_it_shows_an_error_beside_the_field_and_in_the_summary_and_stays_on_the_section(web):
    response = _post(web, section="risk", go="offence", ogrs="250", audit="lots")
    assert response.status_code == 400
    assert 'name="ogrs"' in response.text  # still on the risk section
    for message in ("OGRS score must be 100 or less", "AUDIT score must be a whole number"):
        assert response.text.count(message) == 2, message  # the summary and the field
    assert 'href="#ogrs"' in response.text
    for wrong in ("Value error", "Input should", "Ogrs", "less_than_equal"):
        assert wrong not in response.text


def test_it_says_a_date_of_birth_in_the_future_in_plain_words(web):
    response = _post(web, section="about", go="results", **{"date_of_birth-day": "1", "date_of_birth-month": "1",
                                                           "date_of_birth-year": "2999"})
    assert response.status_code == 400
    assert "Date of birth must be in the past" in response.text and "date_of_birth is" not in response.text


def test_it_shows_the_answers_with_change_buttons_back_to_their_section(web):
    results = _post(web, section="needs", go="results", age="30", sex="male", area="Lancashire", rosh="very_high",
                    needs=["accommodation", "ete"])
    assert results.status_code == 200
    html = results.text
    summary = html[html.index("data-profile-summary"):html.index("</dl>")]
    assert "Very high" in summary and "Accommodation, ETE (education, training and employment)" in summary
    assert 'name="go" value="risk">Change<span class="govuk-visually-hidden"> Risk of serious harm (RoSH)' in summary
    assert ("rosh", "very_high") in _hidden(html)
    changed = _post(web, go="risk", age="30", sex="male", area="Lancashire", rosh="very_high")
    assert re.search(r'<option value="very_high" selected', changed.text)


def _practitioner(sessions):
    with sessions() as s:
        email = f.user(s).email
        s.commit()
    client = client_for(sessions)
    signed_in = client.post("/login", data={"email": email, "password": f.PASSWORD, "csrf_token": form_token(client),
                                            "next": "/referrals"}, follow_redirects=False)
    assert signed_in.status_code == 303
    return client


def test_it_asks_visitors_to_sign_in_to_refer(web):
    html = _post(web, go="results", age="30", sex="male", area="Lancashire").text
    assert "data-sign-in-to-refer" in html and 'href="/login?next=%2Fmatch"' in html
    assert 'formaction="/referrals/new"' not in html


def test_it_offers_refer_beside_eligible_and_unknown_services_only(catalogue_sessions):
    client = _practitioner(catalogue_sessions)
    html = client.post("/match", data={"go": "results", "age": "30", "sex": "male", "area": "Lancashire",
                                       "csrf_token": form_token(client, "/match")}).text
    refer = set(re.findall(r'formaction="/referrals/new" name="service_(?:id|option)" value="([^" ]+)', html))
    results = dict(re.findall(r'data-service-id="([^"]+)" data-result="([^"]+)"', html))
    assert refer and all(results[s] in ("eligible", "unknown") for s in refer)
    assert {s for s, r in results.items() if r in ("eligible", "unknown")} == refer
    assert "/referrals/new?" not in html  # no answers in a URL


def test_it_shows_every_section_with_a_mistake_when_results_are_asked_for(web):
    response = _post(web, section="needs", go="results", age="-3", ogrs="140")
    assert response.status_code == 400
    assert "Check these answers" in response.text
    assert 'href="#age"' in response.text and 'href="#ogrs"' in response.text
    assert "Age must be between 10 and 120" in response.text and "OGRS score must be 100 or less" in response.text


def test_it_shows_services_for_someone_else_in_their_own_group_without_refer(catalogue_sessions):
    client = _practitioner(catalogue_sessions)
    html = client.post("/match", data={"go": "results", "age": "30", "sex": "male", "area": "Lancashire",
                                       "csrf_token": form_token(client, "/match")}).text
    found = re.search(r'<li class="app-match" data-service-id="([^"]+)" data-result="for_someone_else">(.*?)</li>\s*(?=<li class="app-match"|</ul>)',
                      html, re.S)
    assert found, "no service for someone else (CLN's Partner Link Worker is for the partner)"
    assert "partner" in found.group(1)
    assert 'formaction="/referrals/new"' not in found.group(2)
    assert re.findall(r'<h3 class="govuk-heading-s">([^<]+)</h3>', html[: found.start()])[-1] == "For someone else"
    assert re.search(r"\d+ for someone else", html)  # counted on its own, not as eligible
