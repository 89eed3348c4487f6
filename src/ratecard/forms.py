"""Reading GOV.UK form patterns (the three-box date input) into values pydantic can check, and pydantic's
errors back into GOV.UK error messages: the one place every form maps them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData


def date_from_parts(form: FormData, name: str) -> str | None:
    """'2026-12-01' from the boxes name-day, name-month and name-year; None when all are empty.

    Boxes that are not all numbers come back joined as typed, so validation reports them.
    """
    year, month, day = (str(form.get(f"{name}-{part}", "")).strip() for part in ("year", "month", "day"))
    if not (year or month or day):
        return None
    if year.isdecimal() and month.isdecimal() and day.isdecimal() and len(year) <= 4 and len(month) <= 2 and len(day) <= 2:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


# --- error messages in the GOV.UK style -------------------------------------------------------

# Pydantic's error types, said in plain words about one field (its label filled in). Anything not
# listed falls back to "Check <label>": never pydantic's own text, which names fields and patterns.
_BY_TYPE = {
    "missing": "Enter {what}",
    "string_too_short": "Enter {what}",
    "string_too_long": "{Label} must be {max_length} characters or fewer",
    "string_pattern_mismatch": "Enter {what} in the right format",
    "int_parsing": "{Label} must be a whole number",
    "int_type": "{Label} must be a whole number",
    "int_from_float": "{Label} must be a whole number",
    "greater_than_equal": "{Label} must be {ge} or more",
    "greater_than": "{Label} must be more than {gt}",
    "less_than_equal": "{Label} must be {le} or less",
    "less_than": "{Label} must be less than {lt}",
    "date_parsing": "{Label} must be a real date",
    "date_from_datetime_parsing": "{Label} must be a real date",
    "date_type": "{Label} must be a real date",
    "enum": "Select {what} from the list",
    "literal_error": "Select {what} from the list",
    "bool_type": "Select yes, no or not known for {what}",
    "bool_parsing": "Select yes, no or not known for {what}",
    "too_long": "Select at most {max_length} for {what}",
    "dict_type": "Check {what}",
}


def error_messages(
    exc: Any, *, label: Callable[[str], str], overrides: dict[str, str] | None = None,
    model_errors: dict[str, tuple[str, str]] | None = None, skip: tuple[str, ...] = (), prefix: str = "",
) -> dict[str, str]:
    """{form field: message} for a pydantic ValidationError, the first message per field.

    `label(field)` names the field; `overrides` holds a field's own message, keyed "field:error_type"
    or "field"; `model_errors` maps a whole-model error's text to (field, message); `skip` drops
    wrapper locations ("person"); `prefix` is put before field names, as the form names them.
    """
    overrides = overrides or {}
    model_errors = model_errors or {}
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if str(part) not in skip and not isinstance(part, int)]
        ctx = error.get("ctx") or {}
        if not loc:
            text = str(error["msg"]).removeprefix("Value error, ")
            field, message = model_errors.get(text, (str(ctx.get("field", "form")), text))
            errors.setdefault(field if field == "form" else prefix + field, message)
            continue
        field = loc[0]
        message = overrides.get(f"{field}:{error['type']}") or overrides.get(field)
        if message is None:
            name = label(field)
            template = _BY_TYPE.get(error["type"], "Check {what}")
            what = name if name[:2].isupper() or name.split()[0].isupper() else name[0].lower() + name[1:]
            values = {k: v for k, v in ctx.items() if isinstance(v, (int, float, str))}
            message = template.format(Label=name, what=what, **{"max_length": "", "ge": "", "le": "", "gt": "", "lt": "", **values})
        errors.setdefault(prefix + field, message)
    return errors
