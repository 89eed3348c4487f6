"""The rate card on the web: an HTML page in the site's layout and the PDF. Public, like the catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ratecard.brochure import cache, service
from ratecard.deps import DbSession
from ratecard.pages import render

router = APIRouter(include_in_schema=False)

OnDate = Annotated[dt.date | None, Query(description="The day whose prices to show (default today).")]


@router.get("/providers/{provider_id}/rate-card", response_class=HTMLResponse)
async def rate_card_page(request: Request, session: DbSession, provider_id: str, on: OnDate = None) -> HTMLResponse:
    """The provider's rate card as a page; the same content as the PDF."""
    card = service.rate_card(session=session, provider_code=provider_id, on=on)
    return render(request, "brochure/page.html", card=card)


@router.get("/providers/{provider_id}/rate-card.pdf")
async def rate_card_pdf(session: DbSession, provider_id: str, on: OnDate = None) -> Response:
    """The provider's rate card as a tagged A4 PDF."""
    # Drawing a PDF takes a second or two of CPU: off the event loop, so other requests go on meanwhile.
    data = await run_in_threadpool(lambda: cache.pdf(session=session, provider_code=provider_id, on=on))
    name = f"{provider_id.lower()}-rate-card.pdf"
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
