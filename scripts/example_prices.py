"""Write data/billing/example_prices/<provider>.csv: made-up EXAMPLE prices for every orderable option of the
five providers, generated once from the catalogue and then reviewed by hand (run again only to start over).

The brochures print no amounts except KSS's two: the £100 CSCS charge if cancelled after registration and
the restorative-justice hourly rate with a one-hour minimum. Those are carried as printed (the charge and
the minimum, with the brochure line in the note column); every amount here is invented so ratecard can
be tried, and is loaded as `example=True`, labelled on every page that shows it.

    PYTHONPATH=src .venv/bin/python scripts/example_prices.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ratecard import migrate  # noqa: E402
from ratecard.billing import pricecsv  # noqa: E402
from ratecard.catalogue.loading import import_files  # noqa: E402
from ratecard.catalogue.models import Provider, Service  # noqa: E402
from ratecard.config import shared_brochures  # noqa: E402
from ratecard.db import make_engine, make_sessionmaker  # noqa: E402

OUT = REPO / "data" / "billing" / "example_prices"
BROCHURE_NOTE = "EXAMPLE price, not the provider's (the brochure prints none)"
# KSS's printed amounts, with the brochure line (shared/brochures/004_d2617445de58906a.txt).
CSCS = ("Brochure line 402: \"Should the NPS Offender Manager cancel this referral for any reason post registration "
        "a £100 charge will apply to cover registration costs incurred.\" The unit price is an EXAMPLE.")
RJ_LINES = {"individual-tailored-restorative-justice-in-the-community": 693,
            "restorative-justice-individual-tailored-service-in-custody": 715}
RJ = ("Brochure line {line}: \"one hourly session minimum charge with reduced hourly rate chargeable for additional "
      "hours or part hours thereafter.\" One-hour minimum as printed; the hourly rate is an EXAMPLE (the reduced "
      "rate for further hours is not modelled: one rate).")


def unit_and_price(service: Service, option) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A plausible unit and example price (pence) from what the catalogue says is bought."""
    if any(p.get("max_modules") for p in service.prerequisites or []):
        return "per_module", 18000
    sessions = (option.sessions if option else None) or service.sessions
    minutes = (option.session_minutes if option else None) or service.session_minutes
    hours = (option.hours if option else None) or service.total_hours
    if option is not None and option.level == "assessment":
        return "per_referral", 15000
    if sessions:
        # Longer sessions cost more; group programmes (several at once) a little less a head.
        base = 3500 + 25 * (minutes or 60)
        return "per_session", int(round(base * (0.6 if service.delivery == "group" else 1), -2))
    if hours:
        return "per_hour", 5500
    if service.rar_days:
        return "per_day", 9500
    return "per_referral", 35000


def main() -> None:
    """Build a throwaway catalogue from the brochures and write one CSV per provider."""
    brochures = sorted(shared_brochures().glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/catalogue.db")
        with engine.begin() as connection:
            migrate.upgrade(connection=connection)
        sessions = make_sessionmaker(engine)
        reports = import_files(brochures, sessions=sessions, overlay_dir=REPO / "data" / "catalogue")
        assert not [r.error for r in reports if r.error], reports
        OUT.mkdir(parents=True, exist_ok=True)
        with sessions() as session:
            for provider in session.scalars(select(Provider).order_by(Provider.id)):
                rows = []
                for service in session.scalars(select(Service).where(Service.provider_id == provider.id,
                                                                     Service.listed.is_(True)).order_by(Service.position)):
                    for option in service.options or [None]:
                        unit, price = unit_and_price(service, option)
                        minimum, charge, note = None, None, BROCHURE_NOTE
                        if service.id == "kss-cscs-card-training":
                            charge, note = {"kind": "cancellation_after_registration", "amount_pence": 10000}, CSCS
                        if service.key in RJ_LINES:
                            unit, price, minimum, note = "per_hour", 6000, 1, RJ.format(line=RJ_LINES[service.key])
                        rows.append(pricecsv.row_of(
                            service_id=service.id, option_id=option.id if option else None, service=service.name,
                            option=option.name if option else None, unit=unit, unit_price_pence=price,
                            vat_rate="standard", minimum_units=minimum, charge_rule=charge, note=note))
                path = OUT / f"{provider.id}.csv"
                path.write_text(pricecsv.write(rows), encoding="utf-8")
                print(f"{path.relative_to(REPO)}: {len(rows)} prices")
        engine.dispose()


if __name__ == "__main__":
    main()
