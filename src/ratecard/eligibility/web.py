"""Web pages of eligibility: the profile form and the results, grouped by need."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ratecard import places
from ratecard.deps import DbSession
from ratecard.eligibility.areas import area_note
from ratecard.eligibility import profile as p
from ratecard.eligibility import service
from ratecard.eligibility.forms import FLAG_FIELDS, profile_from_form
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)

CHOICES = {
    "sex": list(p.Sex),
    "setting": list(p.PersonSetting),
    "sentence": list(p.Sentence),
    "risk_level": list(p.Level),
    "sara": list(p.Level),
    "rosh": list(p.Rosh),
    "requirements": list(p.Requirement),
    "offences": list(p.Offence),
    "needs": list(p.Need),
}


def _form_page(request: Request, raw: dict, errors: dict[str, str], status_code: int = 200) -> HTMLResponse:
    return render(
        request, "eligibility/form.html", status_code=status_code, raw=raw, errors=errors,
        choices=CHOICES, flags=FLAG_FIELDS, title="Find interventions for a person",
    )


@router.get("/match", response_class=HTMLResponse)
async def match_form(request: Request) -> HTMLResponse:
    """The profile form; every field is optional."""
    return _form_page(request, {}, {})


@router.post("/match", response_class=HTMLResponse)
async def match_results(request: Request, session: DbSession) -> HTMLResponse:
    """Results for the submitted profile, or the form again with its errors."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    profile, raw, errors = profile_from_form(form)
    if profile is None:
        return _form_page(request, raw, errors, status_code=400)
    groups, counts = service.grouped(service.match(session=session, profile=profile))
    return render(
        request, "eligibility/results.html", groups=groups, counts=counts, raw=raw, area=understood_area(raw.get("area")),
        title="Interventions for this person",
    )


def understood_area(text: str | None) -> dict[str, str] | None:
    """How the typed area was understood ("Morecambe, Lancashire"), or why it could not settle where
    the person lives (unknown, or in several counties); None when no area was given."""
    if not text:
        return None
    note = area_note(text)
    if note:
        return {"typed": text, "note": note}
    return {"typed": text, "understood": places.describe(places.resolve(text))}
