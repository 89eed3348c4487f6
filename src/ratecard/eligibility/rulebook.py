"""The rulebook: every listed service's rules compiled for the engine, built from plain records.

A record is what the engine needs of one stored service (ids, names, areas, setting, rules as stored,
printed criteria lines) as JSON-ready data. The database path and the CLI's snapshot
(eligibility.snapshot) both build the rulebook from records with these functions, so they cannot
differ. Nothing here imports SQLAlchemy or the catalogue's schemas: `ratecard match` starts without them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ratecard.catalogue.coverage import uncited_lines
from ratecard.catalogue.rules import Rule
from ratecard.eligibility.engine import Match, ServiceRules, in_display_order, match_all
from ratecard.eligibility.facts import facts_of

if TYPE_CHECKING:
    from ratecard.catalogue.models import Service
    from ratecard.eligibility.profile import Profile

Record = dict[str, Any]

# Where a service runs decides who can start it: these rules follow from the catalogue's setting.
# Keyed by the values of catalogue.schemas.Setting (a test holds them to it): that module is not
# imported here because it costs the CLI a tenth of its start.
SETTING_RULES: dict[str, Rule] = {
    "custody": Rule.model_validate(
        {
            "criterion": "setting",
            "message": "Delivered in prison before release: the person must be in custody.",
            "test": {"field": "setting", "in": ["custody"]},
        }
    ),
    "through_the_gate": Rule.model_validate(
        {
            "criterion": "setting",
            "message": "Through-the-gate support is for people in custody or just released on licence.",
            "test": {"field": "setting", "in": ["custody", "licence", "pss"]},
        }
    ),
}


def rules_for(setting: str, rules: Iterable[Rule]) -> list[Rule]:
    """A service's rules, after the ones its setting implies."""
    derived = [SETTING_RULES[setting]] if setting in SETTING_RULES else []
    return derived + list(rules)


def record_of(service: Service) -> Record:
    """What the engine needs of a stored service (its provider loaded), as JSON-ready data."""
    return {
        "id": service.id,
        "provider": service.provider.code,
        "name": service.name,
        "category": service.category,
        "source_file": service.source_file,
        "areas": list(service.areas or service.provider.areas),
        "setting": str(service.setting),
        "rules": service.rules,
        "recipient": service.recipient,
        "criteria_lines": [c["line"] for c in service.criteria],
    }


def service_rules_from_records(records: Iterable[Record]) -> list[ServiceRules]:
    """Compiled rules of services given as records, in display order."""

    def one(r: Record) -> ServiceRules:
        rules = [Rule.model_validate(rule, context={"stored": True}) for rule in r["rules"]]
        return ServiceRules(
            service_id=r["id"],
            provider=r["provider"],
            name=r["name"],
            category=r["category"],
            source_file=r["source_file"],
            areas=r["areas"],
            rules=rules_for(r["setting"], rules),
            recipient=r["recipient"],
            unencoded=uncited_lines(r["criteria_lines"], (rule.line for rule in rules)),
        )

    return in_display_order(one(r) for r in records)


def decide_all(book: list[ServiceRules], profile: Profile, *, today: dt.date | None = None) -> list[Match]:
    """Every service of the rulebook decided for `profile`: eligible first, then unknown, then ineligible."""
    return match_all(book, facts_of(profile, today=today), profile.area)


def matches_json(matches: list[Match]) -> list[dict]:
    """Matches as plain JSON-ready data, the same shape the API returns."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[Match]).dump_python(matches, mode="json")


def matches_text(matches: list[Match]) -> str:
    """Matches as the indented JSON text `ratecard match` prints: json.dumps(matches_json(...), indent=2,
    ensure_ascii=False), character for character, but written by pydantic's serialiser in a third of the time."""
    from pydantic import TypeAdapter

    return TypeAdapter(list[Match]).dump_json(matches, indent=2).decode()
