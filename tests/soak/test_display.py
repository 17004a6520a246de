"""The live display renders a snapshot (rich, to a string) without a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from capmock.soak.display import SoakDisplay
from capmock.soak.report import Snapshot
from capmock.soak.settings import SoakOptions


def snapshot(**kw: object) -> Snapshot:
    base = dict(elapsed=12.0, duration=60.0, target_rate=500.0, achieved_rate=480.0,
                sent_rate=490.0, in_flight=7, backlog=900, lag_ms=812.5, due=6000, started=5100,
                done=5093, ok=5000, errors={"http 503": 80, "timeout": 13},
                tick_errors={"timeout": 2}, latency_ms={"p50": 3.0, "p95": 9.0, "p99": 30.0,
                                                        "max": 95.5, "mean": 4.0},
                overall_ms={"p50": 2.5, "p95": 8.0, "p99": 25.0, "max": 120.0, "mean": 3.5},
                rss_mb=[52.1, 51.9])
    return Snapshot(**{**base, **kw})  # type: ignore[arg-type]


def test_display_shows_rate_backlog_errors_latency() -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    options = SoakOptions(target="http://127.0.0.1:9/hook", rate=500.0, duration=60.0)
    with SoakDisplay(options, console=console) as display:
        display.update(snapshot())
    text = out.getvalue()
    for expected in ("target 500/s", "achieved 480/s", "in-flight 7", "backlog 900",
                     "93 (1.83%): http 503 x80, timeout x13", "p99 30.0", "p99 25.0",
                     "00:00:12 / 00:01:00", "52 MB"):
        assert expected in text, expected
