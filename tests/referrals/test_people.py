"""Each region's own copy of a person: nobody reads or overwrites what another region recorded."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from ratecard.db import transaction
from ratecard.errors import Conflict
from ratecard.referrals import service
from ratecard.referrals.models import Person, Referral
from tests.referrals import factories as f


NSF = {"service_id": "nsf-accommodation-support", "option_id": "nsf-accommodation-support--low"}


def _create(world, who: str, person: dict, **overrides):
    body = f.referral_in(**overrides).model_dump(mode="json")
    body["person"] = person  # exactly what this practitioner sends, nothing from the factory
    return world["client"].post("/api/v1/referrals", json=body, headers=world["h"][who])


def test_it_never_shows_another_regions_record_of_the_same_crn(world):
    crn = f.crn()
    north = {"crn": crn, "name": "Nora North", "date_of_birth": "1981-02-03", "sex": "female", "area": "Lancashire"}
    assert _create(world, "pp", north).status_code == 201
    # East of England sends the same CRN with only a name: it must not get the North West's details back.
    answer = _create(world, "pp_other", {"crn": crn, "name": "N. Someone"}, **NSF)
    assert answer.status_code == 201, answer.text
    person = answer.json()["person"]
    assert person == {"crn": crn, "name": "N. Someone", "date_of_birth": None, "sex": None, "area": None, "profile": {}}


def test_it_never_overwrites_another_regions_record(world):
    crn = f.crn()
    first = _create(world, "pp", {"crn": crn, "name": "Nora North", "area": "Lancashire"})
    _create(world, "pp_other", {"crn": crn, "name": "Renamed By East", "area": "Norfolk"}, **NSF)
    seen = world["client"].get(f"/api/v1/referrals/{first.json()['id']}", headers=world["h"]["pp"]).json()["person"]
    assert (seen["name"], seen["area"]) == ("Nora North", "Lancashire")
    with world["sessions"]() as s:
        regions = sorted(s.scalars(select(Person.region).where(Person.crn == crn)))
    assert regions == ["East of England", "North West"]


def test_it_names_no_other_regions_referral_in_a_duplicate_answer(world):
    crn = f.crn()
    north = _create(world, "pp", {"crn": crn, "name": "Nora North", "area": "Lancashire"})
    reference = north.json()["reference"]
    east = _create(world, "pp_other", {"crn": crn, "name": "Nora North", "area": "Lancashire"})
    assert east.status_code == 201 and reference not in east.text  # a new record of the East's own
    again = _create(world, "pp", {"crn": crn, "name": "Nora North", "area": "Lancashire"})
    assert again.status_code == 409 and reference in again.text  # the region's own duplicate is named to it


def test_it_updates_the_regions_own_record_for_its_next_referral(world):
    crn = f.crn()
    first = _create(world, "pp", {"crn": crn, "name": "Nora North", "area": "Lancashire"})
    assert _create(world, "pp", {"crn": crn, "name": "Nora North-West", "area": "Lancashire"}, **NSF).status_code == 201
    seen = world["client"].get(f"/api/v1/referrals/{first.json()['id']}", headers=world["h"]["pp"]).json()["person"]
    assert seen["name"] == "Nora North-West"
    with world["sessions"]() as s:
        assert s.scalar(select(func.count()).select_from(Person).where(Person.crn == crn)) == 1


def test_it_makes_one_person_from_parallel_first_referrals_of_a_new_crn(committed_sessions):
    with transaction(committed_sessions) as s:
        practitioner = f.user(s)
    crn, attempts = f.crn(), 20
    barrier = threading.Barrier(attempts, timeout=30)

    def one(_: int) -> int:
        barrier.wait()
        try:
            with transaction(committed_sessions) as s:
                service.create_referral(session=s, user=s.merge(practitioner), data=f.referral_in(person={"crn": crn}))
            return 201
        except Conflict:
            return 409

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(one, range(attempts), timeout=120))
    assert (results.count(201), results.count(409)) == (1, attempts - 1)
    with transaction(committed_sessions) as s:
        people = s.scalars(select(Person.id).where(Person.crn == crn)).all()
        assert len(people) == 1
        assert s.scalar(select(func.count()).select_from(Referral).where(Referral.person_id == people[0])) == 1
