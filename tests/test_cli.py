"""The CLI, in-process with CliRunner and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from capmock import catalog
from capmock.cli import main


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_events_lists_the_catalog_as_json() -> None:
    result = run("events", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == catalog.names()
    assert all(r["envelopes"] == ["flat", "wrapped"] for r in rows)


def test_generate_wrapped_is_valid_and_seeded() -> None:
    a = run("generate", "pointsIssued", "--style", "wrapped", "--seed", "5")
    b = run("generate", "pointsIssued", "--style", "wrapped", "--seed", "5")
    assert a.exit_code == 0
    assert a.output == b.output
    payload = json.loads(a.output)
    assert payload["attributes"]["eventName"] == "pointsIssued"
    check = run("validate", "-", stdin=a.output)
    assert check.exit_code == 0, check.output
    assert "1 valid, 0 invalid" in check.output


def test_generate_count_gives_json_lines_with_distinct_ids() -> None:
    result = run("generate", "transactionAdded", "--count", "5", "--seed", "1", "--org", "4242")
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 5
    assert len({x["eventId"] for x in lines}) == 5
    assert {x["orgId"] for x in lines} == {4242}


def test_unknown_event_suggests_and_exits_2() -> None:
    result = run("generate", "pointIssued")
    assert result.exit_code == 2
    assert "unknown event 'pointIssued'" in result.output
    assert "did you mean 'pointsIssued'?" in result.output
    assert "Traceback" not in result.output


def test_validate_reports_path_and_reason(tmp_path: Path) -> None:
    good = json.loads(run("generate", "pointsRedeemed", "--seed", "3").output)
    bad = json.loads(json.dumps(good))
    bad["data"]["loyaltyProgramId"] = "not a number"
    del bad["orgId"]
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:1: ok pointsRedeemed" in result.output
    assert '$.data.loyaltyProgramId: "not a number" is not of type "integer"' in result.output
    assert '"orgId" is a required property' in result.output


def test_validate_unknown_event_name_in_payload() -> None:
    result = run("validate", "-", stdin=json.dumps({"eventName": "pointIssued", "data": {}}))
    assert result.exit_code == 1
    assert "did you mean 'pointsIssued'?" in result.output


def test_validate_bad_json_line_is_a_located_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n{oops\n')
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:2:" in result.output


def test_schemas_check_passes_on_the_repo() -> None:
    root = Path(__file__).resolve().parents[1]
    result = run("schemas", "check", "--dir", str(root / "schemas"))
    assert result.exit_code == 0, result.output


def test_schemas_check_fails_when_stale(tmp_path: Path) -> None:
    assert run("schemas", "export", "--dir", str(tmp_path)).exit_code == 0
    (tmp_path / "defs.json").write_text("{}")
    result = run("schemas", "check", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert "defs.json" in result.output


def test_subprocess_generate_and_unknown_event() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "capmock", "generate", "tierUpgraded", "--seed", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["eventName"] == "tierUpgraded"
    bad = subprocess.run(
        [sys.executable, "-m", "capmock", "generate", "tierUpgrade"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "capmock: error: unknown event 'tierUpgrade' — did you mean 'tierUpgraded'?"
    )
