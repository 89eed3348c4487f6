"""The brochures' rules checked when a referral is submitted: what blocks it and what only warns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.eligibility.engine import Outcome, decide
from ratecard.eligibility.facts import facts_of
from ratecard.eligibility.labels import missing_label
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.service import service_rules_from_rows
from ratecard.referrals.models import Person, Referral
from ratecard.referrals.workflow import TAKEN_STATUSES

# Through-the-gate timing for non-resettlement prisons (the Sodexo rate cards and the glossary).
TTG_NOTICE_WEEKS = 15
PRE_RELEASE_WEEKS = 12
INTENSITY_LEVELS = ("low", "medium", "high")


@dataclass
class Checks:
    """The outcome of the submission rules."""

    blocks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    eligibility: Outcome | None = None
    # A block or warning that another service settles, and that service's page: {message: service id}.
    links: dict[str, str] = field(default_factory=dict)


def profile_for(person: Person, referral: Referral) -> Profile:
    """The person's stored profile with what the referral knows filled in (sex, area, birth, release)."""
    data = dict(person.profile or {})
    data.setdefault("sex", person.sex)
    data.setdefault("area", person.area)
    if person.date_of_birth and "age" not in data:
        data.setdefault("date_of_birth", person.date_of_birth.isoformat())
    if referral.release_date:
        data.setdefault("release_date", referral.release_date.isoformat())
    return Profile.model_validate({k: v for k, v in data.items() if v is not None})


def _eligibility(checks: Checks, *, service: Service, person: Person, referral: Referral, override: str | None) -> None:
    profile = profile_for(person, referral)
    [rules] = service_rules_from_rows([service])
    match = decide(rules, facts_of(profile), profile.area)
    checks.eligibility = match.result
    # A place the matcher could not settle (not found, or in several counties) warns, never blocks.
    for reason in match.reasons:
        if reason.criterion == "area" and reason.status == "unknown" and profile.area and reason is not rules.area_unknown:
            checks.warnings.append(f"The area could not be checked: {reason.message}")
    if match.result is Outcome.INELIGIBLE:
        if any(r is rules.area_failed for r in match.reasons):
            # No override: the provider does not deliver there.
            checks.blocks.append(f"The service is not available in {profile.area}. " + rules.area_failed.message)
            return
        failed = [r.message for r in match.reasons if r.status == "failed"]
        if override:
            checks.warnings.append("Referred although not eligible (" + "; ".join(failed) + f"). Reason: {override}")
        else:
            checks.blocks.append(
                "The person is not eligible: " + "; ".join(failed) + " Record an override reason to refer anyway."
            )
    elif match.result is Outcome.UNKNOWN:
        missing = sorted({missing_label(m) for r in match.reasons for m in r.missing})
        checks.warnings.append("Eligibility could not be confirmed. Answers needed: " + "; ".join(missing) + ".")


def _bought(session: Session, person_id: int, service_id: str, *, option_ids: list[str] | None = None) -> bool:
    query = select(Referral.id).where(
        Referral.person_id == person_id, Referral.service_id == service_id, Referral.status.in_(TAKEN_STATUSES)
    )
    if option_ids is not None:
        query = query.where(Referral.option_id.in_(option_ids))
    return session.scalar(query.limit(1)) is not None


def _prerequisites(checks: Checks, session: Session, *, service: Service, option: ServiceOption | None, referral: Referral) -> None:
    for prerequisite in service.prerequisites:
        if prerequisite.get("max_modules") or prerequisite.get("max_sessions"):
            _pro_forma(checks, prerequisite, referral)
        elif prerequisite.get("service_key") and prerequisite.get("mandatory"):
            first = f"{service.provider_id}-{prerequisite['service_key']}"
            if not _bought(session, referral.person_id, first):
                # The printed sentence names the service already: said once, linked to its page.
                checks.blocks.append(prerequisite["text"])
                checks.links[prerequisite["text"]] = first
    if option is not None and option.level in INTENSITY_LEVELS:
        assessments = [o.id for o in service.options if o.level == "assessment"]
        if assessments and not _bought(session, referral.person_id, service.id, option_ids=assessments):
            checks.warnings.append("The provider recommends buying the assessment before choosing an intensity.")


def _pro_forma(checks: Checks, prerequisite: dict, referral: Referral) -> None:
    most_modules = prerequisite.get("max_modules")
    most_sessions = prerequisite.get("max_sessions")
    if not referral.msrp_modules or not referral.msrp_sessions:
        checks.blocks.append("Complete the pro-forma: choose the modules and the number of sessions.")
        return
    if most_modules and len(referral.msrp_modules) > most_modules:
        checks.blocks.append(f"At most {most_modules} modules can be bought at once; {len(referral.msrp_modules)} chosen.")
    if most_sessions and referral.msrp_sessions > most_sessions:
        checks.blocks.append(f"At most {most_sessions} sessions can be bought at once; {referral.msrp_sessions} chosen.")


def _through_the_gate(checks: Checks, *, service: Service, provider: Provider, referral: Referral, today: dt.date) -> None:
    if service.setting not in ("through_the_gate", "custody"):
        return
    if referral.release_date is None:
        checks.blocks.append("Give the release date: support in custody is planned from it.")
        return
    resettlement = {p.lower() for p in provider.resettlement_prisons}
    in_resettlement_prison = bool(referral.prison) and any(
        referral.prison.lower() in p or p in referral.prison.lower() for p in resettlement
    )
    weeks_left = (referral.release_date - today).days / 7
    if service.setting == "through_the_gate" and in_resettlement_prison:
        checks.warnings.append(
            f"{referral.prison} is one of {provider.name}'s resettlement prisons, where this support is given "
            "without a referral."
        )
    if service.setting == "through_the_gate" and not in_resettlement_prison and weeks_left < TTG_NOTICE_WEEKS:
        checks.blocks.append(
            f"From a non-resettlement prison this must be requested at least {TTG_NOTICE_WEEKS} weeks before "
            f"release; release is {weeks_left:.0f} weeks away."
        )
    earliest = referral.release_date - dt.timedelta(weeks=PRE_RELEASE_WEEKS)
    if referral.expected_start and referral.expected_start < earliest:
        checks.blocks.append(
            f"Pre-release support starts only in the final {PRE_RELEASE_WEEKS} weeks: not before {earliest:%d %B %Y}."
        )


def _duplicate(checks: Checks, session: Session, referral: Referral) -> None:
    other = session.scalar(
        select(Referral.reference).where(
            Referral.person_id == referral.person_id,
            Referral.service_id == referral.service_id,
            Referral.id != referral.id,
            Referral.status.in_(("referred", "transferred", "accepted", "allocated", "in_progress")),
        )
    )
    if other:
        checks.blocks.append(f"This person already has an open referral to this service ({other}).")


def submission_checks(
    *, session: Session, referral: Referral, service: Service, option: ServiceOption | None,
    provider: Provider, person: Person, override: str | None, today: dt.date,
) -> Checks:
    """Every brochure rule for submitting `referral`: blocks stop it, warnings are recorded on it."""
    checks = Checks()
    _eligibility(checks, service=service, person=person, referral=referral, override=override)
    _prerequisites(checks, session, service=service, option=option, referral=referral)
    _through_the_gate(checks, service=service, provider=provider, referral=referral, today=today)
    _duplicate(checks, session, referral)
    return checks
