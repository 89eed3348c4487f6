"""REST API of prices: price lists (draft, entries, CSV, publish) and a referral's quote. Every route needs a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ratecard.accounts.deps import ApiUser
from ratecard.billing import pricelists, quotes
from ratecard.billing.models import PriceList
from ratecard.billing.schemas import (
    HistoryOut,
    PriceEntriesIn,
    PriceEntryOut,
    PriceListCsvIn,
    PriceListIn,
    PriceListOut,
    PriceListRow,
    QuoteOut,
)
from ratecard.deps import DbSession, RecordId

router = APIRouter(prefix="/api/v1", tags=["prices"])

_ERRORS = {
    401: {"description": "No valid token"},
    403: {"description": "You may not manage this provider's prices"},
    404: {"description": "No such price list or referral, or not yours to see"},
    409: {"description": "The list is not a draft (a published list is never edited), someone else changed it "
                         "first, or its dates overlap a published list"},
    422: {"description": "Invalid input; problems are listed, each with its entry or CSV line"},
}


def _out(session: DbSession, price_list: PriceList) -> PriceListOut:
    out = PriceListOut.model_validate(price_list)
    out.entries = [PriceEntryOut.model_validate(e) for e in price_list.entries]
    out.history = [HistoryOut.model_validate(h) for h in pricelists.history_of(session=session, price_list_id=price_list.id)]
    return out


@router.get("/price-lists", response_model=list[PriceListRow], responses=_ERRORS, summary="Price lists you may see")
async def list_price_lists(
    session: DbSession, user: ApiUser,
    provider: Annotated[str | None, Query(max_length=16, description="A provider's id, e.g. kss")] = None,
) -> list[PriceListRow]:
    """Admins see every provider's lists; a provider's staff only their provider's (drafts too); anyone
    else only lists that are or were in force, never a draft."""
    found = pricelists.list_lists(session=session, user=user, provider_id=provider.lower() if provider else None)
    return [PriceListRow.model_validate(p) for p in found]


@router.post("/price-lists", response_model=PriceListOut, status_code=201, responses=_ERRORS,
             summary="Draft a price list")
async def create_price_list(session: DbSession, user: ApiUser, data: PriceListIn) -> PriceListOut:
    """A new draft price list for a provider (admins, or the provider's price-list managers), with its
    entries: one per orderable option, unit price ex VAT in integer pence. Every entry is checked against
    the catalogue (an unknown service or option is named by its place, e.g. `entries[2]`); nothing is
    written on any problem."""
    return _out(session, pricelists.create_list(session=session, user=user, data=data))


@router.get("/price-lists/{price_list_id}", response_model=PriceListOut, responses=_ERRORS, summary="A price list")
async def get_price_list(session: DbSession, user: ApiUser, price_list_id: RecordId) -> PriceListOut:
    """One price list with its entries and history."""
    return _out(session, pricelists.get_list(session=session, user=user, price_list_id=price_list_id))


@router.put("/price-lists/{price_list_id}/entries", response_model=PriceListOut, responses=_ERRORS,
            summary="Replace a draft's entries")
async def put_entries(session: DbSession, user: ApiUser, price_list_id: RecordId, data: PriceEntriesIn) -> PriceListOut:
    """Every entry of a draft list at once. A published list is never edited (409): draft a new one."""
    return _out(session, pricelists.replace_entries(session=session, user=user, price_list_id=price_list_id,
                                                     entries=data.entries))


@router.post("/price-lists/{price_list_id}/import", response_model=PriceListOut, responses=_ERRORS,
             summary="Replace a draft's entries from CSV")
async def import_entries(session: DbSession, user: ApiUser, price_list_id: RecordId, data: PriceListCsvIn) -> PriceListOut:
    """The CSV's rows (the export's columns: service_id, option_id, service, option, unit, unit_price in
    pounds such as 12.50, vat_rate, minimum_units, cancellation_charge, note) replace the draft's entries.
    Every row is checked; problems are listed by line ("line 3: unit_price: ..."), and nothing is written on any."""
    return _out(session, pricelists.import_csv(session=session, user=user, price_list_id=price_list_id, text=data.csv))


@router.get("/price-lists/{price_list_id}/entries.csv", responses={**_ERRORS, 200: {"content": {"text/csv": {}},
            "description": "The entries as CSV"}}, response_class=Response, summary="A price list as CSV")
async def export_entries(session: DbSession, user: ApiUser, price_list_id: RecordId) -> Response:
    """The list's entries as CSV, in the columns the import reads."""
    price_list = pricelists.get_list(session=session, user=user, price_list_id=price_list_id)
    return Response(pricelists.export_csv(session=session, price_list=price_list), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="price-list-{price_list.id}.csv"'})


@router.post("/price-lists/{price_list_id}/publish", response_model=PriceListOut, responses=_ERRORS,
             summary="Publish a draft price list")
async def publish(session: DbSession, user: ApiUser, price_list_id: RecordId) -> PriceListOut:
    """Draft → published. An older published list still in force on the new list's first day ends the day
    before (it becomes superseded); any other overlap with a published list of the provider is refused (409),
    as is a list already published (a lost race is a clean 409)."""
    return _out(session, pricelists.publish(session=session, user=user, price_list_id=price_list_id))


@router.get("/referrals/{referral_id}/quote", response_model=QuoteOut, responses=_ERRORS, summary="A referral's quote")
async def quote(session: DbSession, user: ApiUser, referral_id: RecordId) -> QuoteOut:
    """What the referral costs: from the price list in force on its referral date (units x unit price, VAT
    per line rounded half-up to the penny, totals), or the price snapshotted when the hub accepted it.
    With no price in force, `price_list_id` is null and `message` says so."""
    return quotes.quote(session=session, user=user, referral_id=referral_id)
