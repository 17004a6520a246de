"""Steps read once: what the player needs of a step, worked out on its first run.

A scenario's steps are plain mappings from YAML. Splitting one into its action and
arguments, taking out the keys every step may carry (``as``, ``expect``, ``envelope``…)
and summing a ``choose``'s weights is the same work every time the step runs, and a
crowd runs the same steps for every customer; an :class:`Op` keeps the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from capmock.scenario import spec
from capmock.scenario.yamlload import mark_of

# Op kinds: the steps the player runs itself, and ACT for those a handler runs.
ACT, CHOOSE, FOR_EACH, REPEAT, WAIT, CHECK = range(6)
KINDS = {"choose": CHOOSE, "for_each": FOR_EACH, "repeat": REPEAT, "wait": WAIT, "check": CHECK}

# Control keys every act may carry; taken out before the handler sees its arguments.
CONTROL = ("expect_rejection", "expect", "envelope", "note", "as")


def split_step(step: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(action, arguments) of a checked step, shorthand expanded."""
    action = next(k for k in step if k in spec.STEPS)
    definition = spec.STEPS[action]
    raw = step[action]
    if isinstance(raw, dict):
        args = dict(raw)
    elif raw is None:
        args = {}
    else:
        args = {definition.primary: raw}
    for k, v in step.items():
        if k != action and k != "steps":
            args[k] = v
    return action, args


@dataclass(slots=True)
class Op:
    """One step, read. ``args`` are split_step's; an act's ``call`` lacks the control
    keys and ``customer``, which are kept apart."""

    step: dict[str, Any]
    action: str
    kind: int
    args: dict[str, Any]
    steps: list[Any]  # nested steps (repeat, for_each)
    call: dict[str, Any]
    customer: Any = None  # the act's `customer:` argument
    reject: bool = False  # expect_rejection
    expect: tuple[Any, str] | None = None  # (expectation, where the step is)
    style: str | None = None  # envelope override
    name: str | None = None  # as:
    branches: list[list[Any]] | None = None  # choose: each branch's steps
    cum: list[float] | None = None  # choose: cumulative weights (None: draw nothing)
    total: float = 0.0


def where(step: Any, action: str) -> str:
    mark = mark_of(step, action)
    return f"line {mark.line} ({action})" if mark else action


def compile_step(step: dict[str, Any]) -> Op:
    action, args = split_step(step)
    kind = KINDS.get(action, ACT)
    op = Op(step, action, kind, args, step.get("steps") or [], {})
    if kind == ACT:
        call = dict(args)
        op.reject = bool(call.pop("expect_rejection", False))
        expect = call.pop("expect", None)
        op.expect = None if expect is None else (expect, where(step, action))
        op.style = call.pop("envelope", None)
        call.pop("note", None)
        op.name = call.pop("as", None)
        op.customer = call.pop("customer", None)
        op.call = call
    elif kind == CHOOSE:
        _weigh(op, args["branches"])
    return op


def _weigh(op: Op, branches: list[dict[str, Any]]) -> None:
    """Cumulative weights, as ``random.choices`` would sum them; ``cum`` stays None when
    the branches weigh nothing (no branch runs, nothing is drawn)."""
    weights = [float(b.get("weight", 1)) for b in branches]
    op.branches = [b.get("steps") or [] for b in branches]
    if sum(weights) <= 0:
        return
    op.cum = list(accumulate(weights))
    op.total = op.cum[-1] + 0.0
    if not math.isfinite(op.total):
        raise ValueError("Total of weights must be finite")
