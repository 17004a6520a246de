"""Evaluate a scenario's ``check:`` step against the consumer's state endpoint.

The expected values are the step's ``json`` with its templates rendered from the model as
it was at that point of the scenario; the endpoint is polled (backoff, deadline) until
every JSONPath holds, so a consumer that applies events asynchronously gets its time.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from capmock.contract.consumer_state import Observation, StateEndpoint
from capmock.contract.poll import Clock, Poller, Sleep
from capmock.contract.results import Case, failed
from capmock.delivery.types import EventOutcome
from capmock.errors import ScenarioError
from capmock.scenario.expressions import PathError, lookup, parse_jsonpath, render, same
from capmock.scenario.player import Checkpoint
from capmock.scenario.validate import duration_ms

DEFAULT_WITHIN = 10.0
HISTORY = 10  # deliveries listed before a failed check


def expected(check: Checkpoint) -> dict[str, Any]:
    """JSONPath -> the value the model says, for this check."""
    try:
        return {str(k): render(v, check.model) for k, v in (check.args.get("json") or {}).items()}
    except PathError as err:
        raise ScenarioError(str(err), file=check.where, field="check.json") from err


def mismatches(want: dict[str, Any], got: Observation, status: int) -> list[str]:
    """What does not hold (empty: the check passes)."""
    if got.status != status:
        return [f"status {got.status if got.status is not None else got.error}, not {status}"]
    out = []
    for path, value in want.items():
        found, actual = lookup(got.body, parse_jsonpath(path))
        if not found:
            out.append(f"{path} is missing (want {json.dumps(value)})")
        elif not same(value, actual):
            out.append(f"{path} = {json.dumps(actual)}, want {json.dumps(value)}")
    return out


def evaluate(
    check: Checkpoint,
    state: StateEndpoint,
    history: dict[int, list[EventOutcome]],
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    default_within: float | None = None,
) -> Case:
    want = expected(check)
    status = int(check.args.get("status", 200))
    within_ms = duration_ms(check.args.get("within", "")) if "within" in check.args else None
    within = within_ms / 1000 if within_ms is not None else default_within or DEFAULT_WITHIN
    name = f"check {check.customer} at {check.where}"
    started = clock()
    with requests.Session() as session:
        polled = Poller(within, clock=clock, sleep=sleep).until(
            lambda: state.read(check.customer_id, session),
            lambda obs: not mismatches(want, obs, status),
        )
    seconds = round(clock() - started, 3)
    url = state.url(check.customer_id)
    if polled.ok:
        shown = ", ".join(f"{k} = {json.dumps(v)}" for k, v in want.items())
        return Case(name, "checks", message=f"{url}: {shown}", seconds=seconds)
    problems = mismatches(want, polled.value, status)
    raw = check.args.get("json") or {}
    wanted = "\n".join(f"  {k} = {json.dumps(v)}  ({raw[k]})" for k, v in want.items())
    details = "\n".join([
        f"expected {state.method} {url} -> {status} with",
        wanted,
        f"got, after {polled.tries} reads over {polled.elapsed:.2f}s (within {within:g}s):",
        *(f"  {p}" for p in problems),
        f"  last answer: {polled.value.brief()}",
        *_preceding(check, history),
    ])
    return failed(name, "checks", "; ".join(problems), details, seconds=seconds)


def _preceding(check: Checkpoint, history: dict[int, list[EventOutcome]]) -> list[str]:
    mine = history.get(check.customer_id, [])
    others = sum(len(v) for k, v in history.items() if k != check.customer_id)
    lines = [f"deliveries for {check.customer} (customer {check.customer_id}) before this check"
             f" ({len(mine)}; {others} for other customers), most recent last:"]
    if len(mine) > HISTORY:
        lines.append(f"  … {len(mine) - HISTORY} earlier")
    lines += [f"  {o.describe()}" + (f" [status {o.status}]" if o.status else "")
              for o in mine[-HISTORY:]]
    return lines
