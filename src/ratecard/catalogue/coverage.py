"""How much of a brochure's printed criteria the overlay's rules cite: the catalogue's own measure.

A printed criteria line counts as encoded when a rule or a note of the service cites its line. The
rules report, the import report and the matcher (which never answers 'eligible' while a line is
left over) all use this one measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations: the matcher's CLI starts without the schemas
    from ratecard.catalogue.schemas import ParsedBrochure, ServiceData


def uncited_lines(criteria_lines: Iterable[int], rule_lines: Iterable[int | None]) -> tuple[int, ...]:
    """The printed criteria lines that no rule or note cites, in brochure order.

    The rules report counts a criterion as encoded when a rule (of either kind) cites its line; a
    service with any line left over cannot be decided in full, so it is never answered 'eligible'.
    """
    return tuple(sorted(set(criteria_lines).difference(rule_lines)))


def not_encoded(parsed: ParsedBrochure) -> list[tuple[ServiceData, tuple[int, ...]]]:
    """The brochure's services whose printed criteria lines are not all cited by a rule or note."""
    found = []
    for s in parsed.services:
        lines = uncited_lines((c.line for c in s.criteria_text), (r.line for r in s.rules))
        if lines:
            found.append((s, lines))
    return found
