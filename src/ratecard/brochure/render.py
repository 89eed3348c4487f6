"""Turning a rate card's content into a standalone HTML document and a tagged PDF (WeasyPrint)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment

from ratecard.brochure.schemas import RateCard
from ratecard.templating import make_templates

DOCUMENT = "brochure/document.html"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return make_templates().env


def document_html(card: RateCard) -> str:
    """The rate card as one HTML document with its print styles inline (the PDF is drawn from it)."""
    return _env().get_template(DOCUMENT).render(card=card)


def pdf(html: str, card: RateCard) -> bytes:
    """A4 PDF/UA-1 (tagged, real text, bookmarks from the headings; title and language from the document)."""
    import weasyprint  # loads Pango: only the commands and pages that draw PDFs pay for it

    document = weasyprint.HTML(string=html, base_url=None)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=card.provider_code.encode())
