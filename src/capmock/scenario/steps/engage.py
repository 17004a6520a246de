"""Step handlers for the events of seed 005 beyond groups: manual points adjustments,
points expiry changes, target periods, subscriptions and undelivered messages, reward
fulfilment, promised alternate currencies."""

from __future__ import annotations

from typing import Any

from capmock.catalog.communication import CHANNELS, FAILURE_STATUSES, PRIORITIES
from capmock.clock import date_str, parse_date_ms
from capmock.errors import CapmockError, Rejected
from capmock.model import adjustments, engagement, target_periods, targets, tiers
from capmock.model.entities import Customer, Target
from capmock.model.membership import require_enrolled
from capmock.model.records import Reward
from capmock.scenario.steps.base import Args, Result, Session, handler, need, ref
from capmock.scenario.steps.groups import unknown
from capmock.scenario.validate import duration_ms


def choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """``value`` upper-cased, one of ``allowed``; else an error with a did-you-mean."""
    text = str(value).upper()
    if text not in allowed:
        raise unknown(what, text, allowed, f"one of: {', '.join(allowed)}")
    return text


# ---- points by hand ----------------------------------------------------------------------


@handler("adjust_points")
def adjust_points(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    points = float(args["points"])
    reason = str(args.get("reason") or ("Goodwill" if points > 0 else "Correction"))
    emission = adjustments.adjust(s.world, c, points, reason)
    program = s.world.org.default_program
    # a debit corrects points earned: it may cost the tier, as a return does
    down = points < 0 and program.downgrade_on_return
    return [emission, *tiers.reassess(s.world, c, program, allow_down=down)], None


@handler("change_points_expiry")
def change_points_expiry(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    if ("date" in args) == ("extend" in args):
        raise CapmockError("give either `date` (a new expiry) or `extend` (e.g. 90d)")
    new_ms = parse_date_ms(str(args["date"])) if "date" in args else None
    extend_ms = duration_ms(args["extend"]) if "extend" in args else None
    before = parse_date_ms(str(args["before"])) if "before" in args else None
    reason = str(args.get("reason") or "Expiry extended on request")
    emission = adjustments.change_expiry(
        s.world, c, new_ms=new_ms, extend_ms=extend_ms, before_ms=before, reason=reason
    )
    return [emission], None


# ---- target periods ----------------------------------------------------------------------


def _target(s: Session, args: Args) -> Target:
    return targets.find(s.org.targets, str(args["target"]), "target")  # type: ignore[no-any-return]


@handler("target_enrol")
def target_enrol(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    source = str(args.get("source", "API"))
    return target_periods.enrol(s.world, c, _target(s, args), source), None


@handler("target_period_start")
def target_period_start(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [target_periods.start_next(s.world, c, _target(s, args))], None


@handler("target_value_update")
def target_value_update(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    target = _target(s, args)
    return [target_periods.update_value(s.world, c, target, float(args["value"]))], None


@handler("target_period_complete")
def target_period_complete(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [target_periods.complete(s.world, c, _target(s, args))], None


# ---- subscriptions and messages ------------------------------------------------------------


@handler("subscription")
def subscription(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    channel = choice(args.get("channel", "SMS"), CHANNELS, "channel")
    status = choice(args.get("status", "UNSUBSCRIBED"), ("SUBSCRIBED", "UNSUBSCRIBED"), "status")
    raw = args.get("priority")
    priorities = [choice(raw, PRIORITIES, "priority")] if raw else list(PRIORITIES)
    return [engagement.subscribe(s.world, c, channel, priorities, status)], None


@handler("message_undelivered")
def message_undelivered(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    channel = choice(args.get("channel", "SMS"), CHANNELS, "channel")
    priority = choice(args.get("priority", "BULK"), PRIORITIES, "priority")
    raw = args.get("status")
    status = choice(raw, FAILURE_STATUSES, "delivery failure status") if raw else None
    return [engagement.undelivered(s.world, c, channel, priority, status)], None


# ---- rewards, alternate currencies -----------------------------------------------------------


@handler("update_reward_transaction")
def update_reward_transaction(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    reward = ref(s, args["reward"], Reward)
    issued = [r for r in s.world.state(c).peek("rewards") if r.reward == reward.name]
    if not issued:
        raise Rejected(
            f"reward '{reward.name}' was not issued to the customer",
            hint="add an `issue_reward` step first",
        )
    statuses = (*engagement.FLOW, *engagement.ENDS)
    status = choice(args.get("status", "DELIVERED"), statuses, "fulfilment status")
    code = issued[-1].code
    return [engagement.update_reward(s.world, c, reward, code, status)], reward


@handler("promise_alternate_currency")
def promise_alternate_currency(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    require_enrolled(s.world, c)
    world = s.world
    amount = float(args["amount"])
    if amount <= 0:
        raise CapmockError("amount must be more than 0")
    name = str(args.get("currency", "stars"))
    days = int((duration_ms(args.get("convert_in", "14d")) or 0) // 86_400_000)
    promised = engagement.promise(world, c, name, amount)
    balance = world.state(c).alternate.get(name, 0.0)
    facts = {
        "currencies": [
            {
                "name": name,
                "regular": 0.0,
                "promotional": [],
                "promised": amount,
                "conversion_date": date_str(world.date(days)),
                "external_trigger": True,  # converted by `convert_alternate_currency`
                "current": balance,
                "lifetime": balance,
            }
        ],
        "bill_id": promised.bill_id,
        "bill_number": promised.bill_number,
    }
    return [world.emission("alternateCurrenciesIssued", c, facts)], None


@handler("convert_alternate_currency")
def convert_alternate_currency(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [engagement.convert(s.world, c)], None
