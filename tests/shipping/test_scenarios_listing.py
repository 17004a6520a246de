"""`capmock scenarios` shows each bundled scenario's first sentence whole (not its first
line); `GET /api/scenarios` gives the same summary."""

from __future__ import annotations

from click.testing import CliRunner

from capmock.bundled import summary
from capmock.cli import main
from capmock.scenario import BUNDLED, load
from capmock.server.app import create_app
from capmock.server.hub import ServeConfig


def test_the_first_sentence_is_shown_whole() -> None:
    result = CliRunner().invoke(main, ["scenarios"])
    assert result.exit_code == 0, result.output
    shown = dict(line.split(None, 1) for line in result.output.splitlines())
    assert shown["all-events"] == (
        "Reaches every event in the catalog at least once, through the model where the model "
        "owns the numbers (points, tiers, promotions) and through `emit` for the rest."
    )
    assert sorted(shown) == sorted(p.stem for p in BUNDLED.glob("*.yaml"))
    for path in BUNDLED.glob("*.yaml"):
        first = " ".join(load(str(path)).description.split("\n\n")[0].split())
        assert first.startswith(shown[path.stem]) and shown[path.stem].endswith(".")


def test_summary_stops_at_the_first_sentence_not_at_abbreviations_inside_it() -> None:
    assert summary("One thing. Another.\n\nMore.") == "One thing."
    assert summary("Costs 1.5 points per\nrupee, e.g. here. Next") == (
        "Costs 1.5 points per rupee, e.g. here."
    )
    assert summary("No full stop at all\nover two lines") == "No full stop at all over two lines"
    assert summary("") == ""


def test_the_api_lists_the_same_summary() -> None:
    rows = create_app(ServeConfig(port=0)).test_client().get("/api/scenarios").json
    by_name = {r["name"]: r["summary"] for r in rows}
    assert by_name["all-events"].endswith("through `emit` for the rest.")
