"""The referral form (new and edit): its fields read into a ReferralIn, the eligibility facts with it, and
pydantic's errors said in GOV.UK words beside each field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from ratecard.eligibility import forms as profile_forms
from ratecard.forms import date_from_parts, error_messages
from ratecard.referrals.schemas import Priority, ReferralIn, RequirementType

# The eligibility facts travel with the referral under this prefix (p_ogrs, p_needs...).
PROFILE_PREFIX = "p_"
# Profile fields the referral asks as its own (the person's details and the release date).
OWN_FIELDS = frozenset({"sex", "area", "date_of_birth", "release_date"})
DATE_FIELDS = ("date_of_birth", "expected_start", "expected_end", "release_date")

LABELS = {
    "crn": "CRN", "name": "Full name", "date_of_birth": "Date of birth", "sex": "Sex", "area": "Where they live",
    "service_id": "Service", "option_id": "Option", "requirement_type": "Requirement type", "team": "Your team",
    "expected_start": "Expected start date", "expected_end": "Expected end date", "risk_notes": "Risk profile",
    "support_notes": "Support needed", "location_notes": "Location", "priority": "Priority", "prison": "Prison",
    "release_date": "Release date", "msrp_modules": "Modules", "msrp_sessions": "Number of sessions",
}
MESSAGES = {
    "crn": "Enter a CRN in the format one letter and six numbers, like X123456",
    "name:missing": "Enter the person's full name",
    "name:string_too_short": "Enter the person's full name",
    "date_of_birth:value_error": "Date of birth must be in the past",
    "option_id": "Select which option to buy",
    "requirement_type": "Select the requirement type",
    "priority": "Select routine or urgent",
    "sex": "Select male, female or not known",
}


def _label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())


def profile_questions() -> list[profile_forms.Question]:
    """The eligibility questions the referral form carries (its own person fields aside)."""
    return [q for q in profile_forms.questions() if q.name not in OWN_FIELDS]


def default_requirement_type(*, request_method: str, kind: str, setting: str | None) -> str:
    """The requirement type a new referral starts with: a court-ordered programme for what is transferred,
    licence activity for someone on licence or PSS, else RAR activity."""
    if request_method in ("transfer_requirement", "court_order") or kind in ("court_requirement",):
        return RequirementType.COURT_ORDERED_PROGRAMME.value
    if setting in ("licence", "pss"):
        return RequirementType.LICENCE_ACTIVITY.value
    return RequirementType.RAR_ACTIVITY.value


def prefill(form: FormData, *, service_id: str, option_id: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(referral form values, eligibility values) from the match form's answers: what Refer carries over."""
    _, answers, _ = profile_forms.profile_from_form(form)
    raw: dict[str, Any] = {"service_id": service_id, "option_id": option_id}
    for name in ("sex", "area"):
        if name in answers:
            raw[name] = answers[name]
    for name in ("date_of_birth", "release_date"):
        for part in ("day", "month", "year"):
            if f"{name}-{part}" in answers:
                raw[f"{name}-{part}"] = answers[f"{name}-{part}"]
    own = {q.name for q in profile_questions()}
    facts = {k: v for k, v in answers.items() if k in own}
    return raw, facts


def raw_of(data: ReferralIn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(referral form values, eligibility values) of a stored draft, for its edit form."""
    values = data.model_dump(mode="json", exclude_none=True)
    person = values.pop("person")
    raw: dict[str, Any] = {**{k: v for k, v in values.items() if not isinstance(v, (list, dict))}, **person}
    raw.pop("profile", None)
    raw["msrp_modules"] = ", ".join(values.get("msrp_modules", []))
    for name in DATE_FIELDS:
        text = raw.pop(name, None) or (person.get(name) if name in person else None)
        if text:
            year, month, day = str(text).split("-")
            raw |= {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}
    facts: dict[str, Any] = {}
    profile = person.get("profile") or {}
    for q in profile_questions():
        if q.name not in profile:
            continue
        value = profile[q.name]
        if q.kind == "flag":
            facts[q.name] = "yes" if value else "no"
        elif q.kind == "date":
            year, month, day = str(value).split("-")
            facts |= {f"{q.name}-day": str(int(day)), f"{q.name}-month": str(int(month)), f"{q.name}-year": year}
        elif q.kind == "scores":
            facts[q.name] = ", ".join(f"{k}={v}" for k, v in value.items())
        elif q.kind == "list":
            facts[q.name] = ", ".join(value)
        else:
            facts[q.name] = value if isinstance(value, list) else str(value)
    return raw, facts


def referral_from_form(form: FormData) -> tuple[ReferralIn | None, dict[str, Any], dict[str, Any], dict[str, str]]:
    """(referral or None, form values as typed, eligibility values as typed, {field: message})."""
    text = lambda name: (str(form.get(name, "")).strip() or None)  # noqa: E731
    raw = {k: v for k, v in form.items() if not k.startswith(PROFILE_PREFIX)}
    profile, facts, errors = profile_forms.profile_from_form(form, prefix=PROFILE_PREFIX)
    own = {q.name for q in profile_questions()}
    facts = {k: v for k, v in facts.items() if k in own or k.rsplit("-", 1)[0] in own}
    errors = {k: v for k, v in errors.items() if k.removeprefix(PROFILE_PREFIX) in own}
    profile_data = {k: v for k, v in profile.model_dump(exclude_none=True).items() if k in own} if profile else {}
    modules = [m.strip() for value in form.getlist("msrp_modules") for m in str(value).split(",") if m.strip()]
    data: dict[str, Any] = {
        "person": {
            "crn": text("crn") or "", "name": text("name") or "", "date_of_birth": date_from_parts(form, "date_of_birth"),
            "sex": text("sex"), "area": text("area"), "profile": profile_data or None,
        },
        "service_id": text("service_id") or "",
        "option_id": text("option_id"),
        "requirement_type": text("requirement_type") or RequirementType.RAR_ACTIVITY.value,
        "team": text("team"),
        "expected_start": date_from_parts(form, "expected_start"),
        "expected_end": date_from_parts(form, "expected_end"),
        "risk_notes": text("risk_notes"),
        "support_notes": text("support_notes"),
        "location_notes": text("location_notes"),
        "priority": text("priority") or Priority.ROUTINE.value,
        "prison": text("prison"),
        "release_date": date_from_parts(form, "release_date"),
        "msrp_modules": modules,
        "msrp_sessions": text("msrp_sessions"),
    }
    try:
        referral = ReferralIn.model_validate(data)
    except ValidationError as exc:
        for field, message in error_messages(exc, label=_label, overrides=MESSAGES, skip=("person", "profile")).items():
            errors.setdefault(field, message)
        referral = None
    if errors:
        return None, raw, facts, errors
    return referral, raw, facts, {}

