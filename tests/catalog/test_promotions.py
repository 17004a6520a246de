"""Loyalty promotion and cart promotion builders: facts land where they belong, and bodies
made up without facts stay consistent (dates in order, ids agree, companions right)."""

from __future__ import annotations

import random
from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog.context import Ctx, Options

LOYALTY_CUSTOMER = (
    "promotionIssued",
    "promotionEarned",
    "revokeIssuedPromotion",
    "revokeEarnedPromotion",
)
META = ("promotionCreated", "promotionUpdated")
CART = (
    "cartPromotionIssued",
    "cartPromotionRedeemed",
    "cartPromotionRevoked",
    "cartPromotionEarned",
)
ALL = META + LOYALTY_CUSTOMER + CART

# The promotion of the seed 001 samples (org 50320).
SEED_PROMO = {
    "promotion_id": 1150796,
    "name": "issue_earn promo 1",
    "description": "",
    "start": "2025-11-01",
    "end": "2027-02-01",
    "program_id": 1049,
    "offer_type": "LOYALTY_EARNING",
}


def ctx_for(seed: int = 1, *, tz: bool = False, enrich: bool = True) -> Ctx:
    return capmock.Generator(seed, options=Options(enrich=enrich, tz_millis=tz)).context()


def render(event: str, facts: dict[str, Any] | None = None, **kw: Any) -> tuple[Ctx, dict]:
    ctx = ctx_for(**kw)
    return ctx, catalog.get(event).render(ctx, facts)


def payload(event: str, facts: dict[str, Any], seed: int = 1, **opts: Any) -> dict[str, Any]:
    gen = capmock.Generator(seed, options=Options(**opts))
    return gen.one(event, facts)


# ---- loyalty promotions: facts ----------------------------------------------------------


def test_issued_carries_the_facts_and_seed_millis() -> None:
    facts = {**SEED_PROMO, "issued_date": "2025-11-03", "issual_id": 36053}
    facts |= {"max_issuals": 1, "max_redemptions": 1}
    ctx, body = render("promotionIssued", facts, tz=True)
    assert body["promotionId"] == 1150796 and body["loyaltyProgramId"] == 1049
    assert body["promotionName"] == "issue_earn promo 1"
    assert body["issualId"] == 36053
    assert body["pointsOfferType"] == "LOYALTY_EARNING"
    assert body["promotionIssuedDate"] == "2025-11-03"
    assert body["promotionIssuedExpiryDate"] == "2027-02-01"  # defaults to the promotion end
    # the exact companions of the seed sample: start at midnight, end at 23:59:59 UTC
    assert body["promotionStartDateInMillis"] == 1761955200000
    assert body["promotionEndDateInMillis"] == 1801526399000
    assert body["promotionIssuedExpiryDateInMillis"] == 1801526399000
    assert body["issueRestrictions"] == [
        {"limitOn": "CUSTOMER", "kpi": "MAX_NUMBER_OF_ISSUALS_PER_CUSTOMER", "maxLimit": 1}
    ]
    assert body["redemptionRestrictions"][0]["maxLimit"] == 1
    assert body["customerIdentifiers"]["customerId"] == ctx.customer.customer_id


def test_earned_carries_ids_limits_and_expiry() -> None:
    facts = {**SEED_PROMO, "issual_id": 36053, "earned_id": 35509, "expiry": "2026-06-30"}
    facts |= {"earned_date": "2025-11-03", "max_earns": 3, "max_points_per_earn": 500}
    _, body = render("promotionEarned", facts, tz=True)
    assert (body["issualId"], body["earnedId"]) == (36053, 35509)
    assert body["promotionEarnedDate"] == "2025-11-03"
    assert body["promotionEarnedExpiryDate"] == "2026-06-30"
    assert body["promotionEarnedExpiryDateInMillis"] == 1782863999000  # 2026-06-30 23:59:59Z
    limits = {r["kpi"]: r["maxLimit"] for r in body["earnRestrictions"]}
    assert limits == {
        "MAX_NUMBER_OF_EARNS_PER_CUSTOMER": 3,
        "MAX_POINTS_PER_EARN_PER_CUSTOMER": 500,
    }


def test_earned_points_per_earn_defaults_to_unlimited() -> None:
    _, body = render("promotionEarned", {})
    limits = {r["kpi"]: r["maxLimit"] for r in body["earnRestrictions"]}
    assert limits["MAX_POINTS_PER_EARN_PER_CUSTOMER"] == -1


def test_revoke_issued_names_the_revoked_issual() -> None:
    facts = {**SEED_PROMO, "issual_id": 36053, "issued_date": "2025-11-03"}
    _, body = render("revokeIssuedPromotion", facts)
    assert body["revokedIssualId"] == 36053
    assert body["promotionIssuedDate"] == "2025-11-03"
    assert "issualId" not in body and "pointsOfferType" not in body


@pytest.mark.parametrize(
    ("facts", "expected"),
    [({"earned_id": 35510}, [35510]), ({"earned_ids": [7, 8, 9]}, [7, 8, 9])],
)
def test_revoke_earned_lists_each_revoked_earn(facts: dict, expected: list[int]) -> None:
    _, body = render("revokeEarnedPromotion", {**SEED_PROMO, **facts, "expiry": "2026-12-31"})
    details = body["revokedEarnedPromotionDetails"]
    assert [d["revokedEarnedId"] for d in details] == expected
    assert all(d["promotionEarnedExpiryDate"] == "2026-12-31" for d in details)
    assert all("2025-11-01" <= d["promotionEarnedDate"] <= "2027-02-01" for d in details)


def test_trigger_fact_adds_triggering_activity() -> None:
    trigger = ("ReturnBill", [("billNumber", "B-981")])
    ctx, body = render("revokeEarnedPromotion", {"trigger": trigger})
    activity = body["triggeringActivity"]
    assert activity["name"] == "ReturnBill"
    assert activity["identifiers"] == [{"key": "billNumber", "value": "B-981"}]
    assert activity["entityInformation"]["entityId"] == ctx.customer.customer_id
    _, plain = render("revokeEarnedPromotion", {})
    assert "triggeringActivity" not in plain


def test_created_window_is_org_local_epoch_millis() -> None:
    # seed 001: an IST org's promotion 2025-02-02 .. 2025-02-13
    facts = {"start": "2025-02-02", "end": "2025-02-13", "promotion_type": "BILL"}
    facts |= {"status": "LIVE", "linked_event": "TransactionAdd", "custom_fields": {"name": "hero"}}
    ctx, body = render("promotionCreated", facts)
    assert ctx.org.timezone == "Asia/Kolkata"
    assert body["promotionStartDate"] == 1738434600000
    assert body["promotionEndDate"] == 1739471399999
    assert (body["type"], body["status"], body["linkedEventId"]) == ("BILL", "LIVE", "15")
    assert body["customFields"] == [{"key": "name", "value": "hero"}]
    assert body["createdOn"] == body["updatedOn"] <= ctx.now_ms


def test_target_completed_promotion_maps_target_rules() -> None:
    facts = {"linked_event": "TargetCompleted", "target_rules": {11104: [19935, 19936]}}
    _, body = render("promotionUpdated", facts)
    assert body["linkedEventId"] == "25"
    assert body["linkedTargetGroupVsTargetRuleIdMap"] == {"11104": [19935, 19936]}


# ---- loyalty promotions: consistency without facts ---------------------------------------


@pytest.mark.parametrize("seed", range(1, 16))
def test_made_up_customer_promotions_are_consistent(seed: int) -> None:
    for event in LOYALTY_CUSTOMER:
        ctx, body = render(event, seed=seed, tz=True)
        assert body["customerIdentifiers"]["customerId"] == ctx.customer.customer_id
        assert body["loyaltyProgramId"] == ctx.prog.id
        assert body["promotionStartDate"] <= ctx.date() < body["promotionEndDate"]
        for key in ("promotionIssuedDate", "promotionEarnedDate"):
            if key in body:
                assert body["promotionStartDate"] <= body[key] <= ctx.date(), (event, key)
        for key in ("promotionIssuedExpiryDate", "promotionEarnedExpiryDate"):
            if key in body:
                assert ctx.date() <= body[key] <= body["promotionEndDate"], (event, key)
        assert body["promotionEndDateInMillis"] > body["promotionStartDateInMillis"]
        assert body["promotionEndDateInMillis"] % 1000 == 0


@pytest.mark.parametrize("seed", range(1, 11))
def test_made_up_metadata_is_consistent(seed: int) -> None:
    for event in META:
        ctx, body = render(event, seed=seed)
        assert body["promotionStartDate"] < body["promotionEndDate"]
        assert body["createdOn"] <= body["updatedOn"] <= ctx.now_ms
        assert body["type"] in ("BILL", "LINEITEM", "CUSTOMER", "RETURN")
        target = body["linkedEventName"] == "TargetCompleted"
        assert ("linkedTargetGroupVsTargetRuleIdMap" in body) == target


def test_no_millis_companions_without_timezone_standardisation() -> None:
    for event in ALL:
        _, body = render(event, tz=False)
        assert not [k for k in body if k.endswith("InMillis")], event


# ---- cart promotions ------------------------------------------------------------------


def test_cart_issued_echoes_facts_with_companion() -> None:
    facts = {"promotion_id": "68daa0e464fe4b71be9087da", "issue_id": "68daad1e1919161628bb031e"}
    _, body = render("cartPromotionIssued", {**facts, "issue_ms": 1759161630720}, tz=True)
    assert body["promotionId"] == facts["promotion_id"]
    assert body["issueId"] == facts["issue_id"]
    assert body["issueDate"] == body["issueDateInMillis"] == 1759161630720


def test_cart_made_up_ids_are_object_ids_of_their_time() -> None:
    ctx, body = render("cartPromotionIssued", {}, tz=False)
    assert len(body["issueId"]) == 24 and int(body["issueId"], 16)
    assert int(body["issueId"][:8], 16) == body["issueDate"] // 1000
    assert int(body["promotionId"][:8], 16) < int(body["issueId"][:8], 16)
    assert body["issueDate"] <= ctx.now_ms


def test_cart_earned_sends_times_as_digit_strings() -> None:
    facts = {"earn_id": "68dabc4819191616285b5772", "earned_ms": 1759246875123}
    _, body = render("cartPromotionEarned", {**facts, "issue_ms": 1759161630720}, tz=True)
    assert body["earnId"] == facts["earn_id"]
    assert body["earnedTime"] == "1759246875"
    assert body["earnedTimeInMillis"] == 1759246875000
    assert body["issueDate"] == "1759161630720"
    assert body["issueDateInMillis"] == 1759161630720


def test_cart_revoked_names_the_earn() -> None:
    _, body = render("cartPromotionRevoked", {"promotion_id": "p1", "earn_id": "e1"})
    assert (body["promotionId"], body["earnId"]) == ("p1", "e1")


def test_cart_redeemed_cart_level_discount() -> None:
    facts = {"redemption_type": "CART", "discount": 250, "bill_number": "2150010039"}
    ctx, body = render("cartPromotionRedeemed", {**facts, "promotion_id": "p1"})
    assert body["transactionIdentifier"] == "2150010039"
    assert body["appliedPromotions"] == [
        {"redemptionCount": 1, "promotionId": "p1", "discount": 250.0, "redemptionType": "CART"}
    ]
    assert body["lineItemInfo"] == []
    assert body["addedBy"]["id"] == ctx.store.entered_by_id


def test_cart_redeemed_line_items_from_facts() -> None:
    items = [{"sku": "sku_665_2", "product_id": 27943693, "discount": 500, "quantity": 1}]
    facts = {"redemption_type": "LINEITEM", "line_items": items, "earn_id": "e9"}
    _, body = render("cartPromotionRedeemed", facts)
    assert body["appliedPromotions"] == []
    (line,) = body["lineItemInfo"]
    assert (line["sku"], line["productId"]) == ("sku_665_2", "27943693")
    (applied,) = line["appliedPromotions"]
    assert applied["earnId"] == "e9" and applied["discount"] == 500.0
    assert applied["discountAppliedOnQuantity"] == 1.0 and applied["redemptionType"] == "LINEITEM"


@pytest.mark.parametrize("seed", range(1, 11))
def test_cart_redeemed_line_discounts_add_up(seed: int) -> None:
    facts = {"redemption_type": "LINEITEM", "discount": 999.99}
    _, body = render("cartPromotionRedeemed", facts, seed=seed, tz=True)
    shares = [a["discount"] for li in body["lineItemInfo"] for a in li["appliedPromotions"]]
    assert 1 <= len(shares) <= 3 and all(s > 0 for s in shares)
    assert round(sum(shares), 2) == 999.99
    assert len({a["earnId"] for li in body["lineItemInfo"] for a in li["appliedPromotions"]}) == 1
    assert body["redemptionDateTimeInMillis"] % 1000 == 0


def test_cart_redemption_time_is_org_local() -> None:
    ctx, body = render("cartPromotionRedeemed", {"redeemed_ms": 1759221588000}, tz=True)
    assert ctx.org.timezone == "Asia/Kolkata"
    assert body["redemptionDateTime"] == "2025-09-30 14:09:48"  # 08:39:48Z in IST
    assert body["redemptionDateTimeInMillis"] == 1759221588000


# ---- envelopes and whole payloads -------------------------------------------------------


def test_ref_ids() -> None:
    earned = payload("cartPromotionEarned", {"earn_id": "e42"})
    assert earned["refId"] == f"{earned['orgId']}_e42" and "loyaltyEventId" not in earned
    issued = payload("cartPromotionIssued", {"issue_id": "i7"})
    assert issued["refId"] == f"{issued['orgId']}_i7"
    for event in META + LOYALTY_CUSTOMER:
        p = payload(event, {})
        assert p["refId"] == f"{p['orgId']}_{p['loyaltyEventId']}", event


@pytest.mark.parametrize("event", ALL)
def test_payloads_with_facts_validate(event: str) -> None:
    facts = {**SEED_PROMO, "issual_id": 1, "earned_id": 2, "trigger": ("TransactionAdd", [])}
    facts |= {"target_rules": {"1": [2]}, "earn_source": "TRANSACTION", "earn_criteria": "BILL"}
    facts = {k: v for k, v in facts.items() if k in catalog.get(event).facts}
    for tz in (True, False):
        p = payload(event, facts, tz_millis=tz)
        assert capmock.validate(p) == [], (event, tz)


@pytest.mark.parametrize(
    "zone", ["Asia/Kolkata", "Asia/Jakarta", "Europe/London", "America/New_York", "UTC"]
)
def test_local_datetime_matches_zoneinfo_across_offset_changes(zone: str) -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from capmock.catalog.cart_promotion import local_datetime

    ctx = SimpleNamespace(org=SimpleNamespace(timezone=zone))
    rng = random.Random(zone)
    # random instants, and each second around the 2024 DST changes of London and New York
    moments = [rng.randint(0, 2_000_000_000_000) for _ in range(2_000)]
    for change_s in (1_711_846_800, 1_729_990_800, 1_710_054_000, 1_730_613_600):
        moments += [(change_s + d) * 1000 + 123 for d in range(-3, 4)]
    for ms in moments:
        want = datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(zone))
        assert local_datetime(ctx, ms) == want.strftime("%Y-%m-%d %H:%M:%S"), ms  # type: ignore[arg-type]
