"""``capmock check``: the standard contract suite against any webhook consumer."""

from __future__ import annotations

import sys
from typing import Any

import click

from capmock.cli.base import boundary, emit_json, main, variations_option, vendor_option
from capmock.cli.delivery import report_flags, write_reports
from capmock.cli.params import POSITIVE_DURATION, delivery_flags, pop_settings
from capmock.contract.suite import CHECKS
from capmock.envelope import STYLES
from capmock.errors import UsageError, did_you_mean

FAULT_FLAGS = ("duplicates", "duplicate_delay", "reorder", "reorder_scope", "delay", "burst")
TUNING = ("max_attempts", "backoff", "give_up_after")


def _names(text: str | None, known: Any, what: str) -> frozenset[str] | None:
    if not text:
        return None
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    for name in sorted(names):
        if name not in known:
            guess = did_you_mean(name, known)
            raise UsageError(
                f"unknown {what} '{name}'", hint=f"did you mean '{guess}'?" if guess else None
            )
    return names


def suite_options(flags: dict[str, Any]) -> tuple[Any, Any]:
    """(options, retrying policy): the checks judge first answers unless --retry is given;
    retry-safety and concurrency retry 5xx quickly unless --retry says how."""
    from capmock.contract.suite import quick_retries
    from capmock.delivery import DeliveryOptions
    from capmock.delivery.options import given

    values = given(flags)
    faults = [f"--{k.replace('_', '-')}" for k in FAULT_FLAGS if k in values]
    if faults:
        raise click.UsageError(
            f"{', '.join(faults)}: check applies its own faults, one check at a time "
            "(use `capmock run` to deliver a scenario with faults)"
        )
    tuned = any(k in values for k in TUNING)
    explicit = "retry" in values or tuned
    values.setdefault("retry", "custom" if tuned else "none")
    options = DeliveryOptions.from_settings(values)
    return options, options.policy if explicit else quick_retries()


@main.command("check")
@click.option(
    "--target",
    required=True,
    help="Webhook URL, or wsgi:module:app[/path] to serve a WSGI app in-process.",
)
@click.option("--envelope", type=click.Choice(STYLES), default="flat", show_default=True)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Seeds the events (customer ids and eventIds are fresh every run).",
)
@click.option("--events", help="Comma-separated events the consumer subscribes to (default all).")
@click.option("--only", help=f"Comma-separated checks: {', '.join(CHECKS)}.")
@click.option(
    "--within",
    type=POSITIVE_DURATION,
    default="5s",
    show_default=True,
    help="How long the consumer's state may take to settle or agree.",
)
@click.option("--json", "as_json", is_flag=True, help="The report as JSON on stdout.")
@click.option("--quiet", is_flag=True, help="Only the failures and the verdict.")
@variations_option
@report_flags
@delivery_flags
@vendor_option
@boundary
def check_cmd(
    target: str,
    envelope: str,
    vendor: str,
    seed: int,
    events: str | None,
    only: str | None,
    within: float,
    as_json: bool,
    quiet: bool,
    state: str | None,
    state_header: tuple[tuple[str, str], ...],
    junit: str | None,
    report_json: str | None,
    summary_md: str | None,
    variations: float,
    **kwargs: Any,
) -> None:
    """Run the standard contract suite against TARGET: acceptance, idempotency, order
    tolerance, tolerant reader, retry safety, concurrency. With --state the consumer's
    documents are compared; without it the state checks judge status codes only."""
    from capmock import catalog
    from capmock.contract.checks import run_suite
    from capmock.contract.consumer_state import StateEndpoint
    from capmock.contract.suite import SuiteConfig
    from capmock.contract.webhook import serving
    from capmock.delivery.health import probe
    from capmock.delivery.secrets import redact_url

    options, retrying = suite_options(pop_settings(kwargs))
    known = catalog.names() if vendor == "capillary" else [vendor_event_type()]
    subscribed = _names(events, known, "event")
    checks = _names(only, CHECKS, "check") or frozenset(CHECKS)
    live = not (quiet or as_json)
    with serving(target) as url:
        # the arguments first (a bad --state is exit 2 alone), then whether anyone listens
        endpoint = StateEndpoint.parse(state, target=url, headers=state_header) if state else None
        problem = probe(url)
        if problem:  # said once, first, before the failures it causes
            click.echo(f"capmock: {problem}", err=True)
        config = SuiteConfig(
            url,
            options=options,
            retrying=retrying,
            state=endpoint,
            envelope=envelope,
            vendor=vendor,
            seed=seed,
            within=within,
            events=subscribed,
            only=tuple(c for c in CHECKS if c in checks),
            on_case=(lambda case: click.echo(case.describe())) if live else None,
            variations=variations,
        )
        if live:
            click.echo(
                f"capmock check {redact_url(url)}"
                + (f"  (state {endpoint.template})" if endpoint else "  (no --state)")
            )
        report = run_suite(config)
    write_reports(report, junit, report_json, summary_md)
    if as_json:
        emit_json(report.to_dict(), pretty=True)
    else:
        _verdict(report, details=not quiet)
    sys.exit(0 if report.ok else 1)


def vendor_event_type() -> str:
    from capmock.vendor.voucherify import EVENT_TYPE

    return EVENT_TYPE


def _verdict(report: Any, details: bool) -> None:
    for note in report.notes:
        click.echo(f"note: {note}")
    for case in (c for c in report.cases if c.failed):
        click.echo(f"\n{case.describe()}" if details else case.describe())
        if details:
            click.echo("\n".join(f"    {line}" for line in case.details.splitlines()))
    c = report.counts()
    verdict = "passed" if report.ok else "FAILED"
    click.echo(f"\n{verdict}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
