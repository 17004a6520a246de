"""The one grammar of typed values (capmock.units): what users type today keeps working."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmock import units
from capmock.errors import UsageError
from capmock.scenario.validate import duration_ms


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("250ms", 0.25),
        ("30s", 30.0),
        ("5m", 300.0),
        ("2h", 7200.0),
        ("7d", 604800.0),
        ("1w", 604800.0),
        ("1.5s", 1.5),
        ("1.5", 1.5),
        ("3", 3.0),
        (" 10 s ", 10.0),
        (2, 2.0),
        (0.25, 0.25),
        (".5s", 0.5),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert units.duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["5x", "-1s", "s", "", "1e3s", -1, float("inf"), float("nan")])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(UsageError):
        units.duration(bad)


def test_scenario_durations_use_the_same_grammar_in_ms() -> None:
    assert duration_ms("30d") == 30 * 86_400_000
    assert duration_ms("2w") == 2 * 604_800_000
    assert duration_ms("100ms") == 100
    assert duration_ms(90) == 90_000  # a YAML number is seconds
    assert duration_ms("90") == 90_000  # and so is the same number as text
    assert duration_ms("soon") is None and duration_ms(float("inf")) is None


@given(st.integers(0, 10**6), st.sampled_from(list(units.MILLIS)))
def test_seconds_and_millis_agree(number: int, unit: str) -> None:
    text = f"{number}{unit}"
    assert units.duration_ms(text) == round(units.duration(text) * 1000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1s..30s", (1.0, 30.0)),
        ("200ms", (0.2, 0.2)),
        ("10..50ms", (0.01, 0.05)),
        ("0..200ms", (0.0, 0.2)),
        ("1..30s", (1.0, 30.0)),
        ("1s..2m", (1.0, 120.0)),
        ((1, 2), (1.0, 2.0)),
    ],
)
def test_ranges(text: object, expected: tuple[float, float]) -> None:
    assert units.duration_range(text) == pytest.approx(expected)


def test_a_dashed_range_hints_at_min_dot_dot_max() -> None:
    with pytest.raises(UsageError) as err:
        units.duration_range("10-50ms")
    assert "cannot read range '10-50ms'" in str(err.value)
    assert err.value.hint == "use MIN..MAX, e.g. 10..50ms"
    with pytest.raises(UsageError, match="MIN greater than MAX"):
        units.duration_range("30s..1s")


def test_probabilities_rates_sizes_counts() -> None:
    assert units.probability("10%") == pytest.approx(0.1)
    assert units.probability("0.25") == 0.25
    for bad in ("150%", "1.5", "lots"):
        with pytest.raises(UsageError):
            units.probability(bad)
    assert units.rate("500/s") == units.rate("30000/m") == units.rate(500) == 500.0
    assert units.rate("1800/h") == 0.5 and units.rate("max") is None
    with pytest.raises(UsageError, match="cannot read rate 'fast'"):
        units.rate("fast")
    assert units.size("64MB") == 64 << 20 and units.size("1g") == 1 << 30
    assert units.size("4096") == 4096
    with pytest.raises(UsageError, match="at least 4096 bytes"):
        units.size("1k", minimum=4096)
    assert units.count("3") == 3 and units.whole("0") == 0
    with pytest.raises(UsageError, match="not a whole number"):
        units.count("three")
    assert units.burst("50/2s") == (50, 2.0) and units.burst("50") == (50, None)
    assert units.backoff("1s,5m") == (1.0, 300.0)


def test_reading_is_idempotent() -> None:
    for read, text in [
        (units.duration, "2s"),
        (units.duration_range, "10..50ms"),
        (units.header, "X-A: 1"),
        (units.burst, "5/1s"),
        (units.backoff, "1s,2s"),
        (units.probability, "5%"),
        (units.rate, "10/s"),
        (units.count, "4"),
        (units.user_password, "u:p"),
        (units.size, "1MB"),
    ]:
        once = read(text)
        assert read(once) == once


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("NoColon", "'NoColon'"), ("Authorization Bearer hunter2", "'Authorization …'")],
)
def test_a_bad_header_names_what_was_typed_but_no_value(typed: str, shown: str) -> None:
    with pytest.raises(UsageError) as err:
        units.header(typed)
    assert shown in str(err.value) and "***" not in str(err.value)
    assert "hunter2" not in str(err.value)
    assert units.header("X-Api-Key: s3 cret") == ("X-Api-Key", "s3 cret")


def test_within_names_the_field() -> None:
    with pytest.raises(UsageError, match=r"^latency: cannot read duration 'soon'"):
        units.within("latency", units.duration_range, "soon")
