"""Built rate card PDFs kept in the process, so the web page's link does not redraw one on every request.

A PDF takes a couple of seconds of CPU. It changes only when the catalogue is re-imported (its version
changes) or another price list comes into force (published lists are never edited, so the list's id
says which prices it shows); the day asked for is part of the key too.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from ratecard.billing import prices as billing_prices
from ratecard.brochure import service
from ratecard.catalogue import service as catalogue

SIZE = 16  # five providers, a few days each: a few megabytes at most
_built: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_lock = threading.Lock()


def key(*, session: Session, provider_code: str, on: dt.date) -> tuple[object, ...]:
    """What a provider's PDF on `on` depends on; NotFound for an unknown provider."""
    provider = catalogue.get_provider(session=session, provider_id=provider_code)
    price_list = billing_prices.in_force(session=session, provider_id=provider.id, on=on)
    return (provider.id, on, catalogue.catalogue_version(session=session), price_list.id if price_list else None)


def pdf(*, session: Session, provider_code: str, on: dt.date | None = None) -> bytes:
    """The provider's rate card PDF, built once for each catalogue version, price list and day."""
    on = on or dt.date.today()
    wanted = key(session=session, provider_code=provider_code, on=on)
    with _lock:
        if wanted in _built:
            _built.move_to_end(wanted)
            return _built[wanted]
    data = service.build(session=session, provider_code=provider_code, fmt="pdf", on=on)
    with _lock:
        _built[wanted] = data
        while len(_built) > SIZE:
            _built.popitem(last=False)
    return data


def clear() -> None:
    """Forget every built PDF (tests)."""
    with _lock:
        _built.clear()
