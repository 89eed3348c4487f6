"""Profile fields and their values in the words practitioners use: the one place the match pages and the
referral pages take them from."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from ratecard.eligibility import profile as p

# Questions as a form asks them. A field not listed here is asked by its `title=` in the Profile model,
# else by its name in words, so a new field is never shown as a Python name.
FIELD_LABELS: dict[str, str] = {
    "age": "Age",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "area": "Where they live",
    "setting": "Where they are now",
    "release_date": "Release date",
    "sentence": "Sentence or order",
    "sentence_months": "Length of order or licence, in months",
    "requirements": "Requirements of the order",
    "rar_days": "RAR days ordered",
    "ogrs": "OGRS score",
    "risk_level": "Risk of reoffending, if there is no OGRS score",
    "ovp": "OVP score",
    "rosh": "Risk of serious harm (RoSH)",
    "sara": "SARA risk level",
    "audit": "AUDIT score",
    "oasys": "OASys item scores",
    "index_offences": "Index offence",
    "previous_offences": "Previous offences",
    "previous_convictions": "Number of previous convictions",
    "alcohol_dependent": "Alcohol dependent",
    "drug_dependent": "Drug dependent",
    "class_a_use": "Class A drug use",
    "serious_mental_health": "Serious mental health problems",
    "learning_difficulties": "Learning difficulties",
    "speaks_english": "Speaks English",
    "in_denial": "Denies the offence",
    "consents": "Consents to the intervention",
    "needs": "Needs",
    "as_of": "Judge dates as of",
}

# Hints under a question, where the words of the question alone leave a doubt.
FIELD_HINTS: dict[str, str] = {
    "age": "In years. Or give the date of birth.",
    "date_of_birth": "For example, 27 3 1990",
    "area": "Town, county or postcode, for example Morecambe, Lancashire or LA4 4AA",
    "release_date": "If in custody. For example, 27 3 2027",
    "ogrs": "0 to 100",
    "ovp": "0 to 100",
    "audit": "0 to 40",
    "oasys": "For example 11.6=2, 11.7=1",
    "previous_offences": "Leave all unticked if not known",
}

# Values whose plain capitalised name would not be what people say.
VALUE_LABELS: dict[str, str] = {
    "rar": "RAR",
    "pss": "PSS (post-sentence supervision)",
    "ete": "ETE (education, training and employment)",
    "womens": "Women's",
    "very_high": "Very high",
    "community_order": "Community order",
    "suspended_sentence_order": "Suspended sentence order",
    "licence": "On licence",
    "custody": "In custody",
    "community": "In the community",
    "accredited_programme": "Accredited programme",
    "unpaid_work": "Unpaid work",
    "drug_rehabilitation": "Drug rehabilitation",
    "alcohol_treatment": "Alcohol treatment",
    "mental_health_treatment": "Mental health treatment",
    "attendance_centre": "Attendance centre",
    "foreign_travel_prohibition": "Foreign travel prohibition",
    "alcohol_abstinence": "Alcohol abstinence",
    "prohibited_activity": "Prohibited activity",
    "intimate_partner_violence": "Intimate partner violence",
    "drink_driving": "Drink driving",
    "hate_crime": "Hate crime",
    "alcohol_related": "Alcohol related",
    "emotional_wellbeing": "Emotional wellbeing",
    "mental_health": "Mental health",
    "domestic_abuse": "Domestic abuse",
    "victim_awareness": "Victim awareness",
    "drugs": "Drugs",
    # Referral words
    "rar_activity": "RAR activity",
    "licence_activity": "Licence activity",
    "court_ordered_programme": "Court-ordered programme",
    "routine": "Routine",
    "urgent": "Urgent",
}
# The same value in another field (the person's setting "custody" vs the sentence "custody") reads the same.
FIELD_VALUE_LABELS: dict[tuple[str, str], str] = {
    ("sentence", "custody"): "Custodial sentence",
    ("sentence", "licence"): "Licence",
    ("sentence", "pss"): "PSS (post-sentence supervision)",
}


def field_label(name: str) -> str:
    """The question for profile field `name`."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    info = p.Profile.model_fields.get(name)
    if info is not None and info.title:
        return info.title
    return name.replace("_", " ").capitalize()


def field_hint(name: str) -> str | None:
    """The hint under the question for `name`, from this module or the field's description."""
    if name in FIELD_HINTS:
        return FIELD_HINTS[name]
    info = p.Profile.model_fields.get(name)
    return info.description if info is not None and info.description else None


def value_label(value: Any, field: str | None = None) -> str:
    """One value (an enum member or its value, a yes/no, a number) as people say it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    key = str(value.value if isinstance(value, Enum) else value)
    if not isinstance(value, Enum) and not re.fullmatch(r"[a-z0-9_]+", key):
        return key  # free text (a town, a number) is shown as typed
    if field and (field, key) in FIELD_VALUE_LABELS:
        return FIELD_VALUE_LABELS[(field, key)]
    if key in VALUE_LABELS:
        return VALUE_LABELS[key]
    return key.replace("_", " ").capitalize()


def answer(value: Any, field: str | None = None) -> str:
    """A whole answer for a summary: lists joined, OASys scores as item=score, dates as 1 May 1990."""
    if isinstance(value, (list, tuple)):
        return ", ".join(value_label(v, field) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return value_label(value, field)


# Shorter names for the answers a result says it needs ("answer needed: OGRS score or reoffending risk").
SHORT_LABELS = {"risk_level": "reoffending risk", "sentence_months": "length of order", "area": "where they live"}


def missing_label(text: str) -> str:
    """What a result needs, in words: field names in it ("ogrs or risk_level") become their labels."""
    def one(found: re.Match[str]) -> str:
        name = found.group(0)
        if name in SHORT_LABELS:
            return SHORT_LABELS[name]
        if name not in p.Profile.model_fields:
            return name
        words = field_label(name)
        parts = words.split()
        # "OGRS score" and "Class A drug use" keep their capitals; "Index offence" reads "index offence".
        keep = parts[0].isupper() or (len(parts) > 1 and len(parts[1]) == 1 and parts[1].isupper())
        return words if keep else words[0].lower() + words[1:]
    return re.sub(r"[a-z][a-z_]*[a-z]", one, text)
