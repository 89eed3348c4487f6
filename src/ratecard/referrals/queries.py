"""The statements the referral hot paths run, built once with named parameters.

A statement object memoises its own cache key, so building these once spares every request the work
of constructing the statement and hashing it to find its compiled form (about a tenth of the server's
CPU under `bench/referrals_load.py` when they were built per call). Values go in as parameters;
`scope_params(user)` supplies the ones the visibility rules name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, bindparam, func, insert, literal_column, select, update
from sqlalchemy.orm import aliased, joinedload

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Service, ServiceOption
from ratecard.referrals.models import OutboxMessage, Person, Referral, ReferralHistory
from ratecard.referrals.workflow import BEING_DELIVERED, TRANSITIONS, Action, Status

_creator = aliased(User, name="creator")
_caseworker = aliased(User, name="caseworker")
_changed_by = aliased(User, name="changed_by")
_end_asker = aliased(User, name="end_asker")


def scope(role: Role) -> list[ColumnElement[bool]]:
    """Conditions narrowing referrals to those a user of `role` may see (parameters from `scope_params`)."""
    if role is Role.ADMIN:
        return []
    if role is Role.PRACTITIONER:
        return [Referral.region == bindparam("scope_region")]
    if role is Role.HUB:
        return [Referral.provider_id == bindparam("scope_provider"), Referral.status != Status.DRAFT.value]
    return [Referral.provider_id == bindparam("scope_provider"), Referral.caseworker_id == bindparam("scope_user")]


def like_pattern(term: str) -> str:
    """A LIKE pattern finding `term` anywhere, its own % and _ matched as themselves (escape: backslash)."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def scope_params(user: User) -> dict[str, Any]:
    """The values `scope` conditions name, for `user` (unused ones are ignored)."""
    return {"scope_region": user.region, "scope_provider": user.provider_id, "scope_user": user.id}


@cache
def load_referral(role: Role) -> Select:
    """One referral by `referral_id`, with its person, if a user of `role` may see it."""
    return (
        select(Referral)
        .where(Referral.id == bindparam("referral_id"), *scope(role))
        .options(joinedload(Referral.person))
    )


# Everything the full view shows beyond the referral row, in one round trip: the names it refers to,
# then one row per history entry (a referral has a handful, so repeating the names costs nothing).
REFERRAL_VIEW = (
    select(
        Service.name, ServiceOption.name, _creator.name, _caseworker.name, _end_asker.name,
        ReferralHistory.from_status, ReferralHistory.to_status, ReferralHistory.at, ReferralHistory.reason,
        ReferralHistory.reason_code, _changed_by.name,
    )
    .select_from(Referral)
    .join(Service, Service.id == Referral.service_id)
    .join(_creator, _creator.id == Referral.created_by_id)
    .outerjoin(ServiceOption, ServiceOption.id == Referral.option_id)
    .outerjoin(_caseworker, _caseworker.id == Referral.caseworker_id)
    .outerjoin(_end_asker, _end_asker.id == Referral.end_requested_by_id)
    .outerjoin(ReferralHistory, ReferralHistory.referral_id == Referral.id)
    .outerjoin(_changed_by, _changed_by.id == ReferralHistory.by_user_id)
    .where(Referral.id == bindparam("referral_id"))
    .order_by(ReferralHistory.id)
)


# Counts stop here: a list call reads at most (COUNT_CAP + 1) index entries per status, however many
# referrals the scope holds (a GROUP BY over a provider's 200,000 spiked past 300 ms under load,
# bench/monitoring.py). Counters kept on write were rejected: a row per provider and status
# serialises every transition and can deadlock. Above the cap the pages say "1,000+".
COUNT_CAP = 1000


def counted_statuses(role: Role) -> list[Status]:
    """The statuses a user of `role` can have referrals in (a hub never sees drafts, so never counts them)."""
    return [s for s in Status if not (role is Role.HUB and s is Status.DRAFT)]


def capped_count(conditions: list[ColumnElement[bool]]) -> Select:
    """How many referrals meet `conditions`, reading no more than `count_limit` of them (a parameter:
    COUNT_CAP + 1, so a count above the cap is known to be above it)."""
    found = select(literal_column("1")).select_from(Referral).where(*conditions)
    return select(func.count()).select_from(found.limit(bindparam("count_limit")).subquery())


@cache
def referral_list(role: Role, *, by_status: bool, searching: str | None) -> tuple[Select, Select]:
    """(capped counts per status, one page of rows and one more) of the referrals a user of `role` may see.

    Without a search the counts are one row, a column per status of `counted_statuses(role)`, each a
    LIMITed scalar subquery: an index range scan of (region or provider, status) that stops at the cap.
    With one they are rows of (status, count) of the first `count_limit` matches (COUNT_CAP of them):
    when that many match, every count is only a lower bound.

    `searching` is None, "reference", "crn" or "name". A term shaped like a reference or a CRN is
    looked up exactly, on its unique index, and never also as a name: ORing the exact match with a
    name pattern made even an exact CRN scan every person (bench/monitoring.py).

    Parameters: the scope's, `status` when `by_status`, `term` (exact) or `like` (name) when
    searching, `count_limit`, `offset` and `limit` (ask for one more row than a page to know whether
    a next page exists when the count is capped)."""
    base = select(Referral).join(Person).where(*scope(role))
    if searching:
        matches = {
            "reference": Referral.reference == bindparam("term"),
            "crn": Person.crn == bindparam("term"),
            "name": func.lower(Person.name).like(bindparam("like"), escape="\\"),
        }[searching]
        base = base.where(matches)
    if searching:
        # The matches, up to the cap, grouped: one lookup of the term. A capped count per status repeated
        # the name's trigram lookup for each status, 690 ms for the hub's 10 (bench/monitoring.py).
        matched = base.with_only_columns(Referral.status).limit(bindparam("count_limit")).subquery()
        counts = select(matched.c.status, func.count()).group_by(matched.c.status)
    else:
        # Without a search the counts need no person: an index-only range of (region or provider, status).
        counts = select(*(
            capped_count([*scope(role), Referral.status == s.value]).scalar_subquery().label(s.value)
            for s in counted_statuses(role)
        ))
    rows = base if not by_status else base.where(Referral.status == bindparam("status"))
    # A name search orders by an expression no index holds, so the database finds the matching people
    # first (the trigram index on PostgreSQL) and sorts their referrals: walking the scope's newest-first
    # index and testing each person's name read 80,000 referrals for 20 (bench/monitoring.py), since
    # how many a name matches is only guessed. Its cost follows the matches, not the table.
    newest = func.coalesce(Referral.created_at, Referral.created_at) if searching == "name" else Referral.created_at
    page = (
        rows.with_only_columns(
            Referral.id, Referral.reference, Referral.status, Person.crn, Person.name, Service.name,
            Referral.provider_id, Referral.priority, Referral.referral_date, _caseworker.name,
        )
        .join(Service, Service.id == Referral.service_id)
        .outerjoin(_caseworker, _caseworker.id == Referral.caseworker_id)
        .order_by(newest.desc(), Referral.id.desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return counts, page


@cache
def change_status(action: Action) -> Update:
    """The conditional UPDATE of `action`: it changes a row only while the row is in one of the action's
    source statuses, so of two racing requests exactly one updates it. Parameter: `referral_id`; the
    values to set are the other parameters, by column name."""
    table = Referral.__table__
    sources = [s.value for s in TRANSITIONS[action].sources]
    return update(table).where(table.c.id == bindparam("referral_id"), table.c.status.in_(sources))


# Registration is written once, while the referral is being delivered.
RECORD_REGISTRATION = (
    update(Referral.__table__)
    .where(
        Referral.__table__.c.id == bindparam("referral_id"),
        Referral.__table__.c.registered_at.is_(None),
        Referral.__table__.c.status.in_(bindparam("statuses", expanding=True)),
    )
    .values(registered_at=bindparam("at"))
)

# The request to end a referral is written once, while it is being delivered.
RECORD_END_REQUEST = (
    update(Referral.__table__)
    .where(
        Referral.__table__.c.id == bindparam("referral_id"),
        Referral.__table__.c.end_requested_at.is_(None),
        Referral.__table__.c.status.in_([s.value for s in BEING_DELIVERED]),
    )
    .values(end_requested_at=bindparam("at"), end_requested_by_id=bindparam("by"),
            end_reason_code=bindparam("code"), end_reason_detail=bindparam("detail"))
)

# Rows nobody edits once written go in with plain INSERTs: no unit of work to build for them.
INSERT_HISTORY = insert(ReferralHistory.__table__)
INSERT_OUTBOX = insert(OutboxMessage.__table__)
