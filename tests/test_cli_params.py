"""Delivery flags are typed click options declared once: --help shows what they take, bad
values are click's usage errors (exit 2) with the hint, and every command has the same set."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from capmock.cli import main
from capmock.delivery.options import SETTINGS
from capmock.errors import UsageError


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_help_shows_the_type_of_each_value() -> None:
    out = invoke("run", "--help").output
    for shown in (
        "--delay MIN..MAX",
        "--timeout DURATION",
        "--duplicates SHARE",
        "--header 'NAME: VALUE'",
        "--burst N[/GAP]",
        "--connections N",
        "--retry [capillary|none|standard-webhooks|custom]",
    ):
        assert shown in out, shown


def test_every_delivery_command_has_every_setting() -> None:
    for command in ("run", "replay", "check"):
        out = invoke(command, "--help").output
        for name in SETTINGS:
            assert "--" + name.replace("_", "-") in out, (command, name)


def test_a_header_without_colon_names_what_was_typed() -> None:
    result = invoke("run", "earn-and-redeem", "--header", "NoColon")
    assert result.exit_code == 2
    assert "Invalid value for '--header': cannot read header 'NoColon'" in result.output
    assert "***" not in result.output and "Traceback" not in result.output


def test_a_dashed_delay_hints_at_min_dot_dot_max() -> None:
    result = invoke("run", "earn-and-redeem", "--delay", "10-50ms")
    assert result.exit_code == 2
    assert "Invalid value for '--delay'" in result.output
    assert "use MIN..MAX, e.g. 10..50ms" in result.output


def test_check_rejects_bad_within_and_fault_flags_as_usage_errors() -> None:
    result = invoke("check", "--target", "http://127.0.0.1:9/", "--within", "soon")
    assert result.exit_code == 2 and "Invalid value for '--within'" in result.output
    result = invoke("check", "--target", "http://127.0.0.1:9/", "--delay", "1s")
    assert result.exit_code == 2 and "--delay: check applies its own faults" in result.output


def test_a_scenario_delivery_block_reads_like_the_flags_and_flags_win() -> None:
    from capmock.runner import options_for
    from capmock.scenario import load

    scenario = load("earn-and-redeem")
    scenario.doc["delivery"] = {
        "delay": "10..50ms",
        "headers": {"X-Org": "42"},
        "max-attempts": 3,
        "retry": "custom",
        "target": "http://127.0.0.1:9/hook",
    }
    options, target = options_for(scenario, {"connections": 4, "delay": None})
    assert target == "http://127.0.0.1:9/hook"
    assert options.faults.delay == (0.01, 0.05) and options.headers == (("X-Org", "42"),)
    assert (options.connections, options.policy.max_attempts) == (4, 3)
    assert options.seed == scenario.seed
    flagged, _ = options_for(scenario, {"delay": (0.0, 0.001)})
    assert flagged.faults.delay == (0.0, 0.001)
    scenario.doc["delivery"] = {"delay": "10-50ms"}
    with pytest.raises(UsageError) as err:
        options_for(scenario, {})
    assert str(err.value).startswith(f"{scenario.path}: delivery: delay: cannot read range")
    assert "e.g. 10..50ms" in str(err.value)


def test_state_headers_are_typed_headers_too() -> None:
    result = invoke("run", "earn-and-redeem", "--state-header", "Authorization Bearer s3cret")
    assert result.exit_code == 2
    assert "Invalid value for '--state-header': cannot read header 'Authorization …'" in (
        result.output
    )
    assert "s3cret" not in result.output
