"""Where a person lives, matched against where a service runs.

Brochures name counties ("Lancashire only", "Kent, Surrey, Sussex") and unitary authorities
("Southend and Thurrock only"); people are recorded by town, village, "town, county", local
authority, county or postcode. Both sides are placed with the gazetteer (`places.py`: GeoNames
towns, ONS local authorities and postcodes, ceremonial counties) and compared as areas:

- served (True): the person's place lies in one of the service's areas;
- not served (False): it lies outside all of them;
- unknown (None): the person named a wider area that the service covers only part of ("Essex"
  for Southend and Thurrock), a place nobody knows, or a name found in several counties whose
  answers differ ("Newport": Essex or Wales). A place we cannot find is never ruled out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from ratecard import places
from ratecard.places import DISTRICT, Candidate

# What the matcher asks for when the typed place did not settle the area.
ASK_FOR_PLACE = "area (town and county, or postcode)"


@lru_cache(maxsize=4096)
def area_key(name: str) -> str:
    """A comparable form of an area name."""
    return places.place_key(name)


@lru_cache(maxsize=4096)
def county_of(area: str) -> str:
    """The key of the ceremonial county an area lies in (the area's own key when that is not one place)."""
    place = places.resolve(area)
    counties = {places.place_key(c) for c in place.counties}
    return counties.pop() if len(counties) == 1 else area_key(area)


@lru_cache(maxsize=65536)
def area_decision(person_area: str, service_areas: tuple[str, ...]) -> bool | None:
    """area_matches, remembered: people and services repeat the same few areas."""
    return area_matches(person_area, service_areas)


def area_matches(person_area: str, service_areas: Sequence[str]) -> bool | None:
    """True if the person's area is served, False if not, None if it cannot be told (see the module)."""
    if area_key(person_area) in {area_key(a) for a in service_areas}:
        return True
    person = places.resolve(person_area)
    if not person.known:
        return None
    targets = [c for area in service_areas for c in places.area_candidates(area)]
    outcomes = {_served(candidate, targets) for candidate in person.candidates}
    return outcomes.pop() if len(outcomes) == 1 else None


@lru_cache(maxsize=16384)
def area_note(person_area: str) -> str | None:
    """Why a typed place could not settle an area, when the place itself is the reason: unknown, or in several counties."""
    place = places.resolve(person_area)
    text = place.text
    if not place.known:
        return (
            f"'{text}' is not a town, village, local authority, county or postcode of England or Wales that we "
            "know, so where the person lives could not be checked: give the town and county (e.g. 'Ashford, Kent') "
            "or the postcode."
        )
    if len(place.counties) > 1:
        labels = [c.label for c in place.candidates]
        example = next((label for label in labels if ", " in label), labels[0])
        return (
            f"There is more than one '{text}': in {places.either(place.counties)}. "
            f"Give the county too (e.g. '{example}') or the postcode."
        )
    return None


def matching_area_names(person_area: str, area_names: Iterable[str]) -> list[str]:
    """The catalogue's area names that serve, or may serve, a typed place ("Blackpool" -> ["Lancashire"]).

    For filtering a list of services by where a person lives: a name is kept when it serves the
    place, or may (the place is wider than the area, or in several counties). A place nobody knows
    keeps only the names spelt like it.
    """
    known = places.resolve(person_area).known
    kept = []
    for name in area_names:
        decision = area_decision(person_area, (name,))
        if decision is True or (decision is None and known):
            kept.append(name)
    return kept


def _served(person: Candidate, targets: list[Candidate]) -> bool | None:
    result: bool | None = False
    for target in targets:
        relation = _relation(person, target)
        if relation:
            return True
        if relation is None:
            result = None
    return result


def _relation(person: Candidate, area: Candidate) -> bool | None:
    """Is the person's place in this area: True, False, or None when the person's place is too coarse to tell."""
    gaz = places.gazetteer()
    if area.unit is not None:
        if area.unit in person.inside:
            return True
        if person.unit is not None and person.unit in area.inside:
            return None  # the person named a wider area ("Essex") than the service's ("Southend")
        district = gaz.units[area.unit]
        if person.unit is None and district.kind == DISTRICT and district.parent in person.inside:
            return None  # a town of the county, but which district it is in the data does not say
        return False
    # The service names a town.
    if person.place is not None:
        return person.place == area.place
    if person.unit is not None and person.unit in area.inside:
        return None
    own = gaz.units[person.unit] if person.unit is not None else None
    if own is not None and own.kind == DISTRICT and own.parent == area.within:
        return None
    return False
