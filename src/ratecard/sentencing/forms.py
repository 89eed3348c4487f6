"""The order builder form: its fields read into an order the schema checks, and its errors back onto fields."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ratecard.forms import date_from_parts
from ratecard.sentencing.schemas import MONITORED, OPTIONAL_MONTHS, TREATMENTS, RequirementType, measures_of

DATES = ("conviction_date", "sentence_date", "offence_date")
NUMBERS = ("length_months", "custodial_term_months", "custodial_term_days", "operational_period_months",
           "supervision_period_months")
LABELS = {
    "order_type": "the type of order", "conviction_date": "Conviction date", "sentence_date": "Sentence date",
    "offence_date": "Offence date", "length_months": "Length of the order", "custodial_term_months": "Custodial term (months)",
    "custodial_term_days": "Custodial term (days)", "operational_period_months": "Operational period",
    "supervision_period_months": "Supervision period", "exceptional_circumstances": "Exceptional circumstances",
    "seriousness": "the community order level", "offender-age": "Age when convicted",
    "hours": "Hours", "days": "Days", "months": "Months", "hours_per_day": "Hours a day", "days_per_week": "Days a week",
    "em_not_appropriate_reason": "Why electronic monitoring is inappropriate", "requirements": "a requirement",
}
FIELD_LABELS = {"hours": "Hours", "days": "Days", "months": "Months", "hours_per_day": "Hours a day",
                "days_per_week": "Days a week"}


def fields_of(kind: RequirementType) -> tuple[str, ...]:
    """The measure inputs the builder shows for a requirement."""
    fields = measures_of(kind)
    return (*fields, "months") if kind in OPTIONAL_MONTHS else fields


def _number(text: str) -> Any:
    text = text.strip()
    return int(text) if text.lstrip("-").isdecimal() else text  # anything else goes to validation as typed


def _flag(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


def order_from_form(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the order as data for the schema, the raw answers to show again)."""
    raw: dict[str, Any] = {k: str(v) for k, v in form.multi_items() if k != "requirements"}
    raw["requirements"] = [str(v) for v in form.getlist("requirements")]
    data: dict[str, Any] = {}
    if raw.get("order_type"):
        data["order_type"] = raw["order_type"]
    for name in DATES:
        value = date_from_parts(form, name)
        if value is not None:
            data[name] = value
    for name in NUMBERS:
        if raw.get(name, "").strip():
            data[name] = _number(raw[name])
    data["fine"] = raw.get("fine") == "yes"
    for name in ("exceptional_circumstances", "seriousness"):
        if raw.get(name, "").strip():
            data[name] = raw[name].strip()
    offender: dict[str, Any] = {}
    if raw.get("offender-age", "").strip():
        offender["age"] = _number(raw["offender-age"])
    for name in ("alcohol_dependent", "drug_dependent"):
        flag = _flag(raw.get(f"offender-{name}", ""))
        if flag is not None:
            offender[name] = flag
    data["offender"] = offender
    requirements = []
    for kind in RequirementType:
        if kind.value not in raw["requirements"]:
            continue
        item: dict[str, Any] = {"type": kind.value}
        for name in fields_of(kind):
            value = raw.get(f"{kind.value}-{name}", "").strip()
            if value:
                item[name] = _number(value)
        if kind in MONITORED:
            item["electronic_monitoring"] = raw.get(f"{kind.value}-electronic_monitoring") == "yes"
            reason = raw.get(f"{kind.value}-em_not_appropriate_reason", "").strip()
            if reason:
                item["em_not_appropriate_reason"] = reason
        if kind in TREATMENTS:
            flag = _flag(raw.get(f"{kind.value}-willing", ""))
            if flag is not None:
                item["willing"] = flag
        requirements.append(item)
    data["requirements"] = requirements
    return data, raw


_MESSAGES = {
    "missing": "Enter {label}",
    "int_parsing": "{Label} must be a whole number",
    "int_type": "{Label} must be a whole number",
    "greater_than_equal": "{Label} must be {ge} or more",
    "less_than_equal": "{Label} must be {le} or less",
    "date_from_datetime_parsing": "{Label} must be a real date",
    "date_parsing": "{Label} must be a real date",
    "enum": "Select {label}",
    "literal_error": "Select {label}",
    "string_too_long": "{Label} must be {max_length} characters or fewer",
}


def _form_field(loc: list[str], data: dict[str, Any]) -> str:
    if loc and loc[0] == "requirements" and len(loc) > 1 and loc[1].isdecimal():
        kind = data["requirements"][int(loc[1])]["type"]
        return f"{kind}-{loc[2]}" if len(loc) > 2 else kind
    if loc and loc[0] == "offender":
        return "offender-" + (loc[1] if len(loc) > 1 else "age")
    return loc[0] if loc else "order_type"


def form_errors(exc: ValidationError, data: dict[str, Any]) -> dict[str, str]:
    """{form field id: plain message} for each problem, the first per field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        if error["type"] == "invalid_order":
            # "sentence_date: the sentence date is before ...": the message names the field it is about.
            field, _, text = str(error["msg"]).partition(": ")
            target = _form_field([*loc, field] if loc else [field], data)
            errors.setdefault(target, text[:1].upper() + text[1:])
            continue
        target = _form_field(loc, data)
        label = LABELS.get(target.split("-", 1)[-1] if "-" in target and not target.startswith("offender") else target, "this answer")
        ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
        template = _MESSAGES.get(error["type"], "Check {label}")
        errors.setdefault(target, template.format(label=label[0].lower() + label[1:], Label=label[0].upper() + label[1:], **ctx))
    return errors


def error_anchor(field: str) -> str:
    """The element an error summary links to: a date's day box, a requirement's checkbox."""
    if field in DATES:
        return f"{field}-day"
    if field in {k.value for k in RequirementType}:
        return f"requirements-{field}"
    return field
