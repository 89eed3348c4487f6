"""Monitoring: one row of facts per referral (the CSV), and the performance figures drawn from them.

Each referral's milestones are kept as they happen (received_at and accepted_at on the referral, its
row of delivery_facts), so a period is one indexed range: the CSV reads it in batches (streamed, so
memory stays flat however many referrals a month holds) and the figures are counted by the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Provider, Service
from ratecard.delivery.models import DeliveryBudget, DeliveryFacts
from ratecard.delivery.schemas import LONDON
from ratecard.errors import Forbidden, InvalidInput
from ratecard.referrals.models import Person, Referral, ReferralHistory
from ratecard.referrals.reasons import reason_lists, words

ENDED = ("completed", "ended_early", "cancelled")
CSV_COLUMNS = (
    "reference", "provider", "service", "caseworker", "crn", "date_received", "first_assessment_booked",
    "first_assessment_attended", "action_plan_submitted", "action_plan_approved", "first_session_attended",
    "sessions_expected", "sessions_attended", "outcomes_to_achieve", "outcomes_achieved", "end_requested_by",
    "end_reason", "report_submitted", "concluded", "end_state",
)
MAX_DAYS = 400  # a report covers at most about thirteen months


@dataclass(frozen=True)
class Filters:
    """Which referrals a report covers: received between two dates, of one provider, service or region."""

    date_from: dt.date
    date_to: dt.date
    provider_id: str | None = None
    service_id: str | None = None
    region: str | None = None


def scope(user: User, filters: Filters) -> Filters:
    """The filters narrowed to what `user` may see: a hub its own provider; admins any; no one else."""
    if filters.date_to < filters.date_from:
        raise InvalidInput("The end date is before the start date.", field="date_to")
    if (filters.date_to - filters.date_from).days > MAX_DAYS:
        raise InvalidInput("Choose at most thirteen months.", field="date_from")
    role = Role(user.role)
    if role is Role.ADMIN:
        return filters
    if role is Role.HUB:
        return Filters(filters.date_from, filters.date_to, user.provider_id, filters.service_id, filters.region)
    raise Forbidden("Performance reports are for the provider's hub and administrators.")


def _period(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """The period's first instant and the instant after its last day, in London."""
    return (dt.datetime.combine(filters.date_from, dt.time(), tzinfo=LONDON),
            dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), tzinfo=LONDON))


def _in_scope(filters: Filters) -> list[ColumnElement[bool]]:
    """The referrals received in the period, of the provider, service and region asked for: one range
    of (provider, received) or (received) — the index ix_referrals_provider_received or _received."""
    start, stop = _period(filters)
    conditions = [Referral.received_at >= start, Referral.received_at < stop]
    for column, value in ((Referral.provider_id, filters.provider_id), (Referral.service_id, filters.service_id),
                          (Referral.region, filters.region)):
        if value:
            conditions.append(column == value)
    return conditions


def _facts(filters: Filters, after: tuple[dt.datetime, int] | None = None) -> Select:
    """One row per referral received in the period, with its milestones, in order of receipt (and,
    with `after`, only those after that (received, id) key: the next batch).

    The milestones were kept on write (the referral's received_at and accepted_at, its delivery_facts
    row), so each row is a few key lookups; only the last ending's who and why is read from history."""
    f = DeliveryFacts
    ending = aliased(ReferralHistory)
    last_end = (select(func.max(ending.id)).where(ending.referral_id == Referral.id, ending.to_status.in_(ENDED))
                .correlate(Referral).scalar_subquery())
    end_row = aliased(ReferralHistory)
    ender = aliased(User)
    caseworker = aliased(User)
    query = (
        select(
            Referral.id, Referral.reference, Referral.status, Referral.status_changed_at, Referral.region,
            Provider.name.label("provider"), Service.name.label("service"), caseworker.name.label("caseworker"),
            Person.crn, Referral.received_at.label("received"), Referral.accepted_at.label("accepted"),
            f.assessment_booked, f.assessment_attended, f.first_appointment, f.first_session,
            func.coalesce(f.sessions_attended, 0).label("sessions_attended"),
            func.coalesce(f.attended, 0).label("attended"), func.coalesce(f.missed, 0).label("missed"),
            f.plan_submitted, f.plan_approved,
            (DeliveryBudget.sessions_bought + DeliveryBudget.sessions_extra).label("sessions_expected"),
            func.coalesce(f.outcomes, 0).label("outcomes"), func.coalesce(f.achieved, 0).label("achieved"),
            ender.name.label("ended_by"), end_row.reason.label("end_reason"), f.report_submitted,
            Referral.end_reason_code, Referral.end_reason_detail,
        )
        .join(Provider, Provider.id == Referral.provider_id)
        .join(Service, Service.id == Referral.service_id)
        .join(Person, Person.id == Referral.person_id)
        .outerjoin(caseworker, caseworker.id == Referral.caseworker_id)
        .outerjoin(f, f.referral_id == Referral.id)
        .outerjoin(DeliveryBudget, DeliveryBudget.referral_id == Referral.id)
        .outerjoin(end_row, end_row.id == last_end)
        # Who asked to end it (delivery/ending.py), else, for one ended before requests were kept, who ended it.
        .outerjoin(ender, ender.id == func.coalesce(Referral.end_requested_by_id,
                                                    case((end_row.reason.is_not(None), end_row.by_user_id))))
        .where(*_in_scope(filters))
        .order_by(Referral.received_at, Referral.id)
    )
    if after is not None:
        # A row-value comparison, so the next batch starts where the index range left off.
        query = query.where(tuple_(Referral.received_at, Referral.id)
                            > tuple_(literal(after[0], Referral.received_at.type), literal(after[1], Integer)))
    return query


def _day(moment: dt.datetime | None) -> str:
    return moment.astimezone(LONDON).date().isoformat() if moment else ""


def _end_reason(row) -> str:  # type: ignore[no-untyped-def]
    """The coded reason the end was asked for, in words (else the ending history row's reason)."""
    reason = next((r for r in reason_lists().end if r.code == row.end_reason_code), None)
    return words(reason, row.end_reason_detail) if reason else (row.end_reason or "")


def _csv_row(row) -> list[object]:  # type: ignore[no-untyped-def]
    ended = row.status in ENDED
    return [
        row.reference, row.provider, row.service, row.caseworker or "", row.crn, _day(row.received),
        _day(row.assessment_booked), _day(row.assessment_attended), _day(row.plan_submitted), _day(row.plan_approved),
        _day(row.first_session), "" if row.sessions_expected is None else row.sessions_expected, row.sessions_attended,
        row.outcomes, row.achieved, row.ended_by or "", _end_reason(row), _day(row.report_submitted),
        _day(row.status_changed_at) if ended else "", row.status if ended else "",
    ]


def csv_stream(*, sessions: sessionmaker[Session], user: User, filters: Filters, batch: int = 1000) -> Iterator[str]:
    """The CSV as text chunks: a header, then one row per referral received in the period.

    Each batch is read in a short transaction of its own, keyed on where the last one stopped, so
    no transaction stays open while the client reads and memory holds one batch, however long the
    file. (`scope` is checked before the first byte, so a refusal is a clean error, not a cut file.)
    """
    filters = scope(user, filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def chunk(rows: list[list[object]]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        return buffer.getvalue()

    def generate() -> Iterator[str]:
        yield chunk([list(CSV_COLUMNS)])
        after = None
        while True:
            with sessions() as session:
                rows = session.execute(_facts(filters, after).limit(batch)).all()
            if not rows:
                return
            yield chunk([_csv_row(r) for r in rows])
            after = (rows[-1].received, rows[-1].id)
            if len(rows) < batch:
                return

    return generate()


@dataclass
class Performance:
    """Monthly counts, medians in days, the attendance rate and outcomes achieved, for one scope."""

    months: list[str]
    counts: dict[str, list[int]]  # series name -> one count a month
    medians: dict[str, float | None]
    attendance_rate: float | None
    outcomes_achieved: tuple[int, int]  # achieved of reported
    total: int
    notes: list[str] = field(default_factory=list)


SERIES = ("Received", "Accepted", "Started", "Completed", "Ended early", "Cancelled")


def _months(filters: Filters) -> list[str]:
    months = []
    day = filters.date_from.replace(day=1)
    while day <= filters.date_to:
        months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _bucket(column: ColumnElement[dt.datetime], edges: list[dt.datetime]) -> ColumnElement[int]:
    """The index of the month (London) `column` falls in, of those `edges` bound; NULL outside them."""
    return case((column < edges[0], None), *((column < edge, n) for n, edge in enumerate(edges[1:])), else_=None)


WAITS = {"to acceptance": "accepted", "to first appointment": "first_appointment",
         "to first attended session": "first_session"}


def performance(*, session: Session, user: User, filters: Filters) -> Performance:
    """The performance figures of the referrals received in the period.

    Counted by the database over one indexed range of the kept milestones (a provider's year is tens of
    thousands of referrals: reading them into Python took seconds); months are bucketed by their London
    boundaries, computed here, so SQLite and PostgreSQL count alike."""
    filters = scope(user, filters)
    months = _months(filters)
    edges = [dt.datetime.combine(dt.date.fromisoformat(m + "-01"), dt.time(), tzinfo=LONDON) for m in months]
    last = dt.date.fromisoformat(months[-1] + "-01")
    edges.append(dt.datetime.combine((last + dt.timedelta(days=32)).replace(day=1), dt.time(), tzinfo=LONDON))
    period = (
        select(Referral.status, Referral.status_changed_at, Referral.received_at.label("received"),
               Referral.accepted_at.label("accepted"), Referral.first_appointment_at.label("first_appointment"),
               Referral.first_session_at.label("first_session"), Referral.appointments_attended.label("attended"),
               Referral.appointments_missed.label("missed"), Referral.outcomes_chosen.label("outcomes"),
               Referral.outcomes_achieved.label("achieved"))
        .where(*_in_scope(filters)).subquery("period")
    )
    # One grouped pass over the period: how many referrals share each (month received, month accepted,
    # month started, ending and its month), with their sums; the series and totals add those up.
    ended = period.c.status.in_(ENDED)
    grouped = select(
        _bucket(period.c.received, edges).label("m_received"), _bucket(period.c.accepted, edges).label("m_accepted"),
        _bucket(period.c.first_session, edges).label("m_started"), case((ended, period.c.status)).label("ending"),
        case((ended, _bucket(period.c.status_changed_at, edges))).label("m_ended"), func.count(),
        *(func.coalesce(func.sum(period.c[name]), 0) for name in ("attended", "missed", "outcomes", "achieved")),
    ).group_by("m_received", "m_accepted", "m_started", "ending", "m_ended")
    names = {"completed": "Completed", "ended_early": "Ended early", "cancelled": "Cancelled"}
    counts = {name: [0] * len(months) for name in SERIES}
    total = attended = missed = outcomes = achieved = 0
    for received, accepted, started, ending, ended_in, n, *sums in session.execute(grouped):
        for series, month in (("Received", received), ("Accepted", accepted), ("Started", started),
                              (names.get(ending or ""), ended_in)):
            if series and month is not None:
                counts[series][month] += n
        total += n
        attended, missed, outcomes, achieved = (x + y for x, y in zip((attended, missed, outcomes, achieved), sums))
    return Performance(
        months=months, counts=counts, medians=_medians(session, period),
        attendance_rate=round(attended / (attended + missed), 3) if attended + missed else None,
        outcomes_achieved=(achieved, outcomes), total=total,
    )


def _medians(session: Session, period) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    """The median wait in days from receipt to each milestone (of the referrals that reached it): by
    PostgreSQL's percentile_cont(0.5), which is statistics.median (the middle value, or the mean of the
    middle two); in Python on SQLite, which has no percentile function (and holds small periods)."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(select(*(
            func.percentile_cont(0.5).within_group(cast(extract("epoch", period.c[column] - period.c.received), Float) / 86400)
            for column in WAITS.values()))).one()
        return {name: round(value, 1) if value is not None else None for name, value in zip(WAITS, row, strict=True)}
    found: dict[str, list[float]] = {name: [] for name in WAITS}
    for row in session.execute(select(period.c.received, *(period.c[column] for column in WAITS.values()))):
        for name, moment in zip(WAITS, row[1:], strict=True):
            if moment:
                found[name].append((moment - row.received).total_seconds() / 86400)
    return {name: round(statistics.median(v), 1) if v else None for name, v in found.items()}


def chart_svg(figures: Performance, *, title: str) -> str:
    """The monthly counts as a bar chart (SVG, drawn by pygal on the server, no script)."""
    import pygal
    from pygal.style import Style

    style = Style(background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
                  foreground_subtle="#505a5f", colors=("#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f"),
                  font_family="Arial, sans-serif")
    chart = pygal.Bar(js=[], disable_xml_declaration=True, style=style, width=760, height=360, legend_at_bottom=True,
                      x_label_rotation=0, print_values=False, show_y_guides=True)
    chart.title = title
    chart.x_labels = [dt.date.fromisoformat(m + "-01").strftime("%b %Y") for m in figures.months]
    for name in SERIES:
        chart.add(name, figures.counts[name])
    tree = chart.render_tree()
    # pygal writes its configuration as a script for its tooltips; the chart is an image, so it goes.
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    from pygal.etree import etree  # lxml or the standard library's ElementTree, whichever pygal drew with

    return etree.tostring(tree, encoding="unicode")


@dataclass(frozen=True)
class Choices:
    """What a report may be narrowed to: the services of the provider in scope and the regions."""

    services: list[tuple[str, str]]  # (id, name)
    regions: list[str]


def choices(*, session: Session, user: User, filters: Filters) -> Choices:
    """The services (of the provider in scope; every provider's for an admin who chose none) and the
    probation regions a report can be filtered by. The regions are the practitioners' (the users
    table, small), which are the regions referrals come from: no scan of the referrals."""
    filters = scope(user, filters)
    query = select(Service.id, Service.name).order_by(Service.name, Service.id)
    if filters.provider_id:
        query = query.where(Service.provider_id == filters.provider_id)
    regions = session.scalars(select(User.region).where(User.region.is_not(None)).distinct().order_by(User.region))
    return Choices(services=[(i, n) for i, n in session.execute(query)], regions=[r for r in regions if r])


def check_choices(*, session: Session, user: User, filters: Filters) -> Choices:
    """choices(), refusing a service or region that is not among them (in plain words)."""
    found = choices(session=session, user=user, filters=filters)
    if filters.service_id and filters.service_id not in {i for i, _ in found.services}:
        raise InvalidInput("Choose a service from the list.", field="service_id")
    if filters.region and filters.region not in found.regions:
        raise InvalidInput("Choose a region from the list.", field="region")
    return found
