"""Demo users for trying ratecard out: one or more of each role. Never run this in production."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role, create_user, hash_password
from ratecard.catalogue.models import Provider

DEMO_PASSWORD = "ratecard-demo-2026"

# email, name, role, region, team, provider
DEMO_USERS = (
    ("practitioner@example.com", "Priya Practitioner", Role.PRACTITIONER, "North West", "Preston OMU", None),
    ("practitioner.east@example.com", "Eddie East", Role.PRACTITIONER, "East of England", "Norwich OMU", None),
    ("hub.cln@example.com", "Hana Hub (CLN)", Role.HUB, None, None, "cln"),
    ("hub.nsf@example.com", "Harry Hub (NSF)", Role.HUB, None, None, "nsf"),
    ("practitioner.south@example.com", "Sunita South", Role.PRACTITIONER, "Kent, Surrey and Sussex", "Maidstone OMU", None),
    ("practitioner.midlands@example.com", "Mo Midlands", Role.PRACTITIONER, "East Midlands", "Derby OMU", None),
    ("hub.kss@example.com", "Holly Hub (KSS)", Role.HUB, None, None, "kss"),
    ("hub.esx@example.com", "Hugo Hub (ESX)", Role.HUB, None, None, "esx"),
    ("hub.dlnr@example.com", "Heidi Hub (DLNR)", Role.HUB, None, None, "dlnr"),
    ("caseworker.cln@example.com", "Carl Caseworker (CLN)", Role.CASEWORKER, None, None, "cln"),
    ("caseworker.nsf@example.com", "Cara Caseworker (NSF)", Role.CASEWORKER, None, None, "nsf"),
    ("commissioner@example.com", "Cleo Commissioner", Role.COMMISSIONER, None, None, None),
    ("admin@example.com", "Ada Admin", Role.ADMIN, None, None, None),
)


def create_demo_users(*, session: Session) -> list[str]:
    """Create the demo users that are missing (providers must be imported first); returns their emails."""
    existing = set(session.scalars(select(User.email)))
    providers = set(session.scalars(select(Provider.id)))
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: argon2 is slow on purpose
    made = []
    for email, name, role, region, team, provider in DEMO_USERS:
        if email in existing or (provider and provider not in providers):
            continue
        create_user(session=session, email=email, name=name, role=role, password_hash=password_hash,
                    region=region, team=team, provider_id=provider)
        made.append(email)
    return made
