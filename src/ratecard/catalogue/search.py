"""The words a service is found by, and how a typed query becomes words to match."""

from __future__ import annotations

from collections.abc import Iterable

from ratecard.text import normalise


# Words a practitioner types that carry no meaning for matching ("accommodation in Lancashire").
STOP_WORDS = frozenset(
    "a an and any are as at by for from in into is it of on or the to with who what which where "
    "service services support".split()
)

# Words that say nothing of what is wanted ("something for women in Norwich").
FILLER_WORDS = frozenset(
    "about after all also am anybody anyone anything anywhere around available based be been can could "
    "client clients do does find for get got have has help i is like live lives living local looking me my "
    "near nearby need offender offenders offer offers our people person please provide provides some "
    "somebody someone something somewhere their them there they want we would you your".split()
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


def search_document(parts: Iterable[str | None]) -> str:
    """The stored search text: every word of every part, padded so ' word' prefix matches work."""
    words = " ".join(normalise(part) for part in parts if part)
    return f" {words} "


def _stem(word: str) -> str:
    # Query words match as prefixes, so trimming a plural 's' lets "programmes" find "programme".
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_NOT_A_PLACE = STOP_WORDS | FILLER_WORDS | frozenset(SYNONYMS)


def query_terms(query: str | None) -> list[tuple[str, ...]]:
    """The query as groups of alternatives; a service matches when every group has a word it contains.

    A place ("Blackpool", "Brighton and Hove", "Ashford, Kent") is one group: its own name or the
    name of an area it lies in ("blackpool" or "lancashire"), since services name the counties and
    authorities they cover. Stop words and filler are dropped.
    """
    if not query:
        return []
    from ratecard.places import find_place  # the gazetteer loads on the first query only

    words = normalise(query).split()
    terms: list[tuple[str, ...]] = []
    at = 0
    while at < len(words):
        word = words[at]
        place = find_place(words, at, _NOT_A_PLACE)
        if place is not None:
            at, alternatives = place
            terms.append(alternatives)
            continue
        at += 1
        if word in STOP_WORDS or word in FILLER_WORDS:
            continue
        terms.append(tuple(dict.fromkeys(_stem(w) for w in SYNONYMS.get(word, (word,)))))
    return terms
