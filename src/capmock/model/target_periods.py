"""Target periods: a customer enrolled in a target is tracked period by period.

Enrolment opens period 1; each period starts with the achieved value at 0 and the
target's defined value (or the customer's own, once ``targetValueUpdated`` changed it);
purchases move the achieved value as for every target (``targetAchievedValueUpdated``,
``targetValueAchieved`` when it reaches the defined value, whose moment is remembered);
completing the period states what was achieved. The next period can start once the
current one is complete. Customers not enrolled are tracked as before: the org's value,
no periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capmock.clock import date_str
from capmock.errors import Rejected
from capmock.model import books
from capmock.model.entities import Customer, Target
from capmock.model.world import Emission, World


@dataclass
class Enrolment:
    target: str
    period: int = 1
    started_ms: int = 0
    defined: float | None = None  # the customer's own defined value; None: the target's
    achieved_ms: int | None = None  # when the defined value was reached this period
    open: bool = True


@dataclass
class Periods:
    by_customer: dict[tuple[int, str], Enrolment] = field(default_factory=dict)


def periods(world: World) -> Periods:
    return books.book(world, "_target_periods", Periods)


def any_periods(world: World) -> bool:
    return books.has(world, "_target_periods")


def enrolment(world: World, customer: Customer, target: Target) -> Enrolment | None:
    return periods(world).by_customer.get((customer.customer_id, target.name))


def defined(target: Target, e: Enrolment | None) -> float:
    if e is not None and e.defined is not None:
        return e.defined
    return target.value


def facts(world: World, target: Target, e: Enrolment) -> dict[str, Any]:
    """The target and its current period, as the catalog's target builders read them."""
    name = target.name
    group = target.group or name
    return {
        "target_id": world.ids.stable("target", name),
        "target_name": name,
        "group_id": world.ids.stable("target_group", group),
        "group_name": group,
        "period_id": world.ids.stable("target_period", f"{name}#{e.period}"),
        "period_name": f"P{e.period}",
        "defined": defined(target, e),
        "metric": target.metric,
    }


def track(world: World, customer: Customer, target: Target, f: dict[str, Any]) -> float:
    """Hook for a target's progress: the customer's defined value (the goal); for an
    enrolled customer, ``f`` gets the period's facts and the moment the goal is reached."""
    e = enrolment(world, customer, target)
    if e is None or not e.open:
        return target.value
    f.update({k: v for k, v in facts(world, target, e).items() if k != "metric"})
    goal = defined(target, e)
    if e.achieved_ms is None and float(f.get("after", 0)) >= goal:
        e.achieved_ms = world.now_ms
    return goal


def _achieved(world: World, customer: Customer) -> dict[str, float]:
    targets: dict[str, float] = world.state(customer).targets
    return targets


def _start(world: World, customer: Customer, target: Target, e: Enrolment) -> Emission:
    e.started_ms, e.achieved_ms, e.open = world.now_ms, None, True
    _achieved(world, customer)[e.target] = 0.0
    return world.emission("targetPeriodStarted", customer, facts(world, target, e))


def enrol(world: World, customer: Customer, target: Target, source: str) -> list[Emission]:
    """targetCustomerEnrolment, then targetPeriodStarted for period 1."""
    key = (customer.customer_id, target.name)
    book = periods(world)
    if key in book.by_customer:
        raise Rejected(f"already enrolled in target '{target.name}'")
    e = book.by_customer[key] = Enrolment(target.name)
    start = world.date(0)
    f = {**facts(world, target, e), "source": source, "period_start": date_str(start)}
    enrolled = world.emission("targetCustomerEnrolment", customer, f)
    return [enrolled, _start(world, customer, target, e)]


def _need(world: World, customer: Customer, target: Target) -> Enrolment:
    e = enrolment(world, customer, target)
    if e is None:
        raise Rejected(
            f"not enrolled in target '{target.name}'", hint="add a `target_enrol` step first"
        )
    return e


def start_next(world: World, customer: Customer, target: Target) -> Emission:
    e = _need(world, customer, target)
    if e.open:
        raise Rejected(
            f"period P{e.period} of '{e.target}' is still open",
            hint="complete it first (`target_period_complete`)",
        )
    e.period += 1
    return _start(world, customer, target, e)


def update_value(world: World, customer: Customer, target: Target, value: float) -> Emission:
    e = _need(world, customer, target)
    if value <= 0:
        raise Rejected("a target value must be more than 0")
    e.defined = float(value)
    achieved = _achieved(world, customer).get(e.target, 0.0)
    if e.open and e.achieved_ms is None and achieved >= value:
        e.achieved_ms = world.now_ms
    f = {**facts(world, target, e), "before": achieved, "after": achieved}
    return world.emission("targetValueUpdated", customer, f)


def complete(world: World, customer: Customer, target: Target) -> Emission:
    e = _need(world, customer, target)
    if not e.open:
        raise Rejected(f"period P{e.period} of '{e.target}' is already complete")
    e.open = False
    achieved = _achieved(world, customer).get(e.target, 0.0)
    f = {**facts(world, target, e), "before": achieved, "after": achieved}
    f["achieved_ms"] = e.achieved_ms
    return world.emission("targetPeriodCompleted", customer, f)


def state(world: World) -> list[dict[str, Any]]:
    return [
        {
            "customerId": cid,
            "target": e.target,
            "period": f"P{e.period}",
            "open": e.open,
            "defined": e.defined,
            "achievedAt": e.achieved_ms,
        }
        for (cid, _), e in periods(world).by_customer.items()
    ]
