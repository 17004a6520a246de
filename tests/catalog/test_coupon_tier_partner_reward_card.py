"""Coupon, tier, partner, reward and card builders: facts land in the body, absent facts
stay consistent."""

from __future__ import annotations

import re
from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog.context import DAY_MS, Ctx
from capmock.catalog.coupon import END_OF_DAY_MS, local_midnight_ms

SEEDS = range(1, 31)
EVENTS = (
    "CouponIssue",
    "CouponRedeem",
    "tierUpgraded",
    "tierRenewed",
    "tierDowngraded",
    "tierDowngradeReminder",
    "partnerProgramLinked",
    "partnerProgramUpdated",
    "partnerProgramDelinked",
    "supplementaryMembershipExpiryReminder",
    "rewardCreated",
    "rewardIssued",
    "rewardUpdated",
    "issueRewardFailure",
    "rewardExpiryReminder",
    "cardUpdated",
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def render(event: str, facts: dict[str, Any] | None = None, seed: int = 1):
    ctx = capmock.Generator(seed).context()
    return ctx, catalog.get(event).render(ctx, facts or {})


def tier_numbers(ctx: Ctx) -> set[int]:
    return {t.number for t in ctx.prog.tiers}


# ---- every event ---------------------------------------------------------------------


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("style", ["flat", "wrapped"])
def test_generated_payloads_validate(event: str, style: str) -> None:
    for seed in SEEDS:
        for enrich in (True, False):
            for tz in (True, False):
                payload = capmock.generate(
                    event, style=style, seed=seed, enrich=enrich, tz_millis=tz
                )
                assert capmock.validate(payload) == [], (event, seed, enrich, tz)


@pytest.mark.parametrize("event", EVENTS)
def test_customer_events_name_the_context_customer(event: str) -> None:
    for seed in SEEDS:
        ctx, body = render(event, seed=seed)
        ids = body.get("customerIdentifiers") or (body.get("coupons") or [{}])[0].get(
            "customerIdentifiers"
        )
        if ids is not None:
            assert ids["customerId"] == ctx.customer.customer_id
        if "entityInformation" in body:
            assert body["entityInformation"]["entityId"] == ctx.customer.customer_id
        if "loyaltyProgramId" in body:
            assert body["loyaltyProgramId"] == ctx.prog.id


# ---- coupons -------------------------------------------------------------------------


def test_coupon_issue_uses_the_facts() -> None:
    facts = {
        "code": "WELCOME10",
        "coupon_id": 555000111,
        "series_id": 353122,
        "series_name": "Welcome 10% off",
        "discount_value": 10,
        "discount_type": "PERC",
        "expiry": "2026-06-30",
    }
    ctx, body = render("CouponIssue", facts)
    (coupon,) = body["coupons"]
    series = body["series_info"]
    assert (coupon["id"], coupon["code"]) == (555000111, "WELCOME10")
    assert (series["id"], series["description"]) == (353122, "Welcome 10% off")
    assert (series["discount_value"], series["discount_type"]) == (10, "PERC")
    assert series["valid_till"] == local_midnight_ms(ctx, "2026-06-30")
    assert coupon["valid_till"] == series["valid_till"] + END_OF_DAY_MS
    assert coupon["issued_on"] == ctx.now_ms - ctx.now_ms % 1000
    assert body["addedAt"] == ctx.now_ms


def test_coupon_issue_ref_names_series_and_coupon_range() -> None:
    payload = capmock.generate(
        "CouponIssue", seed=3, facts={"series_id": 516557, "coupon_id": 100, "count": 10}
    )
    assert payload["refId"] == f"{payload['orgId']}_516557_100:109"
    assert "loyaltyEventId" not in payload


@pytest.mark.parametrize(
    ("facts", "count"),
    [({}, 1), ({"count": 10}, 10), ({"codes": ["A1", "B2", "C3"]}, 3), ({"code": "X"}, 1)],
)
def test_bulk_issue_gives_consecutive_coupons_of_one_customer(facts: dict, count: int) -> None:
    for seed in SEEDS:
        ctx, body = render("CouponIssue", facts, seed)
        coupons = body["coupons"]
        ids = [c["id"] for c in coupons]
        assert len(coupons) == count
        assert ids == list(range(ids[0], ids[0] + count))
        assert ctx.ids.next("coupon") > ids[-1]  # the counter moved past the block
        assert {c["customerIdentifiers"]["customerId"] for c in coupons} == {
            ctx.customer.customer_id
        }
        assert len({c["valid_till"] for c in coupons}) == 1
        assert coupons[0]["valid_till"] > ctx.now_ms
        assert len({c["code"] for c in coupons}) == count
        if "codes" in facts:
            assert [c["code"] for c in coupons] == facts["codes"]


def test_coupon_redeem_uses_the_facts() -> None:
    facts = {
        "code": "STATUSPAGE1",
        "coupon_id": 792947747,
        "redemption_id": 13278432,
        "series_id": 105710,
        "bill_id": 330676226,
        "bill_number": "INV-0042",
    }
    ctx, body = render("CouponRedeem", facts)
    coupon = body["coupon"]
    assert (coupon["id"], coupon["code"], coupon["redemptionId"]) == (
        792947747,
        "STATUSPAGE1",
        13278432,
    )
    assert coupon["series_info"]["id"] == 105710
    assert body["transaction"] == {"bill_id": 330676226, "number": "INV-0042"}
    assert coupon["redemptionDate"] <= ctx.now_ms
    payload = capmock.generate("CouponRedeem", seed=2, facts=facts)
    assert payload["refId"] == f"{payload['orgId']}_105710_13278432"


def test_coupon_redeem_bill_is_all_or_nothing() -> None:
    for seed in SEEDS:
        _, body = render("CouponRedeem", seed=seed)
        bill = body["transaction"]
        assert (bill["bill_id"] == 0) == (bill["number"] == "")


# ---- tiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "facts", "expect"),
    [
        (
            "tierUpgraded",
            {"from_tier": 1, "to_tier": 3, "kind": "LIFETIME_POINTS", "expiry": "2027-03-31"},
            {
                "previousTierNumber": 1,
                "upgradedTierNumber": 3,
                "upgradeType": "LIFETIME_POINTS",
                "tierExpiryDate": "2027-03-31",
            },
        ),
        (
            "tierDowngraded",
            {"from_tier": 3, "to_tier": 2, "expiry": "2026-12-31"},
            {"previousTierNumber": 3, "downgradedTierNumber": 2, "tierExpiryDate": "2026-12-31"},
        ),
        (
            "tierRenewed",
            {"to_tier": 2, "kind": "LIFETIME_PURCHASES", "expiry": "2027-01-31"},
            {
                "currentTierNumber": 2,
                "renewType": "LIFETIME_PURCHASES",
                "tierExpiryDate": "2027-01-31",
            },
        ),
        (
            "tierDowngradeReminder",
            {"from_tier": 3, "downgrade_date": "2026-02-01"},
            {"currentTierNumber": 3, "scheduledDowngradeDate": "2026-02-01"},
        ),
    ],
)
def test_tier_events_use_the_facts(event: str, facts: dict, expect: dict) -> None:
    _, body = render(event, facts)
    assert {k: body[k] for k in expect} == expect


def test_tier_upgrade_notes_name_the_program_tiers() -> None:
    ctx, body = render("tierUpgraded", {"from_tier": 1, "to_tier": 2})
    assert body["notes"] == f"Upgraded from {ctx.prog.tier(1).name} to {ctx.prog.tier(2).name}"


def test_tier_moves_without_facts_go_the_right_way() -> None:
    for seed in SEEDS:
        ctx, up = render("tierUpgraded", seed=seed)
        assert up["previousTierNumber"] < up["upgradedTierNumber"]
        assert {up["previousTierNumber"], up["upgradedTierNumber"]} <= tier_numbers(ctx)
        assert up["tierExpiryDate"] > ctx.date()
        ctx, down = render("tierDowngraded", seed=seed)
        assert down["previousTierNumber"] > down["downgradedTierNumber"]
        assert {down["previousTierNumber"], down["downgradedTierNumber"]} <= tier_numbers(ctx)


def test_tier_renewal_and_reminder_concern_a_tier_above_the_lowest() -> None:
    for seed in SEEDS:
        ctx, renewed = render("tierRenewed", seed=seed)
        lowest = min(tier_numbers(ctx))
        assert renewed["currentTierNumber"] in tier_numbers(ctx) - {lowest}
        assert renewed["tierExpiryDate"] > ctx.date()
        ctx, reminder = render("tierDowngradeReminder", seed=seed)
        assert reminder["currentTierNumber"] in tier_numbers(ctx) - {lowest}
        assert reminder["scheduledDowngradeDate"] > ctx.date()


def test_downgrade_to_the_lowest_tier_has_no_expiry_unless_given() -> None:
    _, body = render("tierDowngraded", {"from_tier": 2, "to_tier": 1})
    assert "tierExpiryDate" not in body
    _, body = render("tierDowngraded", {"from_tier": 2, "to_tier": 1, "expiry": "2026-09-30"})
    assert body["tierExpiryDate"] == "2026-09-30"


def test_tier_ref_is_the_customer() -> None:
    payload = capmock.generate("tierUpgraded", seed=4)
    data = payload["data"]
    assert payload["refId"] == f"{payload['orgId']}_{data['customerIdentifiers']['customerId']}"


# ---- partner programs ----------------------------------------------------------------


def test_external_partner_link_uses_the_facts() -> None:
    facts = {
        "partner_id": 25,
        "partner_name": "Demo-p1",
        "partner_type": "EXTERNAL",
        "membership_id": "123-asa3",
        "partner_tier": 2,
        "expiry": "2026-06-29",
    }
    for event in ("partnerProgramLinked", "partnerProgramUpdated"):
        more = {"update_type": "UPGRADE"} if event == "partnerProgramUpdated" else {}
        _, body = render(event, {**facts, **more})
        assert (body["partnerProgramId"], body["partnerProgramName"]) == (25, "Demo-p1")
        assert body["partnerProgramType"] == "EXTERNAL"
        assert body["customerPartnerProgramDetails"] == {
            "partnerTierExpiryDate": "2026-06-29",
            "partnerTierNumber": 2,
            "membershipNumber": "123-asa3",
        }
    assert body["updateType"] == "UPGRADE"


def test_supplementary_link_carries_the_membership_expiry_only() -> None:
    facts = {"partner_type": "SUPPLEMENTARY", "expiry": "2123-05-12"}
    _, body = render("partnerProgramLinked", facts)
    assert body["customerPartnerProgramDetails"] == {"membershipExpiryDate": "2123-05-12"}
    _, body = render("partnerProgramUpdated", {"partner_type": "SUPPLEMENTARY"})
    assert body["updateType"] == "RENEWAL"


def test_one_org_keeps_its_partner_program_across_events() -> None:
    for seed in SEEDS:
        _, linked = render("partnerProgramLinked", seed=seed)
        _, delinked = render("partnerProgramDelinked", seed=seed)
        keys = ("partnerProgramId", "partnerProgramName", "partnerProgramType")
        assert [linked[k] for k in keys] == [delinked[k] for k in keys]


def test_supplementary_reminder_uses_the_facts_and_a_batch_ref() -> None:
    facts = {"partner_id": 22, "partner_name": "SPprogram1", "expiry": "2026-02-01"}
    _, body = render("supplementaryMembershipExpiryReminder", facts)
    assert (body["partnerProgramId"], body["partnerProgramName"]) == (22, "SPprogram1")
    assert body["scheduledExpiryDate"] == "2026-02-01"
    assert "partnerProgramType" not in body
    payload = capmock.generate("supplementaryMembershipExpiryReminder", seed=1, facts=facts)
    org, ref = payload["refId"].split("_", 1)
    assert org == str(payload["orgId"])
    assert ref.endswith("_b1") and UUID.match(ref[:-3])


# ---- rewards -------------------------------------------------------------------------


def test_reward_definition_uses_the_facts() -> None:
    facts = {
        "reward_id": 55881,
        "reward_name": "Free Coffee",
        "points": 120,
        "reward_type": "VOUCHER",
        "redemption_type": "VENDOR_INTOUCH_REWARD",
        "series_id": 315206,
        "vendor_name": "Capillary",
        "enabled": False,
    }
    for event in ("rewardCreated", "rewardUpdated", "rewardExpiryReminder"):
        _, body = render(event, facts)
        assert (body["rewardId"], body["intouchPoints"], body["intouchSeriesId"]) == (
            55881,
            120,
            "315206",
        )
        assert body["rewardDetails"][0]["name"] == "Free Coffee"
        assert body["vendorDetails"]["name"] == "Capillary"
        assert body["enabled"] is False


def test_reward_validity_is_ordered_and_reminders_expire_soon() -> None:
    for seed in SEEDS:
        for event in ("rewardCreated", "rewardUpdated", "rewardIssued"):
            _, body = render(event, seed=seed)
            assert body["startDate"] < body["endDate"]
        ctx, body = render("rewardExpiryReminder", seed=seed)
        assert ctx.now_ms < body["endDate"] <= ctx.now_ms + 7 * DAY_MS


def test_miles_rewards_state_their_conversion_ratio() -> None:
    _, body = render("rewardCreated", {"redemption_type": "MILES", "conv_ratio": 0.35})
    assert body["paymentModes"][0]["paymentMode"] == "CONV_RATIO"
    assert body["paymentModes"][0]["conv_ratio"] == 0.35


@pytest.mark.parametrize(
    ("redemption", "intouch", "vendor"),
    [
        ("INTOUCH_REWARD", True, False),
        ("VENDOR_INTOUCH_REWARD", True, True),
        ("VENDOR_ONLY_REWARD", False, True),
    ],
)
def test_reward_issued_details_follow_the_redemption_type(
    redemption: str, intouch: bool, vendor: bool
) -> None:
    ctx, body = render(
        "rewardIssued", {"redemption_type": redemption, "code": "C929Z3OI", "reward_id": 7}
    )
    assert body["rewardId"] == 7
    assert ("intouchRewardDetails" in body) is intouch
    assert ("vendorRewardDetails" in body) is vendor
    if intouch:
        assert body["intouchRewardDetails"]["intouchCouponCode"] == "C929Z3OI"
        assert body["intouchRewardDetails"]["codeExpiry"] > ctx.now_ms
    if vendor:
        assert body["vendorRewardDetails"]["vendorVoucher"] == "C929Z3OI"


def test_issue_reward_failure_uses_the_facts() -> None:
    facts = {
        "request_id": "0a3731f3-e8ce-4ad4-a331-4b44d44193fe",
        "reward_id": 57141,
        "qty": 3,
        "points": 10,
        "reason": "Unknown error : MAX_COUPON_ISSUAL_PER_USER_EXCEEDED",
        "error_code": 730,
    }
    _, body = render("issueRewardFailure", facts)
    (step,) = body["erroredSteps"]
    (item,) = step["rewards"]
    assert body["totalPoints"] == 30
    assert (item["id"], item["qty"], item["points"]) == (57141, 3, 30)
    assert (step["errorCode"], step["errorMessage"]) == (730, facts["reason"])
    payload = capmock.generate("issueRewardFailure", seed=1, facts=facts)
    assert payload["refId"] == f"{payload['orgId']}_{facts['request_id']}"


def test_issue_reward_failure_totals_its_items() -> None:
    for seed in SEEDS:
        _, body = render("issueRewardFailure", seed=seed)
        items = [r for s in body["erroredSteps"] for r in s["rewards"]]
        assert body["totalPoints"] == sum(r["points"] for r in items)
        assert UUID.match(body["requestId"])


# ---- cards ---------------------------------------------------------------------------


def test_card_updated_uses_the_facts() -> None:
    facts = {
        "card_number": "event0000000000010210card",
        "previous_status": "ACTIVE",
        "current_status": "SUSPENDED",
        "extended_fields": {"card_requested_by": "ADMIN", "card_balance": "10.9"},
        "previous_extended_fields": {},
        "custom_fields": {"card_custom_fields_1": "test1"},
        "previous_custom_fields": {},
    }
    _, body = render("cardUpdated", facts)
    assert body == {
        "cardNumber": "event0000000000010210card",
        "previousStatusLabel": "ACTIVE",
        "currentStatusLabel": "SUSPENDED",
        "currentExtendedFields": [
            {"name": "card_requested_by", "value": "ADMIN"},
            {"name": "card_balance", "value": "10.9"},
        ],
        "previousExtendedFields": [],
        "currentCustomFields": [{"name": "card_custom_fields_1", "value": "test1"}],
        "previousCustomFields": [],
    }


def test_card_status_changes_and_defaults_to_the_customer_card() -> None:
    for seed in SEEDS:
        ctx, body = render("cardUpdated", seed=seed)
        assert body["cardNumber"] == ctx.customer.card_number
        assert body["previousStatusLabel"] != body["currentStatusLabel"]
    _, body = render("cardUpdated", {"previous_status": "SUSPENDED"})
    assert body["previousStatusLabel"] == "SUSPENDED"
    assert body["currentStatusLabel"] != "SUSPENDED"


def test_card_ref_is_stable_for_a_card() -> None:
    facts = {"card_number": "4821791986410927"}
    first = capmock.generate("cardUpdated", seed=1, facts=facts)
    second = capmock.generate("cardUpdated", seed=9, facts=facts)
    assert first["refId"].split("_", 1)[1] == second["refId"].split("_", 1)[1]
    assert first["refId"].split("_", 1)[1].isdigit()
