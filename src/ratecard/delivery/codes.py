"""The coded answers of delivery, read once from data/delivery/codes.yaml (reviewed data, with sources)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

CODES_FILE = Path(__file__).resolve().parents[3] / "data" / "delivery" / "codes.yaml"


class Code(BaseModel):
    """One coded answer: what is stored, what people read, and whether it can lead to enforcement."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    label: str
    enforceable: bool = False


class CodeList(BaseModel):
    """A list of codes and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    codes: tuple[Code, ...]

    def get(self, code: str) -> Code | None:
        """The entry for `code`, or None."""
        return next((c for c in self.codes if c.code == code), None)


@cache
def code_lists() -> dict[str, CodeList]:
    """Every code list by name."""
    import yaml

    data = yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))
    return {name: CodeList.model_validate(value) for name, value in data.items()}


def absence_codes() -> CodeList:
    """Why a person did not attend an appointment."""
    return code_lists()["absence"]


ENFORCEMENT_FILE = CODES_FILE.with_name("enforcement.yaml")


class EnforcementRules(BaseModel):
    """How long a warning counts: a second unacceptable failure inside the window means breach action."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    warning_window_months: int


@cache
def enforcement_rules() -> EnforcementRules:
    """The enforcement rules of data/delivery/enforcement.yaml."""
    import yaml

    return EnforcementRules.model_validate(yaml.safe_load(ENFORCEMENT_FILE.read_text(encoding="utf-8")))


OUTCOMES_FILE = CODES_FILE.with_name("outcomes.yaml")


class Outcome(BaseModel):
    """A desired outcome: its code and the words shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    text: str


class OutcomeLists(BaseModel):
    """Desired outcomes by catalogue category, and general ones for any category."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    categories: dict[str, tuple[Outcome, ...]]
    general: tuple[Outcome, ...]

    def for_category(self, category: str) -> tuple[Outcome, ...]:
        """The outcomes a referral to a service of `category` may choose from."""
        return self.categories.get(category, ()) + self.general


@cache
def outcome_lists() -> OutcomeLists:
    """The desired outcomes of data/delivery/outcomes.yaml."""
    import yaml

    return OutcomeLists.model_validate(yaml.safe_load(OUTCOMES_FILE.read_text(encoding="utf-8")))
