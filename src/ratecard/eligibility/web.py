"""Web pages of eligibility: the profile form in short sections, and the results grouped by need."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ratecard import places
from ratecard.accounts.service import Role
from ratecard.catalogue import service as catalogue
from ratecard.catalogue.web import optional_user
from ratecard.deps import DbSession
from ratecard.eligibility import forms, labels
from ratecard.eligibility import service
from ratecard.eligibility.areas import area_note
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)

# Form keys that steer the pages rather than answer a question.
CONTROL = frozenset({FIELD, "section", "go", "prefill"})


def answers_in(form: Any) -> list[tuple[str, str]]:
    """Every answer posted (key, value), blanks and the page's own controls left out."""
    return [(k, str(v)) for k, v in form.multi_items() if k not in CONTROL and str(v).strip()]


def _section_page(request: Request, form: Any, section: str, raw: dict, errors: dict[str, str],
                  status_code: int = 200) -> HTMLResponse:
    # `section` is one section's key, or several joined by commas: the sections whose answers need checking.
    sections = forms.sections()
    order = list(sections)
    shown = [key for key in section.split(",") if key in sections] or order[:1]
    position = order.index(shown[-1])
    keys = {key for s in shown for key in forms.section_keys(s)}
    answers = answers_in(form) if form is not None else []
    heading = forms.SECTIONS[shown[0]] if len(shown) == 1 else "Check these answers"
    return render(
        request, "eligibility/form.html", status_code=status_code, raw=raw,
        errors={k: v for s in shown for k, v in forms.errors_in(errors, s).items()},
        section=",".join(shown), heading=heading, questions=[q for s in shown for q in sections[s]],
        section_names={k: forms.SECTIONS[k] for k in order}, position=order.index(shown[0]) + 1,
        next_section=order[position + 1] if position + 1 < len(order) else None,
        kept=[(k, v) for k, v in answers if k not in keys], all_answers=answers,
        title=f"{heading} – find interventions for a person",
    )


@router.get("/match", response_class=HTMLResponse)
async def match_form(request: Request) -> HTMLResponse:
    """The first section of the profile form; every question is optional."""
    return _section_page(request, None, next(iter(forms.sections())), {}, {})


@router.post("/match", response_class=HTMLResponse)
async def match_step(request: Request, session: DbSession) -> HTMLResponse:
    """The next (or a chosen) section with the answers kept, or the results once asked for."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    sections = forms.sections()
    current = [key for key in str(form.get("section", "")).split(",") if key in sections]
    go = str(form.get("go", "results"))
    profile, raw, errors = forms.profile_from_form(form)
    wrong = [key for key in sections if forms.errors_in(errors, key)]
    if any(key in wrong for key in current) or (go not in sections and wrong):
        # Stay where the mistakes are: the section shown, or (results asked for) every section with one.
        here = [key for key in current if key in wrong] if go in sections else wrong
        return _section_page(request, form, ",".join(here or wrong), raw, errors, status_code=400)
    if go in sections:
        return _section_page(request, form, go, raw, errors)
    assert profile is not None  # no errors anywhere
    groups, counts = service.grouped(service.match(session=session, profile=profile))
    user = optional_user(request, session)
    # Refer is offered to those who make referrals; others are told how to (the answers are not in a URL).
    can_refer = user is not None and user.role in (Role.PRACTITIONER.value, Role.ADMIN.value)
    options = {} if not can_refer else _options_of({m.service_id for by in groups.values() for key, ms in by.items() if key != "ineligible" for m in ms}, session)
    return render(
        request, "eligibility/results.html", groups=groups, counts=counts, raw=raw,
        area=understood_area(profile.area), answers=forms.summary(profile), kept=answers_in(form),
        section_names=forms.SECTIONS, options=options, labels=labels, can_refer=can_refer, signed_in=user is not None,
        title="Interventions for this person",
    )


def _options_of(service_ids: set[str], session: Any) -> dict[str, list[Any]]:
    # The options of the services a person could be referred to, so each option has its own Refer button.
    found: dict[str, list[Any]] = {}
    for service_id in service_ids:
        item = catalogue.get_service(session=session, service_id=service_id)
        if len(item.options) > 1:
            found[service_id] = list(item.options)
    return found


def understood_area(text: str | None) -> dict[str, str] | None:
    """How the typed area was understood ("Morecambe, Lancashire"), or why it could not settle where
    the person lives (unknown, or in several counties); None when no area was given."""
    if not text:
        return None
    note = area_note(text)
    if note:
        return {"typed": text, "note": note}
    return {"typed": text, "understood": places.describe(places.resolve(text))}
