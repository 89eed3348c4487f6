"""What domains above delivery do when delivery changes something, without delivery importing them.

Billing sits above delivery (tests/test_layers.py), yet an approved variation of an action plan (more
sessions) has to be re-quoted in the same transaction. So delivery tells the listeners registered
here; billing registers its own when it is imported. The dependency points upwards only at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

# (session, the referral, the approved plan, extra sessions before the approval, after it, the user, now)
PlanApproved = Callable[[Session, Any, Any, int, int, Any, dt.datetime], None]

# By name, so registering again replaces rather than repeats.
_plan_approved: dict[str, PlanApproved] = {}


def register_plan_approved(name: str, listener: PlanApproved) -> None:
    """Add (or replace) a listener told when the practitioner approves an action plan."""
    _plan_approved[name] = listener


def plan_approved(*, session: Session, referral: Any, plan: Any, extra_before: int, extra_after: int, user: Any,
                  now: dt.datetime) -> None:
    """Tell every listener of an approved plan and the extra sessions it leaves, inside its transaction."""
    for listener in _plan_approved.values():
        listener(session, referral, plan, extra_before, extra_after, user, now)
