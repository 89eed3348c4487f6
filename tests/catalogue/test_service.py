"""Storing brochures and finding services, against the real database of each backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ratecard.catalogue import service
from ratecard.catalogue.models import Service, ServiceOption
from ratecard.catalogue.schemas import Delivery, Level, ServiceFilters
from ratecard.errors import NotFound
from tests.factories import option_data, parsed_brochure, provider_data, service_data


def test_it_stores_a_brochure_and_reports_what_it_created(session):
    parsed = parsed_brochure(services=[service_data(options=[option_data(), option_data()]), service_data()])
    report = service.store_brochure(session=session, parsed=parsed, checksum="a" * 64)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.options_found == 2
    assert session.scalar(select(func.count()).select_from(Service)) == 2
    assert session.scalar(select(func.count()).select_from(ServiceOption)) == 2


def test_it_is_idempotent_on_reimport(session):
    parsed = parsed_brochure(services=[service_data(options=[option_data()])])
    service.store_brochure(session=session, parsed=parsed, checksum="a" * 64)
    again = service.store_brochure(session=session, parsed=parsed, checksum="a" * 64)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert session.scalar(select(func.count()).select_from(Service)) == 1
    assert session.scalar(select(func.count()).select_from(ServiceOption)) == 1


def test_it_updates_changed_facts_in_place_keeping_the_id(session):
    provider = provider_data()
    item = service_data(total_hours=4)
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[item]), checksum="a" * 64)
    changed = item.model_copy(update={"total_hours": 6.0, "options": [option_data(level=Level.HIGH, hours=6)]})
    report = service.store_brochure(
        session=session, parsed=parsed_brochure(provider=provider, services=[changed]), checksum="b" * 64
    )
    assert report.updated == 1
    stored = service.get_service(session=session, service_id=service.service_id(provider.code, item.key))
    assert stored.total_hours == 6
    assert [o.level for o in stored.options] == ["high"]


def test_it_withdraws_services_a_reimport_no_longer_finds(session):
    provider = provider_data()
    kept, dropped = service_data(), service_data()
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[kept, dropped]), checksum="a" * 64)
    report = service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[kept]), checksum="b" * 64)
    assert report.withdrawn == 1
    with pytest.raises(NotFound):
        service.get_service(session=session, service_id=service.service_id(provider.code, dropped.key))
    # Still in the table, so anything that points at it keeps working.
    assert session.get(Service, service.service_id(provider.code, dropped.key)) is not None


def test_it_resolves_empty_areas_to_the_providers_whole_area(session):
    provider = provider_data(areas=["Northshire", "Southshire"])
    everywhere, one_county = service_data(), service_data(areas=["Northshire"])
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[everywhere, one_county]), checksum="a" * 64)
    in_south = service.list_services(session=session, filters=ServiceFilters(area="southshire"))
    assert [s.name for s in in_south.items] == [everywhere.name]
    in_north = service.list_services(session=session, filters=ServiceFilters(area="Northshire"))
    assert {s.name for s in in_north.items} == {everywhere.name, one_county.name}


def test_it_matches_group_or_one_to_one_filters_to_services_offered_both_ways(session):
    group, both, solo = (
        service_data(delivery=Delivery.GROUP),
        service_data(delivery=Delivery.BOTH),
        service_data(delivery=Delivery.ONE_TO_ONE),
    )
    service.store_brochure(session=session, parsed=parsed_brochure(services=[group, both, solo]), checksum="a" * 64)
    found = service.list_services(session=session, filters=ServiceFilters(delivery=Delivery.GROUP))
    assert {s.name for s in found.items} == {group.name, both.name}


def test_it_searches_every_word_as_a_prefix_ignoring_stop_words(session):
    provider = provider_data(areas=["Lancashire"])
    housing = service_data(name="Accommodation Support", category="Accommodation")
    other = service_data(name="Job Club", category="Employment, training and education")
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[housing, other]), checksum="a" * 64)
    found = service.list_services(session=session, filters=ServiceFilters(q="accommodation in Lancashire"))
    assert [s.name for s in found.items] == [housing.name]
    assert service.list_services(session=session, filters=ServiceFilters(q="accommodation in Norfolk")).total == 0


def test_it_pages_results(session):
    service.store_brochure(session=session, parsed=parsed_brochure(services=[service_data() for _ in range(5)]), checksum="a" * 64)
    first = service.list_services(session=session, filters=ServiceFilters(), page=1, per_page=2)
    last = service.list_services(session=session, filters=ServiceFilters(), page=3, per_page=2)
    assert (first.total, first.pages, len(first.items), len(last.items)) == (5, 3, 2, 1)
    assert not {s.id for s in first.items} & {s.id for s in last.items}


def test_it_raises_not_found_for_unknown_ids(session):
    with pytest.raises(NotFound):
        service.get_service(session=session, service_id="nope-nothing")
    with pytest.raises(NotFound):
        service.get_provider(session=session, provider_id="zzz")
