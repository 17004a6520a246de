"""Request, target, streak and badge builders: facts land where they belong, and bodies
made up without facts stay consistent (values cross targets, counts within limits…)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.catalog.context import Ctx, Options
from capmock.envelope import Envelope

SEEDS = range(1, 16)
TARGET_VALUE = ("targetAchievedValueUpdated", "targetValueAchieved")
UNIFIED = ("unifiedTargetsAchieved", "unifiedTargetsUnAchieved")
LEVEL = ("streakLevelAchieved", "streakLevelUnAchieved")
ENROL = {"streakCustomerEnrolment": "streakEnrolmentData"}
ENROL["streakCustomerUnEnrolment"] = "streakUnEnrolmentData"
WORKFLOW_TYPES = (
    "POINTS_REDEMPTION",
    "CUSTOMER_STATUS_CHANGE",
    "GOODWILL_POINTS",
    "EARN_BADGE",
    "ISSUE_BADGE",
)
ALL = ("requestUpdated", "requestWorkflowEvent", *TARGET_VALUE, *UNIFIED, *LEVEL, *ENROL)
ALL += ("streakStart", "streakEnd", "badgeEarned")


def ctx(seed: int = 1, **options: Any) -> Ctx:
    return capmock.Generator(seed, options=Options(**options)).context()


def render(name: str, facts: dict[str, Any] | None = None, seed: int = 1) -> tuple[Ctx, dict]:
    c = ctx(seed)
    return c, catalog.get(name).render(c, facts or {})


def ref_of(name: str, body: dict[str, Any]) -> Any:
    ref = catalog.get(name).ref
    assert ref is not None
    return ref(body)


REQUEST_REFS = (*TARGET_VALUE, *UNIFIED, *LEVEL)


@pytest.mark.parametrize("event", [*REQUEST_REFS, "singlePointsExpiryUpdated"])
@pytest.mark.parametrize("style", ["flat", "wrapped"])
def test_ref_id_carries_the_api_request_id(event: str, style: str) -> None:
    payload = capmock.Generator(5, envelope=Envelope(style)).one(event)
    core = payload.get("attributes", payload)
    assert re.fullmatch(r"[0-9a-f]{32}", core["apiRequestId"])
    assert core["refId"] == f"{core['orgId']}_{core['apiRequestId']}"


@pytest.mark.parametrize("event", ["streakStart", "streakEnd"])
def test_streak_run_ref_id_is_the_api_request_id_shaped_as_a_uuid(event: str) -> None:
    payload = capmock.Generator(5).one(event)
    org, ref = payload["refId"].split("_", 1)
    assert org == str(payload["orgId"])
    assert str(uuid.UUID(ref)) == ref and ref.replace("-", "") == payload["apiRequestId"]


def iso_ms(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)


def num(value: str) -> float:
    assert re.fullmatch(r"\d+(\.\d+)?", value), value
    return float(value)


@pytest.mark.parametrize("event", ALL)
@pytest.mark.parametrize("seed", (1, 2, 3))
def test_payloads_validate_and_name_the_customer(event: str, seed: int) -> None:
    payload = capmock.generate(event, seed=seed, tz_millis=True)
    assert capmock.validate(payload) == []
    data = payload["data"]
    if "customerIdentifiers" in data:
        assert isinstance(data["customerIdentifiers"]["customerId"], int)


# ---- requestUpdated ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            {"request_id": 4242, "status": "APPROVED", "reason": "Receipt verified"},
            {"requestTrackingId": 4242, "status": "APPROVED", "comments": "Receipt verified"},
        ),
        (
            {"status": "REJECTED", "previous_status": "ON_HOLD"},
            {"requestType": "TRANSACTION", "requestBaseType": "REGULAR_TXN_ADD"},
        ),
        ({"type": "CUSTOMER"}, {"requestType": "CUSTOMER", "requestBaseType": "DELETE"}),
        ({"type": "GOODWILL", "base_type": "POINTS"}, {"requestBaseType": "POINTS"}),
    ],
)
def test_request_updated_facts(facts: dict[str, Any], expected: dict[str, Any]) -> None:
    c, body = render("requestUpdated", facts)
    assert {k: body[k] for k in expected} == expected
    change = body["updatedFields"][0]
    assert change == {
        "fieldName": "status",
        "previousValue": facts.get("previous_status", "PENDING"),
        "currentValue": body["status"],
    }
    assert body["customerIdentifiers"]["customerId"] == c.customer.customer_id
    assert ref_of("requestUpdated", body) == body["requestTrackingId"]
    assert body["updatedAt"] <= c.now_ms


def test_request_updated_pii_deletion_carries_creator() -> None:
    c, body = render("requestUpdated", {"type": "CUSTOMER", "pii_request_id": "req-1"})
    assert body["requestId"] == "req-1"
    assert body["createdBy"]["id"] == c.store.entered_by_id
    _, txn = render("requestUpdated", {})
    assert "createdBy" not in txn and "requestId" not in txn


# ---- requestWorkflowEvent ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("PENDING", "AdminTask"),
        ("APPROVED", "approved"),
        ("REJECTED", "rejected"),
        ("FAILED", "failed"),
    ],
)
@pytest.mark.parametrize("kind", WORKFLOW_TYPES)
def test_workflow_states(kind: str, status: str, state: str) -> None:
    c, body = render("requestWorkflowEvent", {"request_type": kind, "status": status})
    assert (body["requestType"], body["currentRequestState"]) == (kind, state)
    if state == "AdminTask":
        assert not {"checkerId", "previousRequestState", "comment"} & set(body)
    else:
        assert body["previousRequestState"] == "AdminTask"
        assert body["checkerId"] != body["requesterId"]
        verb = "rejecting" if state == "rejected" else "approving"
        assert body["comment"].startswith(verb)
    request_id = uuid.UUID(body["requestId"])
    assert request_id.version == 1  # time-based, raised no later than now
    assert (request_id.time - 0x01B21DD213814000) // 10_000 <= c.now_ms
    assert ref_of("requestWorkflowEvent", body) == body["requestId"]
    assert body["updateTime"] <= c.now_ms


def test_workflow_points_redemption() -> None:
    c, body = render("requestWorkflowEvent", {"request_type": "POINTS_REDEMPTION", "points": 150})
    redeem = body["requestAttributes"]["body"]["root"]["redeem"]
    assert redeem["points_redeemed"] == "150"
    assert redeem["customer"] == {"mobile": c.customer.mobile}
    assert body["requestAttributes"]["queryParams"] == {"skip_validation": "true", "format": "json"}


def test_workflow_goodwill_points() -> None:
    facts = {"request_type": "GOODWILL_POINTS", "points": 30, "reason": "Late delivery"}
    c, body = render("requestWorkflowEvent", facts)
    got = body["requestAttributes"]["body"]
    assert (got["points"], got["reason"], got["baseType"]) == (30, "Late delivery", "POINTS")
    assert got["programId"] == c.prog.id
    assert got["earningEntityId"] == c.customer.customer_id
    assert got["awardingTillId"] == c.store.entered_by_id


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"request_type": "EARN_BADGE", "badge_id": "b" * 24}, {"badgeMetaId": "b" * 24}),
        ({"request_type": "ISSUE_BADGE", "customers": [11, 12]}, {"customers": [11, 12]}),
        (
            {"request_type": "CUSTOMER_STATUS_CHANGE", "label": "Suspended", "reason": "Fraud"},
            {"label": "Suspended", "reason": "Fraud"},
        ),
    ],
)
def test_workflow_bodies(facts: dict[str, Any], expected: dict[str, Any]) -> None:
    c, body = render("requestWorkflowEvent", {**facts, "status": "PENDING"})
    got = body["requestAttributes"]["body"]
    assert {k: got[k] for k in expected} == expected
    if facts["request_type"] == "EARN_BADGE":
        assert got["customerId"] == c.customer.customer_id
    if facts["request_type"] == "CUSTOMER_STATUS_CHANGE":
        assert body["reason"] == "Fraud"  # the raised request repeats the reason
        query = body["requestAttributes"]["queryParams"]
        assert query["identifierValue"] == c.customer.mobile


# ---- targets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "current", "achieved", "defined"),
    [
        ({"defined": 5, "before": 4}, "1", "5.000", "5.000"),
        ({"defined": 1000, "before": 200, "after": 650}, "450", "650.000", "1000.000"),
        ({"defined": 3, "after": 14, "delta": 1}, "1", "14.000", "3.000"),
        ({"defined": 2500, "before": 1000, "delta": 249.5}, "249.5", "1249.500", "2500.000"),
    ],
)
@pytest.mark.parametrize("event", TARGET_VALUE)
def test_target_values_from_facts(
    event: str, facts: dict[str, Any], current: str, achieved: str, defined: str
) -> None:
    _, body = render(event, facts)
    got = (body["currentEventTargetValue"], body["achievedTargetValue"])
    assert (*got, body["definedTargetValue"]) == (current, achieved, defined)


def test_target_return_lowers_the_value() -> None:
    facts = {"defined": 10000, "before": 3000, "delta": 400, "returned": True}
    _, body = render("targetAchievedValueUpdated", facts)
    assert body["currentEventTargetValue"] == "400"  # positive: Capillary sends no negatives
    assert body["achievedTargetValue"] == "2600.000"
    assert body["eventName"] == body["triggeringActivity"]["name"] == "ReturnBill"


def test_target_details_and_transaction_from_facts() -> None:
    facts = {"target_id": 243, "target_name": "Visits_TxnCount1", "group_id": 163}
    facts |= {"group_name": "League", "period_id": 61, "period_name": "L1", "transaction_id": 9}
    _, body = render("targetValueAchieved", facts)
    assert body["targetDetails"] == {
        "id": 243,
        "name": "Visits_TxnCount1",
        "targetGroupId": 163,
        "targetGroupName": "League",
        "targetPeriodId": 61,
        "targetPeriodName": "L1",
    }
    assert body["transactionId"] == 9
    assert body["triggeringActivity"]["identifiers"] == [{"key": "TransactionId", "value": "9"}]


@pytest.mark.parametrize("seed", SEEDS)
def test_made_up_target_values_are_consistent(seed: int) -> None:
    c, body = render("targetValueAchieved", seed=seed)
    delta, after = num(body["currentEventTargetValue"]), num(body["achievedTargetValue"])
    defined = num(body["definedTargetValue"])
    assert after - delta < defined <= after + 1e-9  # this event crossed the target
    assert str(body["transactionId"]) == body["triggeringActivity"]["identifiers"][0]["value"]
    assert body["customerIdentifiers"]["customerId"] == c.customer.customer_id
    _, upd = render("targetAchievedValueUpdated", seed=seed)
    assert num(upd["currentEventTargetValue"]) > 0 and num(upd["achievedTargetValue"]) >= 0


@pytest.mark.parametrize(("event", "achieved"), [(UNIFIED[0], True), (UNIFIED[1], False)])
@pytest.mark.parametrize("seed", SEEDS)
def test_unified_targets_made_up(event: str, achieved: bool, seed: int) -> None:
    _, body = render(event, seed=seed)
    condition = body["unifiedTargetGroupDetails"]["unifiedTargetsAchievementCondition"]
    for t in body["targetData"]:
        reached = num(t["achievedTargetValue"]) >= num(t["definedTargetValue"])
        assert reached == achieved
        assert str(t["targetId"]) in condition["ruleExpression"]
    joiner = " | " if condition["combinationType"] == "ANY" else " & "
    assert len(condition["ruleExpression"][1:-1].split(joiner)) == 3
    keys = {i["key"]: i["value"] for i in body["triggeringActivity"]["identifiers"]}
    assert keys["transactionId"] == str(body["transactionId"])
    assert body["triggeringActivity"]["name"] == ("TransactionAdd" if achieved else "ReturnBill")


def test_unified_targets_from_facts() -> None:
    target = {"target_id": 11, "target_name": "T1", "defined": 1000, "before": 0, "after": 3000}
    facts = {"targets": [target], "group_id": 7, "group_name": "G", "combination": "ALL"}
    facts |= {"threshold": 5000, "group_size": 2, "transaction_id": 99, "event_log_id": 5}
    _, body = render("unifiedTargetsAchieved", facts)
    assert body["targetData"][0] | {"targetPeriodId": 0, "targetPeriodName": ""} == {
        "achievedTargetValue": "3000.000",
        "definedTargetValue": "1000.000",
        "targetId": 11,
        "targetName": "T1",
        "targetPeriodId": 0,
        "targetPeriodName": "",
    }
    group = body["unifiedTargetGroupDetails"]
    assert (group["targetGroupId"], group["targetGroupName"]) == (7, "G")
    condition = group["unifiedTargetsAchievementCondition"]
    assert condition["ruleExpression"].startswith("(11 & ") and condition["thresholdValue"] == 5000
    assert body["triggeringActivity"]["identifiers"][0] == {"key": "eventLogId", "value": "5"}


# ---- streaks -------------------------------------------------------------------------


@pytest.mark.parametrize("event", LEVEL)
def test_streak_level_facts(event: str) -> None:
    facts = {"streak_id": 77, "streak_name": "Coffee", "levels": [3, 5], "level": 2}
    facts |= {"streak_value": 5, "user_streak_id": 9, "achieved_at": 1_767_225_000_123}
    facts |= {"transaction_id": None, "target_id": 500}
    _, body = render(event, facts)
    assert body["streakData"] == [
        {
            "userCurrentStreakValue": "5",
            "streakLevelName": "Coffee_2",
            "streakName": "Coffee_2",
            "streakId": "77",
            "userStreakId": "9",
            "streakLevelAchievedDate": "2025-12-31T23:50:00.123+0000",
        }
    ]
    assert body["targetData"][0]["id"] == 500
    assert body["triggeringActivity"]["identifiers"][1] == {"key": "transactionId", "value": "null"}
    assert body["triggeringActivity"]["enteredBy"] == {}


@pytest.mark.parametrize("seed", SEEDS)
def test_streak_levels_made_up(seed: int) -> None:
    c, up = render("streakLevelAchieved", {"levels": [3, 5], "level": 1}, seed=seed)
    assert up["streakData"][0]["userCurrentStreakValue"] == "3"
    _, down = render("streakLevelUnAchieved", {"levels": [3, 5], "level": 2}, seed=seed)
    assert down["streakData"][0]["userCurrentStreakValue"] == "4"  # fell below level 2
    assert down["triggeringActivity"]["name"] == "ReturnBill"
    stamps = [iso_ms(b["streakData"][0]["streakLevelAchievedDate"]) for b in (up, down)]
    assert stamps[1] < stamps[0] <= c.now_ms  # a lost level had been reached earlier


@pytest.mark.parametrize(("event", "key"), ENROL.items())
def test_streak_enrolment_facts(event: str, key: str) -> None:
    facts = {"enrolment_id": "ab" * 16, "levels": [3, 5], "streak_name": "Visit"}
    facts |= {"start": "2026-01-01 00:00:00", "end": "2026-01-07 23:59:59"}
    _, body = render(event, facts)
    assert body[key] == [
        {
            "streakName": "Visit_1",
            "numberOfLevel": 2,
            "levelValues": [],
            "startDate": "2026-01-01 00:00:00",
            "endDate": "2026-01-07 23:59:59",
        }
    ]
    assert body["triggeringActivity"]["identifiers"][0]["value"] == "ab" * 16
    assert ref_of(event, body) == "ab" * 16


@pytest.mark.parametrize("seed", SEEDS)
def test_streak_enrolment_period_holds_now(seed: int) -> None:
    c = ctx(seed, tz_millis=True)
    body = catalog.get("streakCustomerEnrolment").render(c, {})
    data = body["streakEnrolmentData"][0]
    assert data["startDateInMillis"] <= c.now_ms <= data["endDateInMillis"]
    assert data["startDate"] < data["endDate"]


@pytest.mark.parametrize(
    ("value", "count", "achieved"), [(0, "0", []), (4, "1", ["3"]), (9, "2", ["3", "5"])]
)
def test_streak_end_levels_achieved(value: int, count: str, achieved: list[str]) -> None:
    facts = {"levels": [3, 5], "streak_value": value, "end": "2026-01-07 23:59:59"}
    _, body = render("streakEnd", facts)
    end = body["streakEndData"][0]
    assert (end["numberOfLevelsAchievedByTheUser"], end["levelsAchievedByTheUser"]) == (
        count,
        achieved,
    )
    assert (end["userStreakValueByTheEnd"], end["endDate"]) == (value, "2026-01-07 23:59:59")
    assert (end["numberOfLevel"], end["levelValues"]) == (2, ["3", "5"])


def test_streak_start_facts() -> None:
    facts = {"levels": [2, 4, 6], "streak_value": 1, "start": "2026-01-05 00:00:00"}
    facts |= {"description": "Visit 3 weeks in a row"}
    _, body = render("streakStart", facts)
    start = body["streakStartData"][0]
    assert start["levelValues"] == ["2", "4", "6"] and start["numberOfLevel"] == 3
    assert (start["userStreakValueAtTheStart"], start["startDate"]) == ("1", "2026-01-05 00:00:00")
    assert start["descriptionOfTheStreak"] == "Visit 3 weeks in a row"
    rule = body["triggeringActivity"]["identifiers"][0]
    assert rule == {"key": "TargetRuleId", "value": str(body["targetDetails"]["id"])}


# ---- badgeEarned ---------------------------------------------------------------------


@pytest.mark.parametrize("earn_key", ("earn_id", "issued_id"))
def test_badge_earned_facts(earn_key: str) -> None:
    facts = {"badge_id": "650c0896aefcde237f3dba43", earn_key: "651bb7bac983d041efbc78fc"}
    facts |= {"earned_on": 1_767_225_000_000, "earn_count": 4}
    _, body = render("badgeEarned", facts)
    assert body["badgeId"] == "650c0896aefcde237f3dba43"
    assert body["earnId"] == ref_of("badgeEarned", body) == "651bb7bac983d041efbc78fc"
    assert body["earnedOn"] == 1_767_225_000_000
    months = [c for c in body["earnConstraints"] if c.get("rollType") == "MONTHS"]
    assert all(c["currentEarnCount"] == 4 for c in months)


@pytest.mark.parametrize("seed", SEEDS)
def test_badge_constraints_made_up(seed: int) -> None:
    c, body = render("badgeEarned", seed=seed)
    assert re.fullmatch(r"[0-9a-f]{24}", body["badgeId"])
    assert re.fullmatch(r"[0-9a-f]{24}", body["earnId"])
    assert int(body["earnId"][:8], 16) == body["earnedOn"] // 1000 <= c.now_ms // 1000
    counts: dict[str, int] = {}
    for row in body["earnConstraints"]:
        if row["constraintType"] == "NONE":
            assert set(row) == {"constraintLevel", "constraintType"}
            continue
        assert 1 <= row["currentEarnCount"] <= row["maxEarnLimit"]
        if row["constraintLevel"] == "CUSTOMER":
            counts[row["rollType"]] = row["currentEarnCount"]
    assert counts.get("DAYS", 0) <= counts.get("WEEKS", 99) and counts.get(
        "WEEKS", 0
    ) <= counts.get("MONTHS", 99)
    assert any(r["constraintLevel"] == "CUSTOMER" for r in body["earnConstraints"])
