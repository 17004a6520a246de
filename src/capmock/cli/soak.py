"""``capmock soak`` and ``capmock locustfile``: steady load for hours, or Locust beyond one
machine. ``capmock.soak`` is imported inside the commands: it brings gevent along."""

from __future__ import annotations

import sys
from importlib.util import find_spec
from typing import Any

import click

from capmock.cli.base import boundary, emit_json, main
from capmock.envelope import STYLES
from capmock.errors import UsageError

SOAK_FLAGS = (
    click.option("--target", help="Webhook URL (loopback or your own test hosts)."),
    click.option("--rate", help="Events per second, e.g. 500/s, or max."),
    click.option("--duration", help="How long, e.g. 2h (default 60s)."),
    click.option("--ramp", help="Reach the rate over this long, e.g. 5m."),
    click.option("--customers", help="Crowd size (customers are made lazily from the seed)."),
    click.option(
        "--mix", help="Scenarios and weights: a.yaml:3,b.yaml:1 (default: crowd-journey)."
    ),
    click.option("--connections", help="Connections per worker process."),
    click.option("--processes", help="Worker processes."),
    click.option("--envelope", type=click.Choice(STYLES)),
    click.option("--duplicates", help="Send events again: probability or N%."),
    click.option("--duplicate-delay", help="MIN..MAX before a duplicate."),
    click.option("--reorder", help="Let each customer's events overtake within W."),
    click.option("--seed"),
    click.option("--timeout", help="Per request, e.g. 10s."),
    click.option("--user-agent"),
    click.option("--header", multiple=True, help="'K: V' (repeatable)."),
    click.option("--max-error-rate", help="Fail (exit 1) above this, e.g. 0.1%."),
    click.option("--max-p99", help="Fail above this p99 latency, e.g. 500ms."),
    click.option("--min-rate", help="Fail below this share of the target rate, e.g. 95%."),
    click.option("--interval", help="Display interval, e.g. 1s."),
    click.option("--metrics", help="JSON Lines metrics file."),
    click.option("--metrics-interval", help="Every N seconds, e.g. 10s."),
    click.option("--plot", help="HTML plot of rate and latency over time."),
    click.option("--journal", help="Journal file (failures-only by default, rotated)."),
    click.option("--journal-mode", help="failures (default), sample:0.01, all or off."),
    click.option("--journal-max", help="Rotate the journal at this size, e.g. 100MB."),
    click.option("--journal-keep", help="Rotated journals kept."),
    click.option("--templates", help="Model plays per mix scenario (journey variety)."),
    click.option("--interleave", help="Customers in flight at once per connection."),
    click.option("--variations", metavar="RATE",
                 help="Rate (0-1) of Capillary's documented shape variants (docs/variations.md)."),
)


def need_load_extra() -> None:
    """Soak needs gevent and Locust, which the base install leaves out: say how to get them."""
    missing = [m for m in ("gevent", "geventhttpclient", "locust") if find_spec(m) is None]
    if missing:
        raise UsageError(
            f"capmock soak needs {', '.join(missing)}, from the load extra",
            hint="pip install 'capmock[load]'",
        )


def soak_flags(func: Any) -> Any:
    for option in reversed(SOAK_FLAGS):
        func = option(func)
    return func


def _plain_tick(snapshot: Any) -> None:
    p99 = snapshot.latency_ms.get("p99")
    click.echo(
        f"{snapshot.elapsed:7.1f}s  {snapshot.achieved_rate:8.0f}/s  in-flight "
        f"{snapshot.in_flight}  backlog {snapshot.backlog}  errors {sum(snapshot.errors.values())}"
        f"  p99 {'-' if p99 is None else f'{p99:.1f} ms'}",
        err=True,
    )


@main.command("soak")
@soak_flags
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON.")
@boundary
def soak_cmd(as_json: bool, **flags: Any) -> None:
    """Steady, open-model load of ever-new journeys; thresholds give the exit code."""
    need_load_extra()
    from capmock.soak import SoakOptions, run_soak
    from capmock.soak.display import SoakDisplay

    options = SoakOptions.from_cli(**flags)
    if sys.stderr.isatty() and not as_json:
        with SoakDisplay(options) as display:
            summary = run_soak(options, on_tick=display.update)
    else:
        summary = run_soak(options, on_tick=None if as_json else _plain_tick)
    if as_json:
        emit_json(summary.to_dict(), pretty=True)
    else:
        for line in summary.lines():
            click.echo(line)
    sys.exit(summary.exit_code)


@main.command("locustfile")
def locustfile_cmd() -> None:
    """Print the path of a ready locustfile (capmock journeys as Locust users)."""
    need_load_extra()
    from capmock.soak import locustfile_path

    click.echo(str(locustfile_path()))
