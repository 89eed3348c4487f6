"""FastAPI dependencies shared by every domain's routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ratecard.db import transaction


def session_dependency(request: Request) -> Iterator[Session]:
    """A session for one request: committed when the handler succeeds, rolled back if it raises."""
    with transaction(request.app.state.sessions) as session:
        yield session


# scope="function": the transaction ends when the handler returns, before the response is sent,
# so a failed commit is an error response rather than a lost write behind a 200.
DbSession = Annotated[Session, Depends(session_dependency, scope="function")]
