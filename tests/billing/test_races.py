"""Publishing races with real commits, on SQLite and PostgreSQL: one list published once, and however many
publish at once, two published lists of a provider never overlap (the provider's row is locked)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ratecard.accounts.service import Role
from ratecard.billing import pricelists
from ratecard.billing.models import PriceList
from ratecard.billing.workflow import LIVE_STATUSES
from ratecard.db import transaction
from tests.billing import factories as f
from tests.referrals import factories as rf
from tests.races import race

ATTEMPTS = 12


def _race(attempt) -> list[int]:
    return race(attempt, ATTEMPTS)


def _live(committed_sessions, year: int) -> list[PriceList]:
    """CLN's published (or superseded) lists that touch `year`, by start."""
    with transaction(committed_sessions) as s:
        return list(s.scalars(select(PriceList).where(
            PriceList.provider_id == "cln", PriceList.status.in_(LIVE_STATUSES),
            PriceList.valid_from <= dt.date(year, 12, 31), PriceList.valid_to >= dt.date(year, 1, 1),
        ).order_by(PriceList.valid_from)))


def _never_overlap(lists: list[PriceList]) -> None:
    for earlier, later in zip(lists, lists[1:]):
        assert earlier.valid_to is not None and earlier.valid_to < later.valid_from, (earlier.id, later.id)


def _admin(committed_sessions):
    with transaction(committed_sessions) as s:
        return rf.user(s, Role.ADMIN)


def _drafts(committed_sessions, admin, periods) -> list[int]:
    with transaction(committed_sessions) as s:
        return [f.draft(s, s.merge(admin), valid_from=start, valid_to=end).id for start, end in periods]


def _publish(committed_sessions, admin, list_id: int) -> None:
    with transaction(committed_sessions) as s:
        pricelists.publish(session=s, user=s.merge(admin), price_list_id=list_id)


# Each test prices its own far-off year, ended, so the shared committed database's other tests never see it.


def test_it_publishes_one_draft_once_when_many_publish_it_at_once(committed_sessions):
    admin = _admin(committed_sessions)
    (list_id,) = _drafts(committed_sessions, admin, [(dt.date(2031, 1, 1), dt.date(2031, 12, 31))])
    results = _race(lambda n: _publish(committed_sessions, admin, list_id))
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    with transaction(committed_sessions) as s:
        steps = [h.to_status for h in pricelists.history_of(session=s, price_list_id=list_id)]
    assert steps == ["draft", "published"]


def test_it_publishes_one_of_many_lists_for_the_same_period(committed_sessions):
    admin = _admin(committed_sessions)
    ids = _drafts(committed_sessions, admin, [(dt.date(2032, 1, 1), dt.date(2032, 12, 31))] * ATTEMPTS)
    results = _race(lambda n: _publish(committed_sessions, admin, ids[n]))
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    assert len(_live(committed_sessions, 2032)) == 1


def test_it_never_lets_racing_supersessions_overlap(committed_sessions):
    admin = _admin(committed_sessions)
    (first,) = _drafts(committed_sessions, admin, [(dt.date(2033, 1, 1), dt.date(2033, 12, 31))])
    _publish(committed_sessions, admin, first)
    # Twelve newer lists starting in different months, each superseding whatever is in force then.
    ids = _drafts(committed_sessions, admin, [(dt.date(2033, 1, 1) + dt.timedelta(days=20 + 25 * n), dt.date(2033, 12, 31))
                                              for n in range(ATTEMPTS)])
    results = _race(lambda n: _publish(committed_sessions, admin, ids[n]))
    live = _live(committed_sessions, 2033)
    assert results.count(200) >= 1 and len(live) == 1 + results.count(200)
    _never_overlap(live)
    assert live[0].id == first and live[-1].valid_to == dt.date(2033, 12, 31)
