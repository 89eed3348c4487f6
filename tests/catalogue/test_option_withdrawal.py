"""Options a re-import no longer finds are withdrawn, never deleted: referrals may point at them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ratecard.catalogue import service
from ratecard.catalogue.loading import import_files
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.referrals.models import Referral
from tests.clients import client_for
from tests.factories import option_data, parsed_brochure, provider_data, service_data
from tests.paths import CLN, KSS, OVERLAYS
from tests.referrals import factories as f

ATTENDANCE = "cln-attendance-centre"
PRINTED = "Attendance Centre 6 / Attendance Centre 12 / Attendance Centre 18."
EIGHTEEN = f"{ATTENDANCE}--attendance-centre-18"
TWENTY_FOUR = f"{ATTENDANCE}--attendance-centre-24"
EARLIER = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


def _cln_renaming_the_18_hour_block(tmp_path):
    # The same CLN brochure (same file name, so only what it prints changes) except that the
    # 18-hour block is now sold as a 24-hour one.
    text = CLN.read_text(encoding="utf-8")
    assert text.count(PRINTED) == 1
    renamed = tmp_path / CLN.name
    renamed.write_text(text.replace(PRINTED, PRINTED.replace("18.", "24.")), encoding="utf-8")
    return renamed


def _option_ids(session, sid: str) -> list[str]:
    return [o.id for o in session.get(Service, sid).options]


def test_it_withdraws_an_option_a_referral_uses_and_goes_on_to_the_next_file(sessions, tmp_path):
    import_files([CLN], sessions=sessions, overlay_dir=OVERLAYS)
    with sessions() as s:
        practitioner = f.user(s)
        referral_id = f.draft(s, practitioner, service_id=ATTENDANCE, option_id=EIGHTEEN).id
        s.commit()

    reports = import_files([_cln_renaming_the_18_hour_block(tmp_path), KSS], sessions=sessions, overlay_dir=OVERLAYS)

    assert [r.error for r in reports] == [None, None]
    assert (reports[0].created, reports[0].updated, reports[0].withdrawn) == (0, 1, 0)
    with sessions() as s:
        old = s.get(ServiceOption, EIGHTEEN)
        assert old is not None and old.withdrawn_at is not None
        assert s.get(Referral, referral_id).option_id == EIGHTEEN
        assert _option_ids(s, ATTENDANCE) == [
            f"{ATTENDANCE}--attendance-centre-6", f"{ATTENDANCE}--attendance-centre-12", TWENTY_FOUR,
        ]
        assert s.get(Provider, "kss") is not None
        assert reports[1].created == reports[1].services_found > 0


def test_it_counts_a_withdrawn_option_once_and_keeps_when_it_was_withdrawn(session):
    provider, kept, dropped = provider_data(), option_data(), option_data()
    item = service_data(options=[kept, dropped])
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[item]), checksum="a" * 64)
    without = parsed_brochure(provider=provider, services=[item.model_copy(update={"options": [kept]})])
    sid = service.service_id(provider.code, item.key)
    assert len(_option_ids(session, sid)) == 2  # loaded into this session before the re-import

    first = service.store_brochure(session=session, parsed=without, checksum="b" * 64, now=EARLIER)
    again = service.store_brochure(session=session, parsed=without, checksum="b" * 64, now=LATER)

    assert (first.updated, first.unchanged) == (1, 0)
    assert (again.updated, again.unchanged) == (0, 1)
    assert _option_ids(session, sid) == [f"{sid}--{kept.key}"]
    assert session.get(ServiceOption, f"{sid}--{dropped.key}").withdrawn_at == EARLIER
    assert session.get(Provider, provider.code.lower()).imported_at == EARLIER


def test_it_brings_back_an_option_that_reappears_with_what_the_brochure_now_says(session):
    provider, first, second = provider_data(), option_data(), option_data(hours=4)
    item = service_data(options=[first, second])
    sid = service.service_id(provider.code, item.key)
    service.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[item]), checksum="a" * 64)
    service.store_brochure(
        session=session,
        parsed=parsed_brochure(provider=provider, services=[item.model_copy(update={"options": [first]})]),
        checksum="b" * 64,
        now=EARLIER,
    )
    # It comes back first in the list, and longer.
    back = second.model_copy(update={"hours": 6.0})
    report = service.store_brochure(
        session=session,
        parsed=parsed_brochure(provider=provider, services=[item.model_copy(update={"options": [back, first]})]),
        checksum="c" * 64,
        now=LATER,
    )

    assert report.updated == 1
    option = session.get(ServiceOption, f"{sid}--{second.key}")
    assert option.withdrawn_at is None
    assert option.hours == 6
    assert [o.id for o in service.get_service(session=session, service_id=sid).options] == [
        f"{sid}--{second.key}", f"{sid}--{first.key}",
    ]


def test_it_leaves_a_withdrawn_option_out_of_the_service_api_and_export(sessions, tmp_path):
    import_files([CLN, _cln_renaming_the_18_hour_block(tmp_path)], sessions=sessions, overlay_dir=OVERLAYS)

    body = client_for(sessions).get(f"/api/v1/services/{ATTENDANCE}")

    assert body.status_code == 200, body.text
    assert [o["id"] for o in body.json()["options"]][-1] == TWENTY_FOUR
    assert EIGHTEEN not in {o["id"] for o in body.json()["options"]}
    with sessions() as s:
        [exported] = [x for x in service.export_services(session=s) if x.id == ATTENDANCE]
        assert EIGHTEEN not in {o.id for o in exported.options}
        withdrawn = s.scalars(select(ServiceOption.id).where(ServiceOption.withdrawn_at.is_not(None))).all()
        assert withdrawn == [EIGHTEEN]
