"""Where a person lives, matched against where a service runs.

Brochures name counties ("Lancashire only") and towns ("Southend and Thurrock only"); people are
recorded by county or town. Each known town maps to its county so either can be matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ratecard.catalogue.search import normalise

# Towns, unitary authorities and sub-counties, mapped to the county the providers cover them as.
COUNTY_OF: dict[str, str] = {
    # Essex
    "southend": "essex", "southend on sea": "essex", "thurrock": "essex", "basildon": "essex",
    "chelmsford": "essex", "colchester": "essex", "harlow": "essex", "braintree": "essex",
    # Lancashire and Cumbria
    "blackpool": "lancashire", "blackburn": "lancashire", "blackburn with darwen": "lancashire",
    "preston": "lancashire", "lancaster": "lancashire", "burnley": "lancashire",
    "carlisle": "cumbria", "barrow": "cumbria", "barrow in furness": "cumbria", "kendal": "cumbria",
    "workington": "cumbria", "whitehaven": "cumbria",
    # Norfolk and Suffolk
    "norwich": "norfolk", "kings lynn": "norfolk", "great yarmouth": "norfolk",
    "ipswich": "suffolk", "bury st edmunds": "suffolk", "lowestoft": "suffolk",
    # DLNR
    "derby": "derbyshire", "chesterfield": "derbyshire", "leicester": "leicestershire",
    "nottingham": "nottinghamshire", "mansfield": "nottinghamshire", "oakham": "rutland",
    # KSS
    "medway": "kent", "maidstone": "kent", "canterbury": "kent", "guildford": "surrey",
    "brighton": "sussex", "brighton and hove": "sussex", "hove": "sussex", "east sussex": "sussex",
    "west sussex": "sussex", "crawley": "sussex", "hastings": "sussex",
}


@lru_cache(maxsize=4096)
def area_key(name: str) -> str:
    """A comparable form of an area name."""
    return normalise(name)


@lru_cache(maxsize=4096)
def county_of(area: str) -> str:
    """The county an area lies in (the area itself when it is a county or unknown)."""
    key = area_key(area)
    return COUNTY_OF.get(key, key)


@lru_cache(maxsize=65536)
def area_decision(person_area: str, service_areas: tuple[str, ...]) -> bool | None:
    """area_matches, remembered: people and services repeat the same few areas."""
    return area_matches(person_area, service_areas)


def area_matches(person_area: str, service_areas: Sequence[str]) -> bool | None:
    """True if the person's area is served, False if not, None if only part of their county is served."""
    person = area_key(person_area)
    person_county = county_of(person_area)
    served = {area_key(a) for a in service_areas}
    if person in served or person_county in served:
        return True
    # The service runs in towns of the person's county, but we don't know the person's town.
    if person == person_county and any(county_of(a) == person_county for a in service_areas):
        return None
    return False
