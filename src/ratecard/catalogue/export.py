"""The catalogue as export records: one JSON object per service, one CSV row per orderable option."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ratecard.catalogue.schemas import OptionOut, ServiceOut

CSV_COLUMNS = (
    "service_id", "provider", "service", "kind", "category", "nsi_category", "option_id", "option", "nsi_subtype",
    "level", "sessions", "session_minutes", "hours", "hours_up_to", "areas", "source_file", "source_lines",
)


def export_record(service: ServiceOut) -> dict[str, object]:
    """A service as one object of the JSON export."""
    record = service.model_dump(mode="json")
    record["options"] = [
        {
            **{k: o[k] for k in ("id", "name", "nsi_subtype", "level", "sessions", "session_minutes", "hours", "hours_up_to")},
            "nsi_category": option_category(service, option),
        }
        for o, option in zip(record["options"], service.options, strict=True)
    ]
    record["source"] = {"file": service.source.file, "lines": list(service.source.lines)}
    return record


def option_category(service: ServiceOut, option: OptionOut) -> str | None:
    """The NSI main category an option is bought under: its own where the brochure prints one, else its service's."""
    # KSS prints its MSRP modules under eight main categories: the service's first is wrong for all but one.
    return option.nsi_category or service.nsi_category


def csv_rows(services: Iterable[ServiceOut]) -> Iterator[list[object]]:
    """The CSV export's rows (after the CSV_COLUMNS header): one per option."""
    for s in services:
        # A service without options is still one orderable thing: give it one row.
        for o in s.options or [None]:
            yield [
                s.id, s.provider, s.name, s.kind.value, s.category, (option_category(s, o) if o else s.nsi_category) or "",
                o.id if o else "", o.name if o else "", (o.nsi_subtype if o else "; ".join(s.nsi_subtypes)) or "",
                (o.level if o else "") or "", _blank(o.sessions if o else s.sessions),
                _blank(o.session_minutes if o else s.session_minutes), _blank(o.hours if o else s.total_hours),
                o.hours_up_to if o else "", "; ".join(s.areas), s.source.file,
                f"{s.source.lines[0]}-{s.source.lines[1]}",
            ]


def _blank(value: object) -> object:
    return "" if value is None else value
