"""Play a scenario with its expectations: deliver up to each ``check:``, check, continue.

Events are streamed in *segments*: everything before a check is delivered (every event
acknowledged or failed-final, duplicates included) before the consumer's state is polled,
then the next segment starts. A scenario without checks is one segment, one ``deliver``.
The results are cases: one per group of events that share an expectation (the scenario's
default, or a step's ``expect:``) and one per check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from capmock.contract.checkpoint import evaluate
from capmock.contract.consumer_state import StateEndpoint
from capmock.contract.poll import Clock, Sleep
from capmock.contract.results import Case, failed
from capmock.delivery import DeliveryOptions, Planned, Summary, deliver
from capmock.delivery.types import Attempt, EventOutcome
from capmock.errors import UsageError
from capmock.scenario.expect import DEFAULT, Expect, parse_expect
from capmock.scenario.loader import Scenario
from capmock.scenario.player import Checkpoint, Player, Rendered
from capmock.scenario.validate import duration_ms

JournalArg = str | Path | bool | None
SHOWN = 20  # failing events listed per case


def has_checks(steps: Any) -> bool:
    """Whether a scenario's steps (nested ones included) contain a `check:`."""
    if isinstance(steps, list):
        return any(has_checks(s) for s in steps)
    if isinstance(steps, dict):
        return "check" in steps or any(has_checks(v) for v in steps.values())
    return False


def consumer_state(
    scenario: Scenario, target: str, override: str | None = None, headers: tuple[str, ...] = ()
) -> StateEndpoint | None:
    """The state endpoint: ``--state`` (with ``--state-header``) or ``consumer.state``."""
    block = scenario.doc.get("consumer") or {}
    spec = override or block.get("state")
    if not spec:
        return None
    given: dict[str, Any] | tuple[str, ...] = headers if override else (block.get("headers") or {})
    return StateEndpoint.parse(str(spec), target=target, headers=given)


@dataclass
class Played:
    summary: Summary
    cases: list[Case]
    segments: int = 1


@dataclass
class _Run:
    """Bookkeeping across segments."""

    scenario: Scenario
    default: Expect
    user_hook: Callable[[Attempt], None] | None = None
    expects: dict[int, tuple[Expect, str]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    history: dict[int, list[EventOutcome]] = field(default_factory=dict)
    total: Summary = field(default_factory=Summary)
    seq: int = 0

    def plan(self, item: Rendered) -> Planned:
        planned = Planned.from_payload(self.seq, item.payload)
        if item.expect is not None:
            self.expects[self.seq] = (parse_expect(item.expect), item.step)
        self.seq += 1
        return planned

    def on_attempt(self, attempt: Attempt) -> None:
        if attempt.status is not None:
            self.latencies.append(attempt.latency_ms)
        if self.user_hook is not None:
            self.user_hook(attempt)

    def add(self, summary: Summary) -> None:
        t = self.total
        for name in ("planned", "delivered", "failed_final", "pending", "retries",
                     "duplicates_sent", "reordered"):
            setattr(t, name, getattr(t, name) + getattr(summary, name))
        t.interrupted = t.interrupted or summary.interrupted
        t.journal = t.journal or summary.journal
        t.outcomes.update(summary.outcomes)
        for outcome in summary.outcomes.values():
            self.history.setdefault(outcome.customer_id or 0, []).append(outcome)


def play(
    player: Player,
    target: str,
    options: DeliveryOptions,
    *,
    state: StateEndpoint | None = None,
    journal: JournalArg = None,
    meta: dict[str, Any] | None = None,
    on_progress: Callable[[EventOutcome], None] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    **hooks: Any,
) -> Played:
    """Deliver ``player``'s events to ``target``, checking as the scenario says."""
    scenario = player.scenario
    checks = has_checks(scenario.steps)
    if checks and state is None:
        raise UsageError(
            f"{scenario.path}: the scenario has check steps but no consumer state to read",
            hint='add consumer: {state: "GET {base}/customers/{customerId}"} or pass --state',
        )
    default = parse_expect(scenario.doc["expect"]) if "expect" in scenario.doc else DEFAULT
    run = _Run(scenario, default, hooks.pop("on_attempt", None))

    def send(events: Iterator[Planned], segment: int) -> Summary:
        return deliver(
            events, target, options, journal=_journal(journal, segment),
            meta={**(meta or {}), "segment": segment}, on_progress=on_progress,
            on_attempt=run.on_attempt, clock=clock, sleep=sleep, **hooks,
        )

    def check(point: Checkpoint) -> Case:
        assert state is not None  # checked above
        if player.vendor is not None:  # that vendor's consumer knows the holder by its id
            holder = dict(player.vendor.identities(int(point.customer_id)))["holder"]
            point = replace(point, customer_id=holder)
        return evaluate(point, state, run.history, clock=clock, sleep=sleep,
                        default_within=_within(scenario))

    start = clock()
    cases, segments = _walk(run, player.items(), send, check)
    if segments > 1 or checks:
        run.total.elapsed_s = round(clock() - start, 6)
        run.total.set_latencies(run.latencies)
    return Played(run.total, expectation_cases(run) + cases, max(segments, 1))


def _walk(
    run: _Run,
    items: Iterator[Rendered | Checkpoint],
    send: Callable[[Iterator[Planned], int], Summary],
    check: Callable[[Checkpoint], Case],
) -> tuple[list[Case], int]:
    """Deliver segment after segment, checking between them; (check cases, segments)."""
    cases: list[Case] = []
    segment = 0
    while True:
        first, point = _next(items)
        if first is not None:
            stop: list[Checkpoint] = []
            summary = send(_segment(run, first, items, stop), segment)
            run.add(summary)
            segment += 1
            if segment == 1 and not stop:
                run.total = summary  # one segment: the summary exactly as deliver made it
            point = stop[0] if stop else None
        if point is None:
            return cases, segment
        cases.append(check(point))


def _within(scenario: Scenario) -> float | None:
    ms = duration_ms((scenario.doc.get("consumer") or {}).get("within", ""))
    return None if ms is None else ms / 1000


def _next(items: Iterator[Rendered | Checkpoint]) -> tuple[Rendered | None, Checkpoint | None]:
    item = next(items, None)
    if isinstance(item, Checkpoint):
        return None, item
    return item, None


def _segment(
    run: _Run, first: Rendered, items: Iterator[Rendered | Checkpoint], stop: list[Checkpoint]
) -> Iterator[Planned]:
    """Planned events up to (not including) the next checkpoint, which lands in ``stop``."""
    yield run.plan(first)
    for item in items:
        if isinstance(item, Checkpoint):
            stop.append(item)
            return
        yield run.plan(item)


def _journal(journal: JournalArg, segment: int) -> str | Path | bool | None:
    """Segment 0 writes the journal asked for; later ones ``<stem>.<n><suffix>`` beside it."""
    if journal is False or journal is None or journal is True or segment == 0:
        return None if journal is True else journal
    path = Path(journal)
    return path.with_name(f"{path.stem}.{segment}{path.suffix}")


# ---- expectations ---------------------------------------------------------------------------


def expectation_cases(run: _Run) -> list[Case]:
    """One case per expectation group: the default, and each step with its own `expect:`."""
    groups: dict[str, tuple[Expect, list[EventOutcome]]] = {}
    label = f"deliveries [{run.default.label}]"
    for seq, outcome in sorted(run.total.outcomes.items()):
        expect, step = run.expects.get(seq, (run.default, ""))
        key = f"expect {expect.label} at {step}" if step else label
        groups.setdefault(key, (expect, []))[1].append(outcome)
    return [_group_case(run.scenario.name, k, e, o) for k, (e, o) in groups.items()]


def _group_case(group: str, name: str, expect: Expect, outcomes: list[EventOutcome]) -> Case:
    bad = [o for o in outcomes if o.outcome == "pending" or not expect.matches(o.status)]
    if not bad:
        return Case(name, group, message=f"{len(outcomes)} events answered {expect.label}")
    lines = [f"{_got(o)} — {o.describe()}" for o in bad[:SHOWN]]
    if len(bad) > SHOWN:
        lines.append(f"… and {len(bad) - SHOWN} more")
    first = bad[0]
    return failed(
        name, group,
        f"{len(bad)} of {len(outcomes)} events did not get {expect.label}: "
        f"{first.event_name} #{first.seq} got {_status(first)}",
        f"expected {expect.label}; got:\n" + "\n".join(lines),
    )


def _status(o: EventOutcome) -> str:
    if o.outcome == "pending":
        return "nothing (not sent: the run was interrupted)"
    if o.status is None:
        return f"no answer ({o.reason or 'no response'})"
    return str(o.status)


def _got(o: EventOutcome) -> str:
    return f"got {_status(o)}"
