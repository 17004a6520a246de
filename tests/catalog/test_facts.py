"""Facts are checked when rendered: each builder declares the fact names it reads, and a
name it does not read (a misspelling, a fact meant for another event) is an error instead
of silently becoming made-up data."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from capmock import catalog, generate
from capmock.catalog.registry import UnknownFactError
from capmock.cli import main
from capmock.envelope import unwrap
from capmock.model.world import Emission
from capmock.scenario import BUNDLED, load
from capmock.scenario.player import Player


def test_every_event_declares_the_facts_its_builder_reads() -> None:
    undeclared = [name for name, event in catalog.catalog().items() if not event.facts]
    assert undeclared == []


def test_a_declared_fact_is_used() -> None:
    _, _, data = unwrap(generate("pointsRedeemed", seed=1, facts={"points": 321}))
    assert data["totalPointsRedeemed"] == 321


def test_a_misspelt_fact_fails_with_a_hint() -> None:
    with pytest.raises(UnknownFactError) as caught:
        generate("pointsRedeemed", seed=1, facts={"pionts": 321})
    assert caught.value.message == "pointsRedeemed has no fact 'pionts'"
    assert caught.value.hint == "did you mean 'points'?"


def test_a_fact_of_another_event_fails_listing_the_known_ones() -> None:
    with pytest.raises(UnknownFactError) as caught:
        generate("cartPromotionRevoked", seed=1, facts={"promotion_id": 5, "tier": 2})
    assert caught.value.message == "cartPromotionRevoked has no fact 'tier'"
    assert caught.value.hint == "its facts: earn_id, promotion_id"


@pytest.mark.parametrize(
    ("emit", "message"),
    [
        (
            "{event: badgeEarned, customer: alice, facts: {badge_idd: 7}}",
            "badgeEarned has no fact 'badge_idd' — did you mean 'badge_id'?",
        ),
        (  # a model-owned event runs its step: its facts are the step's parameters
            "{event: pointsIssued, customer: alice, facts: {pionts: 7}}",
            "pointsIssued has no fact 'pionts' (emit runs the award_points step) — "
            "did you mean 'points'?",
        ),
    ],
)
def test_a_misspelt_fact_in_an_emit_step_names_the_step(
    tmp_path: Path, emit: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        f"name: t\ncustomers:\n  alice: {{}}\nsteps:\n  - enrol: alice\n  - emit: {emit}\n"
    )
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "bad.yaml:6" in result.output and message in result.output


@pytest.mark.parametrize("name", sorted(p.stem for p in BUNDLED.glob("*.yaml")))
def test_bundled_scenarios_emit_only_declared_facts(name: str) -> None:
    """Every fact the model hands the catalog is one the event's builder reads (checked
    here on the emissions themselves, before rendering)."""
    player = Player(load(name))
    unknown = set()
    for item in player.emissions():
        if isinstance(item, Emission):
            unknown |= {(item.event, k) for k in item.facts.keys() - catalog.get(item.event).facts}
    assert unknown == set()
