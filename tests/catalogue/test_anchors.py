"""Rules anchored to the brochure text they quote: found again when it moves, reported when it is gone."""

from __future__ import annotations


import pytest
import yaml
from typer.testing import CliRunner

from ratecard.catalogue.anchors import Anchoring, Lines, anchor_rules, planned_quotes, quote_of, resolve, with_quotes
from ratecard.catalogue.overlay import Overlay, overlay_with_anchors
from ratecard.cli import app
from ratecard.config import get_settings
from tests.factories import parsed_brochure, service_data
from tests.paths import ALL_BROCHURES, BROCHURES, OVERLAYS

LINES = Lines(["Heading", "Must be aged 18 or over.", "", "Other text", "Must be aged 18 or over.", "Women only."])


@pytest.mark.parametrize(
    ("quote", "line", "source", "found", "note"),
    [
        ("aged 18 or over", 2, (1, 3), 2, ""),  # still where it was cited
        ("Women only.", 2, (1, 6), 6, ""),  # moved within the service's lines
        ("aged 18 or over", 4, (4, 6), 5, ""),  # the service's own printing beats the nearer one elsewhere
        ("aged 18 or over", 3, (1, 6), 2, " (found 2 times in the service's lines; took the nearest)"),
        ("Women only.", 1, (1, 3), 6, ""),  # not in the service's lines: the whole brochure
        ("Men only.", 6, (1, 6), None, ""),
        ("Must  be aged **18** or over.", 2, (1, 3), 2, ""),  # compared whitespace- and markup-normalised
    ],
)
def test_it_finds_a_quote_at_its_line_in_its_service_or_in_the_brochure(quote, line, source, found, note):
    result = resolve(quote, line, lines=LINES, source=source)
    assert (result.line, result.note) == (found, note)


def test_it_re_anchors_moved_rules_and_sets_aside_those_whose_text_is_gone():
    log = Anchoring()
    rules = [
        {"criterion": "age", "line": 4, "quote": "aged 18 or over"},
        {"criterion": "sex", "line": 6, "quote": "Men only."},
        {"criterion": "old", "line": 2},
    ]
    kept, lost = anchor_rules(rules, lines=LINES, source=(1, 3), name="Course", log=log)
    assert kept == [{"criterion": "age", "line": 2}, {"criterion": "old", "line": 2}]
    assert lost == [{"criterion": "sex", "line": 6, "quote": "Men only."}]
    assert (log.anchored, log.without_anchor) == (2, 1)
    assert log.moved == ["Course: rule 'age' moved from line 4 to 2"]
    assert log.lost == ["Course: rule 'sex' (line 6) cites text no longer in the brochure: 'Men only.'"]


def test_a_rule_whose_text_is_gone_leaves_its_service_with_an_uncited_criterion_and_a_review_note():
    item = service_data(criteria_text=[{"text": "Must be aged 18 or over.", "line": 2}], source={"file": "t.txt", "lines": (1, 3)})
    rules = [
        {"criterion": "age", "message": "Adults.", "line": 2, "quote": "aged 18", "test": {"field": "age", "min": 18}},
        {"criterion": "sex", "message": "Women.", "line": 2, "quote": "Women only", "test": {"field": "sex", "in": ["female"]}},
    ]
    text = ["Heading", "Must be aged 18 or over."] + [""] * 20
    result, log = overlay_with_anchors(
        parsed_brochure(services=[item]), Overlay(services={item.key: {"rules": rules}}), overlay_name="t.yaml", lines=text
    )
    [service] = result.services
    assert [r.criterion for r in service.rules] == ["age"]
    assert "needs review: rule 'sex' cites text no longer in the brochure: 'Women only'" in service.review_notes
    # Line 2 is still cited by the age rule, so the lost criterion is held on a line no rule cites.
    cited = {r.line for r in service.rules}
    assert [c.text for c in service.criteria_text if c.line not in cited] == ["Women only"]
    assert log.lost and not log.moved


@pytest.mark.parametrize(
    ("line", "others", "quote"),
    [
        ("Short line.", [], "Short line."),
        ("a" * 58 + " wordy tail", [], "a" * 58),  # 'wordy' would be cut: the quote stops before it
        ("x" * 10 + " word" * 20, [], "x" * 10 + " word" * 10),  # the 60th character ends a word: kept
        ("**Bold**  text   here", [], "Bold text here"),
    ],
)
def test_it_quotes_the_start_of_a_line_cut_at_a_word(line, others, quote):
    assert quote_of(line, others=others) == quote


def test_it_quotes_the_whole_line_when_its_start_is_printed_elsewhere_too():
    line = "Suitable for people who have been convicted of an offence and who are aged over eighteen years."
    other = "Suitable for people who have been convicted of an offence and who are on licence."
    assert quote_of(line, others=[other]) == line
    assert len(quote_of(line, others=[])) <= 60


OVERLAY = """\
# a comment that must survive
services:
  course:
    summary: Our words.
    rules:
      - criterion: age   # trailing comment
        message: "Adults: only."
        line: 2
        test: {field: age, min: 18}
      - {criterion: sex, message: Women, line: 3, test: {field: sex, in: [female]}}
      - criterion: done
        message: Has one.
        line: 2
        quote: "Must be"
        test: {field: age, min: 18}
added:
  - key: extra
    rules:
      - line: 3
        criterion: quoted "line"
"""


def test_it_inserts_quotes_textually_keeping_comments_and_layout():
    brochure = ["Heading", "Must be aged 18 or over.", 'Women "only" \\ here.']
    edits, skipped = planned_quotes(OVERLAY, brochure)
    assert [(e.where, e.line) for e in edits] == [
        ("services.course.rules[0]", 2), ("services.course.rules[1]", 3), ("added[0].rules[0]", 3),
    ]
    assert not skipped
    text = with_quotes(OVERLAY, edits)
    assert "# a comment that must survive\n" in text and "  # trailing comment\n" in text
    assert '        line: 2\n        quote: "Must be aged 18 or over."\n' in text
    assert "line: 3, quote: " in text
    data = yaml.safe_load(text)
    rules = data["services"]["course"]["rules"]
    assert [r.get("quote") for r in rules] == ["Must be aged 18 or over.", 'Women "only" \\ here.', "Must be"]
    assert data["added"][0]["rules"][0]["quote"] == 'Women "only" \\ here.'
    assert planned_quotes(text, brochure) == ([], [])  # a second run has nothing left to do


def test_it_skips_rules_it_cannot_quote_and_says_why():
    text = "services:\n  a:\n    rules:\n      - {criterion: x, line: 9}\n      - {criterion: y, line: 2}\n      - {criterion: z}\n"
    edits, skipped = planned_quotes(text, ["one", ""])
    assert not edits
    assert skipped == [
        "services.a.rules[0]: line 9 is blank or past the end of the brochure",
        "services.a.rules[1]: line 2 is blank or past the end of the brochure",
        "services.a.rules[2]: cites no line",
    ]


@pytest.fixture
def anchor(tmp_path, monkeypatch):
    """Run `ratecard catalogue anchor` against copies of the real overlays in tmp_path, their quotes
    taken out (the real overlays carry them: the command wrote them)."""
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    for path in OVERLAYS.glob("*.yaml"):
        kept = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                if not line.lstrip().startswith("quote: ")]
        (overlays / path.name).write_text("".join(kept), encoding="utf-8")
    monkeypatch.setenv("RATECARD_OVERLAY_DIR", str(overlays))
    monkeypatch.setenv("RATECARD_BROCHURES_DIR", str(BROCHURES))
    get_settings.cache_clear()

    def invoke(*args: str):
        return CliRunner().invoke(app, ["catalogue", "anchor", *args], catch_exceptions=False)

    yield invoke, overlays
    get_settings.cache_clear()


def _rules(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    holders = [*data.get("services", {}).values(), *data.get("added", [])]
    return [rule for fields in holders for rule in fields.get("rules", [])]


def test_the_anchor_command_only_says_what_it_would_do_without_write(anchor):
    invoke, overlays = anchor
    before = {p.name: p.read_text(encoding="utf-8") for p in overlays.glob("*.yaml")}
    result = invoke()
    assert result.exit_code == 0
    assert "would add" in result.stderr and "quote:" in result.stdout
    assert {p.name: p.read_text(encoding="utf-8") for p in overlays.glob("*.yaml")} == before


def test_the_anchor_command_quotes_every_rule_of_the_five_overlays_with_text_from_its_line(anchor):
    invoke, overlays = anchor
    before = {p.name: p.read_text(encoding="utf-8").splitlines() for p in overlays.glob("*.yaml")}
    result = invoke("--write")
    assert result.exit_code == 0 and "added" in result.stderr
    for brochure, code in zip(ALL_BROCHURES, ("nsf", "cln", "esx", "dlnr", "kss"), strict=True):
        lines = Lines(brochure.read_text(encoding="utf-8").splitlines())
        path = overlays / f"{code}.yaml"
        rules = _rules(path)
        assert rules and all(r.get("quote") for r in rules if r.get("line")), path.name
        for rule in rules:
            if rule.get("line"):
                assert rule["quote"] in lines.at(rule["line"]), (path.name, rule["criterion"])
        # Nothing but the inserted quote lines changed, and they are the quotes the real overlay holds.
        after = path.read_text(encoding="utf-8").splitlines()
        assert [line for line in after if not line.lstrip().startswith("quote: ")] == before[path.name]
        assert after == (OVERLAYS / path.name).read_text(encoding="utf-8").splitlines()
    assert "would add 0 quotes" in invoke().stderr


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=lambda p: p.name[:3])
def test_it_anchors_every_rule_of_the_real_overlays_to_text_on_its_line(brochure):
    from ratecard.catalogue.importer import checked_brochure
    from ratecard.catalogue.parsers import read_text

    _, checks = checked_brochure(read_text(brochure), file=brochure.name, overlay_dir=OVERLAYS)
    assert checks.anchoring.without_anchor == 0
    assert (list(checks.anchoring.moved), list(checks.anchoring.lost)) == ([], [])
    assert checks.anchoring.anchored > 0
