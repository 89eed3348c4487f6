"""REST API of referrals: thin routes over referrals.service, every one behind a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from ratecard.accounts.deps import ApiUser
from ratecard.deps import DbSession, RecordId
from ratecard.referrals import extensions, service
from ratecard.referrals.schemas import ReferralIn, ReferralOut, ReferralPage, ReferralPatch, TransitionIn
from ratecard.referrals.workflow import ENDED_BY_DELIVERY, HOW_IT_ENDS, Action, Status

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])

_ERRORS = {
    401: {"description": "No valid token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such referral, or not yours to see"},
    409: {"description": "Not allowed from the current status; the allowed actions are listed"},
    422: {"description": "Invalid input, or a brochure rule blocks it; problems are listed"},
}


@router.post("", response_model=ReferralOut, status_code=201, summary="Create a draft referral",
             responses={200: {"model": ReferralOut, "description": "The referral this Idempotency-Key already made"}, **_ERRORS})
async def create(
    session: DbSession, user: ApiUser, data: ReferralIn, response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReferralOut:
    """A draft referral for a person (created or updated by CRN). Repeating the request with the same
    `Idempotency-Key` returns the first referral (200) instead of making another."""
    referral, created = service.create_referral(session=session, user=user, data=data, idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return service.to_out(session, referral, user)


@router.get("", response_model=ReferralPage, responses=_ERRORS, summary="List referrals")
async def list_referrals(
    session: DbSession, user: ApiUser,
    status: Status | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Reference, CRN or name")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ReferralPage:
    """Referrals you may see — your region's (practitioners), your provider's (hub), allocated to you
    (caseworkers) — newest first, with counts per status and each row's alerts."""
    found = service.list_referrals(session=session, user=user, status=status, q=q, page=page, per_page=per_page)
    facts = extensions.row_facts(session=session, referral_ids=[row.id for row in found.items])
    for row in found.items:
        row.alerts = [fact.text for fact in facts.get(row.id, []) if fact.attention]
    return found


@router.get("/{referral_id}", response_model=ReferralOut, responses=_ERRORS, summary="One referral")
async def get(session: DbSession, user: ApiUser, referral_id: RecordId) -> ReferralOut:
    """A referral with its history and the actions you may take; the read is logged."""
    referral = service.get_referral(session=session, user=user, referral_id=referral_id, channel="api")
    return service.to_out(session, referral, user)


@router.patch("/{referral_id}", response_model=ReferralOut, responses=_ERRORS, summary="Change a draft referral")
async def patch(session: DbSession, user: ApiUser, referral_id: RecordId, changes: ReferralPatch) -> ReferralOut:
    """Change the fields given of a draft; once submitted a referral cannot be changed (409)."""
    referral = service.patch_draft(session=session, user=user, referral_id=referral_id, changes=changes)
    return service.to_out(session, referral, user)


def _transition(action: Action):  # type: ignore[no-untyped-def]
    async def handler(session: DbSession, user: ApiUser, referral_id: RecordId, body: TransitionIn | None = None) -> ReferralOut:
        referral = service.perform(session=session, user=user, referral_id=referral_id, action=action, body=body or TransitionIn())
        return service.to_out(session, referral, user)

    ended = action in ENDED_BY_DELIVERY
    handler.__doc__ = ("Refused (409): " + HOW_IT_ENDS) if ended else (service.TRANSITION_FUNCTIONS[action].__doc__ or "").strip()
    return handler


for _action in Action:
    # The ending rule's own actions stay as routes that answer how a referral ends now, for older callers.
    router.add_api_route(
        f"/{{referral_id}}/{_action.value.replace('_', '-')}", _transition(_action), methods=["POST"],
        response_model=ReferralOut, responses=_ERRORS, summary=_action.value.replace("_", " ").capitalize(),
        name=f"referral_{_action.value}", deprecated=_action in ENDED_BY_DELIVERY,
    )


@router.post("/{referral_id}/registration", response_model=ReferralOut, responses=_ERRORS, summary="Record registration")
async def registration(session: DbSession, user: ApiUser, referral_id: RecordId) -> ReferralOut:
    """The provider records the person's registration (a later cancellation may then be charged)."""
    referral = service.record_registration(session=session, user=user, referral_id=referral_id)
    return service.to_out(session, referral, user)
