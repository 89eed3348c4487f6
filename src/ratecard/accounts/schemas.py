"""What the accounts API takes in and gives out: credentials and API tokens."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

NO_NUL = r"^[^\x00]*$"


class TokenIn(BaseModel):
    """Credentials exchanged for an API token."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=200, pattern=NO_NUL)
    password: str = Field(max_length=200, pattern=NO_NUL)


class TokenOut(BaseModel):
    """A new API token: send it as `Authorization: Bearer <token>`."""

    token: str
    expires_in_days: int
    role: str
