"""Outputs of a soak besides the live display: the metrics JSON Lines file and the plot.

Metrics file (``--metrics FILE``), one JSON object per line:

* ``{"type": "run", "options": {…}}`` first (header values redacted);
* ``{"type": "metrics", …}`` every ``--metrics-interval`` seconds: the window's target and
  achieved rate, counts, errors by class, in-flight, backlog, latency (p50/p95/p99/max/mean,
  ms, measured from the scheduled send time) over the window and over the run so far,
  send lag, and each worker's RSS;
* ``{"type": "summary", …}`` last: :meth:`SoakSummary.to_dict`.

Plot (``--plot FILE.html`` or ``.svg``): achieved vs target rate, and p50/p99/max latency
per tick, as inline SVG: no script, no network.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from capmock.outputs import cannot_write
from capmock.soak.report import Snapshot, Window, options_line

if TYPE_CHECKING:
    from capmock.soak.report import SoakSummary
    from capmock.soak.settings import SoakOptions


class MetricsFile:
    def __init__(self, path: Path, options: SoakOptions) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - close()
        except OSError as err:
            raise cannot_write(path, err, "the metrics") from None
        self.every = options.metrics_interval
        self.window = Window()
        self.window_start = 0.0
        self.target_sum = 0.0
        self.ticks = 0
        self._write(options_line(options))

    def _write(self, record: dict[str, Any]) -> None:
        self.file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.file.flush()

    def add(self, snapshot: Snapshot, tick: Window, total: Window) -> None:
        self.window.merge(tick)
        self.ticks += 1
        self.target_sum += snapshot.target_rate or 0.0
        if snapshot.elapsed - self.window_start >= self.every - 1e-6:
            self._flush(snapshot, total)

    def _flush(self, snapshot: Snapshot, total: Window) -> None:
        span = max(1e-6, snapshot.elapsed - self.window_start)
        w = self.window
        self._write({
            "type": "metrics",
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "elapsed": round(snapshot.elapsed, 3),
            "window_s": round(span, 3),
            "target_rate": None if snapshot.target_rate is None else round(
                self.target_sum / max(1, self.ticks), 2),
            "achieved_rate": round(w.done / span, 2),
            "sent": w.started, "completed": w.done, "ok": w.ok, "errors": w.errors,
            "error_rate": round(w.failed / w.done, 6) if w.done else 0.0,
            "in_flight": snapshot.in_flight, "backlog": snapshot.backlog,
            "duplicates": w.dups,
            "latency_ms": {"window": w.latency.summary_ms(), "overall": total.latency.summary_ms()},
            "lag_ms": {"window": w.lag.summary_ms(), "overall": total.lag.summary_ms()},
            "rss_mb": snapshot.rss_mb,
        })
        self.window = Window()
        self.window_start = snapshot.elapsed
        self.target_sum = 0.0
        self.ticks = 0

    def finish(self, summary: SoakSummary) -> None:
        self._write({"type": "summary", **summary.to_dict()})

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()


# ---- the plot ----------------------------------------------------------------------------

W, H, PAD = 880, 240, 48
COLOURS = {"target": "#888", "rate": "#1f77b4", "p50": "#2ca02c", "p99": "#d62728",
           "max": "#ff7f0e"}


def write_plot(path: Path, summary: SoakSummary) -> None:
    try:
        _write_plot(path, summary)
    except OSError as err:
        raise cannot_write(path, err, "the plot") from None


def _write_plot(path: Path, summary: SoakSummary) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    series = summary.series
    rate = _chart("events/s", series, ("target", "rate"))
    latency = _chart("latency ms (from the scheduled time)", series, ("p50", "p99", "max"))
    if path.suffix.lower() == ".svg":
        path.write_text(_stack([rate, latency]), encoding="utf-8")
        return
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in summary.lines())
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>capmock soak</title>"
        "<style>body{font:14px system-ui,sans-serif;margin:24px}svg{display:block;"
        "margin:12px 0}</style>"
        f"<h1>capmock soak</h1><ul>{lines}</ul>{rate}{latency}",
        encoding="utf-8",
    )


def _stack(charts: list[str]) -> str:
    body = "".join(f"<g transform='translate(0,{i * (H + 10)})'>{c}</g>"
                   for i, c in enumerate(charts))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' "
            f"height='{len(charts) * (H + 10)}'>{body}</svg>")


def _chart(title: str, series: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    points = {k: [(p["t"], p[k]) for p in series if p.get(k) is not None] for k in keys}
    xs = [t for pts in points.values() for t, _ in pts] or [0.0, 1.0]
    ys = [v for pts in points.values() for _, v in pts] or [1.0]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1e-9)
    top = max(ys) * 1.1 or 1.0

    def sx(t: float) -> float:
        return PAD + (t - x0) / (x1 - x0) * (W - 2 * PAD)

    def sy(v: float) -> float:
        return H - PAD + 10 - v / top * (H - PAD - 20)

    paths = []
    for k, pts in points.items():
        if pts:
            d = " ".join(f"{sx(t):.1f},{sy(v):.1f}" for t, v in pts)
            paths.append(f"<polyline fill='none' stroke='{COLOURS[k]}' stroke-width='1.5' "
                         f"points='{d}'><title>{k}</title></polyline>")
    legend = "".join(f"<text x='{PAD + 90 * i}' y='{H - 8}' fill='{COLOURS[k]}'>{k}</text>"
                     for i, k in enumerate(keys))
    axes = (f"<line x1='{PAD}' y1='{sy(0):.1f}' x2='{W - PAD}' y2='{sy(0):.1f}' stroke='#ccc'/>"
            f"<text x='4' y='{sy(top / 1.1):.1f}' font-size='11'>{top / 1.1:,.0f}</text>"
            f"<text x='4' y='{sy(0):.1f}' font-size='11'>0</text>"
            f"<text x='{W - PAD}' y='{H - 24}' font-size='11' text-anchor='end'>{x1:,.0f}s</text>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' "
            f"font-family='sans-serif' font-size='12'><text x='{PAD}' y='16'>"
            f"{html.escape(title)}</text>{axes}{''.join(paths)}{legend}</svg>")
