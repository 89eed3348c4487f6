"""Security headers on every answer, and every asset served by the app itself (no CDN)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ratecard.config import Settings
from ratecard.web_app import PAGE_TEMPLATE, create_app
from ratecard.security.headers import inline_script_hashes


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(settings=Settings(database_url="sqlite://")))


@pytest.mark.parametrize("path", ["/docs", "/api/v1/openapi.json", "/login", "/static/app/ratecard.css", "/nowhere"])
def test_it_sends_the_security_headers_on_every_answer(client, path):
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "strict-transport-security" not in headers  # only over https


def test_it_keeps_pages_and_api_answers_out_of_caches_but_not_assets(client):
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/openapi.json").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/static/app/ratecard.css").headers


def test_it_asks_for_https_only_when_served_over_https():
    secure = TestClient(create_app(settings=Settings(database_url="sqlite://")), base_url="https://testserver")
    assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=31536000")


def test_it_allows_the_page_templates_one_inline_script_by_its_hash_and_no_other(client):
    page = client.get("/login").text
    inline = [body for body in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S) if body.strip()]
    assert len(inline) == 1  # the GOV.UK template's js-enabled class; everything else is a file
    hashes = inline_script_hashes(PAGE_TEMPLATE)
    import base64
    import hashlib

    served = "'sha256-" + base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode() + "'"
    assert served in hashes and served in client.get("/login").headers["content-security-policy"]
    assert "'unsafe-inline'" not in client.get("/login").headers["content-security-policy"]


def test_it_serves_swagger_ui_from_its_own_assets(client):
    page = client.get("/docs/try")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "<script>" not in page.text  # no inline script: the CSP would block it
