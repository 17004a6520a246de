"""--fields all|typical|required: what each level sends, that it validates, and that
`all` carries the fields of every Capillary sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from capmock import catalog, generate
from capmock.cli import main
from capmock.errors import ScenarioError, UsageError
from capmock.schemas import default_validator

SAMPLES = Path(__file__).resolve().parents[1] / "seed_samples"
LISTS = json.loads((SAMPLES / "excluded.json").read_text())
NOT_GENERATED: dict[str, dict[str, Any]] = LISTS["not_generated"]
# keys are ids or custom field names, not documented fields
MAPS = {"linkedTargetGroupVsTargetRuleIdMap", "traceAttributes", "transactionCustomFields"}


def paths(value: Any, prefix: str = "$", out: set[str] | None = None) -> set[str]:
    """Field paths of a payload: arrays as ``[]``, the keys of id-keyed maps as ``*``."""
    out = set() if out is None else out
    if isinstance(value, dict):
        is_map = prefix.rsplit(".", 1)[-1] in MAPS
        for key, sub in value.items():
            path = f"{prefix}.{'*' if is_map else key}"
            out.add(path)
            paths(sub, path, out)
    elif isinstance(value, list):
        for sub in value:
            paths(sub, prefix + "[]", out)
    return out


def samples() -> list[dict[str, Any]]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text())
    return [m for m in manifest if m["status"] == "ok" and m["style"] in ("flat", "wrapped")]


@pytest.mark.parametrize("entry", samples(), ids=lambda m: m["sample"])
def test_all_carries_nine_tenths_of_every_sample(entry: dict[str, Any]) -> None:
    sample = json.loads((SAMPLES / entry["sample"]).read_text())
    skip = tuple(NOT_GENERATED.get(entry["sample"], {}).get("paths", []))
    want = {p for p in paths(sample) if not p.startswith(skip)}
    event = catalog.get(entry["event"]).name
    got: set[str] = set()
    for seed in (1, 2, 3):
        got |= paths(generate(event, seed=seed, fields="all", style=entry["style"]))
    missing = sorted(want - got)
    assert 1 - len(missing) / len(want) >= 0.9, missing


@pytest.mark.parametrize("event", catalog.names())
def test_levels_validate_and_nest(event: str) -> None:
    validator = default_validator()
    for style in ("flat", "wrapped"):
        levels = {f: generate(event, seed=7, style=style, fields=f) for f in ("all", "required")}
        typical = generate(event, seed=7, style=style, tz_millis=True)
        for level, payload in levels.items():
            assert validator.validate(payload) == [], (level, style)
        assert paths(levels["required"]) <= paths(typical) <= paths(levels["all"])


@pytest.mark.parametrize("event", catalog.names()[::4])
def test_required_sends_only_required_members(event: str) -> None:
    payload = generate(event, seed=3, fields="required")
    body = default_validator().docs[f"data/{event}.json"]
    assert set(payload["data"]) <= set(body.get("required", []))
    assert "traceAttributes" not in payload and "apiRequestId" not in payload


def test_all_fills_the_documented_optional_members() -> None:
    payload = generate("transactionAdded", seed=2, fields="all")
    data = payload["data"]
    ids = data["customerIdentifiers"]
    assert ids["ecommerce"]["accounts"][0]["identifiers"][0]["identifierValue"]
    assert ids["wechat"]["accounts"][0]["accountId"]
    assert data["customFields"][0]["key"] and data["billClientId"].startswith("POS-")
    assert {"eventLogId", "eventSearchKey", "traceAttributes"} <= set(payload)
    promo = generate("promotionEarned", seed=2, fields="all")["data"]
    assert promo["linkedTargetGroupVsTargetRuleIdMap"]
    assert promo["promotionEarnedExpiryDateInMillis"] > 0


def test_typical_is_the_default() -> None:
    assert generate("pointsIssued", seed=5) == generate("pointsIssued", seed=5, fields="typical")


def test_unknown_level_is_a_usage_error_with_a_hint() -> None:
    with pytest.raises(UsageError, match="unknown fields level 'al'") as err:
        generate("pointsIssued", seed=1, fields="al")
    assert "did you mean 'all'" in str(err.value.hint)


def test_cli_fields_option() -> None:
    result = CliRunner().invoke(main, ["generate", "badgeEarned", "--seed", "1", "--fields", "all"])
    assert result.exit_code == 0, result.output
    assert "eventSearchKey" in result.output
    bad = CliRunner().invoke(main, ["generate", "badgeEarned", "--fields", "some"])
    assert bad.exit_code == 2 and "'some' is not one of" in bad.output


# ---- the same levels for scenario plays: options.fields in the scenario, --fields on plan,
# run and soak (over the scenario's), kept in a run's journal for --resume


def played(path: str, fields: str | None = None) -> list[dict[str, Any]]:
    from capmock.scenario import load
    from capmock.scenario.player import Player

    return list(Player(load(path), fields=fields).payloads())


def members(payloads: list[dict[str, Any]]) -> int:
    return sum(len(paths(p)) for p in payloads)


def scenario_file(tmp_path: Path, fields: str) -> str:
    path = tmp_path / "fields.yaml"
    path.write_text(
        "name: fields\nstart: 2026-01-01T00:00:00Z\nseed: 4\n"
        f"options:\n  fields: {fields}\n"
        "customers:\n  ana: {}\n"
        "steps:\n  - enrol: ana\n  - transact: {customer: ana, amount: 1200}\n"
    )
    return str(path)


def test_a_scenario_chooses_its_level_and_the_flag_overrides_it(tmp_path: Path) -> None:
    every, usual, least = (played("earn-and-redeem", f) for f in ("all", "typical", "required"))
    assert played("earn-and-redeem") == usual  # the default level is unchanged
    assert members(every) > members(usual) > members(least)
    assert [p["eventName"] for p in every] == [p["eventName"] for p in least]
    validator = default_validator()
    assert all(validator.validate(p) == [] for p in every + least)
    own = scenario_file(tmp_path, "all")
    assert members(played(own)) > members(played(own, "typical"))
    assert members(played(own, "required")) < members(played(own, "typical"))


def test_all_carries_the_in_millis_companions_in_scenarios_as_in_generate() -> None:
    """"Every documented optional member" includes the …InMillis companions (timezone
    standardisation): a played scenario at ``all`` has them as ``generate`` has."""
    def millis(payload: dict[str, Any]) -> set[str]:
        return {p.rsplit(".", 1)[-1] for p in paths(payload) if p.endswith("InMillis")}

    issued = [p for p in played("earn-and-redeem", "all") if p["eventName"] == "pointsIssued"]
    expected = millis(generate("pointsIssued", fields="all", seed=1))
    assert expected and all(millis(p) == expected for p in issued)
    assert not any(millis(p) for p in played("earn-and-redeem", "typical"))


def test_an_unknown_level_in_a_scenario_names_the_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", scenario_file(tmp_path, "everything")])
    assert result.exit_code == 2
    assert "fields.yaml:5:" in result.output and "options.fields" in result.output
    assert "all, typical, required" in result.output


def test_plan_and_run_flags_and_the_journal_keeps_the_level(tmp_path: Path) -> None:
    from capmock.delivery.journal import read_journal
    from capmock.runner import resume_run, run_scenario

    result = CliRunner().invoke(main, ["plan", "earn-and-redeem", "--fields", "all"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == played("earn-and-redeem", "all")
    journal = tmp_path / "run.jsonl"
    run = run_scenario("earn-and-redeem", fields="required", journal=journal)
    assert run.ok and run.sink is not None
    assert [r.json for r in run.sink] == played("earn-and-redeem", "required")
    assert read_journal(journal).meta["fields"] == "required"
    again = resume_run(str(journal))  # nothing left to send, the same events regenerated
    assert again.player is not None and again.player.options.fields == "required"


def test_soak_templates_take_the_level() -> None:
    from capmock.soak.settings import SoakOptions, parse_mix
    from capmock.soak.templates import build_mix

    options = SoakOptions.from_settings(target="http://127.0.0.1:9/hook", fields="all")
    assert options.fields == "all"
    with pytest.raises(UsageError, match="did you mean 'required'"):
        SoakOptions.from_settings(target="http://127.0.0.1:9/hook", fields="requried")

    def size(fields: str | None) -> int:
        mix = build_mix(parse_mix("earn-and-redeem"), seed=1, count=2, fields=fields)
        return sum(len(e.form) for t in mix.groups[0] for e in t.events)

    assert size("all") > size(None) > size("required")


def test_another_vendor_journey_is_the_same_at_every_level() -> None:
    """--fields is about Capillary's optional members: a Voucherify rendering of the same
    journey does not change with it (nor do the model's draws under it)."""
    runner = CliRunner()
    outs = {f: runner.invoke(main, ["plan", "earn-and-redeem", "--vendor", "voucherify",
                                    "--fields", f]) for f in ("typical", "all", "required")}
    assert all(r.exit_code == 0 for r in outs.values())
    assert outs["all"].stdout == outs["typical"].stdout == outs["required"].stdout
    assert "loyalty_card" in outs["all"].stdout


def test_a_library_caller_gets_the_same_check_of_the_level() -> None:
    from capmock.runner import run_scenario

    with pytest.raises(UsageError, match="unknown fields level 'al'"):
        played("earn-and-redeem", "al")
    with pytest.raises(UsageError, match="unknown fields level"):
        run_scenario("earn-and-redeem", fields="everything")


def test_run_scenario_checks_its_options_before_it_rehearses(tmp_path: Path) -> None:
    """A bad level is told at once, not after a rehearsal of the whole scenario (which
    here would fail on its own, later, with another error)."""
    from capmock.runner import run_scenario

    broke = tmp_path / "overdraw.yaml"
    broke.write_text(
        "name: overdraw\ninclude: common/org.yaml\ncustomers: {alice: {}}\n"
        "steps:\n  - enrol: alice\n  - redeem_points: {customer: alice, points: 999999}\n")
    with pytest.raises(UsageError, match="unknown fields level 'everything'"):
        run_scenario(str(broke), fields="everything", journal=False)
    with pytest.raises(ScenarioError):  # what the rehearsal says once the options are right
        run_scenario(str(broke), journal=False)


def test_soak_options_built_directly_check_the_level_too() -> None:
    from capmock.soak.settings import SoakOptions

    with pytest.raises(UsageError, match="unknown fields level 'al'") as err:
        SoakOptions(target="http://127.0.0.1:9/hook", fields="al")
    assert "did you mean 'all'" in str(err.value.hint)
