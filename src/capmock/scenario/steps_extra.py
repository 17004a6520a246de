"""Step handlers for coupons, tiers, targets, streaks, badges, rewards, partners, requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from capmock.errors import CapmockError, Rejected, did_you_mean
from capmock.model import ops, target_periods
from capmock.model.entities import Customer, Program
from capmock.model.world import Bill, Emission, World
from capmock.scenario.steps import Result, enrolled, handler, need

if TYPE_CHECKING:
    from capmock.scenario.player import Player


def stable_id(world: World, kind: str, name: str) -> int:
    """The same id for the same named thing (series, badge, partner…) within a run."""
    key = (kind, name)
    registry: dict[tuple[str, str], int] = world.__dict__.setdefault("_named_ids", {})
    if key not in registry:
        registry[key] = world.ids.next(kind)
    return registry[key]


# ---- coupons -----------------------------------------------------------------------------


@handler("issue_coupon")
def issue_coupon(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    world = player.world
    series = str(args.get("series", "WELCOME10"))
    count = int(args.get("count", 1))
    if count < 1:
        raise CapmockError("count must be at least 1")
    series_id = stable_id(world, "series", series)
    discount = float(args.get("discount", 10))
    expiry = ops.date_str(world.date(90))
    st = world.state(c)
    coupons = []
    for _ in range(count):
        coupon = {
            "kind": "coupon",
            "coupon_id": world.ids.next("coupon"),
            "code": world.fake.alnum(8).upper(),
            "series": series,
            "series_id": series_id,
            "discount": discount,
            "expiry": expiry,
            "status": "ISSUED",
            "customer_id": c.customer_id,
        }
        st.coupons[coupon["coupon_id"]] = coupon
        coupons.append(coupon)
    facts: dict[str, Any] = {
        "count": count,
        "coupon_id": coupons[0]["coupon_id"],
        "series_id": series_id,
        "series_name": series,
        "discount_value": discount,
        "discount_type": "ABS",
        "expiry": expiry,
    }
    facts |= {"codes": [x["code"] for x in coupons]} if count > 1 else {"code": coupons[0]["code"]}
    return [world.emission("CouponIssue", c, facts)], coupons[0]


@handler("redeem_coupon")
def redeem_coupon(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    coupon = player.ref(args["coupon"], dict)
    if coupon.get("kind") != "coupon":
        raise CapmockError(f"'{args['coupon']}' is not a coupon")
    world = player.world
    c = customer or world.states[coupon["customer_id"]].customer
    if coupon["customer_id"] != c.customer_id:
        raise Rejected(f"coupon {coupon['code']} was issued to another customer")
    if coupon["status"] == "REDEEMED":
        raise Rejected(f"coupon {coupon['code']} was already redeemed")
    coupon["status"] = "REDEEMED"
    facts: dict[str, Any] = {
        "code": coupon["code"],
        "coupon_id": coupon["coupon_id"],
        "redemption_id": world.ids.next("redemption"),
        "series_id": coupon["series_id"],
        "series_name": coupon["series"],
        "discount_value": coupon["discount"],
        "discount_type": "ABS",
        "expiry": coupon["expiry"],
    }
    if "bill" in args:
        bill = player.ref(args["bill"], Bill)
        facts |= {"bill_id": bill.transaction_id, "bill_number": bill.bill_number}
    return [world.emission("CouponRedeem", c, facts)], coupon


# ---- tiers -------------------------------------------------------------------------------


def tier_number(program: Program, value: Any) -> int:
    for tier in program.tiers:
        if str(value).lower() in (tier.name.lower(), str(tier.number)):
            return tier.number
    names = [t.name for t in program.tiers]
    guess = did_you_mean(str(value), names)
    raise CapmockError(
        f"unknown tier '{value}'",
        hint=f"did you mean '{guess}'?" if guess else f"tiers: {', '.join(names)}",
    )


def _move(player: Player, customer: Customer | None, args: dict[str, Any], up: bool) -> Result:
    c = need(customer)
    enrolled(player, c)
    world = player.world
    program = world.org.default_program
    current = c.tiers.get(program.id, 1)
    numbers = [t.number for t in program.tiers]
    if "tier" in args:
        target = tier_number(program, args["tier"])
    else:
        later = [n for n in numbers if (n > current if up else n < current)]
        if not later:
            raise Rejected(f"no tier {'above' if up else 'below'} the customer's")
        target = min(later) if up else max(later)
    if (target <= current) if up else (target >= current):
        name = program.tier(current).name
        raise Rejected(f"the customer is in {name}: cannot move {'up' if up else 'down'} there")
    moved = ops.move_tier(world, c, program, target, reason="MANUAL" if up else "DOWNGRADE")
    return [moved] if moved else [], None


@handler("tier_upgrade")
def tier_upgrade(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    return _move(player, customer, args, True)


@handler("tier_downgrade")
def tier_downgrade(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    return _move(player, customer, args, False)


@handler("tier_renew")
def tier_renew(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    world = player.world
    program = world.org.default_program
    facts = {"to_tier": c.tiers.get(program.id, 1), "expiry": ops.date_str(world.date(365))}
    return [world.emission("tierRenewed", c, facts, program)], None


@handler("tier_downgrade_reminder")
def tier_downgrade_reminder(
    player: Player, customer: Customer | None, args: dict[str, Any]
) -> Result:
    c = need(customer)
    world = player.world
    program = world.org.default_program
    current = c.tiers.get(program.id, 1)
    if current == program.tiers[0].number:
        raise Rejected("the customer is in the lowest tier: nothing to downgrade")
    facts = {"from_tier": current, "to_tier": current - 1, **world.balances(c, program)}
    return [world.emission("tierDowngradeReminder", c, facts, program)], None


# ---- targets and streaks -----------------------------------------------------------------


def target_facts(world: World, target: dict[str, Any]) -> dict[str, Any]:
    return {
        "target_id": stable_id(world, "target", str(target["name"])),
        "target_name": str(target["name"]),
        "defined": float(target.get("value", 1)),
    }


def group_facts(player: Player, c: Customer, members: list[dict[str, Any]]) -> list[Any]:
    """Per-target facts of a group, with the customer's achieved values from the model."""
    achieved = player.world.state(c).targets
    return [
        {
            **target_facts(player.world, t),
            "before": achieved.get(str(t["name"]), 0.0),
            "after": achieved.get(str(t["name"]), 0.0),
            "delta": 0.0,
        }
        for t in members
    ]


def progress(
    player: Player, c: Customer, target: dict[str, Any], delta: float, bill: Bill | None
) -> list[Emission]:
    world = player.world
    st = world.state(c)
    name = str(target["name"])
    before = st.targets.get(name, 0.0)
    after = round(before + delta, 3)
    st.targets[name] = after
    facts = {**target_facts(world, target), "before": before, "after": after, "delta": delta}
    if bill is not None:
        facts["transaction_id"] = bill.transaction_id
    goal = target_periods.track(world, c, target, facts)  # an enrolled customer's period and value
    out = [world.emission("targetAchievedValueUpdated", c, facts)]
    if before < goal <= after:
        out.append(world.emission("targetValueAchieved", c, dict(facts)))
        out += unified(player, c, target)
    return out


def unified(player: Player, c: Customer, target: dict[str, Any]) -> list[Emission]:
    """unifiedTargetsAchieved when every target of the target's group is achieved."""
    group = target.get("group")
    if not group:
        return []
    members = [t for t in player.org.targets if t.get("group") == group]
    st = player.world.state(c)
    if all(st.targets.get(str(t["name"]), 0) >= float(t.get("value", 1)) for t in members):
        facts = {
            "targets": group_facts(player, c, members),
            "group_name": str(group),
        }
        return [player.world.emission("unifiedTargetsAchieved", c, facts)]
    return []


def targets_on_bill(player: Player, c: Customer, bill: Bill) -> list[Emission]:
    out: list[Emission] = []
    for target in player.org.targets:
        metric = target.get("metric", "spend")
        out += progress(player, c, target, bill.amount if metric == "spend" else 1.0, bill)
    return out


def find(items: list[dict[str, Any]], name: str, what: str) -> dict[str, Any]:
    for item in items:
        if str(item.get("name")) == name:
            return item
    guess = did_you_mean(name, [str(i.get("name")) for i in items])
    raise CapmockError(
        f"unknown {what} '{name}'",
        hint=f"did you mean '{guess}'?" if guess else f"declare it in org.{what}s",
    )


@handler("target_progress")
def target_progress(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    target = find(player.org.targets, str(args["target"]), "target")
    return progress(player, c, target, float(args["value"]), None), None


@handler("target_unachieved")
def target_unachieved(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    target = find(player.org.targets, str(args["target"]), "target")
    members = [t for t in player.org.targets if t.get("group") == target.get("group")] or [target]
    facts = {
        "targets": group_facts(player, c, members),
        "group_name": str(target.get("group") or target["name"]),
    }
    return [player.world.emission("unifiedTargetsUnAchieved", c, facts)], None


def streak_of(player: Player, args: dict[str, Any]) -> dict[str, Any]:
    if not player.org.streaks:
        player.org.streaks.append({"name": "Weekly shopper", "levels": [3, 5, 10]})
    name = args.get("streak")
    return find(player.org.streaks, str(name), "streak") if name else player.org.streaks[0]


def streak_facts(world: World, streak: dict[str, Any]) -> dict[str, Any]:
    return {
        "streak_id": stable_id(world, "streak", str(streak["name"])),
        "streak_name": str(streak["name"]),
        "levels": list(streak.get("levels", [3, 5])),
    }


@handler("streak_enrol")
def streak_enrol(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    streak = streak_of(player, args)
    st = player.world.state(c)
    if streak["name"] in st.streaks:
        raise Rejected(f"already enrolled in streak '{streak['name']}'")
    st.streaks[str(streak["name"])] = 0
    facts = streak_facts(player.world, streak)
    return [
        player.world.emission("streakCustomerEnrolment", c, dict(facts)),
        player.world.emission("streakStart", c, {**facts, "streak_value": 0}),
    ], None


@handler("streak_unenrol")
def streak_unenrol(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    streak = streak_of(player, args)
    st = player.world.state(c)
    if st.streaks.pop(str(streak["name"]), None) is None:
        raise Rejected(f"not enrolled in streak '{streak['name']}'")
    return [
        player.world.emission("streakCustomerUnEnrolment", c, streak_facts(player.world, streak))
    ], None


def level_emission(
    player: Player, c: Customer, streak: dict[str, Any], value: int, lost: bool
) -> Emission:
    levels = list(streak.get("levels", [3, 5]))
    level = sum(1 for lv in levels if value >= lv)
    facts = {**streak_facts(player.world, streak), "level": max(level, 1), "streak_value": value}
    return player.world.emission(
        "streakLevelUnAchieved" if lost else "streakLevelAchieved", c, facts
    )


@handler("streak_level")
def streak_level(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    streak = streak_of(player, args)
    st = player.world.state(c)
    value = st.streaks.get(str(streak["name"]))
    if value is None:
        raise Rejected(f"not enrolled in streak '{streak['name']}'")
    return [level_emission(player, c, streak, value, bool(args.get("lost")))], None


@handler("streak_end")
def streak_end(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    streak = streak_of(player, args)
    value = player.world.state(c).streaks.pop(str(streak["name"]), None)
    if value is None:
        raise Rejected(f"not enrolled in streak '{streak['name']}'")
    facts = {**streak_facts(player.world, streak), "streak_value": value}
    return [player.world.emission("streakEnd", c, facts)], None


def streaks_on_bill(player: Player, c: Customer, bill: Bill) -> list[Emission]:
    streaks = player.world.state(c).peek("streaks")  # not made for a customer in none
    out = []
    for streak in player.org.streaks:
        name = str(streak["name"])
        if name not in streaks:
            continue
        streaks[name] += 1
        if streaks[name] in streak.get("levels", [3, 5]):
            out.append(level_emission(player, c, streak, streaks[name], False))
    return out


# ---- badges, rewards, partners, requests --------------------------------------------------


@handler("earn_badge")
def earn_badge(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    name = str(args.get("badge", "Early bird"))
    st = player.world.state(c)
    st.badges.append(name)
    facts = {
        "badge_id": str(stable_id(player.world, "badge", name)),
        "earn_count": st.badges.count(name),
    }
    return [player.world.emission("badgeEarned", c, facts)], name


def reward_ref(player: Player, name: Any) -> dict[str, Any]:
    value = player.ref(name, dict)
    if value.get("kind") != "reward":
        raise CapmockError(f"'{name}' is not a reward")
    return value


def reward_facts(reward: dict[str, Any]) -> dict[str, Any]:
    """The reward as the catalog builders read it: the same values in every reward event."""
    keys = ("reward_type", "redemption_type", "series_id", "start_ms", "end_ms", "priority")
    return {
        "reward_id": reward["id"],
        "reward_name": reward["name"],
        "points": reward["points"],
        "tier": 1,
        **{k: reward[k] for k in keys},
    }


@handler("create_reward")
def create_reward(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    world = player.world
    start = world.now_ms - world.now_ms % 1000
    reward = {
        "kind": "reward",
        "id": world.ids.next("reward"),
        "name": str(args["name"]),
        "points": float(args.get("points", 500)),
        "reward_type": "VOUCHER",
        "redemption_type": "INTOUCH_REWARD",
        "series_id": str(world.ids.next("series")),
        "start_ms": start,
        "end_ms": start + 180 * 86_400_000,
        "priority": 1,
    }
    world.rewards[reward["id"]] = reward
    return [world.emission("rewardCreated", None, reward_facts(reward))], reward


@handler("update_reward")
def update_reward(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    reward = reward_ref(player, args["reward"])
    if "points" in args:
        reward["points"] = float(args["points"])
    facts = {**reward_facts(reward), "enabled": True}
    return [player.world.emission("rewardUpdated", None, facts)], reward


@handler("issue_reward")
def issue_reward(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    c = need(customer)
    enrolled(player, c)
    reward = reward_ref(player, args["reward"])
    world = player.world
    if args.get("fail"):
        facts = {**reward_facts(reward), "reason": str(args["fail"]), "qty": 1}
        return [world.emission("issueRewardFailure", c, facts)], reward
    out: list[Emission] = []
    if reward["points"] > 0:
        _, redeemed = ops.redeem(world, c, reward["points"])
        out.append(redeemed)
    code = world.fake.alnum(10).upper()
    world.state(c).rewards.append({"reward": reward["name"], "code": code})
    out.append(world.emission("rewardIssued", c, {**reward_facts(reward), "code": code}))
    return out, reward


@handler("reward_expiry_reminder")
def reward_expiry_reminder(
    player: Player, customer: Customer | None, args: dict[str, Any]
) -> Result:
    reward = reward_ref(player, args["reward"])
    return [player.world.emission("rewardExpiryReminder", customer, reward_facts(reward))], reward


def partner_facts(world: World, name: str) -> dict[str, Any]:
    return {
        "partner_id": stable_id(world, "partner", name),
        "partner_name": name,
        "partner_type": "SUPPLEMENTARY",
        "expiry": ops.date_str(world.date(365)),
    }


def _partner(
    player: Player, customer: Customer | None, args: dict[str, Any], event: str, linked: bool | None
) -> Result:
    c = need(customer)
    name = str(args.get("partner", "Airline Miles"))
    st = player.world.state(c)
    if linked is True and name in st.partners:
        raise Rejected(f"already linked to partner program '{name}'")
    if linked is not True and name not in st.partners:
        raise Rejected(f"not linked to partner program '{name}'")
    facts = partner_facts(player.world, name)
    if linked is True:
        st.partners[name] = facts
    elif linked is False:
        del st.partners[name]
    return [player.world.emission(event, c, facts)], None


@handler("link_partner")
def link_partner(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    return _partner(player, customer, args, "partnerProgramLinked", True)


@handler("update_partner")
def update_partner(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    return _partner(player, customer, args, "partnerProgramUpdated", None)


@handler("delink_partner")
def delink_partner(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    return _partner(player, customer, args, "partnerProgramDelinked", False)


@handler("partner_expiry_reminder")
def partner_expiry_reminder(
    player: Player, customer: Customer | None, args: dict[str, Any]
) -> Result:
    return _partner(player, customer, args, "supplementaryMembershipExpiryReminder", None)


@handler("request_update")
def request_update(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    facts = {
        "request_id": player.world.ids.next("request"),
        "type": str(args.get("type", "TRANSACTION")).upper(),
        "status": str(args.get("status", "APPROVED")).upper(),
    }
    return [player.world.emission("requestUpdated", customer, facts)], None


@handler("request_workflow")
def request_workflow(player: Player, customer: Customer | None, args: dict[str, Any]) -> Result:
    facts: dict[str, Any] = {"status": str(args.get("status", "APPROVED")).upper()}
    if "type" in args:
        facts["request_type"] = str(args["type"])
    return [player.world.emission("requestWorkflowEvent", customer, facts)], None
