"""Delivery flags are typed click options declared once: --help shows what they take, bad
values are click's usage errors (exit 2) with the hint, and every command has the same set."""

from __future__ import annotations

from click.testing import CliRunner

from capmock.cli import main
from capmock.delivery.options import SETTINGS


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
