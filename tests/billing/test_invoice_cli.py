"""`ratecard invoices run|issue|show` on a fresh SQLite file, as an operator would run them."""

from __future__ import annotations

import pytest

from ratecard import db
from ratecard.accounts.roles import Role
from tests.billing import invoice_factories as bf
from tests.cli_runner import cli_on
from tests.delivery import factories as f
from tests.referrals import factories as rf


@pytest.fixture
def run(tmp_path):
    """The CLI on a new SQLite database in tmp_path, set up with the catalogue."""
    with cli_on(tmp_path, setup=True) as invoke:
        yield invoke


def test_it_runs_issues_and_shows_a_month_from_the_command_line(run):
    with db.transaction(db.default_sessions()) as s:
        people = f.cast(s)
        rf.user(s, Role.ADMIN)
        referral = f.allocated(s, people)
        bf.priced(s, referral)
        bf.delivered(s, people, referral, "yes", "yes")
        reference = referral.reference
    future = run("invoices", "run", "--provider", "CLN", "--month", "2099-01")
    assert future.exit_code == 2 and "has not started yet" in future.output
    unknown = run("invoices", "run", "--provider", "ZZZ", "--month", bf.MONTH)
    assert unknown.exit_code == 2 and "no provider" in unknown.output
    made = run("invoices", "run", "--provider", "CLN", "--month", bf.MONTH)
    assert made.exit_code == 0, made.output
    assert "CLN-INV-000001" in made.output and reference in made.output and "total £296.28" in made.output
    assert "Nothing new to invoice" in run("invoices", "run", "--provider", "CLN", "--month", bf.MONTH).output
    assert "issued" in run("invoices", "issue", "CLN-INV-000001").output
    again = run("invoices", "issue", "CLN-INV-000001")
    assert again.exit_code == 2 and "cannot be issued" in again.output
    assert "total £296.28" in run("invoices", "show", "cln-inv-000001").output
