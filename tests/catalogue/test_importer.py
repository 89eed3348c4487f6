"""Reading a brochure into catalogue data: what parse plus overlay stores for the five real brochures."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.parsers.base import delivery_of
from ratecard.catalogue.schemas import Delivery, ServiceData
from tests.paths import CLN, DLNR, ESSEX, KSS, NSF, OVERLAYS


@cache
def _services(brochure: Path) -> dict[str, ServiceData]:
    return {service.key: service for service in read_brochure(brochure, overlay_dir=OVERLAYS).services}


@cache
def _lines(brochure: Path) -> list[str]:
    return brochure.read_text(encoding="utf-8").splitlines()


def _printed(brochure: Path, service: ServiceData) -> str:
    """The brochure text of a service's own lines."""
    first, last = service.source.lines
    return "\n".join(_lines(brochure)[first - 1 : last])


# Group programmes whose one-to-one work is sessions of the programme (pre-group, review, exit, three-way), with
# the printed words that show it.
GROUP_PROGRAMMES = [
    (NSF, "who-am-i-children-and-families-programme", "This is followed by a one to one goals planning session."),
    (NSF, "fearless-futures-young-persons-rar", "1 pre-group individual session at 2 hours."),
    (NSF, "building-better-relationships", "combination of group, individual, preparatory and review sessions"),
    (NSF, "drink-drive-programme", "Individual session at the end of the programme"),
    (NSF, "choices", "1. Initial individual session"),
    (CLN, "building-better-relationships", "combination of group, individual, preparatory and review sessions"),
    (CLN, "resolve", "combination of group, individual, preparatory and review sessions"),
    (DLNR, "thinking-skills-programme", "3 modules of 5 group work sessions, and 4 individual sessions"),
    (DLNR, "control-of-violence-for-angry-impulsive-drinkers", "10 group work sessions and 3 individual sessions"),
    (DLNR, "resolve", "23 group sessions and 4 individual sessions"),
    (DLNR, "building-better-relationships", "24 group sessions and 6 individual sessions"),
    (ESSEX, "drink-impaired-drivers-programme", "2 one hour pre group sessions, 14 group work sessions."),
    (ESSEX, "thinking-skills-programme", "including one to one sessions aimed at developing motivation"),
    (ESSEX, "resolve", "4 individual sessions and 23 group sessions"),
    (KSS, "resolve", "closed group consists of both group and one-to-one sessions"),
    (KSS, "drink-impaired-drivers", "1 x one hour pre group one-to-one"),
    (KSS, "thinking-skills-programme", "4 x one hour one-to-one sessions"),
    (KSS, "building-better-relationships", "6 x one hour one-to-one sessions"),
]

# Services a person can be offered in a group or one-to-one, with the printed words that offer either.
EITHER_WAY = [
    (NSF, "community-payback", "delivered in groups or through individual placements"),
    (NSF, "drug-education-programme", "could be delivered on a one to one"),
    (NSF, "better-me-better-us-domestic-abuse-group-programme", "can also be delivered on a 121"),
    (NSF, "mens-rehabilitation-activity-requirement", "could be delivered on a one to one"),
    (CLN, "community-payback", "delivered in groups or through individual placements"),
    (CLN, "domestic-abuse-safer-relationships", "as part of a group or on a 1;1 basis"),
    (CLN, "rethink", "either as a group or on a one to one basis"),
    (CLN, "values-attitudes-and-behaviour-hate-crime", "on a 1;1 basis or in small groups"),
    (CLN, "womens-service-vision-project", "both one to one and group work"),
    (DLNR, "rehabilitation-activity-requirement", "on a one-to-one or group basis"),
    (DLNR, "womens-services", "flexible method of delivery"),
    (DLNR, "education-training-and-employment", "through one-to-one and group engagements"),
    (ESSEX, "motivational-module", "Group or"),
    (ESSEX, "victim-awareness", "Group or"),
    (ESSEX, "alcohol-brief-interventions", "Group or"),
    (ESSEX, "resettlement-module", "Group or"),
    (ESSEX, "community-payback-unpaid-work", "delivered in groups or through individual placements"),
    (ESSEX, "alcohol-treatment-requirement-atr", "(groupwork or one-to-one)"),
    (KSS, "delivery-of-home-modules-from-msrp", "can be delivered in groups, one-to-one"),
    (KSS, "delivery-of-habit-modules-from-msrp", "can be delivered in groups, one-to-one"),
    (KSS, "delivery-of-modules-from-msrp", "can be delivered in groups, one-to-one"),
    (KSS, "womens-wrap-around-support", "Delivered mainly one-to-one with some group work"),
]


def _id(case: tuple[Path, str, str]) -> str:
    return f"{case[0].name[:3]}-{case[1]}"


@pytest.mark.parametrize("case", GROUP_PROGRAMMES, ids=_id)
def test_it_stores_a_group_programme_with_individual_sessions_as_group(case):
    brochure, key, printed = case
    service = _services(brochure)[key]
    assert printed in _printed(brochure, service)
    # someone who cannot join a group cannot take it: a one-to-one filter must not offer it
    assert service.delivery is Delivery.GROUP


@pytest.mark.parametrize("case", EITHER_WAY, ids=_id)
def test_it_keeps_both_for_services_offered_in_a_group_or_one_to_one(case):
    brochure, key, printed = case
    service = _services(brochure)[key]
    assert printed in _printed(brochure, service)
    assert service.delivery is Delivery.BOTH
    assert delivery_of(True, True, _printed(brochure, service)) is Delivery.BOTH
