"""The parsing toolkit every brochure parser shares."""

from __future__ import annotations

import re

import pytest

from ratecard.catalogue.parsers import parse_text, read_text
from ratecard.catalogue.parsers.base import (
    NUMBER,
    BrochureError,
    Document,
    clean_value,
    delivery_of,
    expand_levels,
    number,
    parse_duration,
    slugify,
)
from ratecard.catalogue.schemas import Delivery


@pytest.mark.parametrize(
    ("text", "sessions", "minutes", "hours", "up_to"),
    [
        ("7 x 2.5 hour sessions.", 7, 150, 17.5, False),
        ("10 x 90 minute sessions.", 10, 90, 15, False),
        ("3 Group Sessions  x up to 2 hours.", 3, 120, 6, True),
        ("12 sessions of 3 hours", 12, 180, 36, False),
        ("13 hours of support sessions.", None, None, 13, False),
        ("up to 6 hours", None, None, 6, True),
        ("19 programme sessions divided into 3 modules.", 19, None, None, False),
        ("five sessions x two hours", 5, 120, 10, False),
    ],
)
def test_it_reads_durations_as_numbers(text, sessions, minutes, hours, up_to):
    duration = parse_duration(text)
    assert (duration.sessions, duration.session_minutes, duration.total_hours, duration.up_to) == (
        sessions, minutes, hours, up_to,
    )


# The test's own spelling of 1-100, so that what the parser reads is checked against words made independently of it.
_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _spellings(value: int) -> set[str]:
    """Every way the brochures could write `value` in words: 'twenty-four', 'twenty four'; 'one hundred'."""
    if value == 100:
        return {"one hundred", "one-hundred"}
    if value < 10:
        return {_UNITS[value]}
    if value < 20:
        return {_TEENS[value - 10]}
    tens, unit = divmod(value, 10)
    return {_TENS[tens]} if unit == 0 else {f"{_TENS[tens]}-{_UNITS[unit]}", f"{_TENS[tens]} {_UNITS[unit]}"}


def _numbers_in(text: str) -> list[str]:
    return [match.group(0) for match in re.finditer(NUMBER, text, re.IGNORECASE)]


@pytest.mark.parametrize("value", range(1, 101))
def test_it_reads_every_number_word_from_one_to_a_hundred(value):
    for spelling in _spellings(value):
        for word in (spelling, spelling.capitalize(), spelling.title(), spelling.upper()):
            assert number(word) == value, word
            assert _numbers_in(f"It runs for {word} weeks.") == [word]
            duration = parse_duration(f"{word} sessions of two hours")
            assert (duration.sessions, duration.session_minutes, duration.total_hours) == (value, 120, value * 2), word


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Eighteen sessions of two hours", ["Eighteen", "two"]),
        ("seventeen", ["seventeen"]),
        ("nineteen", ["nineteen"]),
        ("fourteen", ["fourteen"]),
        ("seventy-seven", ["seventy-seven"]),
        ("often", []),
        ("none", []),
        ("someone", []),
        ("attention", []),
        ("stone", []),
        ("eighteenth", []),
        ("twentieth", []),
        ("Sessions often run for two hours", ["two"]),
        ("none of the ten sessions", ["ten"]),
        # 'one-to-one' is a way of working, not a count
        ("One-to-one sessions", []),
        ("four one to one sessions", ["four"]),
        ("twenty one-to-one sessions", ["twenty"]),
        ("up to one hour", ["one"]),
    ],
)
def test_it_never_reads_a_number_word_inside_another_word(text, found):
    assert _numbers_in(text) == found


def test_it_never_splits_a_compound_number_word_when_a_pattern_backtracks():
    # a range pattern could otherwise read 'twenty-four' as 'twenty' to 'four'
    assert re.search(rf"({NUMBER})\s*(?:-|to)\s*({NUMBER}) sessions", "twenty-four sessions") is None
    assert parse_duration("Twenty-four sessions").sessions == 24


def test_it_refuses_to_read_text_that_is_no_number():
    for text in ("often", "none", "", "a few"):
        with pytest.raises(ValueError):
            number(text)


@pytest.mark.parametrize(
    ("text", "delivery"),
    [
        # a group programme's own one-to-one sessions
        ("22 x group sessions. 4 x one hour one-to-one sessions. 1 x post programme three-way.", Delivery.GROUP),
        ("19 sessions in total (3 modules of 5 group work sessions, and 4 individual sessions).", Delivery.GROUP),
        ("The group follows an initial one-to-one assessment. A one to one goals planning session ends it.",
         Delivery.GROUP),
        # one-to-one work offered as another way to take it
        ("14 sessions can be delivered as part of a group or on a 1;1 basis.", Delivery.BOTH),
        ("Programme delivered on a 1;1 basis or in small groups.", Delivery.BOTH),
        ("A group programme; in exceptional circumstances it could be delivered on a one to one.", Delivery.BOTH),
        ("Delivered in group sessions, and also available on a 1-2-1 basis.", Delivery.BOTH),
        ("Designed to be flexible and can be delivered in groups, one-to-one in custody.", Delivery.BOTH),
        # one-to-one work that is no session of a group programme
        ("Group sessions, and one-to-one support with housing.", Delivery.BOTH),
        ("It provides both one to one and group work.", Delivery.BOTH),
        # another service named for those the group is not for is no evidence either way
        ("Five group sessions, then a one to one review session. Sex offenders are not accepted onto this group; "
         "the one to one parenting service should be used as an alternative intervention.", Delivery.GROUP),
    ],
)
def test_it_reads_both_only_when_one_to_one_work_is_another_way_to_take_a_group(text, delivery):
    assert delivery_of(True, True, text) is delivery


def test_it_keeps_the_plain_reading_of_delivery_flags():
    assert delivery_of(True, True) is Delivery.BOTH  # without the text there is no telling sessions from an option
    assert delivery_of(True, False, "group sessions") is Delivery.GROUP
    assert delivery_of(False, True, "one-to-one sessions") is Delivery.ONE_TO_ONE
    assert delivery_of(False, False, "") is None


def test_it_expands_low_medium_high_sub_types_as_ndelius_lists_them():
    assert expand_levels("ETE Support Low / Medium / High Intensity") == [
        "ETE Support Low Intensity", "ETE Support Medium Intensity", "ETE Support High Intensity",
    ]
    assert expand_levels("Women's Intervention") == ["Women's Intervention"]


def test_it_keeps_printed_values_but_drops_markup_and_trailing_stops():
    assert clean_value("**ES – E/T/E NSF.** ") == "ES – E/T/E NSF"
    assert slugify("Who Am I? – Children & Families") == "who-am-i-children-and-families"


def test_it_splits_documents_into_numbered_sections():
    doc = Document("intro\n## One\na\nb\n## Two\nc", file="x.txt")
    sections = doc.sections(r"^## (.+)$")
    assert [(s.title, s.start, s.end) for s in sections] == [("One", 2, 4), ("Two", 5, 6)]
    assert doc.error(3, "bad").args[0] == "x.txt:3: bad"


def test_it_rejects_non_utf8_and_binary_files_with_the_line(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"ok\nline two caf\xe9\n")
    with pytest.raises(BrochureError, match=r"latin.txt:2: the file is not UTF-8"):
        read_text(latin)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"a\nb\n\x00\x00")
    with pytest.raises(BrochureError, match=r"bin.txt:3: .*binary"):
        read_text(binary)


def test_it_rejects_text_of_no_known_layout():
    with pytest.raises(BrochureError, match="unknown layout"):
        parse_text("Shopping list\n- eggs\n- milk\n", file="list.txt")
