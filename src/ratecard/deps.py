"""FastAPI dependencies shared by every domain's routes.

How requests run: every route is `async def` and calls the (synchronous) service functions directly,
so a worker process serves one request at a time, as a WSGI sync worker does, and throughput comes
from running several processes (`ratecard serve --workers`). Handing each dependency and handler to
a thread pool instead cost four thread hops a request and the threads then fought over the GIL:
`bench/referrals_load.py` measured 8.5 ms of server CPU a request that way against 5.7 ms this way
(about 160 against 226 requests/s on two cores, before the statements were tuned). The exception
is CPU work that releases the GIL (argon2 in sign-in), which goes to a thread so the process can
serve others meanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from ratecard.db import MAX_ID, transaction


async def session_dependency(request: Request) -> AsyncIterator[Session]:
    """A session for one request: committed when the handler succeeds, rolled back if it raises."""
    with transaction(request.app.state.sessions) as session:
        yield session


# scope="function": the transaction ends when the handler returns, before the response is sent,
# so a failed commit is an error response rather than a lost write behind a 200.
DbSession = Annotated[Session, Depends(session_dependency, scope="function")]


# Ids in paths: a number the database's integer column can hold, so a larger one is a clear 422
# (or a 'not found' page), never an overflow inside the driver.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's number.")]
# A page number of a web list: bounded, so the offset it makes stays within the database's range.
PageNumber = Annotated[int, Query(ge=1, le=10_000, description="The page to show, from 1.")]
