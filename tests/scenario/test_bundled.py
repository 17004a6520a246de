"""Every bundled scenario plays, validates, and tells one consistent story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replay import check_balances, check_groups

from capmock import catalog
from capmock.envelope import unwrap
from capmock.scenario import BUNDLED, load
from capmock.scenario.player import Player
from capmock.scenario.state import snapshot
from capmock.schemas import default_validator

SCENARIOS = sorted(p.stem for p in BUNDLED.glob("*.yaml") if p.stem != "crowd-journey")


def play(name: str, **kw: object) -> tuple[Player, list[dict]]:
    player = Player(load(name, **kw))  # type: ignore[arg-type]
    return player, list(player.payloads())


@pytest.mark.parametrize("name", SCENARIOS)
def test_bundled_scenario_is_valid_and_consistent(name: str) -> None:
    player, payloads = play(name)
    assert payloads, name
    validator = default_validator()
    for p in payloads:
        assert validator.validate(p) == [], (name, unwrap(p)[0])
    ids = [p["eventId"] for p in payloads]
    assert len(ids) == len(set(ids))
    final = check_balances(payloads)
    state = snapshot(player)
    program = str(player.org.default_program.id)
    for row in state["customers"]:
        if row["customerId"] in final and row["mergedInto"] is None:
            assert row["programs"][program]["current"] == pytest.approx(final[row["customerId"]])
    wallets = check_groups(payloads)
    for group in state.get("groups", []):
        assert group["points"] == pytest.approx(wallets.get(group["groupId"], 0.0))


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_seed_same_output(name: str) -> None:
    a = [json.dumps(p) for p in play(name)[1]]
    b = [json.dumps(p) for p in play(name)[1]]
    c = [json.dumps(p) for p in play(name, seed=12345)[1]]
    assert a == b
    assert a != c


def test_all_events_reaches_every_catalog_event() -> None:
    names = {unwrap(p)[0] for p in play("all-events")[1]}
    assert set(catalog.names()) - names == set()


def test_envelope_override() -> None:
    _, payloads = play("earn-and-redeem", envelope="wrapped")
    assert all("attributes" in p for p in payloads)


def test_scenarios_match_the_published_schema() -> None:
    import jsonschema

    from capmock.scenario.yamlload import load_file

    schema = json.loads((BUNDLED.parent / "schemas" / "scenario.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for path in BUNDLED.glob("*.yaml"):
        doc = json.loads(json.dumps(load_file(path)))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], (path.name, errors[:3])


def test_bundled_paths_resolve_by_name_and_path() -> None:
    assert load("earn-and-redeem").path == load(str(BUNDLED / "earn-and-redeem.yaml")).path
    assert Path(load("earn-and-redeem").path).is_file()
