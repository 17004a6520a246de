"""What a scenario would cost, weighed before anything is built or played.

A plan is refused when its steps would run more than ``max_events`` times (a bulk
``issue_coupon`` weighs its ``count``; repeats and crowds multiply what they hold; a
``choose`` weighs its heaviest branch), when its repeats and crowds would go round more
than ``max_events`` times (an empty loop still takes time), or when its waits would carry
the clock past the end of the calendar. The error names the step where the limit is crossed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from capmock.errors import ScenarioError
from capmock.scenario.compiled import split_step
from capmock.scenario.yamlload import mark_of

DEFAULT_MAX_EVENTS = 5_000_000
# The model keeps every customer to the end of a plan (a later wait may expire their
# points), about 2.4 KB each: crowds may make this many in all.
MAX_CUSTOMERS = 1_000_000
# The model's clock stays within these years: dates a few hundred years past it (expiries,
# validity) must still be dates.
CALENDAR_START_MS = 0  # 1970-01-01
CALENDAR_END_MS = int(datetime(9000, 1, 1, tzinfo=UTC).timestamp() * 1000)


class BudgetExceeded(ScenarioError):
    """The plan would produce more than its event budget allows."""

    def __init__(self, limit: int, what: str = "events", **where: Any) -> None:
        super().__init__(
            f"the plan would exceed its budget of {limit:,} {what} here",
            hint="lower the count or repetitions, or raise the event budget",
            **where,
        )
        self.limit = limit


@dataclass
class _Cost:
    events: int = 0
    clock_ms: int = 0
    loops: int = 0  # rounds of repeats and crowd members: work even when nothing is emitted
    customers: int = 0  # crowd members made (each for_each over a crowd makes new ones)

    def raise_to(self, other: _Cost) -> None:
        """Each measure the larger of this cost's and ``other``'s."""
        self.events = max(self.events, other.events)
        self.clock_ms = max(self.clock_ms, other.clock_ms)
        self.loops = max(self.loops, other.loops)
        self.customers = max(self.customers, other.customers)


class Weigher:
    def __init__(
        self, doc: dict[str, Any], file: str, start_ms: int, max_events: int | None
    ) -> None:
        self.file, self.start_ms, self.max_events = file, start_ms, max_events
        customers = doc.get("customers") or {}
        self.crowds = {
            name: int(raw["crowd"])
            for name, raw in customers.items()
            if isinstance(raw, dict) and "crowd" in raw
        }

    def where(self, step: Any, action: str, path: str) -> dict[str, Any]:
        mark = mark_of(step, action)
        return {
            "file": mark.file if mark else self.file,
            "line": mark.line if mark else 1,
            "column": mark.column if mark else None,
            "field": f"{path}.{action}",
        }

    def steps(self, steps: list[Any], times: int, cost: _Cost, path: str) -> None:
        for i, step in enumerate(steps):
            self.step(step, times, cost, f"{path}[{i}]")

    def step(self, step: dict[str, Any], times: int, cost: _Cost, path: str) -> None:
        action, args = split_step(step)
        nested = step.get("steps") or []
        if action in ("repeat", "for_each"):
            n = int(args["times"]) if action == "repeat" else self.crowds.get(args["customers"], 1)
            cost.loops += times * n
            if action == "for_each" and args["customers"] in self.crowds:
                cost.customers += times * n
            self.judge(step, action, cost, path)
            self.steps(nested, times * n, cost, f"{path}.steps")
        elif action == "choose":
            self.choose(args["branches"], times, cost, path)
        else:
            if action == "wait":
                from capmock.scenario.validate import duration_ms  # the catalog: loaded late

                cost.clock_ms += times * (duration_ms(args["duration"]) or 0)
            cost.events += times * (int(args.get("count", 1)) if action == "issue_coupon" else 1)
        self.judge(step, action, cost, path)

    def choose(self, branches: list[dict[str, Any]], times: int, cost: _Cost, path: str) -> None:
        heaviest = _Cost()
        for i, branch in enumerate(branches):
            if branch.get("weight", 1) <= 0:
                continue
            one = _Cost(cost.events, cost.clock_ms, cost.loops, cost.customers)
            self.steps(branch.get("steps") or [], times, one, f"{path}.choose[{i}].steps")
            heaviest.raise_to(one)
        cost.raise_to(heaviest)

    def judge(self, step: Any, action: str, cost: _Cost, path: str) -> None:
        if self.max_events is not None and cost.events > self.max_events:
            raise BudgetExceeded(self.max_events, **self.where(step, action, path))
        if self.max_events is not None and cost.loops > self.max_events:
            where = self.where(step, action, path)
            raise BudgetExceeded(self.max_events, "rounds of repeats and crowds", **where)
        if cost.customers > MAX_CUSTOMERS:
            raise ScenarioError(
                f"the plan would make more than {MAX_CUSTOMERS:,} crowd customers here",
                hint="each is kept to the end of the plan (about 2.4 KB): a smaller crowd",
                **self.where(step, action, path),
            )
        if self.start_ms + cost.clock_ms >= CALENDAR_END_MS:
            raise ScenarioError(
                "the waits carry the clock past the year 9000",
                hint="shorter waits, fewer repetitions, or an earlier start",
                **self.where(step, action, path),
            )


def weigh(doc: dict[str, Any], file: str, start_ms: int, max_events: int | None) -> int:
    """The plan's weight: how many times its steps run (a bulk coupon issue counting each
    coupon); raises past a limit. The player counts the events themselves as it plays."""
    cost = _Cost()
    Weigher(doc, file, start_ms, max_events).steps(doc.get("steps") or [], 1, cost, "steps")
    return cost.events
