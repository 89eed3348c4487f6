"""The profile form: its questions read from the Profile model, asked in short sections, and the answers
turned back into a Profile with GOV.UK error messages keyed by field."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from ratecard.eligibility import labels
from ratecard.eligibility.profile import Profile
from ratecard.forms import date_from_parts, error_messages

# The sections of the form, in the order they are asked.
SECTIONS: dict[str, str] = {
    "about": "About the person",
    "order": "Sentence or order",
    "risk": "Risk and assessment",
    "offence": "Offending",
    "needs": "Needs and circumstances",
    "other": "Other questions",
}
# Where each known field is asked.
PLACED: dict[str, str] = {
    "age": "about", "date_of_birth": "about", "sex": "about", "area": "about", "speaks_english": "about",
    "learning_difficulties": "about",
    "setting": "order", "release_date": "order", "sentence": "order", "sentence_months": "order",
    "requirements": "order", "rar_days": "order",
    "ogrs": "risk", "risk_level": "risk", "ovp": "risk", "rosh": "risk", "sara": "risk", "audit": "risk", "oasys": "risk",
    "index_offences": "offence", "previous_offences": "offence", "previous_convictions": "offence", "in_denial": "offence",
    "alcohol_dependent": "needs", "drug_dependent": "needs", "class_a_use": "needs", "serious_mental_health": "needs",
    "consents": "needs", "needs": "needs",
}
# A field added to the Profile later is placed by a word of its name, else asked under "Other questions".
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("offence", "offence"), ("victim", "offence"), ("conviction", "offence"), ("denial", "offence"),
    ("discuss", "offence"), ("group", "offence"), ("seriousness", "offence"),
    ("heroin", "needs"), ("crack", "needs"), ("drug", "needs"), ("alcohol", "needs"), ("mental", "needs"),
    ("need", "needs"), ("housing", "needs"), ("accommodation", "needs"),
    ("sentence", "order"), ("licence", "order"), ("release", "order"), ("requirement", "order"),
    ("attendance", "order"), ("appointment", "order"), ("order", "order"), ("rar", "order"),
    ("score", "risk"), ("risk", "risk"), ("rosh", "risk"),
    ("traveller", "about"), ("gypsy", "about"), ("english", "about"), ("ethnic", "about"), ("age", "about"),
)
NOT_ASKED = frozenset({"as_of"})  # the date results are judged on is for the API and tests, not people


@dataclass(frozen=True)
class Question:
    """One profile field as the form asks it."""

    name: str
    kind: str  # number | text | list (comma-separated) | choice | many | flag | date | scores
    label: str
    hint: str | None
    choices: tuple[tuple[str, str], ...]
    section: str

    def keys(self) -> tuple[str, ...]:
        """The form keys this question's answer arrives under."""
        if self.kind == "date":
            return tuple(f"{self.name}-{part}" for part in ("day", "month", "year"))
        return (self.name,)


def _unwrap(annotation: Any) -> Any:
    # Optional[X] and Annotated[X, ...] down to X.
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else str
        else:
            return annotation


def _question(name: str, annotation: Any) -> Question:
    kind_of = _unwrap(annotation)
    origin = typing.get_origin(kind_of)
    choices: tuple[tuple[str, str], ...] = ()
    if origin is list:
        item = _unwrap(typing.get_args(kind_of)[0])
        kind = "many" if isinstance(item, type) and issubclass(item, Enum) else "list"
        if kind == "many":
            choices = tuple((v.value, labels.value_label(v, name)) for v in item)
    elif origin is dict:
        kind = "scores"
    elif kind_of is bool:
        kind = "flag"
    elif kind_of is int or kind_of is float:
        kind = "number"
    elif kind_of is dt.date:
        kind = "date"
    elif isinstance(kind_of, type) and issubclass(kind_of, Enum):
        kind = "choice"
        choices = tuple((v.value, labels.value_label(v, name)) for v in kind_of)
    else:
        kind = "text"
    section = PLACED.get(name) or next((s for word, s in KEYWORDS if word in name), "other")
    return Question(name, kind, labels.field_label(name), labels.field_hint(name), choices, section)


def questions() -> list[Question]:
    """Every profile field the form asks, in the Profile model's order."""
    return [_question(n, f.annotation) for n, f in Profile.model_fields.items() if n not in NOT_ASKED]


def sections() -> dict[str, list[Question]]:
    """The non-empty sections in order, each with its questions."""
    found: dict[str, list[Question]] = {key: [] for key in SECTIONS}
    for q in questions():
        found[q.section].append(q)
    return {key: qs for key, qs in found.items() if qs}


def section_keys(section: str) -> set[str]:
    """The form keys a section's questions use."""
    return {key for q in sections().get(section, []) for key in q.keys()}


def _oasys(text: str) -> dict[str, int] | None:
    scores: dict[str, int] = {}
    for chunk in filter(None, (c.strip() for c in text.replace(";", ",").split(","))):
        item, _, score = chunk.partition("=")
        if not score.strip().isdecimal() or not item.strip():
            return None
        scores[item.strip()] = int(score.strip())
    return scores


# Messages of the Profile's own checks, and of fields whose generic message would be unclear.
MODEL_ERRORS = {"date_of_birth is in the future": ("date_of_birth", "Date of birth must be in the past")}
OVERRIDES = {
    "age:greater_than_equal": "Age must be between 10 and 120", "age:less_than_equal": "Age must be between 10 and 120",
    "area:string_too_short": "Enter a town, county or postcode of at least 2 letters",
    "oasys": "Enter OASys scores as item=score from 0 to 10, for example 11.6=2, 11.7=1",
}


def profile_from_form(form: FormData, prefix: str = "") -> tuple[Profile | None, dict[str, Any], dict[str, str]]:
    """(profile or None, the values as entered, {form field: error message}). Form keys carry `prefix`."""
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for q in questions():
        key = prefix + q.name
        if q.kind == "many":
            values = [str(v) for v in form.getlist(key) if str(v).strip()]
            if values:
                raw[q.name] = data[q.name] = values
        elif q.kind == "list":
            values = [v.strip() for v in str(form.get(key, "")).split(",") if v.strip()]
            if values:
                raw[q.name] = ", ".join(values)
                data[q.name] = values
        elif q.kind == "flag":
            value = str(form.get(key, "")).strip()
            if value in ("yes", "no"):
                raw[q.name] = value
                data[q.name] = value == "yes"
            elif value:
                errors[key] = f"Select yes, no or not known for {q.label[0].lower() + q.label[1:]}"
        elif q.kind == "date":
            for part in ("day", "month", "year"):
                if str(form.get(f"{key}-{part}", "")).strip():
                    raw[f"{q.name}-{part}"] = str(form.get(f"{key}-{part}", "")).strip()
            value = date_from_parts(form, key)
            if value:
                data[q.name] = value
        elif q.kind == "scores":
            text = str(form.get(key, "")).strip()
            if text:
                raw[q.name] = text
                scores = _oasys(text)
                if scores is None:
                    errors[key] = OVERRIDES["oasys"]
                elif scores:
                    data[q.name] = scores
        else:
            value = str(form.get(key, "")).strip()
            if value:
                raw[q.name] = data[q.name] = value
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        for field, message in error_messages(
            exc, label=labels.field_label, overrides=OVERRIDES, model_errors=MODEL_ERRORS, prefix=prefix,
        ).items():
            errors.setdefault(field, message)
        profile = None
    return (None if errors else profile), raw, errors


def errors_in(errors: dict[str, str], section: str, prefix: str = "") -> dict[str, str]:
    """The errors of one section's questions."""
    keys = {prefix + q.name for q in sections().get(section, [])}
    return {k: v for k, v in errors.items() if k in keys}


def section_of(field: str) -> str:
    """The section a form field (without prefix) is asked in; 'about' for one it does not know."""
    for key, qs in sections().items():
        if any(q.name == field for q in qs):
            return key
    return "about"


def summary(data: Profile | None) -> list[dict[str, Any]]:
    """The answers given, section by section, as rows (section, label, answer) for a summary list."""
    rows: list[dict[str, Any]] = []
    values = data.model_dump(exclude_none=True) if data is not None else {}
    for key, qs in sections().items():
        for q in qs:
            if q.name in values:
                rows.append({"section": key, "name": q.name, "label": q.label, "answer": labels.answer(values[q.name], q.name)})
    return rows
