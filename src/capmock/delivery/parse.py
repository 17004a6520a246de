"""Parsing of the option values delivery takes from a command line.

Every parser raises :class:`~capmock.errors.UsageError` naming the option and the bad value,
so the CLI can pass user text straight in.
"""

from __future__ import annotations

import re

from capmock.errors import UsageError

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d)?\s*$")


def duration(text: str | float | int, option: str = "duration") -> float:
    """Seconds in ``"250ms"``, ``"30s"``, ``"5m"``, ``"2h"``, ``"7d"``; a bare number is seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if text < 0:
            raise UsageError(f"{option}: negative duration {text}")
        return float(text)
    match = _DURATION.match(str(text))
    if not match:
        raise UsageError(
            f"{option}: cannot read duration '{text}'",
            hint="use a number with a unit: 250ms, 30s, 5m, 2h, 7d",
        )
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def duration_range(text: str | float | int, option: str = "range") -> tuple[float, float]:
    """``"MIN..MAX"`` (e.g. ``"1s..30s"``) or a single duration meaning exactly that long."""
    if isinstance(text, str) and ".." in text:
        low_text, _, high_text = text.partition("..")
        low, high = duration(low_text, option), duration(high_text, option)
        if low > high:
            raise UsageError(f"{option}: range '{text}' has MIN greater than MAX")
        return low, high
    value = duration(text, option)
    return value, value


def probability(text: str | float, option: str = "probability") -> float:
    """``"0.1"`` or ``"10%"`` as a number in [0, 1]."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageError(
            f"{option}: cannot read probability '{text}'", hint="use 0.1 or 10%"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{option}: probability '{text}' is not between 0 and 1 (0%..100%)")
    return value


def positive_int(text: str | int, option: str, *, minimum: int = 1) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a whole number") from None
    if value < minimum:
        raise UsageError(f"{option}: must be at least {minimum}, got {value}")
    return value


def positive_float(text: str | float, option: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise UsageError(f"{option}: '{text}' is not a number") from None
    if value <= 0:
        raise UsageError(f"{option}: must be greater than 0, got {text}")
    return value


def header(text: str) -> tuple[str, str]:
    """``"Name: value"`` as (name, value)."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise UsageError(f"--header: cannot read '{_mask(text)}'", hint="use 'Name: value'")
    return name.strip(), value.strip()


def _mask(text: str) -> str:
    """A header as typed, value hidden: it may be a secret."""
    name, sep, _ = text.partition(":")
    return f"{name}{sep} ***" if sep else "***"
