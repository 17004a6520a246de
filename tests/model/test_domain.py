"""The model on its own, without a scenario: typed state, operations returning emissions."""

from __future__ import annotations

import pytest

from capmock.errors import Rejected
from capmock.model import coupons, membership, promotions, streaks, targets, transactions
from capmock.model.entities import Streak, Target
from capmock.model.factory import OrgSpec, make_world, new_customer
from capmock.model.world import World

START = 1_767_225_600_000  # 2026-01-01


def world(spec: OrgSpec | None = None) -> World:
    return make_world(5, "en_IN", spec, START)


def purchase(w: World, amount: float) -> list[str]:
    c = next(iter(w.states.values())).customer
    bill = transactions.open_bill(w, c, "regular", amount)
    return [e.event for e in transactions.record(w, c, bill)]


def test_a_direct_issue_promotion_is_earned_by_a_qualifying_bill_once() -> None:
    w = world()
    c = new_customer(w)
    membership.enrol(w, c, {}, None)
    promo, created = promotions.create(w, "Double", "loyalty", 250.0, 1000.0)
    assert created.event == "promotionCreated" and created.facts["status"] == "LIVE"
    assert purchase(w, 2000) == ["transactionAdded", "pointsIssued"]  # not issued yet
    assert promotions.issue(w, c, promo).event == "promotionIssued"
    assert purchase(w, 500) == ["transactionAdded", "pointsIssued"]  # below min_amount
    assert purchase(w, 1500) == ["transactionAdded", "pointsIssued", "promotionEarned"]
    issual = w.state(c).active_promotions[promo.id]
    assert issual.earns == 1 and issual.view()["earned"] == issual.earned
    assert purchase(w, 1500) == ["transactionAdded", "pointsIssued"]  # max_earns 1
    earned = list(issual.earned)
    revoked = promotions.revoke(w, c, promo, earned=True)
    assert revoked.facts["earned_ids"] == earned and len(earned) == 1
    assert issual.earned == [] and issual.earns == 1  # a revoked earn is not earned again
    assert issual.view()["revoked"] == 1
    with pytest.raises(Rejected, match="is not earned"):
        promotions.revoke(w, c, promo, earned=True)


def test_targets_and_streaks_follow_bills() -> None:
    goal = Target("Spend 3000", 3000.0, "spend", "Q1")
    w = world(OrgSpec(targets=(goal,), streaks=(Streak("Weekly", [2]),)))
    c = new_customer(w)
    membership.enrol(w, c, {}, None)
    assert [e.event for e in streaks.enrol(w, c, w.org.streaks[0])] == [
        "streakCustomerEnrolment",
        "streakStart",
    ]
    assert purchase(w, 1000) == ["transactionAdded", "pointsIssued", "targetAchievedValueUpdated"]
    assert purchase(w, 2500) == [
        "transactionAdded",
        "pointsIssued",
        "targetAchievedValueUpdated",
        "targetValueAchieved",
        "unifiedTargetsAchieved",  # the group's only target is achieved
        "streakLevelAchieved",  # the second bill reaches level 2
    ]
    assert w.state(c).targets == {"Spend 3000": 3500.0}
    assert targets.find(w.org.targets, "Spend 3000", "target") is w.org.targets[0]


def test_coupons_are_typed_and_redeemed_once() -> None:
    w = world()
    c = new_customer(w)
    with pytest.raises(Rejected, match="not enrolled"):
        coupons.issue(w, c, "WELCOME", 1, 10.0)
    membership.enrol(w, c, {"first_name": "Asha"}, "online")
    assert (c.first_name, c.source) == ("Asha", "ONLINE")
    issued = coupons.issue(w, c, "WELCOME", 2, 10.0)
    assert [x.series_id for x in issued] == [w.ids.stable("series", "WELCOME")] * 2
    assert coupons.issued(w, c, issued).facts["codes"] == [x.code for x in issued]
    redeemed = coupons.redeem(w, c, issued[0], None)
    assert redeemed.facts["code"] == issued[0].code and issued[0].status == "REDEEMED"
    assert issued[0].view()["kind"] == "coupon"
    with pytest.raises(Rejected, match="already redeemed"):
        coupons.redeem(w, c, issued[0], None)
