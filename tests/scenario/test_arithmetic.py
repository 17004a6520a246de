"""Table tests for the arithmetic of each consequence the model emits."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import only, play

ENROL = [{"enrol": "alice"}]


@pytest.mark.parametrize(
    ("amount", "points"),
    [(2450, 245.0), (19.99, 1.0), (1000, 100.0), (12345.67, 1234.0)],
)
def test_purchase_issues_floor_of_amount_times_rate(
    tmp_path: Path, amount: float, points: float
) -> None:
    _, events = play(tmp_path, [*ENROL, {"transact": {"customer": "alice", "amount": amount}}])
    assert [n for n, _ in events][:3] == ["customerAdded", "transactionAdded", "pointsIssued"]
    issued = only(events, "pointsIssued")[0]
    assert issued["regularPointsIssued"] == points
    assert issued["programCurrentPoints"] == points
    assert issued["programLifetimePoints"] == points
    assert only(events, "transactionAdded")[0]["amount"] == pytest.approx(amount)


def test_a_purchase_worth_no_points_sends_no_points_event(tmp_path: Path) -> None:
    _, events = play(tmp_path, [*ENROL, {"transact": {"customer": "alice", "amount": 9.99}}])
    assert [n for n, _ in events] == ["customerAdded", "transactionAdded"]


def test_crossing_a_threshold_upgrades_after_points(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 12000}},
        {"transact": {"customer": "alice", "amount": 40000}},
    ]
    _, events = play(tmp_path, steps)
    names = [n for n, _ in events]
    assert names == [
        "customerAdded",
        "transactionAdded",
        "pointsIssued",
        "tierUpgraded",
        "transactionAdded",
        "pointsIssued",
        "tierUpgraded",
    ]
    first, second = only(events, "tierUpgraded")
    assert (first["previousTierNumber"], first["upgradedTierNumber"]) == (1, 2)
    assert (second["previousTierNumber"], second["upgradedTierNumber"]) == (2, 3)


@pytest.mark.parametrize(
    ("returned", "reversed_points", "left"),
    [(None, 600.0, 100.0), (3000, 300.0, 400.0), (600, 60.0, 640.0)],
)
def test_return_reverses_points_in_proportion(
    tmp_path: Path, returned: float | None, reversed_points: float, left: float
) -> None:
    ret: dict = {"bill": "b1"}
    if returned is not None:
        ret["amount"] = returned
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 6000, "as": "b1"}},
        {"transact": {"customer": "alice", "amount": 1000}},
        {"return": ret},
    ]
    _, events = play(tmp_path, steps)
    rev = only(events, "issuedPointsReversed")[0]
    assert rev["regularPointsReversed"] == reversed_points
    assert rev["programCurrentPoints"] == left
    ret_bill = only(events, "transactionAdded")[-1]
    assert ret_bill["billType"] == "RETURN"
    assert ret_bill["billNumber"] == only(events, "transactionAdded")[0]["billNumber"]


def test_full_return_downgrades_when_lifetime_falls_below(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 12000, "as": "b1"}},
        {"return": "b1"},
    ]
    _, events = play(tmp_path, steps)
    assert [n for n, _ in events][-3:] == [
        "transactionAdded",
        "issuedPointsReversed",
        "tierDowngraded",
    ]
    down = only(events, "tierDowngraded")[0]
    assert (down["previousTierNumber"], down["downgradedTierNumber"]) == (2, 1)


def test_redeem_then_reverse(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 5000}},
        {"redeem_points": {"customer": "alice", "points": 120, "as": "r"}},
        {"reverse_redemption": "r"},
    ]
    _, events = play(tmp_path, steps)
    red = only(events, "pointsRedeemed")[0]
    assert red["totalPointsRedeemed"] == 120.0
    assert red["redemptionFromEarningPrograms"][0]["programCurrentPoints"] == 380.0
    back = only(events, "redeemedPointsReversed")[0]
    assert back["redemptionReversalToEarningPrograms"][0]["programCurrentPoints"] == 500.0


def test_overdraw_is_a_located_error_unless_expected(tmp_path: Path) -> None:
    from capmock.errors import ScenarioError

    steps = [*ENROL, {"redeem_points": {"customer": "alice", "points": 10}}]
    with pytest.raises(ScenarioError) as err:
        play(tmp_path, steps)
    assert "needs 10 points but only 0 are available" in str(err.value)
    assert "scenario.yaml:" in str(err.value) and "expect_rejection" in str(err.value)
    steps[-1] = {**steps[-1], "expect_rejection": True}
    _, events = play(tmp_path, steps)
    assert only(events, "pointsRedeemed") == []


def test_waiting_expires_points_at_their_expiry(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 3000}},
        {"wait": "200d"},
        {"transact": {"customer": "alice", "amount": 1000}},
        {"wait": "200d"},
    ]
    player, events = play(tmp_path, steps)
    expired = only(events, "pointsExpired")
    assert [e["pointsExpired"] for e in expired] == [300]
    acc = player.world.account(player.named["alice"])
    assert (acc.current, acc.expired, acc.lifetime) == (100.0, 300.0, 400.0)


def test_transfer_moves_points_between_customers(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"enrol": "bob"},
        {"transact": {"customer": "alice", "amount": 2000}},
        {"transfer_points": {"customer": "alice", "to": "bob", "points": 50}},
    ]
    player, events = play(tmp_path, steps)
    sent = only(events, "pointsTransferredInitiated")[0]
    got = only(events, "pointsTransferredReceived")[0]
    assert sent["totalPointsTransferred"] == got["totalPointsTransferred"] == 50.0
    assert sent["redemptionFromEarningPrograms"][0]["programCurrentPoints"] == 150.0
    bob = player.world.account(player.named["bob"])
    assert bob.current == 50.0


def test_generic_promotion_adds_promotional_points_to_the_bill(tmp_path: Path) -> None:
    steps = [
        {
            "create_promotion": {
                "name": "P",
                "type": "GENERIC",
                "points": 40,
                "min_amount": 500,
                "as": "p",
            }
        },
        *ENROL,
        {"transact": {"customer": "alice", "amount": 400}},
        {"transact": {"customer": "alice", "amount": 800}},
    ]
    _, events = play(tmp_path, steps)
    first, second = only(events, "pointsIssued")
    assert first["promotionalPointsIssued"] == []
    assert [p["promotionPoints"] for p in second["promotionalPointsIssued"]] == [40.0]
    assert second["programCurrentPoints"] == 40.0 + 80.0 + 40.0
    assert len(only(events, "promotionEarned")) == 1


def test_loyalty_promotion_needs_an_issue_before_it_is_earned(tmp_path: Path) -> None:
    steps = [
        {"create_promotion": {"name": "P", "type": "LOYALTY", "points": 10, "as": "p"}},
        *ENROL,
        {"earn_promotion": {"customer": "alice", "promotion": "p"}, "expect_rejection": True},
        {"issue_promotion": {"customer": "alice", "promotion": "p"}},
        {"earn_promotion": {"customer": "alice", "promotion": "p"}},
        {"revoke_earned_promotion": {"customer": "alice", "promotion": "p"}},
    ]
    _, events = play(tmp_path, steps)
    names = [n for n, _ in events]
    assert names == [
        "promotionCreated",
        "customerAdded",
        "promotionIssued",
        "promotionEarned",
        "pointsIssued",
        "revokeEarnedPromotion",
    ]
    issued, earned = only(events, "promotionIssued")[0], only(events, "promotionEarned")[0]
    assert issued["issualId"] == earned["issualId"]


def test_coupon_cannot_be_redeemed_twice(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"issue_coupon": {"customer": "alice", "series": "S", "as": "c"}},
        {"redeem_coupon": "c"},
        {"redeem_coupon": "c", "expect_rejection": True},
    ]
    _, events = play(tmp_path, steps)
    assert len(only(events, "CouponRedeem")) == 1


def test_return_after_spending_reverses_from_the_rest_of_the_balance(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 4200, "as": "b1"}},
        {"transact": {"customer": "alice", "amount": 5000}},
        {"redeem_points": {"customer": "alice", "points": 400}},
        {"return": "b1"},
    ]
    player, events = play(tmp_path, steps)
    rev = only(events, "issuedPointsReversed")[0]
    assert rev["regularPointsReversed"] == 420.0
    assert (rev["programCurrentPoints"], rev["programLifetimePoints"]) == (100.0, 500.0)
    acc = player.world.account(player.named["alice"])
    acc.check()


def test_return_line_items_agree_with_the_bill(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"transact": {"customer": "alice", "amount": 3000, "items": 3, "as": "b"}},
        {"return": {"bill": "b", "amount": 1000}},
    ]
    _, events = play(tmp_path, steps)
    sale, ret = only(events, "transactionAdded")
    assert sale["lineItemCount"] == 3 and sale["amount"] == 3000.0
    assert ret["amount"] == 1000.0 and ret["billType"] == "RETURN"
    assert [i["itemCode"] for i in ret["lineItems"]] == [i["itemCode"] for i in sale["lineItems"]]
    assert round(sum(i["amount"] for i in ret["lineItems"]), 2) == 1000.0
