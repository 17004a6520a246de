"""The live display of a soak (rich): pass :meth:`SoakDisplay.update` as ``on_tick``.

    with SoakDisplay(options) as display:
        summary = run_soak(options, on_tick=display.update)
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from capmock.soak.report import Snapshot
from capmock.soak.settings import SoakOptions


class SoakDisplay:
    def __init__(self, options: SoakOptions, console: Console | None = None) -> None:
        self.options = options
        self.console = console or Console(stderr=True)
        self.live = Live(self.render(None), console=self.console, auto_refresh=False,
                         transient=False)

    def __enter__(self) -> SoakDisplay:
        self.live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.live.__exit__(exc_type, exc, tb)

    def update(self, snapshot: Snapshot) -> None:
        self.live.update(self.render(snapshot), refresh=True)

    def render(self, s: Snapshot | None) -> Group:
        o = self.options
        head = Text(f"capmock soak → {o.target}", style="bold")
        if s is None:
            return Group(head, Text("starting workers…", style="dim"))
        bar = ProgressBar(total=o.duration, completed=min(s.elapsed, o.duration), width=40)
        clock = Text(f" {_hms(s.elapsed)} / {_hms(o.duration)}")
        return Group(head, Group(bar, clock), self._table(s))

    def _table(self, s: Snapshot) -> Table:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold cyan")
        table.add_column()
        target = "max" if s.target_rate is None else f"{s.target_rate:,.0f}/s"
        table.add_row("rate", f"target {target}   achieved {s.achieved_rate:,.0f}/s   "
                      f"sent {s.sent_rate:,.0f}/s")
        behind = Text(f"in-flight {s.in_flight:,}   backlog {s.backlog:,}   "
                      f"send lag p99 {_ms(s.lag_ms)} ms")
        if s.backlog > max(10, (s.target_rate or 0) * 0.5):
            behind.stylize("bold red")
        table.add_row("queue", behind)
        table.add_row("errors", self._errors(s))
        table.add_row("latency", f"last {self.options.interval:g}s: {_lat(s.latency_ms)}")
        table.add_row("", f"overall: {_lat(s.overall_ms)}")
        table.add_row("events", f"{s.done:,} answered, {s.ok:,} ok, {s.due:,} due"
                      + (f", {s.dups:,} duplicates" if s.dups else ""))
        table.add_row("memory", "  ".join(f"{mb:,.0f} MB" for mb in s.rss_mb))
        return table

    @staticmethod
    def _errors(s: Snapshot) -> Text:
        failed = sum(s.errors.values())
        if not failed:
            return Text("none", style="green")
        share = failed / s.done if s.done else 0.0
        parts = ", ".join(f"{k} x{v:,}" for k, v in sorted(s.errors.items(), key=lambda kv: -kv[1]))
        return Text(f"{failed:,} ({share:.2%}): {parts}", style="red")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _lat(stats: dict[str, float | None]) -> str:
    return "  ".join(f"{k} {_ms(stats.get(k))}" for k in ("p50", "p95", "p99", "max")) + " ms"


def _hms(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
