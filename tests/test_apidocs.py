"""The API reference at /docs: our own GOV.UK page from the OpenAPI document; Swagger UI at /docs/try."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from ratecard.config import Settings
from ratecard.web_app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(settings=Settings()))


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<wbr>", "", page))


def test_it_lists_every_operation_of_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    text = _text(page.text)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f'id="{operation["operationId"]}"' in text, (method, path)
            assert path in text and operation["summary"] in text
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in text


def test_it_says_which_operations_need_a_token_and_what_they_answer(client):
    text = _text(client.get("/docs").text)
    referrals = text.split('id="tag-referrals"', 1)[1].split('id="tag-', 1)[0].split('id="schemas"')[0]
    catalogue = text.split('id="tag-catalogue"', 1)[1].split('id="tag-', 1)[0]
    sentencing = text.split('id="tag-sentencing"', 1)[1].split('id="tag-', 1)[0].split('id="schemas"')[0]
    assert "Needs an API token" in referrals and "Open to anyone" not in referrals
    assert "Needs an API token" not in sentencing and "Open to anyone" in sentencing  # for sentencers, no sign-in
    assert "Needs an API token" not in catalogue and "Open to anyone" in catalogue
    assert 'href="#schema-InvalidRequestOut"' in text  # every 422 names its body


def test_it_is_a_govuk_page_that_links_to_the_explorer(client):
    page = client.get("/docs").text
    assert '<main class="govuk-main-wrapper' in page and 'href="/docs/try"' in page
    assert "does not meet accessibility standards" in page
    assert "'unsafe-inline'" not in client.get("/docs").headers["content-security-policy"]


def test_it_keeps_swagger_ui_at_docs_try(client):
    page = client.get("/docs/try")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
