"""The parsing toolkit every brochure parser shares."""

from __future__ import annotations

import pytest

from ratecard.catalogue.parsers import parse_text, read_text
from ratecard.catalogue.parsers.base import BrochureError, Document, clean_value, expand_levels, parse_duration, slugify


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
