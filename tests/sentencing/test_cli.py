"""`ratecard sentencing check`: JSON or YAML in, the service's answer out, exit 2 naming the field on bad input."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from ratecard.cli import app
from ratecard.sentencing.schemas import Order
from ratecard.sentencing.service import check
from tests.sentencing.conftest import BEFORE_2022, order_data
from tests.sentencing.test_schemas import BAD

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, ["sentencing", "check", *args], catch_exceptions=False)


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
@pytest.mark.parametrize("data,code", [
    (order_data(), 0),
    (order_data({"type": "curfew", "hours_per_day": 18, "months": 6}, conviction_date=BEFORE_2022), 1),
])
def test_it_prints_the_services_answer_as_json_from_json_or_yaml(tmp_path, suffix, data, code):
    path = tmp_path / f"order{suffix}"
    path.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data), encoding="utf-8")
    result = _run("--order", str(path), "--format", "json")
    assert result.exit_code == code
    assert json.loads(result.stdout) == check(order=Order.model_validate(data)).model_dump(mode="json")


def test_it_prints_text_with_each_problem_and_its_source(tmp_path):
    path = tmp_path / "order.yaml"
    path.write_text(yaml.safe_dump(order_data({"type": "curfew", "hours_per_day": 18, "months": 6}, conviction_date=BEFORE_2022)))
    result = _run("--order", str(path))
    assert result.exit_code == 1
    assert "ERROR [curfew] Curfew requirement: 18 hours in any day is more than the maximum of 16" in result.stdout
    assert "source: Sentencing Act 2020, Schedule 9, paragraph 9(4)" in result.stdout


@pytest.mark.parametrize("data,field", BAD)
def test_it_exits_2_naming_the_field(tmp_path, data, field):
    path = tmp_path / "order.json"
    path.write_text(json.dumps({k: v for k, v in data.items() if v is not None}))
    result = _run("--order", str(path), "--format", "json")
    assert result.exit_code == 2
    assert field in result.stderr


@pytest.mark.parametrize("name,text,said", [
    ("order.json", "{not json", "not valid JSON"),
    ("order.yaml", "order_type: [unclosed", "not valid YAML"),
    ("order.yaml", "- just\n- a list\n", "one order"),
    ("order.json", "", "not valid JSON"),
])
def test_it_exits_2_on_a_malformed_file(tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text)
    result = _run("--order", str(path))
    assert result.exit_code == 2
    assert said in result.stderr


def test_it_exits_2_on_a_missing_file_or_an_unknown_format(tmp_path):
    assert _run("--order", str(tmp_path / "nowhere.json")).exit_code == 2
    path = tmp_path / "order.json"
    path.write_text(json.dumps(order_data()))
    result = _run("--order", str(path), "--format", "xml")
    assert result.exit_code == 2 and "--format" in result.stderr
