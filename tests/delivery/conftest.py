"""Fixtures of the delivery tests: the cast of users, and a referral accepted and allocated to people['cw']."""

from __future__ import annotations

import pytest

from tests.delivery import factories as f


@pytest.fixture
def people(catalogue_session):
    return f.cast(catalogue_session)


@pytest.fixture
def referral(catalogue_session, people):
    return f.allocated(catalogue_session, people)
