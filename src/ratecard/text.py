"""Text as ratecard compares it: one normal form for searches, places and names."""

from __future__ import annotations

import re

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes dropped ("Women's" -> "womens")."""
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()
