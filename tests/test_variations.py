"""--variations: every documented shape variant validates, is deterministic, and is off by
default."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from capmock import catalog, generate
from capmock.cli import main
from capmock.errors import UsageError
from capmock.generator import Generator
from capmock.schemas import default_validator
from capmock.variations import NAMES, VARIANTS, Variations, variant

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent.parent / "shared" / "seeds"


def payloads(event: str) -> list[dict[str, Any]]:
    return [
        generate(event, seed=4, style=style, fields=fields)
        for style in ("flat", "wrapped")
        for fields in ("typical", "all")
    ]


@pytest.mark.parametrize("event", catalog.names())
def test_every_variant_of_every_event_validates(event: str) -> None:
    validator = default_validator()
    for payload in payloads(event):
        for v in VARIANTS:
            varied = copy.deepcopy(payload)
            v.apply(varied, random.Random(1))
            assert validator.validate(varied) == [], (v.name, payload.get("eventType"))
        everything = Variations(1.0, seed=2)(copy.deepcopy(payload))
        assert validator.validate(everything) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_changes_some_payload(name: str) -> None:
    v = variant(name)
    changed = 0
    for event in catalog.names():
        for payload in payloads(event):
            before = json.dumps(payload)  # as JSON: 1676.0 == 1676 in Python
            if v.apply(payload, random.Random(1)):
                assert json.dumps(payload) != before or name == "loyalty-event-id-form"
                changed += 1
    assert changed > 0


def test_the_variants_do_what_they_say() -> None:
    flat = generate("transactionAdded", seed=3, fields="all")
    lower = copy.deepcopy(flat)
    assert variant("lower-case-enums").apply(lower, random.Random(0))
    assert lower["data"]["billType"] == flat["data"]["billType"].lower()
    floats = copy.deepcopy(flat)
    variant("integral-floats").apply(floats, random.Random(0))
    assert floats["orgId"] == float(flat["orgId"]) and isinstance(floats["orgId"], float)
    assert json.dumps(floats["orgId"]).endswith(".0")
    numbers = copy.deepcopy(flat)
    variant("ids-as-numbers").apply(numbers, random.Random(0))
    mobile = numbers["data"]["customerIdentifiers"]["instore"]["mobile"]
    assert mobile == int(flat["data"]["customerIdentifiers"]["instore"]["mobile"])
    absent = copy.deepcopy(flat)
    variant("optional-absent").apply(absent, random.Random(0))
    assert "billClientId" not in absent["data"] and "traceAttributes" not in absent
    swapped = copy.deepcopy(flat)
    variant("other-envelope").apply(swapped, random.Random(0))
    assert swapped["attributes"]["data"] == flat["data"]
    assert swapped["eventType"] == f"{flat['orgId']}_transactionAdded"
    variant("event-type-form").apply(swapped, random.Random(0))
    assert swapped["eventType"] == "transactionAdded"
    back = copy.deepcopy(swapped)
    variant("other-envelope").apply(back, random.Random(0))
    assert back["data"] == flat["data"] and back["eventId"] == flat["eventId"]
    tier = generate("tierUpgraded", seed=3)
    variant("null-optionals").apply(tier, random.Random(0))
    assert tier["data"]["triggeringActivity"]["enteredBy"] is None
    assert tier["loyaltyEventId"] is None


def test_rate_zero_changes_nothing_and_draws_nothing() -> None:
    assert generate("pointsIssued", seed=9, variations=0.0) == generate("pointsIssued", seed=9)
    assert Generator(1, variations=0.0).vary is None


def test_same_seed_same_variants_and_the_rate_is_honoured() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        gen = Generator(seed, variations=0.3)
        return [gen.one(e) for e in catalog.names()]

    assert run(5) == run(5)
    gen = Generator(5, variations=0.3)
    for _ in range(400):
        gen.one("pointsIssued")
    assert gen.vary is not None
    applied = gen.vary.applied
    assert 0.2 * 400 < applied["integral-floats"] < 0.4 * 400
    assert applied["event-type-form"] > 0  # after other-envelope made it wrapped


def test_an_unknown_event_is_varied_where_no_declaration_is_needed() -> None:
    payload = generate("customerAdded", seed=1)
    payload["eventName"] = "someEventFrom2030"
    data = copy.deepcopy(payload["data"])
    for name in ("null-optionals", "optional-absent"):  # these read the declaration
        variant(name).apply(payload, random.Random(2))
    assert payload["data"] == data and "traceAttributes" not in payload
    for v in VARIANTS:
        v.apply(payload, random.Random(2))
    assert payload["attributes"]["eventName"] == "someEventFrom2030"
    assert payload["attributes"]["data"]["loyaltyType"] == "loyalty"


def test_rates_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(UsageError, match="not between 0 and 1"):
        generate("pointsIssued", seed=1, variations=1.5)
    with pytest.raises(UsageError, match="did you mean 'integral-floats'"):
        variant("integral-float")


def test_cli_variations_flags() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["generate", "tierUpgraded", "--seed", "1", "--variations", "1"])
    assert out.exit_code == 0, out.output
    assert '"orgId": ' in out.output and ".0" in out.output
    bad = runner.invoke(main, ["generate", "tierUpgraded", "--variations", "2"])
    assert bad.exit_code == 2 and "--variations" in bad.output
    plain = runner.invoke(main, ["plan", "earn-and-redeem"])
    varied = runner.invoke(main, ["plan", "earn-and-redeem", "--variations", "0.5"])
    assert plain.exit_code == varied.exit_code == 0
    assert plain.output != varied.output
    assert len(plain.output.splitlines()) == len(varied.output.splitlines())
    for line in varied.output.splitlines():
        assert default_validator().validate(json.loads(line)) == []


def test_docs_list_every_variant_with_the_seed_line_that_shows_it() -> None:
    text = (ROOT / "docs" / "variations.md").read_text()
    for v in VARIANTS:
        assert f"`{v.name}`" in text and v.seen in text, v.name
        page, line = v.seen.rsplit(":", 1)
        seed = SEEDS / page
        if seed.is_file():  # the seed pages sit beside the checkout on the build machine
            assert int(line) <= len(seed.read_text().splitlines())


def plan_lines(name: str, rate: float) -> list[dict[str, Any]]:
    from capmock.scenario import load
    from capmock.scenario.player import Player

    return list(Player(load(name), variations=rate).payloads())


def test_run_sends_what_plan_shows_and_the_journal_keeps_the_rate(tmp_path: Path) -> None:
    from capmock.delivery.journal import read_journal
    from capmock.runner import run_scenario

    journal = tmp_path / "run.jsonl"
    result = run_scenario("earn-and-redeem", variations=0.5, journal=journal)
    assert result.ok and result.sink is not None
    assert [r.json for r in result.sink] == plan_lines("earn-and-redeem", 0.5)
    assert read_journal(journal).meta["variations"] == 0.5


def test_soak_templates_are_stamped_in_variants_and_still_validate() -> None:
    from capmock.soak.settings import SoakOptions, parse_mix
    from capmock.soak.templates import build_mix

    options = SoakOptions.from_settings(target="http://127.0.0.1:9/hook", variations="30%")
    assert options.variations == 0.3
    with pytest.raises(UsageError, match="variations"):
        SoakOptions.from_settings(target="http://127.0.0.1:9/hook", variations="2")
    mix = build_mix(parse_mix("crowd-journey"), seed=1, count=4, variations=1.0)  # validates
    forms = [e.form for t in mix.groups[0] for e in t.events]
    assert any(b'"attributes"' in f for f in forms) and any(b".0," in f for f in forms)


def test_serve_page_and_api_take_a_rate() -> None:
    from capmock.server.app import create_app
    from capmock.server.hub import ServeConfig

    client = create_app(ServeConfig(variations=1.0)).test_client()
    body = client.post("/api/generate", json={"event": "tierUpgraded", "seed": 3}).get_json()
    assert body["problems"] == [] and "attributes" in body["payload"]  # other-envelope
    plain = client.post(
        "/api/generate", json={"event": "tierUpgraded", "seed": 3, "variations": 0}
    ).get_json()
    assert plain["payload"] == generate("tierUpgraded", seed=3)
    bad = client.post("/api/generate", json={"event": "tierUpgraded", "variations": 3})
    assert bad.status_code == 400 and "variations" in bad.get_data(as_text=True)
    assert b'id="event-variations"' in client.get("/").data
