"""The one grammar of the values people type: durations, ranges, rates, sizes, percentages,
counts, headers.

Every reader takes the text as typed (or a number from YAML/JSON, or a value it already
returned: reading is idempotent, so a value parsed by the command line passes through) and
raises :class:`~capmock.errors.UsageError` saying what it could not read, with a hint. No
reader knows where the text came from: the caller (a click ParamType, a scenario's
``delivery:`` block, a JSON body) names the option or the field.

Durations: a number and a unit, ``ms s m h d w``; a bare number is seconds (``1.5`` is
1.5 s). Ranges: ``MIN..MAX`` (``1s..30s``; a MIN without a unit takes MAX's, so
``10..50ms`` is 10 to 50 ms) or one duration meaning exactly that long.
"""

from __future__ import annotations

import math
import re
from typing import Any

from capmock.errors import UsageError

SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
MILLIS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_DURATION = re.compile(rf"^\s*{_NUMBER}\s*(ms|s|m|h|d|w)?\s*$")
_DASHED = re.compile(rf"^\s*{_NUMBER}\s*(ms|s|m|h|d|w)?\s*-\s*{_NUMBER}\s*(ms|s|m|h|d|w)?\s*$")
_RATE = re.compile(rf"^\s*{_NUMBER}\s*(?:/\s*(s|sec|m|min|h|hr))?\s*$", re.I)
_PER = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
_SIZE = re.compile(rf"^\s*{_NUMBER}\s*([kmg]i?b?|b)?\s*$", re.I)
_SIZES = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
UNBOUNDED = ("max", "unbounded", "unlimited")
DURATION_HINT = "use a number with a unit: 250ms, 30s, 5m, 2h, 7d"


def _number(value: Any) -> float | None:
    """A finite int/float given as such (not text, not a bool), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise UsageError(f"'{value}' is not a finite number")
        return float(value)
    return None


def _split_duration(value: Any) -> tuple[str, str]:
    """(number text, unit) of a duration; a bare number is seconds."""
    number = _number(value)
    if number is not None:
        if number < 0:
            raise UsageError(f"negative duration {value:g}")
        return repr(number), "s"
    match = _DURATION.match(str(value))
    if not match:
        raise UsageError(f"cannot read duration '{value}'", hint=DURATION_HINT)
    return match.group(1), match.group(2) or "s"


def duration(value: Any) -> float:
    """Seconds in ``250ms``, ``30s``, ``5m``, ``2h``, ``7d``, ``1w``; a bare number is seconds."""
    number, unit = _split_duration(value)
    return float(number) * SECONDS[unit]


def duration_ms(value: Any) -> int:
    """Whole milliseconds of a duration (the model's clock unit)."""
    number, unit = _split_duration(value)
    return int(float(number) * MILLIS[unit])


def positive_duration(value: Any) -> float:
    seconds = duration(value)
    if seconds <= 0:
        raise UsageError(f"must be greater than 0, got '{value}'")
    return seconds


def duration_range(value: Any) -> tuple[float, float]:
    """``MIN..MAX`` as (min, max) seconds, or one duration meaning exactly that long."""
    if isinstance(value, tuple | list) and len(value) == 2:
        low, high = duration(value[0]), duration(value[1])
    elif isinstance(value, str) and ".." in value:
        low_text, _, high_text = value.partition("..")
        high_number, high_unit = _split_duration(high_text)
        low_match = _DURATION.match(low_text)
        if low_match and not low_match.group(2):
            low_text = low_match.group(1) + high_unit  # 10..50ms: both in ms
        low, high = duration(low_text), float(high_number) * SECONDS[high_unit]
    elif isinstance(value, str) and _DASHED.match(value):
        low_text, _, high_text = value.partition("-")
        raise UsageError(
            f"cannot read range '{value}'",
            hint=f"use MIN..MAX, e.g. {low_text.strip()}..{high_text.strip()}",
        )
    else:
        try:
            low = high = duration(value)
        except UsageError as err:
            raise UsageError(
                err.message, hint="use a duration like 1s, or MIN..MAX like 10ms..50ms"
            ) from None
    if low > high:
        raise UsageError(f"range '{value}' has MIN greater than MAX")
    return low, high


def probability(value: Any) -> float:
    """``0.1`` or ``10%`` as a number in [0, 1]."""
    number = _number(value)
    if number is None:
        raw = str(value).strip()
        try:
            number = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            raise UsageError(f"cannot read '{value}' as a share", hint="use 0.1 or 10%") from None
    if not 0.0 <= number <= 1.0:
        raise UsageError(f"'{value}' is not between 0 and 1 (0%..100%)")
    return number


def count(value: Any, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``."""
    if isinstance(value, bool):
        raise UsageError(f"'{value}' is not a whole number")
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise UsageError(f"'{value}' is not a whole number") from None
    if number < minimum:
        raise UsageError(f"must be at least {minimum}, got {number}")
    return number


def whole(value: Any) -> int:
    """A whole number, zero allowed."""
    return count(value, minimum=0)


def integer(value: Any) -> int:
    """Any whole number (a seed)."""
    return count(value, minimum=-(2**63))


def positive_number(value: Any) -> float:
    number = _number(value)
    if number is None:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise UsageError(f"'{value}' is not a number") from None
        if not math.isfinite(number):
            raise UsageError(f"'{value}' is not a finite number")
    if number <= 0:
        raise UsageError(f"must be greater than 0, got {value}")
    return number


def rate(value: Any) -> float | None:
    """Events per second in ``500/s``, ``500``, ``30000/m``, ``3600/h``; ``max``: None."""
    if value is None:
        return None
    number = _number(value)
    if number is None:
        raw = str(value).strip().lower()
        if raw in UNBOUNDED:
            return None
        match = _RATE.match(raw)
        if not match:
            raise UsageError(
                f"cannot read rate '{value}'",
                hint="use events per second like 500/s (or /m, /h), or max",
            )
        number = float(match.group(1)) / _PER[(match.group(2) or "s").lower()]
    if number <= 0:
        raise UsageError(f"must be greater than 0, got '{value}'")
    return number


def size(value: Any, minimum: int = 0) -> int:
    """Bytes in ``64MB``, ``1GB``, ``512k``, ``4096`` (binary multiples)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        match = _SIZE.match(str(value))
        if not match:
            raise UsageError(f"cannot read size '{value}'", hint="use e.g. 64MB or 1GB")
        unit = (match.group(2) or "b").lower()[0]
        number = int(float(match.group(1)) * _SIZES[unit])
    if number < minimum:
        raise UsageError(f"at least {minimum} bytes, got '{value}'")
    return number


def header(value: Any) -> tuple[str, str]:
    """``Name: value`` as (name, value). The error shows the name as typed, never a value."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return header_name(str(value[0])), header_value(str(value[1]), str(value[0]))
    text = str(value)
    name, sep, rest = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise UsageError(f"cannot read header '{_masked(text)}'", hint="use 'Name: value'")
    return header_name(name.strip()), header_value(rest.strip(), name.strip())


HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 9110 token


def header_name(name: str) -> str:
    """An HTTP field name (RFC 9110 token): anything else would not reach the server intact."""
    if not HEADER_NAME.fullmatch(name):
        raise UsageError(f"header name '{printable(name)}' is not an HTTP field name",
                         hint="letters, digits and !#$%&'*+-.^_`|~ only")
    return name


def header_value(value: str, name: str = "header") -> str:
    """A field value that goes on one line as it is: no line break or other control
    character (that would cut the request in two), only characters HTTP/1.1 carries."""
    if any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in value):
        raise UsageError(f"{name}: the value holds a line break or control character",
                         hint="a header value is one line of text")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise UsageError(f"{name}: the value holds characters HTTP headers cannot carry",
                         hint="use ASCII (percent- or base64-encode the rest)") from None
    return value


def token(value: Any) -> str:
    """A credential sent in a header (bearer token, signing secret): not empty, one line."""
    text = str(value).strip()
    if not text:
        raise UsageError("empty value", hint="give the token, or leave the flag out")
    return header_value(text, "token")


def printable(text: str, limit: int = 40) -> str:
    """``text`` shortened, its control characters shown escaped (for one-line errors)."""
    shown = text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _masked(text: str) -> str:
    """A header as typed with anything that may be a secret hidden: the name part is kept
    (``NoColon``); after a colon, or after the first word of a colon-less header, ``…``."""
    name, sep, _ = text.partition(":")
    if sep:
        return f"{name}: …"
    words = text.split()
    if not words:
        return text
    return words[0] + (" …" if len(words) > 1 else "")


def user_password(value: Any) -> tuple[str, str]:
    """``user:password`` as (user, password)."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return str(value[0]), str(value[1])
    user, sep, password = str(value).partition(":")
    if not sep or not user:
        raise UsageError("expected user:password")
    return user, password


def burst(value: Any) -> tuple[int, float | None]:
    """``N`` or ``N/DURATION``: events per burst and the gap between bursts."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return count(value[0]), None if value[1] is None else duration(value[1])
    size_text, _, gap = str(value).partition("/")
    return count(size_text), duration(gap) if gap else None


def backoff(value: Any) -> tuple[float, float]:
    """``BASE,CAP`` (``1s,5m``): the first and the largest wait."""
    if isinstance(value, tuple | list) and len(value) == 2:
        base, cap = duration(value[0]), duration(value[1])
    else:
        base_text, sep, cap_text = str(value).partition(",")
        if not sep:
            raise UsageError(f"expected BASE,CAP (e.g. 1s,5m), got '{value}'")
        base, cap = duration(base_text), duration(cap_text)
    if base <= 0 or cap < base:
        raise UsageError(f"need 0 < BASE <= CAP, got '{value}'")
    return base, cap


def within(name: str, read: Any, value: Any) -> Any:
    """``read(value)``, its error prefixed with ``name`` (a field or option name)."""
    try:
        return read(value)
    except UsageError as err:
        raise UsageError(f"{name}: {err.message}", hint=err.hint) from None
