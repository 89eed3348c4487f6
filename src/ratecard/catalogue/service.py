"""Catalogue operations: storing imported brochures and finding services. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import Select, Text, case, cast, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ratecard.db import utc_now
from ratecard.catalogue.models import Provider, Service, ServiceArea, ServiceOption
from ratecard.catalogue.schemas import (
    CATEGORIES,
    Delivery,
    ImportReport,
    OptionOut,
    ParsedBrochure,
    ProviderOut,
    ServiceBrief,
    ServiceData,
    ServiceFilters,
    ServiceOut,
    ServicePage,
    SourceRef,
)
from ratecard.catalogue.search import query_terms, search_document
from ratecard.errors import NotFound

# Fields the import report counts as filled when they hold a value.
REPORTED_FIELDS = (
    "aliases", "summary", "highlights", "delivery", "rar_usable", "areas", "locations",
    "nsi_category", "nsi_subtypes", "prerequisites", "charges", "criteria_text",
    "sessions", "session_minutes", "total_hours", "rar_days", "duration_text", "options",
)


def service_id(provider_code: str, key: str) -> str:
    """The stable id of a service: '<provider code lower-case>-<key>'."""
    return f"{provider_code.lower()}-{key}"


def fields_filled(parsed: ParsedBrochure) -> dict[str, int]:
    """For each reported field, how many of the brochure's services have a value in it."""
    counts = {}
    for field in REPORTED_FIELDS:
        counts[field] = sum(1 for s in parsed.services if getattr(s, field) not in (None, [], ""))
    return counts


def _service_row(data: ServiceData, *, provider: Provider, position: int) -> dict[str, Any]:
    areas = data.areas or provider.areas
    return {
        "key": data.key,
        "position": position,
        "listed": True,
        "name": data.name,
        "aliases": data.aliases,
        "kind": data.kind.value,
        "category": data.category,
        "summary": data.summary,
        "highlights": data.highlights,
        "delivery": data.delivery.value if data.delivery else None,
        "setting": data.setting.value,
        "rar_usable": data.rar_usable,
        "licence_usable": data.licence_usable,
        "areas": data.areas,
        "locations": data.locations,
        "request_method": data.request_method.value,
        "nsi_category": data.nsi_category,
        "nsi_subtypes": data.nsi_subtypes,
        "request_notes": data.request_notes,
        "prerequisites": [p.model_dump() for p in data.prerequisites],
        "charges": [c.model_dump() for c in data.charges],
        "criteria": [c.model_dump() for c in data.criteria_text],
        "rules": [r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in data.rules],
        "recipient": data.recipient,
        "sessions": data.sessions,
        "session_minutes": data.session_minutes,
        "total_hours": data.total_hours,
        "rar_days": data.rar_days,
        "max_participants": data.max_participants,
        "duration_text": data.duration_text,
        "source_file": data.source.file,
        "source_start": data.source.lines[0],
        "source_end": data.source.lines[1],
        "review_notes": data.review_notes,
        "search_text": search_document(
            [
                data.name, *data.aliases, data.category, data.kind.value.replace("_", " "),
                provider.name, provider.code, *areas, *data.locations, data.nsi_category,
                *data.nsi_subtypes, data.summary, *data.highlights,
                *(option.name for option in data.options),
                *(option.nsi_category for option in data.options),
                data.delivery.value.replace("_", " ") if data.delivery else None,
                data.setting.value.replace("_", " "),
                "rar" if data.rar_usable else None,
            ]
        ),
    }


def _option_rows(data: ServiceData, sid: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{sid}--{option.key}",
            "key": option.key,
            "position": position,
            "name": option.name,
            "nsi_category": option.nsi_category,
            "nsi_subtype": option.nsi_subtype,
            "level": option.level.value if option.level else None,
            "sessions": option.sessions,
            "session_minutes": option.session_minutes,
            "hours": option.hours,
            "hours_up_to": option.hours_up_to,
            "duration_text": option.duration_text,
        }
        for position, option in enumerate(data.options)
    ]


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def store_brochure(
    *, session: Session, parsed: ParsedBrochure, checksum: str, now: dt.datetime | None = None
) -> ImportReport:
    """Create or update the provider and services of one parsed brochure, in place and idempotently.

    Services the brochure no longer has stay in the database (referrals may point at them) but are
    no longer listed; options it no longer has stay too, marked withdrawn.
    """
    now = utc_now(now)
    data = parsed.provider
    pid = data.code.lower()
    provider = session.get(Provider, pid)
    provider_values = {
        "code": data.code,
        "name": data.name,
        "areas": data.areas,
        "hub_email": data.hub_email,
        "hub_location": data.hub_location,
        "contact": data.contact,
        "brochure_title": data.brochure_title,
        "brochure_kind": data.brochure_kind,
        "brochure_file": data.brochure_file,
        "brochure_sha256": checksum,
        "valid_from": data.valid_from,
        "valid_text": data.valid_text,
        "nsi_provider_name": data.nsi_provider_name,
        "transfer": data.transfer.model_dump() if data.transfer else None,
        "resettlement_prisons": data.resettlement_prisons,
        "non_resettlement_prisons": data.non_resettlement_prisons,
        "offices": data.offices,
    }
    if provider is None:
        provider = Provider(id=pid, imported_at=now, **provider_values)
        session.add(provider)
    provider_changed = _apply(provider, provider_values)

    report = ImportReport(
        file=data.brochure_file,
        provider=data.code,
        parser=parsed.parser,
        services_found=len(parsed.services),
        options_found=sum(len(s.options) for s in parsed.services),
        fields_filled=fields_filled(parsed),
        needs_review=[*parsed.warnings]
        + [f"{s.name}: {note}" for s in parsed.services for note in s.review_notes],
    )
    existing = {
        s.id: s
        for s in session.scalars(
            select(Service)
            .where(Service.provider_id == pid)
            .options(selectinload(Service.all_options), selectinload(Service.coverage))
        )
    }
    seen: set[str] = set()
    for position, item in enumerate(parsed.services):
        sid = service_id(data.code, item.key)
        seen.add(sid)
        values = _service_row(item, provider=provider, position=position)
        options = _option_rows(item, sid)
        areas = sorted(set(item.areas or data.areas))
        service = existing.get(sid)
        if service is None:
            service = Service(id=sid, provider=provider, **values)
            service.all_options = [ServiceOption(**row) for row in options]
            service.coverage = [ServiceArea(area=area) for area in areas]
            session.add(service)
            report.created += 1
            continue
        changed = _apply(service, values)
        if _sync_options(service, options, now=now):
            # Service.options is a read-only view: reload it rather than show what it held before.
            session.expire(service, ["options"])
            changed = True
        if sorted(a.area for a in service.coverage) != areas:
            service.coverage = [ServiceArea(area=area) for area in areas]
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    gone = [sid for sid, service in existing.items() if sid not in seen and service.listed]
    if gone:
        session.execute(update(Service).where(Service.id.in_(gone)).values(listed=False))
        report.withdrawn = len(gone)
    if provider_changed or report.created or report.updated or report.withdrawn:
        # imported_at marks the last import that changed anything: caches of the catalogue key on it.
        provider.imported_at = now
    session.flush()
    return report


def catalogue_version(*, session: Session) -> tuple[object, int]:
    """Changes whenever an import changes the catalogue: (latest change, number of listed services)."""
    latest = session.scalar(select(func.max(Provider.imported_at)))
    count = session.scalar(select(func.count()).select_from(Service).where(Service.listed.is_(True))) or 0
    return latest, count


def _sync_options(service: Service, rows: list[dict[str, Any]], *, now: dt.datetime) -> bool:
    # Options are withdrawn, never deleted: referrals keep pointing at the ones a brochure drops.
    current = {option.id: option for option in service.all_options}
    seen = set()
    changed = False
    for row in rows:
        seen.add(row["id"])
        option = current.get(row["id"])
        if option is None:
            option = current[row["id"]] = ServiceOption(**row)
            service.all_options.append(option)
            changed = True
        else:
            # An option printed again comes back with what the brochure now says of it.
            changed |= _apply(option, {**row, "withdrawn_at": None})
    for option_id, option in current.items():
        if option_id not in seen and option.withdrawn_at is None:
            option.withdrawn_at = now
            changed = True
    return changed


# --- Reading --------------------------------------------------------------------------------


def _filtered(filters: ServiceFilters) -> Select[tuple[Service]]:
    query = select(Service).join(Provider).where(Service.listed.is_(True))
    if filters.provider:
        query = query.where(func.lower(Provider.code) == filters.provider.lower())
    if filters.category:
        query = query.where(func.lower(Service.category) == filters.category.lower())
    if filters.kind:
        query = query.where(Service.kind == filters.kind.value)
    if filters.delivery:
        wanted = [filters.delivery.value]
        if filters.delivery is not Delivery.BOTH:
            wanted.append(Delivery.BOTH.value)
        query = query.where(Service.delivery.in_(wanted))
    if filters.setting:
        query = query.where(Service.setting == filters.setting.value)
    if filters.rar_usable is not None:
        query = query.where(
            Service.rar_usable.is_(True) if filters.rar_usable else or_(
                Service.rar_usable.is_(False), Service.rar_usable.is_(None)
            )
        )
    if filters.area:
        # The typed place as the gazetteer understands it: "Blackpool" is served by "Lancashire";
        # a place nobody knows keeps only the areas spelt like it.
        from ratecard import places  # the gazetteer's data loads only when an area filter is used

        names = places.area_names_for(filters.area)
        query = query.where(
            Service.id.in_(select(ServiceArea.service_id).where(func.lower(ServiceArea.area).in_(names)))
        )
    for alternatives in query_terms(filters.q):
        query = query.where(or_(*(Service.search_text.contains(f" {word}", autoescape=True) for word in alternatives)))
    return query


def _name_rank(filters: ServiceFilters):  # type: ignore[no-untyped-def]
    # Services with the first search word as an alias come first, then those with it in their name.
    terms = query_terms(filters.q)
    if not terms:
        return None
    name_words = func.lower(Service.name + " " + func.coalesce(Service.nsi_category, ""))
    aliases = func.lower(cast(Service.aliases, Text))  # the JSON text: ["TSP", ...]
    alias_hit = or_(*(aliases.contains(f'"{word}', autoescape=True) for word in terms[0]))
    name_hit = or_(*(name_words.contains(word, autoescape=True) for word in terms[0]))
    return case((alias_hit, 0), (name_hit, 1), else_=2)


def brief(service: Service) -> ServiceBrief:
    """The list view of a service row."""
    return ServiceBrief(
        id=service.id,
        provider=service.provider.code,
        provider_name=service.provider.name,
        name=service.name,
        aliases=service.aliases,
        kind=service.kind,
        category=service.category,
        summary=service.summary,
        delivery=service.delivery,
        setting=service.setting,
        rar_usable=service.rar_usable,
        areas=service.areas or service.provider.areas,
        request_method=service.request_method,
        nsi_category=service.nsi_category,
        total_hours=service.total_hours,
        sessions=service.sessions,
        recipient=service.recipient,
    )


def detail(service: Service) -> ServiceOut:
    """The full view of a service row."""
    return ServiceOut(
        **brief(service).model_dump(),
        key=service.key,
        highlights=service.highlights,
        licence_usable=service.licence_usable,
        areas_printed=service.areas,
        locations=service.locations,
        nsi_subtypes=service.nsi_subtypes,
        request_notes=service.request_notes,
        prerequisites=service.prerequisites,
        charges=service.charges,
        criteria_text=[c["text"] for c in service.criteria],
        criteria=service.criteria,
        rules=service.rules,
        session_minutes=service.session_minutes,
        rar_days=service.rar_days,
        max_participants=service.max_participants,
        duration_text=service.duration_text,
        options=[OptionOut.model_validate(option) for option in service.options],
        source=SourceRef(file=service.source_file, lines=(service.source_start, service.source_end)),
        review_notes=service.review_notes,
    )


def list_services(*, session: Session, filters: ServiceFilters, page: int = 1, per_page: int = 20) -> ServicePage:
    """One page of listed services matching every filter, best name matches first."""
    page = max(page, 1)
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = [Provider.code, Service.position]
    rank = _name_rank(filters)
    if rank is not None:
        order.insert(0, rank)
    rows = session.scalars(
        query.options(selectinload(Service.provider)).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return ServicePage(
        items=[brief(row) for row in rows],
        total=total,
        page=page,
        per_page=per_page,
        pages=max(1, math.ceil(total / per_page)),
    )


def get_service(*, session: Session, service_id: str) -> ServiceOut:
    """One listed service in full; NotFound if there is none with that id."""
    service = session.scalar(
        select(Service)
        .where(Service.id == service_id, Service.listed.is_(True))
        .options(selectinload(Service.options), selectinload(Service.provider))
    )
    if service is None:
        raise NotFound(f"No service with id '{service_id}'.")
    return detail(service)


def export_services(*, session: Session, filters: ServiceFilters | None = None) -> list[ServiceOut]:
    """Every listed service matching `filters` in full, in provider and brochure order."""
    query = _filtered(filters or ServiceFilters()).options(
        selectinload(Service.options), selectinload(Service.provider)
    )
    return [detail(row) for row in session.scalars(query.order_by(Provider.code, Service.position))]


def lost_anchors(*, session: Session) -> list[tuple[str, str, str]]:
    """(brochure file, service id, review note) for each listed service's rule whose quoted text is gone."""
    from ratecard.catalogue.anchors import LOST_NOTE  # the note's wording lives with the anchoring

    prefix = LOST_NOTE.split("{", 1)[0]
    query = select(Service).where(Service.listed.is_(True)).order_by(Service.source_file, Service.position)
    return [
        (s.source_file, s.id, note)
        for s in session.scalars(query)
        for note in s.review_notes
        if note.startswith(prefix)
    ]


def services_by_category(*, session: Session, provider_code: str) -> dict[str, list[ServiceOut]]:
    """A provider's listed services grouped by category, each group in brochure order."""
    groups: dict[str, list[ServiceOut]] = {}
    for item in export_services(session=session, filters=ServiceFilters(provider=provider_code)):
        groups.setdefault(item.category, []).append(item)
    return groups


def _provider_out(provider: Provider, count: int) -> ProviderOut:
    return ProviderOut.model_validate(provider).model_copy(update={"service_count": count})


def list_providers(*, session: Session) -> list[ProviderOut]:
    """Every provider with its number of listed services."""
    counts = dict(
        session.execute(
            select(Service.provider_id, func.count()).where(Service.listed.is_(True)).group_by(Service.provider_id)
        ).all()
    )
    providers = session.scalars(select(Provider).order_by(Provider.name))
    return [_provider_out(p, counts.get(p.id, 0)) for p in providers]


def get_provider(*, session: Session, provider_id: str) -> ProviderOut:
    """One provider by id or code (any case); NotFound otherwise."""
    provider = session.get(Provider, provider_id.lower())
    if provider is None:
        raise NotFound(f"No provider '{provider_id}'.")
    count = session.scalar(
        select(func.count()).where(Service.provider_id == provider.id, Service.listed.is_(True))
    )
    return _provider_out(provider, count or 0)


def filter_choices(*, session: Session) -> dict[str, list[Any]]:
    """The values each filter can take, from what is in the catalogue."""
    listed = Service.listed.is_(True)
    categories_present = set(session.scalars(select(Service.category).where(listed).distinct()))
    return {
        "providers": [(p.code, p.name) for p in session.scalars(select(Provider).order_by(Provider.name))],
        "categories": [c for c in CATEGORIES if c in categories_present],
        "areas": sorted(
            session.scalars(
                select(ServiceArea.area).join(Service).where(listed).distinct()
            )
        ),
    }
