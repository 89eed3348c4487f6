"""Why a referral is withdrawn or ended: the coded lists of data/referrals/reasons.yaml, read once."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ratecard.accounts.service import Role
from ratecard.errors import InvalidInput

REASONS_FILE = Path(__file__).resolve().parents[3] / "data" / "referrals" / "reasons.yaml"
DETAIL_LIMIT = 2000


class Giver(StrEnum):
    """Who may give a reason."""

    PRACTITIONER = "practitioner"
    PROVIDER = "provider"
    BOTH = "both"


class Reason(BaseModel):
    """One coded reason: what is stored, the words shown, who may give it, whether detail is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    text: str
    by: Giver
    detail_required: bool = False

    def given_by(self, role: Role) -> bool:
        """Whether a user of `role` may give this reason (admins may give any)."""
        if role is Role.ADMIN or self.by is Giver.BOTH:
            return True
        return (self.by is Giver.PRACTITIONER) == (role is Role.PRACTITIONER)


class ReasonLists(BaseModel):
    """The withdrawal and ending reasons, and where they come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    withdraw: tuple[Reason, ...]
    end: tuple[Reason, ...]

    def of(self, kind: str) -> tuple[Reason, ...]:
        """The list named `kind` ("withdraw" or "end")."""
        return self.withdraw if kind == "withdraw" else self.end


@cache
def reason_lists() -> ReasonLists:
    """The reasons of data/referrals/reasons.yaml."""
    import yaml

    return ReasonLists.model_validate(yaml.safe_load(REASONS_FILE.read_text(encoding="utf-8")))


def for_role(kind: str, role: Role) -> tuple[Reason, ...]:
    """The reasons of list `kind` a user of `role` may give."""
    return tuple(r for r in reason_lists().of(kind) if r.given_by(role))


def check(kind: str, *, code: str | None, detail: str | None, role: Role) -> tuple[Reason, str | None]:
    """The reason `code` names in list `kind` with its tidied detail, or InvalidInput in plain words
    naming the choices this role has."""
    allowed = for_role(kind, role)
    choices = "; ".join(f"{r.code} ({r.text.lower()})" for r in allowed)
    if not code:
        raise InvalidInput(f"Choose a reason: {choices}.", field="reason_code", choices=[r.code for r in allowed])
    reason = next((r for r in allowed if r.code == code), None)
    if reason is None:
        raise InvalidInput(f"'{code[:40]}' is not a reason you can give here. Choose one of: {choices}.",
                           field="reason_code", choices=[r.code for r in allowed])
    tidy = " ".join(detail.split()) if detail and detail.strip() else None
    if tidy and len(tidy) > DETAIL_LIMIT:
        raise InvalidInput(f"Keep the detail to {DETAIL_LIMIT} characters.", field="reason")
    if reason.detail_required and not tidy:
        raise InvalidInput(f"Say more about the reason: '{reason.text}' needs a few words of detail.", field="reason")
    return reason, tidy


def words(reason: Reason, detail: str | None) -> str:
    """The reason as the history reads it: its words, then any detail."""
    return f"{reason.text}: {detail}" if detail else reason.text
