"""Builders of the seed 005 events: facts land where they belong, and bodies made up
without facts are realistic and consistent."""

from __future__ import annotations

import re
from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog.common import customer_identifiers
from capmock.catalog.communication import FAILURE_STATUSES, FAILURES
from capmock.catalog.context import Ctx, Options
from capmock.catalog.group import identifiers_of
from capmock.envelope import Envelope
from capmock.schemas import default_validator

NEW = (
    "customerSubscription",
    "groupCreated",
    "groupUpdated",
    "groupMemberAdded",
    "groupMemberRemoved",
    "pointsContributionToGroup",
    "targetCustomerEnrolment",
    "targetPeriodStarted",
    "targetValueUpdated",
    "targetPeriodCompleted",
    "manualPointsAdjustment",
    "pointsExpiryChange",
    "promisedToCurrentAlternateCurrencyConversion",
    "updateRewardTransaction",
    "communicationMessageUndelivered",
)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def ctx(seed: int = 1, **options: Any) -> Ctx:
    return capmock.Generator(seed, options=Options(**options)).context()


def render(name: str, facts: dict[str, Any] | None = None, seed: int = 1) -> tuple[Ctx, dict]:
    c = ctx(seed)
    return c, catalog.get(name).render(c, facts or {})


def test_the_catalog_has_the_seed_005_events() -> None:
    assert set(NEW) <= set(catalog.names())
    assert len(catalog.names()) >= 75


@pytest.mark.parametrize("name", NEW)
@pytest.mark.parametrize("style", ["flat", "wrapped"])
def test_generated_payloads_validate(name: str, style: str) -> None:
    validator = default_validator()
    for seed in range(1, 9):
        generator = capmock.Generator(
            seed, envelope=Envelope(style), options=Options(tz_millis=seed % 2 == 0)
        )
        payload = generator.one(name)
        assert validator.validate(payload) == [], (name, seed)


def test_group_facts_land_and_members_look_like_customers() -> None:
    c = ctx(3)
    other = capmock.Generator(4).customers[0]
    body = catalog.get("groupMemberAdded").render(
        c, {"group_id": 77, "group_name": "Rao Family", "member": other}
    )
    assert (body["groupId"], body["groupName"]) == (77, "Rao Family")
    assert body["primaryMember"]["role"] == "PRIMARY"
    assert body["primaryMember"]["customerIdentifiers"] == customer_identifiers(c)
    joined = body["memberAdded"]
    assert joined["role"] == "SECONDARY" and joined["firstName"] == other.first_name
    assert joined["customerIdentifiers"]["customerId"] == other.customer_id
    assert joined["customerIdentifiers"]["instore"]["mobile"] == other.mobile
    payload = capmock.Generator(3).one("groupCreated")
    assert payload["refId"] == f"{payload['orgId']}_{payload['data']['groupId']}"


def test_identifiers_of_the_context_customer_match_the_shared_builder() -> None:
    for enrich in (True, False):
        c = ctx(5, enrich=enrich)
        assert identifiers_of(c, c.customer) == customer_identifiers(c)


def test_contribution_states_the_points_and_the_bill() -> None:
    _, body = render("pointsContributionToGroup", {"points": 123.0, "bill_id": 555})
    assert body["pointsContributedToGroup"] == 123.0
    assert {"key": "BillId", "value": "555"} in body["triggeringActivity"]["identifiers"]
    assert body["contributingMember"]["role"] == "PRIMARY"  # the context customer is primary


@pytest.mark.parametrize(("points", "deducted"), [(150.0, "-150"), (-120.5, "120.5")])
def test_manual_adjustment_states_points_deducted(points: float, deducted: str) -> None:
    _, body = render("manualPointsAdjustment", {"points": points, "reason": "Duplicate bill"})
    assert body["totalPoinstDeducted"] == deducted
    assert body["programPointsSplit"][0]["points"] == deducted
    assert body["reason"] == "Duplicate bill"


def test_made_up_adjustments_are_numbers_in_strings() -> None:
    for seed in range(1, 20):
        _, body = render("manualPointsAdjustment", seed=seed)
        assert NUMBER.match(body["totalPoinstDeducted"])
        assert body["reason"]


def test_expiry_change_lists_each_lot() -> None:
    lots = [
        {"points": 100, "old": "2027-01-01", "new": "2027-04-01", "awarded_id": 9},
        {"points": 50, "old": "2027-02-01", "new": "2027-05-01", "promotion_id": 31},
    ]
    _, body = render("pointsExpiryChange", {"lots": lots, "set_type": "EXTENSION"})
    rows = body["updatedPointsExpiryBreakup"]
    assert [(r["points"], r["pointsPreviousExpiryDate"], r["newExpiryDate"]) for r in rows] == [
        (100.0, "2027-01-01", "2027-04-01"),
        (50.0, "2027-02-01", "2027-05-01"),
    ]
    assert rows[0]["pointAwardedRefID"] == 9 and rows[0]["promotionID"] == -1
    assert (rows[1]["promotionID"], rows[1]["pointsAwardedRefType"]) == (31, "PROMOTION")
    assert {r["newExpirySetType"] for r in rows} == {"EXTENSION"}


def test_target_period_events_share_the_target() -> None:
    facts = {
        "target_id": 11,
        "target_name": "Spend",
        "group_id": 5,
        "group_name": "Monsoon",
        "period_id": 71,
        "period_name": "P2",
        "defined": 5000.0,
    }
    _, enrolment = render("targetCustomerEnrolment", {**facts, "period_start": "2026-07-01"})
    assert (enrolment["targetId"], enrolment["targetPeriodName"]) == (11, "P2")
    assert enrolment["defaultTargetValue"] == "5000.000"
    assert enrolment["targetPeriodStartDate"] == "2026-07-01 00:00:00"
    for name in ("targetPeriodStarted", "targetValueUpdated", "targetPeriodCompleted"):
        achieved = {} if name == "targetPeriodStarted" else {"before": 1200.0, "after": 1200.0}
        _, body = render(name, {**facts, **achieved})
        details = body["targetDetails"]
        assert (details["id"], details["targetPeriodId"], details["targetGroupName"]) == (
            11,
            71,
            "Monsoon",
        )
        assert body["definedTargetValue"] == "5000.000"
    _, done = render("targetPeriodCompleted", {**facts, "after": 5100.0, "before": 5100.0})
    assert done["milestoneDetails"] == []  # reached: not said, so no milestone
    _, done = render("targetPeriodCompleted", {**facts, "after": 5100.0, "achieved_ms": 42})
    assert done["milestoneDetails"][0]["achievedDate"] == 42


def test_undelivered_uses_the_documented_statuses() -> None:
    seen = set()
    for seed in range(1, 30):
        _, body = render("communicationMessageUndelivered", seed=seed)
        status = body["deliveryFailureStatus"]
        assert status in FAILURE_STATUSES
        assert body["deliveryFailureReason"] == FAILURES[status][0]
        channel = body["baseAttributes"]["channel"]
        receiver = body["baseAttributes"]["receiver"]
        assert ("@" in receiver) == (channel == "EMAIL")
        seen.add(status)
    assert len(seen) > 2
    assert set(FAILURES) == set(FAILURE_STATUSES)


def test_subscription_changes_land() -> None:
    change = {
        "channel": "EMAIL",
        "priority": "TRANS",
        "previous": "UNSUBSCRIBED",
        "current": "SUBSCRIBED",
    }
    _, body = render("customerSubscription", {"changes": [change]})
    (row,) = body["subscriptions"]
    assert (row["channel"], row["priority"], row["previousStatus"], row["currentStatus"]) == (
        "EMAIL",
        "TRANS",
        "UNSUBSCRIBED",
        "SUBSCRIBED",
    )


def test_conversion_names_the_promised_bucket_and_adds_up() -> None:
    currencies = [{"name": "stars", "amount": 40.0}, {"name": "coins", "amount": 12.5}]
    _, body = render("promisedToCurrentAlternateCurrencyConversion", {"currencies": currencies})
    converted = body["alternateCurrencyConverted"]
    assert [(c["alternateCurrencyName"], c["alternateCurrencyValue"]) for c in converted] == [
        ("stars_PROMISED", "40.000"),
        ("coins_PROMISED", "12.500"),
    ]
    for entry, given in zip(body["alternateCurrencyConvertedBreakup"], currencies, strict=True):
        parts = entry["promotionalAlternateCurrencyBreakup"]
        parts += entry["nonPromotionalAlternateCurrencyBreakup"]
        assert sum(float(p["alternateCurrencyValue"]) for p in parts) == given["amount"]
    references = body["earningAlternateCurrencyReference"]
    assert [r["alternateCurrencyConverted"] for r in references] == [40.0, 12.5]


def test_reward_transaction_update_carries_the_facts() -> None:
    facts = {"transaction_id": 9, "reward_id": 8, "status": "SHIPPED", "custom_fields": {"a": "b"}}
    c, body = render("updateRewardTransaction", facts)
    (row,) = body["transactionUpdates"]
    assert row == {
        "transactionId": 9,
        "rewardId": 8,
        "customerId": c.customer.customer_id,
        "transactionCustomFields": {"a": "b"},
        "fulfillmentStatus": "SHIPPED",
    }
    _, made_up = render("updateRewardTransaction", {"status": "DELIVERED"}, seed=4)
    fields = made_up["transactionUpdates"][0]["transactionCustomFields"]
    assert "trackingId" in fields and "deliveredOn" in fields


def test_schemas_readme_says_which_envelopes_capillary_documents() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "schemas" / "README.md").read_text()
    section = readme.split("## Envelopes of the seed 005 events", 1)[1]
    assert all(f"`{name}`" in section for name in NEW)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"metric": "spend", "defined": 5.0}, "TRANSACTION_VALUE"),
        ({"metric": "visits", "defined": 5000.0}, "TRANSACTION_COUNT"),
        ({"defined": 4.0}, "TRANSACTION_COUNT"),
        ({"defined": 4000.0}, "TRANSACTION_VALUE"),
    ],
)
def test_milestone_value_type_follows_the_metric(facts: dict, expected: str) -> None:
    _, body = render("targetCustomerEnrolment", facts)
    assert body["milestoneDetails"][0]["valueType"] == expected
