"""The curated overlay: corrections that survive re-import, and drift that is caught."""

from __future__ import annotations

import pytest

from ratecard.catalogue.overlay import Overlay, apply_overlay, load_overlay
from ratecard.catalogue.parsers.base import BrochureError
from tests.factories import parsed_brochure, service_data
from tests.paths import OVERLAYS


def test_it_replaces_parsed_fields_and_adds_and_removes_services():
    keep, junk = service_data(), service_data()
    parsed = parsed_brochure(services=[keep, junk])
    overlay = Overlay(
        provider={"hub_location": "Preston"},
        services={keep.key: {"summary": "Our words.", "areas": ["Lancashire"]}},
        added=[{"key": "extra", "name": "Extra", "kind": "other", "category": "Other", "source": {"lines": [3, 4]}}],
        removed=[{"key": junk.key, "why": "a heading, not a service"}],
    )
    result = apply_overlay(parsed, overlay, overlay_name="t.yaml")
    by_key = {s.key: s for s in result.services}
    assert set(by_key) == {keep.key, "extra"}
    assert by_key[keep.key].summary == "Our words." and by_key[keep.key].areas == ["Lancashire"]
    assert by_key["extra"].source.file == parsed.provider.brochure_file
    assert result.provider.hub_location == "Preston"


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (Overlay(services={"gone": {"summary": "x"}}), "no service 'gone'"),
        (Overlay(removed=[{"key": "gone", "why": "x"}]), "no service 'gone'"),
        (Overlay(services={"{key}": {"category": "Spaceships"}}), "category must be one of"),
        (Overlay(services={"{key}": {"key": "renamed"}}), "cannot be overridden"),
    ],
)
def test_it_rejects_overlays_that_no_longer_fit_the_brochure(overlay, message):
    item = service_data()
    overlay.services = {k.replace("{key}", item.key): v for k, v in overlay.services.items()}
    with pytest.raises(BrochureError, match=message):
        apply_overlay(parsed_brochure(services=[item]), overlay, overlay_name="t.yaml")


def test_it_reports_a_malformed_overlay_file_by_name(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("services: [unclosed\n")
    with pytest.raises(BrochureError, match="bad.yaml"):
        load_overlay(bad)


def test_it_keeps_an_overlay_for_every_provider_in_the_repo():
    assert {p.stem for p in OVERLAYS.glob("*.yaml")} == {"nsf", "cln", "esx", "dlnr", "kss"}
    for path in OVERLAYS.glob("*.yaml"):
        assert load_overlay(path).services, f"{path.name} has no reviewed summaries"
