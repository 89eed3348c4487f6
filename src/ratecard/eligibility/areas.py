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

from functools import lru_cache

from ratecard import places
# Kept in places (below every domain) so that the catalogue filters by area as the matcher decides it.
from ratecard.places import area_decision, area_matches, matching_area_names

__all__ = ["ASK_FOR_PLACE", "area_decision", "area_key", "area_matches", "area_note", "county_of", "matching_area_names"]

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
