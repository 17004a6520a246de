"""The model clock's units and date formats: epoch milliseconds, days, UTC dates.

The bottom layer (stdlib only): the model, the catalog and the scenario layer all count
time this way.
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY_MS = 86_400_000

_DAYS: dict[int, str] = {}  # days since the epoch -> "YYYY-MM-DD"


def day_str(day: int) -> str:
    """``YYYY-MM-DD`` of a day number (days since 1970-01-01, UTC), formatted once."""
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
    return text


def utc_date(ms: float) -> str:
    """``YYYY-MM-DD`` (UTC) of an epoch-millisecond instant."""
    return day_str(int(ms // DAY_MS))


def date_str(ms: int) -> str:
    """``YYYY-MM-DD`` (UTC) of an epoch-millisecond instant; each day formatted once."""
    return day_str(ms // DAY_MS)


def utc_datetime(ms: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) of an epoch-millisecond instant."""
    seconds = int(ms // 1000)
    day, sod = divmod(seconds, 86_400)
    hours, rest = divmod(sod, 3_600)
    return f"{day_str(day)} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def parse_date_ms(text: str) -> int:
    """End of the given day (UTC), as Capillary expires points at 23:59:59."""
    day_start = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    return int(day_start.timestamp() * 1000) + DAY_MS - 1000


def day(ms: int) -> int:
    """Days since the epoch of an epoch-millisecond instant."""
    return ms // DAY_MS
