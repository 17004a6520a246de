"""``capmock soak`` and ``capmock locustfile``: steady load for hours, or Locust beyond one
machine. ``capmock.soak`` is imported inside the commands: it brings gevent along."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from importlib.util import find_spec
from typing import Any

import click

from capmock.cli.base import boundary, emit_json, main, vendor_option
from capmock.cli.params import delivery_flags, setting_flags
from capmock.errors import UsageError


def need_load_extra() -> None:
    """Soak needs gevent and Locust, which the base install leaves out: say how to get them."""
    missing = [m for m in ("gevent", "geventhttpclient", "locust") if find_spec(m) is None]
    if missing:
        raise UsageError(
            f"capmock soak needs {', '.join(missing)}, from the load extra",
            hint="pip install 'capmock[load]'",
        )


def soak_flags(func: Any) -> Any:
    """The soak's own settings, then the delivery settings a soak takes (declared once, in
    capmock.soak.settings and capmock.delivery.options)."""
    from capmock.soak.settings import SOAK_DELIVERY, SOAK_DELIVERY_HELP, SOAK_SETTINGS

    with_delivery = delivery_flags(func, only=SOAK_DELIVERY, helps=SOAK_DELIVERY_HELP)
    return setting_flags(SOAK_SETTINGS)(with_delivery)


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
@vendor_option
@boundary
def soak_cmd(as_json: bool, vendor: str, **flags: Any) -> None:
    """Steady, open-model load of ever-new journeys; thresholds give the exit code."""
    need_load_extra()
    from capmock.runner import TARGET_ENV

    flags["target"] = flags.get("target") or os.environ.get(TARGET_ENV)
    if flags["target"]:
        _soak(as_json, vendor, flags)
        return
    from capmock.delivery.sink import Sink

    with Sink.start(record=False, threads=32) as sink:  # as `capmock run` without a target
        flags["target"] = sink.url + "soak"
        click.echo(f"capmock: no --target: soaking capmock's own sink at {flags['target']} "
                   "(on this machine's cores: a demonstration, not your consumer's limits)",
                   err=True)
        _soak(as_json, vendor, flags)


def _soak(as_json: bool, vendor: str, flags: dict[str, Any]) -> None:
    from capmock.soak import SoakOptions, run_soak
    from capmock.soak.display import SoakDisplay

    options = replace(SoakOptions.from_settings(flags), vendor=vendor)
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
