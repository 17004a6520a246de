"""The model behind the seed 005 events: groups pool points, adjustments and expiry
changes move the ledger, target periods track the defined value, messages honour
subscriptions, reward fulfilment moves one way, promised currencies convert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import only, play
from replay import check_balances, check_groups

from capmock.envelope import unwrap
from capmock.errors import ScenarioError
from capmock.model import groups
from capmock.scenario.state import snapshot

REVERSED = "issuedalternateCurrenciesReversed"
ENROL = [{"enrol": "alice"}, {"enrol": "bob"}]
THREE = {"alice": {}, "bob": {}, "cara": {}}


# ---- groups ------------------------------------------------------------------------------


def test_group_members_contribute_what_they_earn_and_keep_their_own(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"create_group": {"customer": "alice", "name": "Fam"}},
        {"join_group": {"customer": "bob", "group": "Fam"}},
        {"transact": {"customer": "alice", "amount": 2000}},
        {"transact": {"customer": "bob", "amount": 1230}},
        {"leave_group": {"customer": "bob", "group": "Fam"}},
        {"transact": {"customer": "bob", "amount": 500}},
    ]
    player, events = play(tmp_path, steps)
    contributions = only(events, "pointsContributionToGroup")
    assert [c["pointsContributedToGroup"] for c in contributions] == [200.0, 123.0]
    assert contributions[1]["contributingMember"]["role"] == "SECONDARY"
    assert contributions[0]["contributingMember"]["role"] == "PRIMARY"
    issued = only(events, "pointsIssued")
    assert [p["programCurrentPoints"] for p in issued] == [200.0, 123.0, 173.0]  # bob keeps his
    state = snapshot(player)
    assert state["groups"][0]["points"] == 323.0
    assert state["groups"][0]["members"] == [player.named["alice"].customer_id]
    assert only(events, "groupMemberRemoved")[0]["memberRemoved"]["firstName"]


def test_group_rules_refuse(tmp_path: Path) -> None:
    base = [*ENROL, {"create_group": {"customer": "alice", "name": "Fam"}}]
    refusals = [
        {"leave_group": {"customer": "alice", "group": "Fam"}},  # the primary
        {"leave_group": {"customer": "bob", "group": "Fam"}},  # not a member
        {"create_group": {"customer": "alice", "name": "Other"}},  # already in one
        {"update_group": {"group": "Fam", "primary": "bob"}},  # not a member
    ]
    for step in refusals:
        play(tmp_path, [*base, {**step, "expect_rejection": True}])
    with pytest.raises(ScenarioError, match="did you mean 'Fam'"):
        play(tmp_path, [*base, {"join_group": {"customer": "bob", "group": "Fan"}}])


def test_a_group_holds_five_members(tmp_path: Path) -> None:
    names = [f"m{i}" for i in range(6)]
    steps: list[Any] = [{"enrol": n} for n in names]
    steps.append({"create_group": {"customer": "m0", "name": "Big"}})
    steps += [{"join_group": {"customer": n, "group": "Big"}} for n in names[1:5]]
    steps.append({"join_group": {"customer": "m5", "group": "Big"}, "expect_rejection": True})
    player, _ = play(tmp_path, steps, customers={n: {} for n in names})
    assert len(snapshot(player)["groups"][0]["members"]) == groups.MAX_MEMBERS


def test_replay_catches_a_contribution_that_disagrees_with_the_ledger(tmp_path: Path) -> None:
    steps = [
        *ENROL,
        {"create_group": {"customer": "alice", "name": "Fam"}},
        {"transact": {"customer": "alice", "amount": 2000}},
    ]
    player, _ = play(tmp_path, steps)
    payloads = list(type(player)(player.scenario).payloads())
    assert check_groups(payloads) != {}
    for p in payloads:
        name, _, data = unwrap(p)
        if name == "pointsContributionToGroup":
            data["pointsContributedToGroup"] += 1
    with pytest.raises(AssertionError):
        check_groups(payloads)


# ---- manual adjustments and expiry changes --------------------------------------------------


def test_adjustments_move_the_ledger_and_the_next_balances(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"transact": {"customer": "alice", "amount": 3000}},  # 300
        {"adjust_points": {"customer": "alice", "points": 800, "reason": "Goodwill"}},  # 1100
        {"adjust_points": {"customer": "alice", "points": -100}},  # 1000
        {"transact": {"customer": "alice", "amount": 100}},  # 1010
        {"adjust_points": {"customer": "alice", "points": -2000}, "expect_rejection": True},
    ]
    player, events = play(tmp_path, steps)
    adjusted = only(events, "manualPointsAdjustment")
    assert [a["totalPoinstDeducted"] for a in adjusted] == ["-800", "100"]
    assert adjusted[0]["reason"] == "Goodwill"
    assert adjusted[1]["programPointsSplit"][0]["points"] == "100"
    assert only(events, "tierUpgraded")  # 1,100 lifetime crosses Gold at 1,000
    assert only(events, "pointsIssued")[-1]["programCurrentPoints"] == 1010.0
    account = player.world.account(player.named["alice"])
    account.check()
    assert (account.current, account.lifetime) == (1010.0, 1010.0)
    payloads = list(type(player)(player.scenario).payloads())
    assert check_balances(payloads)[player.named["alice"].customer_id] == 1010.0


def test_replay_reads_the_adjustment_sign(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"adjust_points": {"customer": "alice", "points": 50}},
        {"transact": {"customer": "alice", "amount": 100}},
    ]
    player, _ = play(tmp_path, steps)
    payloads = list(type(player)(player.scenario).payloads())
    check_balances(payloads)
    for p in payloads:
        name, _, data = unwrap(p)
        if name == "manualPointsAdjustment":
            data["totalPoinstDeducted"] = "50"  # a debit where the model credited
    with pytest.raises(AssertionError):
        check_balances(payloads)


def test_expiry_change_moves_later_expiries(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"transact": {"customer": "alice", "amount": 1000}},  # 100, expires 2027-01-01
        {"wait": "30d"},
        {"transact": {"customer": "alice", "amount": 2000}},  # 200, expires 2027-01-31
        {
            "change_points_expiry": {
                "customer": "alice",
                "date": "2027-06-30",
                "before": "2027-01-15",
            }
        },
        {"wait": "400d"},
    ]
    player, events = play(tmp_path, steps)
    change = only(events, "pointsExpiryChange")[0]["updatedPointsExpiryBreakup"]
    assert [(e["points"], e["newExpiryDate"]) for e in change] == [(100.0, "2027-06-30")]
    assert change[0]["pointsPreviousExpiryDate"] == "2027-01-01"
    expired = only(events, "pointsExpired")
    assert [e["pointsExpired"] for e in expired] == [200]  # the moved lot is still alive
    assert player.world.account(player.named["alice"]).current == 100.0


def test_expiry_change_needs_one_way_and_points(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="either `date`"):
        play(tmp_path, [{"enrol": "alice"}, {"change_points_expiry": {"customer": "alice"}}])
    play(
        tmp_path,
        [
            {"enrol": "alice"},
            {
                "change_points_expiry": {"customer": "alice", "extend": "90d"},
                "expect_rejection": True,
            },
        ],
    )


# ---- target periods ------------------------------------------------------------------------

TARGETS = {"targets": [{"name": "Spend", "metric": "spend", "value": 3000}]}


def target_play(tmp_path: Path, steps: list[Any]) -> tuple[Any, list[tuple[str, dict]]]:
    from helpers import ORG

    return play(tmp_path, steps, org={**ORG, **TARGETS})


def test_target_periods_follow_the_customers_value(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"transact": {"customer": "alice", "amount": 1000}},  # before enrolment
        {"target_enrol": {"customer": "alice", "target": "Spend"}},  # P1 from 0
        {"transact": {"customer": "alice", "amount": 2500}},
        {"target_value_update": {"customer": "alice", "target": "Spend", "value": 5000}},
        {"transact": {"customer": "alice", "amount": 2000}},  # 4500 < 5000: not achieved
        {"transact": {"customer": "alice", "amount": 600}},  # 5100: achieved
        {"target_period_complete": {"customer": "alice", "target": "Spend"}},
        {"target_period_start": {"customer": "alice", "target": "Spend"}},
        {"transact": {"customer": "alice", "amount": 700}},
    ]
    player, events = target_play(tmp_path, steps)
    enrolment = only(events, "targetCustomerEnrolment")[0]
    assert (enrolment["targetPeriodName"], enrolment["defaultTargetValue"]) == ("P1", "3000.000")
    started = only(events, "targetPeriodStarted")
    assert [s["targetDetails"]["targetPeriodName"] for s in started] == ["P1", "P2"]
    updates = only(events, "targetAchievedValueUpdated")
    assert [u["achievedTargetValue"] for u in updates] == [
        "1000.000",
        "2500.000",
        "4500.000",
        "5100.000",
        "700.000",
    ]
    assert only(events, "targetValueUpdated")[0]["definedTargetValue"] == "5000.000"
    achieved = only(events, "targetValueAchieved")
    assert [a["achievedTargetValue"] for a in achieved] == ["5100.000"]
    done = only(events, "targetPeriodCompleted")[0]
    assert (done["achievedTargetValue"], done["definedTargetValue"]) == ("5100.000", "5000.000")
    assert done["milestoneDetails"][0]["achievedDate"] > 0
    ids = {e["targetDetails"]["id"] for e in [*started, *updates[1:], done]}
    assert ids == {enrolment["targetId"]}
    periods = {u["targetDetails"]["targetPeriodId"] for u in updates[1:4]}
    assert periods == {enrolment["targetPeriodId"]}
    assert updates[4]["targetDetails"]["targetPeriodId"] != enrolment["targetPeriodId"]
    (period,) = snapshot(player)["targetPeriods"]
    assert (period["target"], period["period"], period["open"]) == ("Spend", "P2", True)
    assert (period["defined"], period["achievedAt"]) == (5000.0, None)


def test_target_period_rules_refuse(tmp_path: Path) -> None:
    enrol = {"target_enrol": {"customer": "alice", "target": "Spend"}}
    for steps in (
        [{"target_period_start": {"customer": "alice", "target": "Spend"}}],  # not enrolled
        [enrol, {"target_period_start": {"customer": "alice", "target": "Spend"}}],  # open
        [enrol, enrol],
    ):
        last = {**steps[-1], "expect_rejection": True}
        target_play(tmp_path, [{"enrol": "alice"}, *steps[:-1], last])
    with pytest.raises(ScenarioError, match="did you mean 'Spend'"):
        target_play(
            tmp_path,
            [{"enrol": "alice"}, {"target_enrol": {"customer": "alice", "target": "Spnd"}}],
        )


# ---- messages, fulfilment, promised currencies ---------------------------------------------


def test_unsubscribed_channel_blocks_messages(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"message_undelivered": {"customer": "alice", "channel": "SMS", "status": "FAILED"}},
        {"subscription": {"customer": "alice", "channel": "sms", "priority": "BULK"}},
        {"message_undelivered": {"customer": "alice", "channel": "SMS", "priority": "BULK"}},
        {"subscription": {"customer": "alice", "channel": "SMS", "priority": "BULK"}},
    ]
    with pytest.raises(ScenarioError, match="already UNSUBSCRIBED"):
        play(tmp_path, steps)
    _, events = play(tmp_path, steps[:-1])
    change = only(events, "customerSubscription")[0]["subscriptions"]
    assert [(c["channel"], c["previousStatus"], c["currentStatus"]) for c in change] == [
        ("SMS", "SUBSCRIBED", "UNSUBSCRIBED")
    ]
    failures = only(events, "communicationMessageUndelivered")
    assert [f["deliveryFailureStatus"] for f in failures] == ["FAILED", "DND_BLOCKED"]
    assert failures[1]["baseAttributes"]["receiver"].isdigit()
    with pytest.raises(ScenarioError, match="did you mean 'HARD_BOUNCED'"):
        play(
            tmp_path,
            [
                {"enrol": "alice"},
                {"message_undelivered": {"customer": "alice", "status": "HARD_BOUNCE"}},
            ],
        )


def test_reward_fulfilment_moves_one_way(tmp_path: Path) -> None:
    base: list[Any] = [
        {"enrol": "alice"},
        {"transact": {"customer": "alice", "amount": 5000}},
        {"create_reward": {"name": "Mug", "points": 100, "as": "mug"}},
    ]
    ship = {
        "update_reward_transaction": {"customer": "alice", "reward": "mug", "status": "SHIPPED"}
    }
    play(tmp_path, [*base, {**ship, "expect_rejection": True}])  # not issued yet
    steps = [
        *base,
        {"issue_reward": {"customer": "alice", "reward": "mug"}},
        ship,
        {"update_reward_transaction": {"customer": "alice", "reward": "mug"}},  # DELIVERED
        {
            "update_reward_transaction": {
                "customer": "alice",
                "reward": "mug",
                "status": "CANCELLED",
            },
            "expect_rejection": True,
        },
        {"update_reward_transaction": {"customer": "alice", "reward": "mug", "status": "RETURNED"}},
    ]
    _, events = play(tmp_path, steps)
    updates = [u["transactionUpdates"][0] for u in only(events, "updateRewardTransaction")]
    assert [u["fulfillmentStatus"] for u in updates] == ["SHIPPED", "DELIVERED", "RETURNED"]
    assert len({u["transactionId"] for u in updates}) == 1
    assert len({u["transactionCustomFields"]["trackingId"] for u in updates}) == 1
    issued = only(events, "rewardIssued")[0]
    assert updates[0]["rewardId"] == issued["rewardId"]
    code = issued["intouchRewardDetails"]["intouchCouponCode"]
    assert updates[0]["transactionCustomFields"]["voucherCode"] == code


def test_promised_alternate_currency_converts_into_the_balance(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"convert_alternate_currency": "alice", "expect_rejection": True},
        {"promise_alternate_currency": {"customer": "alice", "amount": 40, "convert_in": "10d"}},
        {"issue_alternate_currency": {"customer": "alice", "amount": 5}},
        {"convert_alternate_currency": "alice"},
        {"issue_alternate_currency": {"customer": "alice", "amount": 5}},
    ]
    player, events = play(tmp_path, steps)
    issued = [d["alternateCurrencies"][0] for d in only(events, "alternateCurrenciesIssued")]
    assert issued[0]["promisedAlternateCurrenciesIssued"][0]["promisedAlternateCurrencies"] == 40
    assert issued[0]["programCurrentAlternateCurrencies"] == 0.0
    assert [i["programCurrentAlternateCurrencies"] for i in issued[1:]] == [5.0, 50.0]
    assert [i["totalAlternateCurrenciesIssued"] for i in issued[1:]] == [5.0, 5.0]
    converted = only(events, "promisedToCurrentAlternateCurrencyConversion")[0]
    assert converted["alternateCurrencyConverted"][0]["alternateCurrencyValue"] == "40.000"
    assert converted["alternateCurrencyConverted"][0]["alternateCurrencyName"] == "stars_PROMISED"
    reference = converted["earningAlternateCurrencyReference"][0]
    assert reference["alternateCurrencyIdentifier"] == issued[0]["alternateCurrencyIdentifier"]
    assert snapshot(player)["customers"][0]["alternateCurrencies"] == {"stars": 50.0}


def test_alternate_currency_issues_state_only_what_the_balance_counts(tmp_path: Path) -> None:
    steps: list[Any] = [{"enrol": "alice"}]
    steps += [{"issue_alternate_currency": {"customer": "alice", "amount": 10}}] * 6
    steps += [{"reverse_alternate_currency": "last"}]
    steps[-2] = {**steps[-2], "as": "last"}
    _, events = play(tmp_path, steps)
    issued = [d["alternateCurrencies"][0] for d in only(events, "alternateCurrenciesIssued")]
    assert [i["totalAlternateCurrenciesIssued"] for i in issued] == [10.0] * 6
    assert [i["programCurrentAlternateCurrencies"] for i in issued] == [
        10.0 * n for n in range(1, 7)
    ]
    (reversed_,) = [d["alternateCurrencies"][0] for d in only(events, REVERSED)]
    assert reversed_["totalAlternateCurrenciesReversed"] == 10.0
    assert reversed_["programCurrentAlternateCurrencies"] == 50.0


def test_emit_of_model_owned_seed_005_events_goes_through_the_model(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"transact": {"customer": "alice", "amount": 1000}},  # 100
        {
            "emit": {
                "event": "manualPointsAdjustment",
                "customer": "alice",
                "facts": {"points": -40},
            }
        },
        {"emit": {"event": "pointsExpiryChange", "customer": "alice"}},
        {"transact": {"customer": "alice", "amount": 100}},  # 10
    ]
    _, events = play(tmp_path, steps)
    assert only(events, "manualPointsAdjustment")[0]["totalPoinstDeducted"] == "40"
    assert only(events, "pointsExpiryChange")[0]["updatedPointsExpiryBreakup"][0]["points"] == 60
    assert only(events, "pointsIssued")[-1]["programCurrentPoints"] == 70.0
    with pytest.raises(ScenarioError, match="debiting 500 points but only 70 available"):
        play(tmp_path, [*steps, {"adjust_points": {"customer": "alice", "points": -500}}])


def test_crowd_customers_get_groups_of_their_own(tmp_path: Path) -> None:
    body = [{"enrol": "each"}, {"create_group": {"customer": "each"}}]
    crowd = {"crowd": {"crowd": 30}}
    _, events = play(tmp_path, [{"for_each": "crowd", "steps": body}], customers=crowd)
    names = [e["groupName"] for e in only(events, "groupCreated")]
    assert len(names) == len(set(names)) == 30


def test_a_debit_can_cost_the_tier_a_credit_gave(tmp_path: Path) -> None:
    steps = [
        {"enrol": "alice"},
        {"adjust_points": {"customer": "alice", "points": 1200}},  # Gold from 1,000
        {"adjust_points": {"customer": "alice", "points": -300}},  # 900: back to Silver
    ]
    player, events = play(tmp_path, steps)
    assert only(events, "tierUpgraded")[0]["upgradedTierNumber"] == 2
    assert only(events, "tierDowngraded")[0]["downgradedTierNumber"] == 1
    program = player.world.org.default_program
    assert player.named["alice"].tiers[program.id] == 1
