"""One factory builds every world: stand-alone generation and scenarios alike."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from helpers import scenario_file

import capmock
from capmock.cli import main
from capmock.model.entities import Streak, Target
from capmock.model.factory import OrgSpec, ProgramSpec, make_org, make_world, new_customer
from capmock.model.fake import Fake
from capmock.scenario import load
from capmock.scenario.loader import org_spec
from capmock.scenario.player import Player


def test_generator_world_is_the_factory_world() -> None:
    gen = capmock.Generator(9, org_id=4321, customers=2)
    world = make_world(9, "en_IN", OrgSpec(org_id=4321), 0)
    assert gen.org == world.org and gen.org.org_id == 4321
    assert gen.customers == [new_customer(world), new_customer(world)]


def test_a_scenario_org_block_becomes_a_spec_the_factory_builds(tmp_path: Path) -> None:
    org = {
        "id": 99,
        "currency": "IDR",
        "programs": [
            {
                "id": 5,
                "name": "Club",
                "tiers": ["Blue", {"name": "Gold", "threshold": 50}],
                "expiry": "30d",
                "promised_conversion": "7d",
                "tier_basis": "spend",
            }
        ],
        "targets": [{"name": "Spend", "value": 10, "group": "G"}],
        "streaks": [{"name": "Weekly", "levels": [2]}],
        "event_type_prefix": False,
    }
    scenario = load(str(scenario_file(tmp_path, [], org=org)))
    spec = org_spec(scenario)
    assert spec.programs == (
        ProgramSpec(
            id=5,
            name="Club",
            tiers=(("Blue", 0.0), ("Gold", 50.0)),
            expiry_days=30,
            promised_conversion_days=7,
            tier_basis="spend",
        ),
    )
    assert spec.targets == (Target("Spend", 10.0, "spend", "G"),)
    assert spec.streaks == (Streak("Weekly", [2]),)
    player = Player(scenario)
    assert player.org == make_org(Fake(scenario.seed), spec)
    assert (player.org.org_id, player.org.currency, player.org.event_type_prefix) == (
        99,
        "IDR",
        False,
    )
    program = player.org.default_program
    assert (program.id, program.name, [t.name for t in program.tiers]) == (
        5,
        "Club",
        ["Blue", "Gold"],
    )


def test_an_unknown_locale_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: t\norg: {locale: xx_XX}\ncustomers:\n  a: {}\nsteps:\n  - enrol: a\n")
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml:2:15: org.locale: unknown value 'xx_XX' — one of: en_IN" in result.output
