"""Price lists: who may see and manage them, drafting (entries checked against the catalogue), publishing
(one named function per transition, a conditional UPDATE, a history row), CSV import and export.

Publishing a list that starts while an older published list of the provider is still in force ends
the older one the day before (it becomes "superseded": its prices stay those of the days it kept);
any other overlap is refused. Everything is checked in the publishing transaction, with the
provider's row locked on PostgreSQL, so two publishes at once cannot both pass the overlap check.
Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ratecard.accounts.models import User
from ratecard.accounts.roles import Role
from ratecard.billing import pricecsv
from ratecard.billing.quotes import period_words
from ratecard.billing.models import PriceEntry, PriceList, PriceListHistory
from ratecard.billing.schemas import PriceEntryIn, PriceListIn, rule_dict
from ratecard.billing.workflow import LIVE_STATUSES, TRANSITIONS, ListAction, ListStatus
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.db import utc_now
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound

# --- who may see and manage what --------------------------------------------------------------


def may_manage(user: User, provider_id: str) -> bool:
    """Admins manage every provider's prices; a provider's price-list managers only their own."""
    if not user.active:
        return False
    if user.role == Role.ADMIN.value:
        return True
    return bool(user.can_manage_prices) and user.provider_id == provider_id


def manages_any(user: User) -> bool:
    """Whether the user manages some provider's prices (for the navigation link and the new-list form)."""
    return user.active and (user.role == Role.ADMIN.value or (bool(user.can_manage_prices) and user.provider_id is not None))


def _visible(user: User | None) -> Any:
    """What price lists `user` may see: admins all; provider staff only their provider's (drafts too);
    anyone else only lists that are or were in force (never a draft)."""
    if user is not None and user.role == Role.ADMIN.value:
        return True
    if user is not None and user.provider_id is not None:
        return PriceList.provider_id == user.provider_id
    return PriceList.status.in_(LIVE_STATUSES)


def get_list(*, session: Session, user: User | None, price_list_id: int) -> PriceList:
    """One price list the user may see; another provider's (or a draft a practitioner asks for) is not found."""
    found = session.scalar(
        select(PriceList).where(PriceList.id == price_list_id, _visible(user))
        .options(selectinload(PriceList.entries))
    )
    if found is None:
        raise NotFound(f"No price list {price_list_id}.")
    return found


def list_lists(*, session: Session, user: User | None, provider_id: str | None = None) -> list[PriceList]:
    """The price lists the user may see, newest validity first (one provider's if asked)."""
    query = select(PriceList).where(_visible(user))
    if provider_id:
        query = query.where(PriceList.provider_id == provider_id)
    return list(session.scalars(query.order_by(PriceList.provider_id, PriceList.valid_from.desc(), PriceList.id.desc())))


def history_of(*, session: Session, price_list_id: int) -> list[PriceListHistory]:
    """Every status change of a list, oldest first."""
    return list(session.scalars(select(PriceListHistory).where(PriceListHistory.price_list_id == price_list_id)
                                .order_by(PriceListHistory.id)))


def find_provider(*, session: Session, code: str) -> Provider:
    """A provider by its code or id, any case ('KSS' or 'kss'); InvalidInput naming the codes otherwise."""
    provider = session.scalar(select(Provider).where(or_(func.lower(Provider.code) == code.strip().lower(),
                                                         Provider.id == code.strip().lower())))
    if provider is None:
        codes = ", ".join(session.scalars(select(Provider.code).order_by(Provider.code)))
        raise InvalidInput(f"No provider '{code}': choose one of {codes or 'none (import the catalogue first)'}.",
                           field="provider_id")
    return provider


# --- checking entries against the catalogue ---------------------------------------------------


def check_entries(*, session: Session, provider_id: str, entries: Sequence[PriceEntryIn],
                  where: Sequence[str] | None = None) -> list[str]:
    """Problems of the entries for the provider's catalogue, each starting with where it is ("line 3",
    "entries[2]"): an unknown service or option, an option missing or not the service's, a duplicate."""
    where = list(where) if where is not None else [f"entries[{i}]" for i in range(len(entries))]
    services = {s.id: s for s in session.scalars(select(Service).where(Service.provider_id == provider_id))}
    options: dict[str, ServiceOption] = {}
    if services:
        options = {o.id: o for o in session.scalars(select(ServiceOption).where(
            ServiceOption.service_id.in_(list(services)), ServiceOption.withdrawn_at.is_(None)))}
    with_options = {o.service_id for o in options.values()}
    seen: dict[tuple[str, str | None], str] = {}
    problems: list[str] = []
    for place, entry in zip(where, entries, strict=True):
        service = services.get(entry.service_id)
        if service is None:
            problems.append(f"{place}: service_id: '{entry.service_id}' is not a service of this provider")
            continue
        if entry.option_id is None and service.id in with_options:
            problems.append(f"{place}: option_id: {service.name} is ordered by option: give one option's id "
                            f"(one entry per orderable option)")
            continue
        if entry.option_id is not None:
            option = options.get(entry.option_id)
            if option is None or option.service_id != service.id:
                problems.append(f"{place}: option_id: '{entry.option_id}' is not an orderable option of {service.name}")
                continue
        key = (entry.service_id, entry.option_id)
        if key in seen:
            problems.append(f"{place}: the same option is priced twice (first at {seen[key]})")
            continue
        seen[key] = place
    return problems


def _new_entry(data: PriceEntryIn) -> PriceEntry:
    return PriceEntry(
        service_id=data.service_id, option_id=data.option_id, unit=data.unit, unit_price_pence=data.unit_price_pence,
        vat_rate=data.vat_rate, minimum_units=data.minimum_units, charge_rule=rule_dict(data.charge_rule),
        note=data.note,
    )


def _check_period(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("The list cannot end before it starts: valid to must be on or after valid from.",
                           field="valid_to")


# --- drafting ---------------------------------------------------------------------------------


def create_list(*, session: Session, user: User, data: PriceListIn, where: Sequence[str] | None = None,
                example: bool = False, now: dt.datetime | None = None) -> PriceList:
    """A new draft price list for a provider the user manages, with its entries (all checked, or nothing written)."""
    now = utc_now(now)
    provider = find_provider(session=session, code=data.provider_id)
    if not may_manage(user, provider.id):
        raise Forbidden(f"You may not manage {provider.name}'s prices.")
    _check_period(data.valid_from, data.valid_to)
    problems = check_entries(session=session, provider_id=provider.id, entries=data.entries, where=where)
    if problems:
        raise InvalidInput(f"The price list has {len(problems)} problem{'s' if len(problems) > 1 else ''}; nothing was saved.",
                           problems=problems, field="entries")
    price_list = PriceList(
        provider_id=provider.id, title=data.title.strip(), valid_from=data.valid_from, valid_to=data.valid_to,
        status=ListStatus.DRAFT.value, example=example, created_by_id=user.id, created_at=now,
        entries=[_new_entry(e) for e in data.entries],
    )
    session.add(price_list)
    session.flush()
    _history(session, price_list.id, None, ListStatus.DRAFT.value, user=user, now=now, reason="Drafted")
    return price_list


def _draft_for_change(session: Session, user: User, price_list_id: int) -> PriceList:
    """The draft list, locked against a publish racing the change (FOR UPDATE on PostgreSQL; SQLite's
    write lock is already held); a published list is never edited."""
    price_list = get_list(session=session, user=user, price_list_id=price_list_id)
    if not may_manage(user, price_list.provider_id):
        raise Forbidden("You may not change this provider's prices.")
    locked = session.scalar(select(PriceList.status).where(PriceList.id == price_list.id).with_for_update())
    if locked != ListStatus.DRAFT.value:
        raise Conflict(f"This price list is {locked}: a published list is never edited. Draft a new list to "
                       "change prices; publishing it supersedes this one from its start date.", status=locked)
    return price_list


def replace_entries(*, session: Session, user: User, price_list_id: int, entries: Sequence[PriceEntryIn],
                    where: Sequence[str] | None = None) -> PriceList:
    """Every entry of a draft list replaced by `entries` (all checked first, or nothing written)."""
    price_list = _draft_for_change(session, user, price_list_id)
    problems = check_entries(session=session, provider_id=price_list.provider_id, entries=entries, where=where)
    if problems:
        raise InvalidInput(f"The prices have {len(problems)} problem{'s' if len(problems) > 1 else ''}; nothing was saved.",
                           problems=problems, field="entries")
    price_list.entries.clear()
    session.flush()  # the old rows go before the new ones meet the unique constraint
    price_list.entries.extend(_new_entry(e) for e in entries)
    session.flush()
    return price_list


def set_entry(*, session: Session, user: User, price_list_id: int, data: PriceEntryIn) -> PriceEntry:
    """Add an entry to a draft list, or change the one it has for the same option."""
    price_list = _draft_for_change(session, user, price_list_id)
    problems = check_entries(session=session, provider_id=price_list.provider_id, entries=[data], where=["entry"])
    if problems:
        raise InvalidInput(problems[0].removeprefix("entry: "), problems=problems, field="entry")
    existing = next((e for e in price_list.entries if (e.service_id, e.option_id) == (data.service_id, data.option_id)), None)
    if existing is None:
        existing = _new_entry(data)
        price_list.entries.append(existing)
    else:
        for key, value in {"unit": data.unit, "unit_price_pence": data.unit_price_pence, "vat_rate": data.vat_rate,
                           "minimum_units": data.minimum_units, "charge_rule": rule_dict(data.charge_rule),
                           "note": data.note}.items():
            setattr(existing, key, value)
    session.flush()
    return existing


def delete_entry(*, session: Session, user: User, price_list_id: int, entry_id: int) -> None:
    """Remove one entry of a draft list."""
    price_list = _draft_for_change(session, user, price_list_id)
    entry = next((e for e in price_list.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(f"No entry {entry_id} in this price list.")
    price_list.entries.remove(entry)
    session.flush()


def _read_csv(session: Session, provider_id: str, text: str) -> tuple[list[PriceEntryIn], list[str]]:
    """The CSV's entries and their lines, or InvalidInput listing every bad line at once (in line order):
    rows that are not prices, and rows naming what is not the provider's orderable option."""
    entries, lines, problems = pricecsv.read(text)
    problems += check_entries(session=session, provider_id=provider_id, entries=entries, where=lines)
    if problems:
        def line_number(problem: str) -> int:
            head = problem.split(":", 1)[0].removeprefix("line ")
            return int(head) if head.isdecimal() else 0

        problems.sort(key=line_number)
        raise InvalidInput(f"The CSV has {len(problems)} bad line{'s' if len(problems) > 1 else ''}; nothing was saved.",
                           problems=problems, field="csv")
    return entries, lines


def import_csv(*, session: Session, user: User, price_list_id: int, text: str) -> PriceList:
    """A draft list's entries replaced by a CSV's rows: every row checked, problems by line, nothing written on any."""
    price_list = _draft_for_change(session, user, price_list_id)
    entries, lines = _read_csv(session, price_list.provider_id, text)
    return replace_entries(session=session, user=user, price_list_id=price_list_id, entries=entries, where=lines)


def create_from_csv(*, session: Session, user: User, provider_code: str, title: str, valid_from: dt.date,
                    valid_to: dt.date | None, text: str, example: bool = False,
                    now: dt.datetime | None = None) -> PriceList:
    """A new draft list of the CSV's rows (every row checked, problems by line, nothing written on any)."""
    provider = find_provider(session=session, code=provider_code)
    if not may_manage(user, provider.id):
        raise Forbidden(f"You may not manage {provider.name}'s prices.")
    entries, lines = _read_csv(session, provider.id, text)
    data = PriceListIn(provider_id=provider_code, title=title, valid_from=valid_from, valid_to=valid_to, entries=entries)
    return create_list(session=session, user=user, data=data, where=lines, example=example, now=now)


def export_csv(*, session: Session, price_list: PriceList) -> str:
    """The list's entries as CSV (the import's columns), in catalogue order."""
    services = {s.id: s for s in session.scalars(select(Service).where(Service.provider_id == price_list.provider_id))}
    option_ids = [e.option_id for e in price_list.entries if e.option_id]
    options = {o.id: o for o in session.scalars(select(ServiceOption).where(ServiceOption.id.in_(option_ids)))} if option_ids else {}

    def order(entry: PriceEntry) -> tuple[int, int]:
        service = services.get(entry.service_id)
        option = options.get(entry.option_id) if entry.option_id else None
        return (service.position if service else 0, option.position if option else -1)

    rows = []
    for entry in sorted(price_list.entries, key=order):
        service = services.get(entry.service_id)
        option = options.get(entry.option_id) if entry.option_id else None
        rows.append(pricecsv.row_of(
            service_id=entry.service_id, option_id=entry.option_id, service=service.name if service else "",
            option=option.name if option else None, unit=entry.unit, unit_price_pence=entry.unit_price_pence,
            vat_rate=entry.vat_rate, minimum_units=entry.minimum_units, charge_rule=entry.charge_rule, note=entry.note,
        ))
    return pricecsv.write(rows)


# --- status changes ---------------------------------------------------------------------------


def _history(session: Session, price_list_id: int, from_status: str | None, to_status: str, *, user: User | None,
             now: dt.datetime, reason: str | None) -> None:
    session.add(PriceListHistory(price_list_id=price_list_id, from_status=from_status, to_status=to_status, at=now,
                                 by_user_id=user.id if user else None, reason=reason))


def _change(session: Session, price_list: PriceList, action: ListAction, *, user: User | None, now: dt.datetime,
            reason: str | None, values: dict[str, Any] | None = None) -> None:
    """Apply `action` if the table allows it: a conditional UPDATE (a lost race is a 409), then a history row."""
    transition = TRANSITIONS[action]
    current = price_list.status
    if current not in transition.sources:
        raise Conflict(f"A price list that is {current} cannot be {transition.target.value}.", status=current)
    result = session.execute(
        update(PriceList).where(PriceList.id == price_list.id, PriceList.status == current)
        .values(status=transition.target.value, **(values or {})).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(price_list)
        raise Conflict(f"Someone else changed this price list first: it is now {price_list.status}.",
                       status=price_list.status)
    _history(session, price_list.id, current, transition.target.value, user=user, now=now, reason=reason)
    session.expire(price_list, ["status", *(values or {})])


def _lock_provider(session: Session, provider_id: str) -> None:
    """Serialise publishes of one provider: the row lock makes a second publish wait for the first to
    commit, so its overlap check sees the first list (PostgreSQL; SQLite holds one write lock anyway)."""
    session.execute(select(Provider.id).where(Provider.id == provider_id).with_for_update())


def publish(*, session: Session, user: User, price_list_id: int, now: dt.datetime | None = None) -> PriceList:
    """Draft → published. An older published list still in force on the new list's first day is ended the
    day before (superseded); any other overlap with a published list is refused, and nothing changes."""
    now = utc_now(now)
    price_list = get_list(session=session, user=user, price_list_id=price_list_id)
    if not may_manage(user, price_list.provider_id):
        raise Forbidden("You may not publish this provider's prices.")
    _lock_provider(session, price_list.provider_id)
    session.refresh(price_list)  # what was committed before the lock was ours
    if price_list.status != ListStatus.DRAFT.value:
        raise Conflict(f"This price list is already {price_list.status}.", status=price_list.status)
    if not price_list.entries:
        raise InvalidInput("A price list with no prices cannot be published: add entries or upload a CSV first.",
                           field="entries")
    start, end = price_list.valid_from, price_list.valid_to
    overlapping = list(session.scalars(
        select(PriceList).where(
            PriceList.provider_id == price_list.provider_id, PriceList.id != price_list.id,
            PriceList.status.in_(LIVE_STATUSES),
            or_(PriceList.valid_to.is_(None), PriceList.valid_to >= start),
            *([PriceList.valid_from <= end] if end is not None else []),
        ).order_by(PriceList.valid_from).execution_options(populate_existing=True)
    ))
    to_supersede = []
    for older in overlapping:
        if older.valid_from >= start:
            raise Conflict(
                f"It overlaps the published list '{older.title}' ({_period(older)}), which starts on or after "
                f"{start:%-d %B %Y}: published lists of a provider may not overlap, and a published list is "
                "never edited. Choose dates that do not overlap it.", field="valid_from", overlaps=older.id)
        if older.valid_to is None and end is not None or (older.valid_to and end and end < older.valid_to):
            raise Conflict(
                f"It would supersede '{older.title}' ({_period(older)}) from {start:%-d %B %Y} but end before it did, "
                "leaving days without a price: make it open-ended or run at least as long.",
                field="valid_to", overlaps=older.id)
        to_supersede.append(older)
    _change(session, price_list, ListAction.PUBLISH, user=user, now=now, reason=None,
            values={"published_by_id": user.id, "published_at": now})
    for older in to_supersede:
        ends = start - dt.timedelta(days=1)
        _change(session, older, ListAction.SUPERSEDE, user=user, now=now, values={"valid_to": ends},
                reason=f"Superseded from {start:%-d %B %Y} by '{price_list.title}' (list {price_list.id}); "
                       f"it now ends on {ends:%-d %B %Y}")
    session.flush()
    session.refresh(price_list)
    return price_list


def _period(price_list: PriceList) -> str:
    return period_words(price_list)
