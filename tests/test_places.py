"""Places: towns, villages, authorities, counties and postcodes matched against the areas providers serve."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.search import query_terms
from ratecard import places
from ratecard.eligibility.areas import ASK_FOR_PLACE, area_matches, area_note, matching_area_names
from ratecard.eligibility.batch import CODES, decide_many
from ratecard.eligibility.engine import Outcome, ServiceRules, decide
from ratecard.eligibility.facts import facts_of
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.service import service_rules_from_brochure
from ratecard.referrals import service as referrals
from tests.clients import client_for
from tests.paths import ALL_BROCHURES, OVERLAYS
from tests.referrals import factories as f

# The areas the brochures print, as the catalogue carries them.
KSS = ("Kent", "Surrey", "Sussex")
CLN = ("Cumbria", "Lancashire")
LANCS = ("Lancashire",)
NSF = ("Norfolk", "Suffolk")
ESX = ("Essex",)
SOUTHEND = ("Southend", "Thurrock")
DLNR = ("Derbyshire", "Leicestershire", "Nottinghamshire", "Rutland")
EVERY_AREA = (KSS, CLN, LANCS, NSF, ESX, SOUTHEND, DLNR)


@cache
def catalogue() -> list[ServiceRules]:
    services: list[ServiceRules] = []
    for path in ALL_BROCHURES:
        services += service_rules_from_brochure(read_brochure(path, overlay_dir=OVERLAYS))
    return services


def _area_reason(service: ServiceRules, area: str):
    match = decide(service, facts_of(Profile(area=area)), area)
    return match, next((r for r in match.reasons if r.criterion == "area"), None)


@pytest.mark.parametrize(
    ("place", "areas"),
    [
        ("Ashford, Kent", KSS),
        ("Woking, Surrey", KSS),
        ("Ilkeston", DLNR),
        ("Morecambe", CLN),
        ("Morecambe", LANCS),
        ("Blackpool, Lancashire", LANCS),
        ("Blackpool", CLN),
        ("Southend-on-Sea", SOUTHEND),
        ("Southend-on-Sea", ESX),
        ("Leigh-on-Sea", SOUTHEND),  # a town of the unitary authority
        ("Thurrock", ESX),
        ("Medway", KSS),
        ("Chatham", KSS),  # a town of Medway
        ("Brighton and Hove", KSS),
        ("Brighton & Hove", KSS),
        ("Hove", KSS),
        ("East Sussex", KSS),
        ("West Sussex", KSS),
        ("Crawley", KSS),
        ("Derby", DLNR),
        ("Leicester", DLNR),
        ("Nottingham", DLNR),
        ("Oakham", DLNR),
        ("Carlisle", CLN),
        ("Kendal", CLN),
        ("Wye", KSS),  # a village of about 2,000 people
        ("Great Massingham", NSF),  # a village of about 900
        ("Slaidburn, Lancashire", LANCS),  # a village too small for the data, with its county
        ("Ashford Kent", KSS),  # the comma left out
        ("ashford,  KENT", KSS),
        ("Borough of Thurrock", ESX),
        ("Blackpool Council", LANCS),
        ("Kings Lynn", NSF),
        ("King's Lynn", NSF),
        ("Barrow", CLN),
        ("Clacton", ESX),  # short for Clacton-on-Sea
        ("Bognor", KSS),  # short for Bognor Regis
        ("Staines-upon-Thames", KSS),  # GeoNames has it as Staines
        ("TN23 1AA", KSS),  # a full postcode of Ashford, Kent
        ("tn231aa", KSS),
        ("LA4 4AA", LANCS),  # Morecambe
        ("LA4", LANCS),  # an outward code
        ("CA1 1AA", CLN),  # Carlisle, now in the Cumberland unitary authority
    ],
)
def test_it_places_every_form_of_a_place_in_the_county_the_provider_serves(place, areas):
    assert area_matches(place, areas) is True
    assert area_note(place) is None


@pytest.mark.parametrize(
    ("place", "areas"),
    [
        ("Carlisle", LANCS),  # Cumbria: CLN's Lancashire-only services
        ("Carlisle", KSS),
        ("Truro, Cornwall", KSS),
        ("Truro", CLN),
        ("Devon", KSS),
        ("Basildon", SOUTHEND),  # Essex, but not Southend or Thurrock
        ("Colchester", SOUTHEND),
        ("Norwich", ESX),
        ("Glasgow", CLN),
        ("Cardiff", DLNR),
        ("EH1 1AA", CLN),  # an Edinburgh postcode
        ("Ashford, Surrey", ESX),
        ("Ashford", NSF),  # Kent or Surrey: not Norfolk either way
    ],
)
def test_it_still_rules_out_places_outside_the_area(place, areas):
    assert area_matches(place, areas) is False


@pytest.mark.parametrize("areas", EVERY_AREA)
@pytest.mark.parametrize("place", ["Atlantis", "Northshire", "ZZ1 1ZZ", "Qwertyton, Kent-shire"])
def test_it_leaves_a_place_nobody_knows_unknown_never_ineligible(place, areas):
    assert area_matches(place, areas) is None
    assert "is not a town, village, local authority, county or postcode" in area_note(place)


def test_it_says_the_place_is_unknown_in_the_area_reason():
    service = next(s for s in catalogue() if s.areas == KSS)
    match, reason = _area_reason(service, "Atlantis")
    assert match.result is Outcome.UNKNOWN
    assert reason.status == "unknown" and reason.missing == (ASK_FOR_PLACE,)
    assert reason.message.startswith("'Atlantis' is not a town") and reason.message.endswith("Only available in Kent, Surrey, Sussex.")


@pytest.mark.parametrize(
    ("place", "areas", "counties"),
    [
        ("Newport", ESX, {"Essex", "Newport (Wales)", "Isle of Wight", "Shropshire"}),
        ("Hadleigh", ESX, {"Essex", "Suffolk"}),
        ("Hadleigh", NSF, {"Essex", "Suffolk"}),
        ("Gillingham", KSS, {"Kent", "Dorset"}),
        ("Buxton", DLNR, {"Derbyshire", "Norfolk"}),
    ],
)
def test_it_asks_which_county_when_a_name_is_in_several_and_the_answer_depends_on_it(place, areas, counties):
    assert area_matches(place, areas) is None
    note = area_note(place)
    assert note.startswith(f"There is more than one '{place}'")
    assert all(county in note for county in counties)
    assert set(places.resolve(place).counties) == counties


def test_it_decides_a_name_of_several_counties_when_every_one_is_served():
    # Ashford, Kent and Ashford, Surrey are both KSS's.
    assert set(places.resolve("Ashford").counties) == {"Kent", "Surrey"}
    assert area_matches("Ashford", KSS) is True


@pytest.mark.parametrize(
    ("place", "county"),
    [("Ashford, Surrey", "Surrey"), ("Newport, Essex", "Essex"), ("Newport, Isle of Wight", "Isle of Wight"),
     ("Gillingham, Dorset", "Dorset"), ("Preston", "Lancashire"), ("Rochester", "Kent"), ("Blackburn", "Lancashire")],
)
def test_it_settles_a_namesake_by_its_county_or_by_far_the_largest_place(place, county):
    assert places.resolve(place).counties == (county,)


def test_it_keeps_unknown_when_the_person_names_a_wider_area_than_the_service():
    assert area_matches("Essex", SOUTHEND) is None
    assert area_matches("England", KSS) is None
    assert area_matches("Sussex", ("East Sussex",)) is None
    assert area_note("Essex") is None  # the usual "give the town" reason, not the place's own


# Every town the matcher knew by hand before the gazetteer, with the county it was typed against.
HAND_TYPED = {
    "southend": "essex", "southend on sea": "essex", "thurrock": "essex", "basildon": "essex",
    "chelmsford": "essex", "colchester": "essex", "harlow": "essex", "braintree": "essex",
    "blackpool": "lancashire", "blackburn": "lancashire", "blackburn with darwen": "lancashire",
    "preston": "lancashire", "lancaster": "lancashire", "burnley": "lancashire",
    "carlisle": "cumbria", "barrow": "cumbria", "barrow in furness": "cumbria", "kendal": "cumbria",
    "workington": "cumbria", "whitehaven": "cumbria",
    "norwich": "norfolk", "kings lynn": "norfolk", "great yarmouth": "norfolk",
    "ipswich": "suffolk", "bury st edmunds": "suffolk", "lowestoft": "suffolk",
    "derby": "derbyshire", "chesterfield": "derbyshire", "leicester": "leicestershire",
    "nottingham": "nottinghamshire", "mansfield": "nottinghamshire", "oakham": "rutland",
    "medway": "kent", "maidstone": "kent", "canterbury": "kent", "guildford": "surrey",
    "brighton": "sussex", "brighton and hove": "sussex", "hove": "sussex", "east sussex": "sussex",
    "west sussex": "sussex", "crawley": "sussex", "hastings": "sussex",
}


@pytest.mark.parametrize(("town", "county"), sorted(HAND_TYPED.items()))
def test_it_still_places_every_town_of_the_old_hand_typed_table(town, county):
    assert area_matches(town, (county.title(),)) is True


def test_it_understands_every_area_the_catalogue_names():
    named = {area for service in catalogue() for area in service.areas}
    assert named >= {"Kent", "Lancashire", "Southend", "Sussex"}
    assert {area: places.area_candidates(area) != () for area in named} == dict.fromkeys(named, True)


def test_it_places_every_geonames_county_and_unitary_authority_in_a_ceremonial_county():
    gaz = places.gazetteer()
    england = gaz.by_code["country:England"]
    for unit in gaz.units:
        if england in gaz.inside[unit.index] and unit.kind in (places.UNITARY, places.COUNCIL, places.DISTRICT):
            assert any(gaz.units[u].kind == places.COUNTY for u in gaz.inside[unit.index]), unit


def test_it_builds_the_gazetteer_once_and_resolves_each_place_once():
    assert places.gazetteer() is places.gazetteer()
    assert places.resolve("Morecambe") is places.resolve("Morecambe")


def test_it_suggests_places_as_they_are_typed_each_resolving_to_one_county():
    suggestions = places.suggest_places("Ashf", limit=20)
    values = [s.value for s in suggestions]
    assert "Ashford, Kent" in values and "Ashford, Surrey" in values
    assert all(len(places.resolve(s.value).counties) == 1 for s in suggestions)
    assert places.suggest_places("Lanc")[0].value == "Lancashire"
    assert places.suggest_places("") == []
    assert places.describe(places.resolve("Morecambe")) == "Morecambe, Lancashire"
    assert places.describe(places.resolve("Ashford")) == "'Ashford' could be in Kent or Surrey"


def test_it_lists_the_catalogue_area_names_that_serve_a_place():
    names = ["Cumbria", "Essex", "Kent", "Lancashire", "Southend", "Sussex", "Thurrock"]
    assert matching_area_names("Blackpool", names) == ["Lancashire"]
    assert matching_area_names("Leigh-on-Sea", names) == ["Essex", "Southend"]
    assert matching_area_names("Hove", names) == ["Sussex"]
    assert matching_area_names("Essex", names) == ["Essex", "Southend", "Thurrock"]
    assert matching_area_names("Newport", names) == ["Essex"]
    assert matching_area_names("southshire", ["Northshire", "Southshire"]) == ["Southshire"]


@pytest.mark.parametrize(
    ("query", "place_group"),
    [
        ("accommodation Blackpool", {"blackpool", "lancashire"}),
        ("something for women in Norwich", {"norwich", "norfolk"}),
        ("housing in Brighton and Hove", {"brighton and hove", "sussex"}),
        ("ETE Great Yarmouth", {"great yarmouth", "norfolk"}),
        ("women LA4 4AA", {"lancashire"}),
    ],
)
def test_it_reads_a_place_in_a_search_as_the_areas_it_lies_in(query, place_group):
    assert place_group <= set(query_terms(query)[-1])


def test_it_keeps_single_common_words_as_words_in_a_search():
    assert query_terms("hope") == [("hope",)]
    assert query_terms("Accommodation in Lancashire") == [("accommodation",), ("lancashire",)]


def test_it_agrees_with_the_column_wise_engine_on_places():
    services = [s for s in catalogue() if s.areas in (KSS, SOUTHEND, LANCS, CLN)][:40]
    people = [Profile(area=a) for a in ("Ashford", "Newport", "Atlantis", "Essex", "Hove", "TN23 1AA", "Carlisle", None)]
    matrix = decide_many(services, people)
    for row, person in enumerate(people):
        assert [CODES[c] for c in matrix[row]] == [decide(s, facts_of(person), person.area).result for s in services]


# Through the API and at submission.


@pytest.fixture
def api(catalogue_sessions):
    return client_for(catalogue_sessions)


def test_it_matches_ashford_kent_to_the_kss_services_through_the_api(api):
    body = api.post("/api/v1/match", json={"area": "Ashford, Kent"}).json()
    kss = [m for m in body if m["provider"] == "KSS"]
    others = [m for m in body if m["provider"] != "KSS"]
    assert kss and all(m["result"] in ("eligible", "unknown") for m in kss)
    assert any(m["result"] == "eligible" for m in kss)
    assert not any(r["criterion"] == "area" and r["status"] != "note" for m in kss for r in m["reasons"])
    assert all(m["result"] == "ineligible" for m in others)


def test_it_rules_nothing_out_on_an_unknown_place_through_the_api(api):
    body = api.post("/api/v1/match", json={"area": "Atlantis"}).json()
    assert not any(r["criterion"] == "area" and r["status"] == "failed" for m in body for r in m["reasons"])
    area = [r for m in body for r in m["reasons"] if r["criterion"] == "area"]
    assert area and all(r["status"] == "unknown" and "'Atlantis' is not a town" in r["message"] for r in area)


@pytest.fixture
def pp(catalogue_session):
    return f.user(catalogue_session)


def test_it_warns_but_does_not_block_a_referral_for_an_unknown_place(catalogue_session, pp):
    referral = f.draft(catalogue_session, pp, person={"area": "Atlantis"})
    done = referrals.submit(session=catalogue_session, user=pp, referral_id=referral.id)
    assert done.status == "referred" and done.eligibility_result == "unknown"
    assert any(w.startswith("The area could not be checked: 'Atlantis' is not a town") for w in done.warnings)


def test_it_warns_and_names_the_counties_for_a_referral_from_an_ambiguous_place(catalogue_session, pp):
    referral = f.draft(catalogue_session, pp, person={"area": "Newport"}, service_id="esx-women-only-mentoring",
                       option_id="esx-women-only-mentoring--low-intensity")
    done = referrals.submit(session=catalogue_session, user=pp, referral_id=referral.id, override_reason="Agreed")
    assert any("There is more than one 'Newport'" in w and "Essex" in w for w in done.warnings)


def test_it_still_blocks_a_referral_from_a_known_place_outside_the_area(catalogue_session, pp):
    from ratecard.errors import InvalidInput

    referral = f.draft(catalogue_session, pp, person={"area": "Truro, Cornwall"})
    with pytest.raises(InvalidInput) as caught:
        referrals.submit(session=catalogue_session, user=pp, referral_id=referral.id, override_reason="Please")
    assert "not available in Truro, Cornwall" in " | ".join(caught.value.details["problems"])


def test_it_submits_a_referral_from_a_town_of_the_area(catalogue_session, pp):
    referral = f.draft(catalogue_session, pp, person={"area": "Morecambe"})
    done = referrals.submit(session=catalogue_session, user=pp, referral_id=referral.id)
    assert done.status == "referred"
    assert not any("area" in w.lower() for w in done.warnings)


def test_it_loads_the_gazetteer_quickly():
    started = dt.datetime.now()
    places.build()
    assert (dt.datetime.now() - started).total_seconds() < 2


def _found(api, query: str) -> set[str]:
    response = api.get("/api/v1/services", params={"q": query, "per_page": 200})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("accommodation Blackpool", "accommodation Lancashire"),
        ("something for women in Norwich", "women Norfolk"),
        ("accommodation in Morecambe", "accommodation Lancashire"),
        ("anything for women near Ipswich", "women Suffolk"),
    ],
)
def test_it_finds_by_town_what_it_finds_by_county(api, typed, plain):
    found = _found(api, typed)
    assert found and found == _found(api, plain)


def _same_gazetteer(a: places.Gazetteer, b: places.Gazetteer) -> bool:
    return (a.units, a.index, a.place_names, a.place_within, a.inside) == (b.units, b.index, b.place_names, b.place_within, b.inside)


def test_it_keeps_a_built_gazetteer_in_the_cache_and_reads_it_back_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path))
    built = places._cached_build()
    stored = list(tmp_path.glob("gazetteer-*.pickle"))
    assert len(stored) == 1
    read = places._cached_build()
    assert read is not built and _same_gazetteer(read, built)
    assert read._postcodes == {} and read._lock is not built._lock  # its own lock, postcodes loaded afresh


def test_it_rebuilds_when_the_cached_file_is_damaged_or_its_inputs_change(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path))
    places._cached_build()
    (stored,) = tmp_path.glob("gazetteer-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert _same_gazetteer(places._cached_build(), places.build())
    changed = tmp_path / "corrections.yaml"
    changed.write_text(places.CORRECTIONS.read_text(encoding="utf-8") + "\n# a reviewed change\n", encoding="utf-8")
    places._cached_build(changed)
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 2  # another key: the old file is not reused


def test_it_builds_without_a_cache_when_told_to(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", "off")
    monkeypatch.chdir(tmp_path)
    assert places._cached_build().by_code["country:England"] >= 0
    assert list(tmp_path.iterdir()) == []
