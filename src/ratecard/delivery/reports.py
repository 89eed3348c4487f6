"""Monitoring: one row of facts per referral (the CSV), and the performance figures drawn from them.

Each referral's milestones come from its history and its delivery in one query of grouped subqueries,
read in batches (the CSV is streamed, so memory stays flat however many referrals a month holds).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Provider, Service
from ratecard.delivery.models import (
    Appointment,
    DeliveryBudget,
    DeliveryHistory,
    EndOfServiceReport,
    ReferralOutcome,
)
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


def _facts(filters: Filters, after: tuple[dt.datetime, int] | None = None) -> Select:
    """One row per referral received in the period, with its milestones, in order of receipt (and,
    with `after`, only those after that (received, id) key: the next batch).

    The referrals received in the period (of the provider, service, region asked for) are found first,
    and every grouped subquery reads only their rows, not the whole history and appointments."""
    h = ReferralHistory
    start = dt.datetime.combine(filters.date_from, dt.time(), tzinfo=LONDON)
    stop = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    arrived = aliased(ReferralHistory)
    in_scope = (
        select(arrived.referral_id).join(Referral, Referral.id == arrived.referral_id)
        .where(arrived.to_status == "transferred", arrived.at >= start, arrived.at < stop)
    )
    for column, value in ((Referral.provider_id, filters.provider_id), (Referral.service_id, filters.service_id),
                          (Referral.region, filters.region)):
        if value:
            in_scope = in_scope.where(column == value)
    milestones = (
        select(
            h.referral_id,
            func.min(case((h.to_status == "transferred", h.at))).label("received"),
            func.min(case((h.to_status == "accepted", h.at))).label("accepted"),
        ).where(h.referral_id.in_(in_scope)).group_by(h.referral_id).subquery("milestones")
    )
    a = Appointment
    live = a.status != "superseded"
    appointments = (
        select(
            a.referral_id,
            func.min(case((and_(live, a.kind == "assessment"), a.starts_at))).label("assessment_booked"),
            func.min(case((and_(a.kind == "assessment", a.status == "happened"), a.starts_at))).label("assessment_attended"),
            func.min(case((live, a.starts_at))).label("first_appointment"),
            func.min(case((and_(a.kind == "session", a.status == "happened"), a.starts_at))).label("first_session"),
            func.sum(case((and_(a.kind == "session", a.status == "happened"), 1), else_=0)).label("sessions_attended"),
            func.sum(case((a.status == "happened", 1), else_=0)).label("attended"),
            func.sum(case((a.status == "did_not_happen", 1), else_=0)).label("missed"),
        ).where(a.referral_id.in_(in_scope)).group_by(a.referral_id).subquery("appointments")
    )
    d = DeliveryHistory
    plans = (
        select(
            d.referral_id,
            func.min(case((d.to_status == "submitted", d.at))).label("plan_submitted"),
            func.min(case((d.to_status == "approved", d.at))).label("plan_approved"),
        ).where(d.subject == "action_plan", d.referral_id.in_(in_scope)).group_by(d.referral_id).subquery("plans")
    )
    o = ReferralOutcome
    outcomes = (
        select(
            o.referral_id, func.count().label("outcomes"),
            func.sum(case((o.achievement == "achieved", 1), else_=0)).label("achieved"),
        ).where(o.referral_id.in_(in_scope)).group_by(o.referral_id).subquery("outcomes")
    )
    ending = aliased(ReferralHistory)
    last_end = (
        select(ending.referral_id, func.max(ending.id).label("id"))
        .where(ending.to_status.in_(ENDED), ending.referral_id.in_(in_scope)).group_by(ending.referral_id).subquery("last_end")
    )
    end_row = aliased(ReferralHistory)
    ender = aliased(User)
    caseworker = aliased(User)
    query = (
        select(
            Referral.id, Referral.reference, Referral.status, Referral.status_changed_at, Referral.region,
            Provider.name.label("provider"), Service.name.label("service"), caseworker.name.label("caseworker"),
            Person.crn, milestones.c.received, milestones.c.accepted, appointments.c.assessment_booked,
            appointments.c.assessment_attended, appointments.c.first_appointment, appointments.c.first_session,
            func.coalesce(appointments.c.sessions_attended, 0).label("sessions_attended"),
            func.coalesce(appointments.c.attended, 0).label("attended"),
            func.coalesce(appointments.c.missed, 0).label("missed"),
            plans.c.plan_submitted, plans.c.plan_approved,
            (DeliveryBudget.sessions_bought + DeliveryBudget.sessions_extra).label("sessions_expected"),
            func.coalesce(outcomes.c.outcomes, 0).label("outcomes"), func.coalesce(outcomes.c.achieved, 0).label("achieved"),
            ender.name.label("ended_by"), end_row.reason.label("end_reason"),
            Referral.end_reason_code, Referral.end_reason_detail,
            EndOfServiceReport.submitted_at.label("report_submitted"),
        )
        .join(milestones, milestones.c.referral_id == Referral.id)
        .join(Provider, Provider.id == Referral.provider_id)
        .join(Service, Service.id == Referral.service_id)
        .join(Person, Person.id == Referral.person_id)
        .outerjoin(caseworker, caseworker.id == Referral.caseworker_id)
        .outerjoin(appointments, appointments.c.referral_id == Referral.id)
        .outerjoin(plans, plans.c.referral_id == Referral.id)
        .outerjoin(outcomes, outcomes.c.referral_id == Referral.id)
        .outerjoin(DeliveryBudget, DeliveryBudget.referral_id == Referral.id)
        .outerjoin(EndOfServiceReport, EndOfServiceReport.referral_id == Referral.id)
        .outerjoin(last_end, last_end.c.referral_id == Referral.id)
        .outerjoin(end_row, end_row.id == last_end.c.id)
        # Who asked to end it (delivery/ending.py), else, for one ended before requests were kept, who ended it.
        .outerjoin(ender, ender.id == func.coalesce(Referral.end_requested_by_id,
                                                    case((end_row.reason.is_not(None), end_row.by_user_id))))
        .where(milestones.c.received >= start, milestones.c.received < stop)
        .order_by(milestones.c.received, Referral.id)
    )
    if after is not None:
        query = query.where(or_(milestones.c.received > after[0],
                                and_(milestones.c.received == after[0], Referral.id > after[1])))
    for column, value in ((Referral.provider_id, filters.provider_id), (Referral.service_id, filters.service_id),
                          (Referral.region, filters.region)):
        if value:
            query = query.where(column == value)
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


def _month(moment: dt.datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m")


def performance(*, session: Session, user: User, filters: Filters) -> Performance:
    """The performance figures of the referrals received in the period."""
    filters = scope(user, filters)
    months = []
    day = filters.date_from.replace(day=1)
    while day <= filters.date_to:
        months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    counts = {name: Counter() for name in SERIES}
    waits: dict[str, list[float]] = {"to acceptance": [], "to first appointment": [], "to first attended session": []}
    attended = missed = outcomes = achieved = total = 0
    for row in session.execute(_facts(filters).execution_options(yield_per=1000)):
        total += 1
        counts["Received"][_month(row.received)] += 1
        for name, moment in (("Accepted", row.accepted), ("Started", row.first_session)):
            if moment:
                counts[name][_month(moment)] += 1
        if row.status in ENDED:
            counts[{"completed": "Completed", "ended_early": "Ended early", "cancelled": "Cancelled"}[row.status]][
                _month(row.status_changed_at)] += 1
        for name, moment in (("to acceptance", row.accepted), ("to first appointment", row.first_appointment),
                             ("to first attended session", row.first_session)):
            if moment:
                waits[name].append((moment - row.received).total_seconds() / 86400)
        attended += row.attended
        missed += row.missed
        outcomes += row.outcomes
        achieved += row.achieved
    return Performance(
        months=months, counts={name: [c[m] for m in months] for name, c in counts.items()},
        medians={name: round(statistics.median(v), 1) if v else None for name, v in waits.items()},
        attendance_rate=round(attended / (attended + missed), 3) if attended + missed else None,
        outcomes_achieved=(achieved, outcomes), total=total,
    )


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
