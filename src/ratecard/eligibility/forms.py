"""The web form's fields turned into a Profile, with errors keyed by field for the error summary."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from ratecard.eligibility.profile import Profile
from ratecard.forms import date_from_parts

LIST_FIELDS = ("requirements", "needs", "index_offences", "previous_offences")
FLAG_FIELDS = (
    "alcohol_dependent", "drug_dependent", "class_a_use", "serious_mental_health",
    "learning_difficulties", "speaks_english", "in_denial", "consents",
)
DATE_FIELDS = ("date_of_birth", "release_date")
TEXT_FIELDS = (
    "age", "sex", "area", "setting", "sentence", "sentence_months", "rar_days", "ogrs", "risk_level",
    "ovp", "rosh", "sara", "audit", "previous_convictions",
)


def _oasys(text: str, errors: dict[str, str]) -> dict[str, int] | None:
    scores: dict[str, int] = {}
    for chunk in filter(None, (c.strip() for c in text.replace(";", ",").split(","))):
        item, _, score = chunk.partition("=")
        if not score.strip().isdecimal() or not item.strip():
            errors["oasys"] = "Write OASys scores as item=score, for example 11.6=2, 11.7=1"
            return None
        scores[item.strip()] = int(score.strip())
    return scores or None


def profile_from_form(form: FormData) -> tuple[Profile | None, dict[str, Any], dict[str, str]]:
    """(profile or None, the values as entered, {field: error message})."""
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(form.get(name, "")).strip()
        if value:
            raw[name] = value
    for name in LIST_FIELDS:
        values = [str(v) for v in form.getlist(name) if str(v).strip()]
        if values:
            raw[name] = values
    for name in FLAG_FIELDS:
        value = str(form.get(name, "")).strip()
        if value in ("yes", "no"):
            raw[name] = value == "yes"
        elif value:
            errors[name] = "Choose yes, no or not known"
    for name in DATE_FIELDS:
        value = date_from_parts(form, name)
        if value:
            raw[name] = value
    oasys_text = str(form.get("oasys", "")).strip()
    if oasys_text:
        raw["oasys_text"] = oasys_text
        scores = _oasys(oasys_text, errors)
        if scores:
            raw["oasys"] = scores
    if errors:
        return None, raw, errors
    try:
        return Profile.model_validate({k: v for k, v in raw.items() if k != "oasys_text"}), raw, {}
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "profile"
            errors.setdefault(field, error["msg"])
        return None, raw, errors
