"""``capmock run`` and ``capmock replay``: delivery flags, progress and the summary."""

from __future__ import annotations

import shlex
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from capmock.cli.base import (
    boundary,
    emit_json,
    fields_option,
    main,
    variations_option,
    vendor_option,
)
from capmock.cli.catalog import budget_hint, fresh_ids_option, max_events_option, pick_seed
from capmock.cli.params import HEADER, delivery_flags, output_file, pop_settings
from capmock.delivery.health import TargetHealth
from capmock.delivery.secrets import redact_url
from capmock.delivery.types import Attempt, EventOutcome, Interrupted, Summary
from capmock.envelope import STYLES

F = TypeVar("F", bound=Callable[..., Any])

REPORT_FLAGS = (
    click.option("--junit", type=output_file("the JUnit report"),
                 help="Write JUnit XML: one testcase per check or expectation."),
    click.option("--report-json", type=output_file("the JSON report"),
                 help="Write the cases as JSON."),
    click.option("--summary-md", type=output_file("the summary"),
                 help="Append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)."),
)
STATE_FLAGS = (
    click.option(
        "--state",
        help="The consumer's state: URL template with {customerId} ({base}: the target's "
        "scheme://host:port), e.g. '{base}/customers/{customerId}'.",
    ),
    click.option("--state-header", type=HEADER, multiple=True, help="Sent with state reads."),
)


def report_flags(func: F) -> F:
    for option in reversed((*STATE_FLAGS, *REPORT_FLAGS)):
        func = option(func)
    return func


def write_reports(
    report: Any, junit: str | None, report_json: str | None, summary_md: str | None
) -> None:
    from capmock.contract.reports import write_reports as write

    write([report], junit=junit, report_json=report_json, summary_md=summary_md)


def print_cases(cases: list[Any]) -> None:
    for case in cases:
        click.echo(case.describe())
        if case.failed and case.details:
            click.echo("\n".join(f"      {line}" for line in case.details.splitlines()))


class Progress:
    """A rich progress bar on a terminal; otherwise a plain line every 100 events and one at
    the end, in the summary's words. What is wrong with the target (refusing, timing out,
    answering errors) is shown at once: live on the bar, else a line per change."""

    def __init__(self, enabled: bool, health: bool = True) -> None:
        self.done = Counter[str]()
        self.bar: Any = None
        self.health = TargetHealth() if health else None
        self.printed = 0
        self.closed = False
        if enabled and sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("[bold]delivering"),
                BarColumn(),
                TextColumn("{task.completed} events {task.description}"),
                TimeElapsedColumn(),
                transient=True,
            )
            self.task = self.bar.add_task("", total=None)
            self.bar.start()
        self.plain = enabled and self.bar is None

    def text(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.done.items()))

    def __call__(self, outcome: EventOutcome) -> None:
        self.done[outcome.outcome] += 1
        total = sum(self.done.values())
        if self.bar is not None:
            self.bar.update(self.task, completed=total, description=f"({self.text()})")
        elif self.plain and total % 100 == 0:
            self._line(total)

    def _line(self, total: int) -> None:
        click.echo(f"… {total} events finished: {self.text()}", err=True)
        self.printed = total

    def attempt(self, attempt: Attempt) -> None:
        report = self.health.observe(attempt) if self.health else None
        if report is None:
            return
        if self.bar is not None:
            if report.changed:
                self.bar.console.print(report.line, highlight=False)
            live = f" {report.line}" if report.bad else ""
            self.bar.update(self.task, description=f"({self.text()}){live}")
        elif report.changed:
            click.echo(report.line, err=True)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.bar is not None:
            self.bar.stop()
        total = sum(self.done.values())
        if self.plain and total and total != self.printed:
            self._line(total)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def print_summary(summary: Summary, target: str) -> None:
    s = summary
    click.echo(f"target     {target}")
    done = f"    already done {s.already_done}" if s.already_done else ""
    click.echo(
        f"planned    {s.planned}    delivered {s.delivered}    failed-final "
        f"{s.failed_final}    pending {s.pending}{done}"
    )
    click.echo(
        f"retries    {s.retries}    duplicates sent {s.duplicates_sent}    reordered {s.reordered}"
    )
    click.echo(
        f"latency    p50 {ms(s.latency_p50_ms)}    p95 {ms(s.latency_p95_ms)}    "
        f"p99 {ms(s.latency_p99_ms)}    in {s.elapsed_s:.2f} s"
    )
    if s.longest_hold is not None:
        click.echo(f"hold       {s.longest_hold.describe()}")
    if s.journal:
        click.echo(f"journal    {s.journal}")
    notes = s.notable()
    for line in notes[:20]:
        click.echo(f"  {line}")
    if len(notes) > 20:
        click.echo(f"  … and {len(notes) - 20} more (see the journal)")


def print_sink(received: list[Any], columns: int = 3) -> None:
    """What the embedded sink got: counts by event name, in columns."""
    names: Counter[str] = Counter(r.event_name or "?" for r in received)
    click.echo(f"the embedded sink received {len(received)} requests, {len(names)} event types:")
    cells = [
        f"{count:4d}  {name:<34}"
        for name, count in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    for start in range(0, len(cells), columns):
        click.echo("".join(cells[start : start + columns]).rstrip())


def finish(
    summary: Summary,
    target: str,
    as_json: bool,
    sink: list[Any] | None,
    cases: list[Any] | None = None,
    ok: bool | None = None,
) -> None:
    """Print the summary (and the expectation cases, when there is more than the default
    one) and exit: 0 when ``ok`` (default: every event delivered), else 1."""
    ok = summary.ok if ok is None else ok
    target = redact_url(target)
    if as_json:
        out = summary.to_dict()
        out["target"] = target
        if sink is not None:
            out["sink_received"] = len(sink)
        if cases:
            out["ok"] = ok
            out["cases"] = [c.to_dict() for c in cases]
        emit_json(out, pretty=True)
    else:
        if sink is not None:
            print_sink(sink)
        print_summary(summary, target)
        if cases and len(cases) > 1:
            print_cases(cases)
    sys.exit(0 if ok else 1)


def journaled_run(summary: Summary) -> dict[str, Any]:
    """The run record of the summary's journal ({} without one)."""
    from capmock.delivery import read_journal

    runs = read_journal(summary.journal).runs if summary.journal else []
    return runs[0] if runs else {}


def resume_command(summary: Summary, target: str | None) -> str:
    """The command that finishes an interrupted run, and what it must be given again."""
    from capmock.delivery.restore import journaled_secret_names
    from capmock.delivery.secrets import is_redacted

    run = journaled_run(summary)
    command = f"capmock run --resume {shlex.quote(summary.journal or 'JOURNAL')}"
    journaled = str(run.get("target", ""))
    if (target and is_redacted(redact_url(target))) or is_redacted(journaled):
        command += " --target URL"
    secrets = journaled_secret_names(run)
    if secrets:
        command += f"   (and the values of {', '.join(secrets)} again)"
    return command


def interrupted(stopped: Interrupted, target: str | None, as_json: bool) -> None:
    """Ctrl-C: the summary so far and how to finish the run; exit 130."""
    summary = stopped.summary
    run = journaled_run(summary)
    shown = redact_url(target or str(run.get("target") or "?"))
    if (run.get("meta") or {}).get("sink"):
        shown += " (the embedded sink: a resume starts a fresh one)"
    if as_json:
        out = {**summary.to_dict(), "target": shown, "resume": resume_command(summary, target)}
        emit_json(out, pretty=True)
    else:
        click.echo("interrupted: sends in flight finished and are journaled", err=True)
        print_summary(summary, shown)
        click.echo(f"resume     {resume_command(summary, target)}")
    sys.exit(130)


@main.command("run")
@click.argument("scenario", required=False)
@click.option(
    "--target",
    help="Webhook URL (else the scenario's, else $CAPMOCK_TARGET, else an embedded sink).",
)
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--envelope", type=click.Choice(STYLES), help="Override the scenario's envelope.")
@click.option("--journal", help="Journal file (default .capmock/runs/<timestamp>.jsonl).")
@click.option("--resume", "resume_from", help="Continue the run recorded in this journal.")
@click.option(
    "--headers-from",
    type=click.Path(dir_okay=False),
    help="'Name: value' lines sent as headers (keeps secrets out of the shell history; "
    "CAPMOCK_HEADER_<NAME> variables do the same).",
)
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@max_events_option
@fresh_ids_option
@fields_option(None)
@variations_option
@report_flags
@delivery_flags
@vendor_option
@boundary
def run_cmd(
    scenario: str | None,
    target: str | None,
    seed: int | None,
    envelope: str | None,
    journal: str | None,
    resume_from: str | None,
    headers_from: str | None,
    as_json: bool,
    quiet: bool,
    state: str | None,
    state_header: tuple[tuple[str, str], ...],
    junit: str | None,
    report_json: str | None,
    summary_md: str | None,
    max_events: int,
    fresh_ids: bool,
    fields: str | None,
    variations: float,
    vendor: str,
    **kwargs: Any,
) -> None:
    """Play SCENARIO (default: all-events) and deliver its events like Capillary does.

    The scenario's expectations (`expect:`, default 2xx) and `check:` steps (the consumer's
    state, read from `consumer.state` or --state) decide the exit code and the reports."""
    from capmock.contract.results import Report
    from capmock.runner import DEFAULT_SCENARIO, resume_run, run_scenario
    from capmock.vendor import skipped_note

    flags = pop_settings(kwargs)
    progress = Progress(not quiet and not as_json, health=not quiet)
    try:
        if resume_from:
            result = resume_run(resume_from, target=target, flags=flags,
                                headers_from=headers_from, on_progress=progress,
                                on_attempt=progress.attempt)
        else:
            with budget_hint():
                result = run_scenario(
                    scenario or DEFAULT_SCENARIO,
                    target=target,
                    flags=flags,
                    seed=pick_seed(seed, fresh_ids),
                    max_events=max_events,
                    envelope=envelope,
                    journal=journal,
                    on_progress=progress,
                    on_attempt=progress.attempt,
                    state=state,
                    state_headers=state_header,
                    headers_from=headers_from,
                    variations=variations,
                    fields=fields,
                    vendor=vendor,
                )
    except Interrupted as stopped:
        progress.close()
        interrupted(stopped, target, as_json)
    finally:
        progress.close()
    vendored = result.player.vendor if result.player else None
    note = skipped_note(vendored.skipped, result.player.scenario.vendor) if vendored else None
    if note and not as_json:
        click.echo(f"note: {note}", err=True)
    name = Path(result.scenario).stem
    report = Report(
        f"run {name}", result.cases, {"target": result.target, "scenario": result.scenario}
    )
    write_reports(report, junit, report_json, summary_md)
    finish(result.summary, result.target, as_json, result.sink, result.cases, result.ok)


@main.command("replay")
@click.argument("journal")
@click.option(
    "--only",
    "only",
    multiple=True,
    help="failed (default), pending, all, or eventIds (repeatable or comma-separated).",
)
@click.option("--target", help="Webhook URL (default: the journal's target).")
@click.option("--new-ids", is_flag=True, help="Give every re-sent event a fresh eventId.")
@click.option("--json", "as_json", is_flag=True)
@delivery_flags
@boundary
def replay_cmd(
    journal: str,
    only: tuple[str, ...],
    target: str | None,
    new_ids: bool,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Re-deliver the journaled bytes of a run's events."""
    from capmock.delivery import DeliveryOptions, replay
    from capmock.delivery.recovery import SELECTIONS

    options = DeliveryOptions.from_settings(pop_settings(kwargs))
    select: Any = "failed"
    chosen = [part.strip() for value in only for part in value.split(",") if part.strip()]
    if len(chosen) == 1 and chosen[0] in SELECTIONS:
        select = chosen[0]
    elif chosen:
        select = chosen  # eventIds, repeated or comma-separated
    progress = Progress(False, health=True)
    summary = replay(journal, options, select=select, new_ids=new_ids, target=target,
                     on_attempt=progress.attempt)
    finish(summary, target or "(journal's target)", as_json, None)
