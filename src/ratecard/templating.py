"""The Jinja2 environment for the web pages: our templates plus the GOV.UK Frontend macros."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape

TEMPLATES_DIR = Path(__file__).parent / "templates"

LABELS = {
    "accredited_programme": "Accredited programme",
    "structured_intervention": "Structured intervention",
    "support_service": "Support service",
    "resettlement": "Resettlement",
    "court_requirement": "Court requirement",
    "other": "Other",
    "group": "Group",
    "one_to_one": "One to one",
    "both": "Group or one to one",
    "community": "Community",
    "custody": "Custody (pre-release)",
    "through_the_gate": "Through the gate",
    "nsi": "Add an NSI and transfer it to the provider's hub",
    "transfer_requirement": "Transfer the court requirement to the provider",
    "court_order": "Made by the court as part of a sentence",
    "contact_provider": "Contact the provider",
    "assessment": "Assessment",
    "low": "Low intensity",
    "medium": "Medium intensity",
    "high": "High intensity",
    "module": "Module",
    "block": "Block",
    "programme": "Whole programme",
    "variant": "Variant",
}


def label(value: Any) -> str:
    """A person-readable label for an enum value."""
    key = getattr(value, "value", value)
    return LABELS.get(str(key), str(key).replace("_", " ").capitalize()) if key is not None else ""


def hours(value: float | None) -> str:
    """12.0 -> '12 hours', 1.0 -> '1 hour', None -> ''."""
    if value is None:
        return ""
    return f"{value:g} hour" + ("" if value == 1 else "s")


def link_html(href: str, text: Any) -> Markup:
    """A GOV.UK link as markup for a macro's "html" parameter, with href and text escaped once."""
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def money(pence: int | None) -> str:
    """1500 -> '£15.00', None -> ''."""
    return "" if pence is None else f"£{pence / 100:,.2f}"


def make_templates() -> Jinja2Templates:
    """Templates with GOV.UK Frontend Jinja macros reachable as 'govuk_frontend_jinja/...'."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(TEMPLATES_DIR)),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = label
    env.filters["hours"] = hours
    env.filters["money"] = money
    env.globals["link_html"] = link_html
    return Jinja2Templates(env=env)
