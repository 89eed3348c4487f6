"""The roles users have: a module of its own so that code needing only the names (the CLI's options,
the transition tables) does not load the account service and argon2 with them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user does, which decides what they may see and change."""

    PRACTITIONER = "practitioner"  # refers people; sees their region's referrals
    HUB = "hub"  # provider hub staff: accept, reject, allocate for their provider
    CASEWORKER = "caseworker"  # provider staff: deliver what is allocated to them
    # Commissions the services: reads what was spent across providers (no referrals, no personal data).
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


def home(role: str) -> str:
    """Where a user of `role` starts after signing in: the referrals, or for a commissioner (who has
    none to see) the spend report."""
    return "/reports/spend" if role == Role.COMMISSIONER else "/referrals"
