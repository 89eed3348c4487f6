"""The words a service is found by, and how a typed query becomes words to match."""

from __future__ import annotations

import re
from collections.abc import Iterable

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Words a practitioner types that carry no meaning for matching ("accommodation in Lancashire").
STOP_WORDS = frozenset(
    "a an and any are as at by for from in into is it of on or the to with who what which where "
    "service services support".split()
)

# A few everyday words practitioners use for what the brochures call something else.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "housing": ("accommodation", "housing", "homeless"),
    "homeless": ("accommodation", "homeless"),
    "female": ("women", "female"),
    "woman": ("women", "woman"),
    "job": ("employment", "job"),
    "jobs": ("employment", "job"),
    "alcohol": ("alcohol", "drink"),
    "drink": ("drink", "alcohol"),
    "domestic": ("domestic", "dv", "ipv", "relationship"),
    "money": ("finance", "money", "debt", "benefit"),
    "upw": ("upw", "unpaid", "payback"),
}


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes dropped ("Women's" -> "womens")."""
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def search_document(parts: Iterable[str | None]) -> str:
    """The stored search text: every word of every part, padded so ' word' prefix matches work."""
    words = " ".join(normalise(part) for part in parts if part)
    return f" {words} "


def _stem(word: str) -> str:
    # Query words match as prefixes, so trimming a plural 's' lets "programmes" find "programme".
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def query_terms(query: str | None) -> list[tuple[str, ...]]:
    """The query as groups of alternatives; a service matches when every group has a word it contains."""
    if not query:
        return []
    terms: list[tuple[str, ...]] = []
    for word in normalise(query).split():
        if word in STOP_WORDS:
            continue
        terms.append(tuple(dict.fromkeys(_stem(w) for w in SYNONYMS.get(word, (word,)))))
    return terms
