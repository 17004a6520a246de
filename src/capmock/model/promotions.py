"""Loyalty promotions: definitions, issues to customers, earns and revocations.

Promotion types (as Capillary's promotionData API names them):
GENERIC — every customer earns it on a qualifying bill, no issue needed;
LOYALTY — "direct issue": earned on a qualifying bill only once issued to the customer;
LOYALTY_EARNING — "enrol & issue": the first qualifying bill issues it, then it is earned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from capmock.clock import date_str, parse_date_ms
from capmock.errors import CapmockError, Rejected, did_you_mean
from capmock.model import tiers
from capmock.model.customers import CustomerState
from capmock.model.entities import Customer
from capmock.model.records import Issual, Promotion
from capmock.model.world import Bill, Emission, Facts, World

TYPES = ("GENERIC", "LOYALTY", "LOYALTY_EARNING")


@dataclass(slots=True)
class Award:
    """Promotional points a promotion earns on a bill (one ``promotional`` entry)."""

    points: float
    promotion: Promotion

    def fact(self) -> dict[str, Any]:
        return {
            "promotionPoints": self.points,
            "promotionIdentifier": str(self.promotion.id),
            "promotionType": self.promotion.type,
        }


def facts(world: World, promo: Promotion) -> Facts:
    return {
        "promotion_id": promo.id,
        "name": promo.name,
        "offer_type": promo.type,
        "start": promo.start,
        "end": promo.end,
        "program_id": world.org.default_program.id,
    }


def create(
    world: World, name: str, kind: str, points: float, min_amount: float
) -> tuple[Promotion, Emission]:
    kind = kind.upper()
    if kind not in TYPES:
        guess = did_you_mean(kind, TYPES)
        raise CapmockError(
            f"unknown promotion type '{kind}'",
            hint=f"did you mean '{guess}'?" if guess else f"one of {TYPES}",
        )
    pid = world.ids.next("promotion")
    start, end = date_str(world.now_ms), date_str(world.date(90))
    promo = Promotion(pid, name, kind, points, min_amount, "LIVE", start, end)
    world.promotions[promo.id] = promo
    more = {"status": promo.status, "promotion_type": "BILL", "created_on": world.now_ms}
    return promo, world.emission("promotionCreated", None, {**facts(world, promo), **more})


def update(
    world: World, promo: Promotion, points: float | None = None, status: str | None = None
) -> Emission:
    if points is not None:
        promo.points = points
    if status is not None:
        promo.status = status.upper()
    more = {"status": promo.status, "promotion_type": "BILL"}
    return world.emission("promotionUpdated", None, {**facts(world, promo), **more})


def issue(world: World, c: Customer, promo: Promotion) -> Emission:
    held = world.state(c).active_promotions
    if promo.id in held:
        raise Rejected(f"promotion '{promo.name}' is already issued to the customer")
    issual = held[promo.id] = Issual(world.ids.next("issual"), world.now_ms)
    more = {
        "issual_id": issual.issual_id,
        "issued_date": date_str(world.now_ms),
        "expiry": promo.end,
    }
    return world.emission("promotionIssued", c, {**facts(world, promo), **more})


def _earn(
    world: World, c: Customer, promo: Promotion, bill: Bill | None = None
) -> tuple[list[Emission], Award]:
    """promotionEarned (after promotionIssued for an enrol-and-issue promotion), and the
    promotional points it awards."""
    held = world.state(c).active_promotions
    out: list[Emission] = []
    issual = held.get(promo.id)
    if issual is None:
        if promo.type == "LOYALTY":
            raise Rejected(f"promotion '{promo.name}' was not issued to the customer")
        if promo.type == "LOYALTY_EARNING":
            out.append(issue(world, c, promo))
            issual = held[promo.id]
        else:
            issual = held[promo.id] = Issual(None, world.now_ms)
    if issual.earns >= promo.max_earns:
        raise Rejected(f"promotion '{promo.name}' was already earned")
    earned_id = world.ids.next("earned")
    issual.earned.append(earned_id)
    more: Facts = {
        "earned_id": earned_id,
        "issual_id": issual.issual_id,
        "earned_date": date_str(world.now_ms),
        "expiry": promo.end,
    }
    if bill is not None:
        more["trigger"] = ("TransactionAdd", [("BillId", bill.transaction_id)])
    out.append(world.emission("promotionEarned", c, {**facts(world, promo), **more}))
    return out, Award(promo.points, promo)


def earn(world: World, c: Customer, promo: Promotion) -> list[Emission]:
    """An earn without a bill: promotionEarned, its points issued, maybe a tier upgrade."""
    emissions, award = _earn(world, c, promo)
    program = world.org.default_program
    expiry = world.date(program.expiry_days)
    account = world.account(c, program)
    source = f"promotion:{promo.id}"
    account.issue("promotional", award.points, world.now_ms, expiry, source, promo.id)
    issued = {
        "points": award.points,
        "regular": 0.0,
        "promotional": [award.fact()],
        "trigger": ("PromotionEarn", [("promotionId", promo.id)]),
        **world.balances(c, program),
    }
    points = world.emission("pointsIssued", c, issued, program)
    return [*emissions, points, *tiers.reassess(world, c, program, allow_down=False)]


def on_bill(world: World, c: Customer, bill: Bill) -> tuple[list[Emission], list[Award]]:
    """(promotion emissions, promotional awards) a qualifying bill earns automatically."""
    emissions: list[Emission] = []
    awards: list[Award] = []
    held = world.state(c).active_promotions
    for promo in world.promotions.values():
        if promo.status != "LIVE" or bill.amount < promo.min_amount:
            continue
        issual = held.get(promo.id)
        if promo.type == "LOYALTY" and issual is None:
            continue
        if issual and issual.earns >= promo.max_earns:
            continue
        more, award = _earn(world, c, promo, bill)
        emissions += more
        awards.append(award)
    return emissions, awards


def revoke(world: World, c: Customer, promo: Promotion, *, earned: bool) -> Emission:
    held = world.state(c).active_promotions
    issual = held.get(promo.id)
    if issual is None or (earned and not issual.earned):
        what = "earned" if earned else "issued"
        raise Rejected(f"promotion '{promo.name}' is not {what} by the customer")
    out = facts(world, promo)
    if earned:
        out["earned_ids"] = list(issual.earned)
        issual.revoked += len(issual.earned)
        issual.earned = []
        return world.emission("revokeEarnedPromotion", c, out)
    out["issual_id"] = issual.issual_id
    del held[promo.id]
    return world.emission("revokeIssuedPromotion", c, out)


# ---- a customer's view of the promotions (the promotionData lookup) -------------------

STATUSES = ("AVAILABLE_TO_ENROL", "AVAILABLE_TO_EARN", "AVAILABLE_TO_REDEEM", "EXPIRED")


def end_ms(promo: Promotion) -> int:
    """The last millisecond of the promotion's end day (UTC)."""
    return parse_date_ms(promo.end) + 999


def available(promo: Promotion, issual: Issual | None, status: str | None, now_ms: int) -> bool:
    """Whether the customer holding ``issual`` (None: none) sees the promotion, and in
    ``status`` (one of STATUSES; None: any): a direct-issue promotion only once issued;
    an earn is a redemption in Capillary's terms, ``max_earns`` of them per customer."""
    issued = issual is not None and promo.type != "GENERIC"
    if promo.type == "LOYALTY" and not issued:
        return False
    if status is None:
        return True
    expired = end_ms(promo) < now_ms
    if status == "EXPIRED":
        return expired
    if expired or promo.status != "LIVE":
        return False
    earns_left = len(issual.earned) < promo.max_earns if issual else True
    if status == "AVAILABLE_TO_ENROL":
        return promo.type == "LOYALTY_EARNING" and not issued
    if status == "AVAILABLE_TO_EARN":
        return issued and earns_left
    return (promo.type == "GENERIC" or issued) and earns_left  # AVAILABLE_TO_REDEEM


@dataclass(frozen=True)
class Usage:
    """What a customer, and all customers, got from one promotion."""

    issued: bool
    times: int  # earns (benefits received) by this customer
    all_times: int  # by every customer of the model


def usage(promo: Promotion, st: CustomerState, everyone: Iterable[CustomerState]) -> Usage:
    issual = st.active_promotions.get(promo.id)
    total = 0
    for other in everyone:
        held = other.peek("active_promotions").get(promo.id)
        total += len(held.earned) if held is not None else 0
    return Usage(
        issued=issual is not None and promo.type != "GENERIC",
        times=len(issual.earned) if issual else 0,
        all_times=total,
    )
