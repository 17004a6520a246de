"""The model's state as plain JSON: what `capmock plan --state` prints."""

from __future__ import annotations

from typing import Any, Protocol

from capmock.model import groups, target_periods
from capmock.model.entities import Customer, Org
from capmock.model.world import CustomerState, World


class Player(Protocol):
    """What the state is read from (the scenario player)."""

    org: Org
    world: World
    named: dict[str, Customer]
    emitted: int


def customer_state(player: Player, st: CustomerState) -> dict[str, Any]:
    c = st.customer
    programs = {}
    for program in player.org.programs:
        acc = st.accounts[program.id]
        tier = program.tier(c.tiers.get(program.id, 1))
        programs[str(program.id)] = {
            "current": acc.current,
            "lifetime": acc.lifetime,
            "redeemed": acc.redeemed,
            "expired": acc.expired,
            "transferred_out": acc.transferred_out,
            "promised": acc.promised_total,
            "tier": {"number": tier.number, "name": tier.name},
        }
    return {
        "customerId": c.customer_id,
        "name": c.name,
        "mobile": c.mobile,
        "email": c.email,
        "enrolled": st.enrolled,
        "spend": round(st.spend, 2),
        "visits": st.visits,
        "programs": programs,
        "promotions": {str(k): v.view() for k, v in st.peek("active_promotions").items()},
        "coupons": [coupon.view() for coupon in st.peek("coupons").values()],
        "cartPromotions": [cart.view() for cart in st.peek("cart_promotions").values()],
        "targets": st.peek("targets"),
        "streaks": st.peek("streaks"),
        "badges": st.peek("badges"),
        "rewards": [reward.view() for reward in st.peek("rewards")],
        "partners": {name: link.view() for name, link in st.peek("partners").items()},
        "alternateCurrencies": st.peek("alternate"),
        "card": st.card_status,
        "mergedInto": st.merged_into,
    }


def snapshot(player: Player) -> dict[str, Any]:
    names = {c.customer_id: name for name, c in player.named.items()}
    customers = []
    for cid, st in player.world.states.items():
        row = customer_state(player, st)
        if cid in names:
            row["name_in_scenario"] = names[cid]
        customers.append(row)
    out = {
        "org": {
            "orgId": player.org.org_id,
            "programs": [
                {"id": p.id, "name": p.name, "tiers": [[t.name, t.threshold] for t in p.tiers]}
                for p in player.org.programs
            ],
        },
        "clock": player.world.now_ms,
        "events": player.emitted,
        "customers": customers,
    }
    if groups.any_groups(player.world):  # only when a scenario made groups
        out["groups"] = groups.state(player.world)
    if target_periods.any_periods(player.world):  # only when a customer enrolled in a target
        out["targetPeriods"] = target_periods.state(player.world)
    return out
