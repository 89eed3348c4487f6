"""Invoices through the API and the web pages: run, read back as JSON, PDF and CSV, change status,
correct by a credit note, and the spend report; who may see what."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ratecard.accounts.roles import Role
from ratecard.accounts.service import issue_token
from tests.billing import invoice_factories as bf
from tests.clients import client_for, form_token, signed_in
from tests.delivery import factories as f
from tests.referrals import factories as rf


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        people = f.cast(s) | {"commissioner": rf.user(s, Role.COMMISSIONER)}
        referral = f.allocated(s, people)
        bf.priced(s, referral)
        bf.delivered(s, people, referral, "yes", "late", "no")
        headers = {name: {"Authorization": f"Bearer {issue_token(session=s, user=u)}"} for name, u in people.items()}
        reference, crn = referral.reference, referral.person.crn
        s.commit()
    return {"sessions": catalogue_sessions, "people": people, "h": headers, "client": client_for(catalogue_sessions),
            "reference": reference, "crn": crn}


def _run(site, who="hub", **body):
    return site["client"].post("/api/v1/invoices/run", headers=site["h"][who],
                               json={"provider": "CLN", "month": bf.MONTH} | body)


def test_it_runs_and_reads_back_an_invoice_through_the_api(site):
    answer = _run(site)
    assert answer.status_code == 200, answer.text
    invoice = answer.json()["invoice"]
    assert (invoice["net_pence"], invoice["vat_pence"], invoice["total_pence"], invoice["status"]) == (24_690, 4_938, 29_628, "draft")
    (line,) = invoice["lines"]
    assert (line["referral_reference"], line["crn"], line["units"], line["unit_price_pence"]) == (
        site["reference"], site["crn"], "2.00", 12_345)
    again = _run(site).json()
    assert (again["invoice"], again["message"]) == (None, "Nothing new to invoice.")
    got = site["client"].get(f"/api/v1/invoices/{invoice['id']}", headers=site["h"]["admin"])
    assert got.json()["number"] == invoice["number"]


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"month": "2030-01"}, 422, "has not started yet"),
    ({"month": "January"}, 422, ""),
    ({"provider": "XYZ"}, 404, "no provider"),
])
def test_it_refuses_bad_runs_with_a_4xx_and_writes_nothing(site, body, status, words):
    answer = _run(site, **body)
    assert answer.status_code == status and words in answer.text
    assert site["client"].get("/api/v1/invoices/1", headers=site["h"]["hub"]).status_code in (200, 404)


@pytest.mark.parametrize(("who", "status"), [("pp", 403), ("cw", 403), ("hub_other", 404)])
def test_it_keeps_invoices_to_the_provider_and_admins(site, who, status):
    invoice = _run(site).json()["invoice"]
    assert _run(site, who).status_code == status
    for suffix in ("", ".pdf", ".csv"):
        assert site["client"].get(f"/api/v1/invoices/{invoice['id']}{suffix}", headers=site["h"][who]).status_code == 404


def _line_ids(site, invoice_id: int) -> list[int]:
    from sqlalchemy import select

    from ratecard.billing.models import InvoiceLine

    with site["sessions"]() as s:
        return list(s.scalars(select(InvoiceLine.id).where(InvoiceLine.invoice_id == invoice_id)))


def test_it_refuses_to_change_an_issued_invoice_and_corrects_it_by_a_credit_note(site):
    client, h = site["client"], site["h"]["hub"]
    invoice = _run(site).json()["invoice"]
    assert client.post(f"/api/v1/invoices/{invoice['id']}/issue", headers=h).json()["status"] == "issued"
    line_id = _line_ids(site, invoice["id"])[0]
    edited = client.delete(f"/api/v1/invoices/{invoice['id']}/lines/{line_id}", headers=h)
    assert edited.status_code == 409 and "Correct an issued invoice with a credit note" in edited.json()["detail"]
    refused = client.post(f"/api/v1/invoices/{invoice['id']}/void", headers=h, json={"reason": "Wrong"})
    assert refused.status_code == 409 and "cannot be void" in refused.text
    note = client.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", headers=h, json={"reason": "Late session disputed"})
    assert note.status_code == 201
    assert (note.json()["corrects_id"], note.json()["total_pence"]) == (invoice["id"], -29_628)


def test_it_gives_the_invoice_as_a_pdf_that_reads_back_with_its_lines_and_totals(site):
    invoice = _run(site).json()["invoice"]
    answer = site["client"].get(f"/api/v1/invoices/{invoice['id']}.pdf", headers=site["h"]["hub"])
    assert answer.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    for expected in (invoice["number"], site["reference"], site["crn"], "Conflict Resolution", "£123.45", "£246.90",
                     "£49.38", "£296.28"):
        assert expected in text, expected


def test_it_gives_the_invoice_as_csv(site):
    invoice = _run(site).json()["invoice"]
    rows = site["client"].get(f"/api/v1/invoices/{invoice['id']}.csv", headers=site["h"]["hub"]).text.splitlines()
    assert rows[0].startswith("invoice_number,line,referral_reference,crn")
    assert rows[1].endswith("2,123.45,246.90,standard,49.38,296.28")
    assert rows[-1].endswith("246.90,,49.38,296.28")


def _browser(site, who):
    return signed_in(site["sessions"], site["people"][who], next_page="/invoices")


def test_it_runs_issues_and_credits_from_the_web_pages(site):
    web = _browser(site, "hub")
    token = form_token(web, "/invoices")
    bad = web.post("/invoices/run", data={"provider": "cln", "month": "2031-01", "csrf_token": token})
    assert bad.status_code == 422 and "has not started yet" in bad.text
    made = web.post("/invoices/run", data={"provider": "cln", "month": bf.MONTH, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    page = web.get(made.headers["location"])
    assert "£296.28" in page.text and site["reference"] in page.text and "Issue invoice" in page.text
    path = made.headers["location"]
    assert web.post(f"{path}/issue", data={"csrf_token": form_token(web, path)}, follow_redirects=False).status_code == 303
    empty = web.post(f"{path}/credit-note", data={"reason": "", "csrf_token": form_token(web, path)})
    assert empty.status_code == 422 and "Give a reason" in empty.text
    note = web.post(f"{path}/credit-note", data={"reason": "Disputed", "csrf_token": form_token(web, path)})
    assert note.status_code == 200 and "Credit note" in note.text and "-£296.28" in note.text
    listed = web.get("/invoices?status=issued")
    assert listed.text.count("/invoices/") >= 2
    assert web.post("/invoices/run", data={"provider": "cln", "month": bf.MONTH, "csrf_token": token}).text.count(
        "Nothing new to invoice") == 1


def test_it_shows_the_spend_report_with_chart_table_and_csv(site):
    client, h = site["client"], site["h"]["hub"]
    invoice = _run(site).json()["invoice"]
    client.post(f"/api/v1/invoices/{invoice['id']}/issue", headers=h)
    web = _browser(site, "admin")
    page = web.get("/reports/spend?month_from=2026-06&month_to=2026-12")
    assert page.status_code == 200 and "£296.28" in page.text and "Conflict Resolution" in page.text
    svg = web.get("/reports/spend.svg?month_from=2026-06&month_to=2026-12")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<script" not in svg.text
    csv_rows = web.get("/reports/spend.csv?month_from=2026-06&month_to=2026-12").text.splitlines()
    assert csv_rows[0] == "month,provider,service,region,net,vat,total"
    assert any(r.startswith("2026-11,") and r.endswith("246.90,49.38,296.28") for r in csv_rows)
    assert _browser(site, "pp").get("/reports/spend").status_code == 403
    commissioner = _browser(site, "commissioner")  # across providers, and nothing personal
    landed = client_for(site["sessions"])
    answer = landed.post("/login", data={"email": site["people"]["commissioner"].email, "password": rf.PASSWORD,
                                         "csrf_token": form_token(landed), "next": "/referrals"}, follow_redirects=False)
    assert answer.headers["location"] == "/reports/spend"  # their start page: they have no referrals to see
    report = commissioner.get("/reports/spend?month_from=2026-06&month_to=2026-12").text
    assert "£296.28" in report and '<option value="nsf"' in report  # every provider to filter by
    assert client.get(f"/api/v1/invoices/{invoice['id']}", headers=site["h"]["commissioner"]).status_code == 404
    assert commissioner.get(f"/invoices/{invoice['id']}").status_code == 404
    assert site["reference"] not in commissioner.get("/referrals").text
    assert _browser(site, "hub_other").get("/reports/spend?month_from=2026-06&month_to=2026-12").text.count("£296.28") == 0


@pytest.mark.parametrize(("who", "invoices", "spend"), [
    ("hub", True, False), ("admin", True, True), ("commissioner", False, True), ("pp", False, False),
    ("cw", False, False),
])
def test_it_puts_invoices_and_spend_in_the_navigation_of_those_who_may_open_them(site, who, invoices, spend):
    nav = _browser(site, who).get("/referrals").text.split("govuk-service-navigation", 1)[1].split("</nav>", 1)[0]
    assert ('href="/invoices"' in nav, 'href="/reports/spend"' in nav) == (invoices, spend)
