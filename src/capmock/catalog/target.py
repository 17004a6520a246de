"""Target (milestone) events: achieved value updated, value achieved, unified targets.

A *target* (Capillary also says *milestone*) belongs to a target group and is tracked per
period (``P1``, ``Cycle_2``…).  Capillary sends target values as decimal strings
(``"14.000"``) and the value a single event added as a compact string (``"1"``, ``"400"``).
On a returned purchase the achieved value goes *down* and ``currentEventTargetValue`` is
still positive; ``triggeringActivity.name`` (and ``eventName``) is then ``ReturnBill``.

Enrolment in a target and its periods (targetCustomerEnrolment, targetPeriodStarted,
targetValueUpdated, targetPeriodCompleted; documented in seed 005) are in
``target_period``.

``refId`` of these events is ``<orgId>_<apiRequestId>`` (``ref=REQUEST_ID``).
"""

from __future__ import annotations

import calendar
from typing import Any

from capmock.catalog.common import customer_identifiers, entered_by
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, NUM, STR, Node, Scalar, arr, obj, opt, ref
from capmock.catalog.registry import REQUEST_ID, EventDef, reads

DOMAIN = "target"

NUMSTR = Scalar("string", pattern=r"^-?\d+(\.\d+)?$")  # a number sent as a string
EVENT_TYPE_IDS = {"TransactionAdd": 15, "ReturnBill": 16}  # data.eventId; 16 is a guess

DEFS: dict[str, Node] = {
    "targetDetails": obj(
        id=INT,
        name=STR,
        targetGroupId=INT,
        targetGroupName=STR,
        targetPeriodId=INT,
        targetPeriodName=STR,
        description=opt(STR),
    ),
}


# ---- shared helpers (also used by streak.py) -----------------------------------------


def num_str(value: float, decimals: int | None = 3) -> str:
    """``14.000`` (fixed decimals) or, with ``decimals=None``, compact: ``1``, ``249.5``."""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


MONTHS = tuple(calendar.month_abbr)  # "", "Jan", …: calendar formats one on every lookup
SPEND_THEMES = ("Monthly Spend", "Festive Shopping", "Summer Challenge", "Category Explorer")
COUNT_THEMES = ("Weekend Visits", "App Orders", "Store Visits", "Coffee Club", "League Stage")


def target_details(ctx: Ctx, f: Facts, spend: bool = False) -> dict[str, Any]:
    """targetDetails; facts target_id, target_name, group_id, group_name, period_id,
    period_name.  ``spend``: a spend target (else a count of transactions)."""
    rng = ctx.rng
    day = ctx.date()
    theme = rng.choice(SPEND_THEMES if spend else COUNT_THEMES)
    group = f.get("group_name") or f"{theme} {MONTHS[int(day[5:7])]}{day[:4]}"
    number = rng.randint(1, 4)
    target_id = f.get("target_id") or ctx.ids.next("target")
    return {
        "id": target_id,
        "name": f.get("target_name") or f"{group}_{'Spend' if spend else 'TxnCount'}{number}",
        "targetGroupId": f.get("group_id") or target_id // 2 + rng.randint(0, 99),
        "targetGroupName": group,
        "targetPeriodId": f.get("period_id") or target_id + rng.randint(-5_000, 5_000),
        "targetPeriodName": f.get("period_name") or rng.choice(("P", "Cycle_", "L")) + str(number),
    }


def target_values(ctx: Ctx, f: Facts, achieve: bool | None) -> tuple[float, float, float, float]:
    """(defined, before, after, delta) of one target, consistent with each other.

    ``achieve`` True: this event reaches the target; False: it falls below it again;
    None: any change, downwards when ``f["returned"]`` (a returned purchase).
    """
    rng = ctx.rng
    defined = float(f.get("defined") or rng.choice((rng.randint(2, 10), rng.randint(5, 50) * 200)))
    count = defined <= 100  # a count of visits/transactions rather than a spend
    before, after = f.get("before"), f.get("after")
    if before is not None and after is not None:
        return defined, float(before), float(after), abs(float(after) - float(before))
    sign = -1 if achieve is False or (achieve is None and f.get("returned")) else 1
    delta = float(f.get("delta") or (1 if count else ctx.fake.money(100, defined / 2)))
    if after is not None:
        return defined, max(0.0, float(after) - sign * delta), float(after), delta
    if before is None:
        before = _before(ctx, defined, delta, achieve, count, sign)
    return defined, float(before), round(max(0.0, float(before) + sign * delta), 2), delta


def _before(
    ctx: Ctx, defined: float, delta: float, achieve: bool | None, count: bool, sign: int
) -> float:
    if achieve is None:
        value = ctx.rng.uniform(delta if sign < 0 else 0.0, max(defined * 1.5, delta))
    elif count:
        value = defined - delta if achieve else defined + delta - 1
    else:
        u = ctx.rng.uniform(0.05, 0.95)
        value = defined - u * delta if achieve else defined + u * delta
    return float(round(value)) if count and achieve is None else round(value, 2)


def trigger_name(f: Facts, default: str = "TransactionAdd") -> str:
    return f.get("trigger") or ("ReturnBill" if f.get("returned") else default)


# ---- targetAchievedValueUpdated, targetValueAchieved ---------------------------------

TARGET_VALUE = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    eventName=STR,
    eventId=INT,
    targetDetails=ref("targetDetails"),
    currentEventTargetValue=NUMSTR,
    achievedTargetValue=NUMSTR,
    definedTargetValue=NUMSTR,
    triggeringActivity=ref("triggeringActivity"),
    milestoneDetails=opt(arr()),
    transactionId=INT,
)


def _build_target_value(ctx: Ctx, f: Facts, achieve: bool | None) -> dict[str, Any]:
    defined, _before, after, delta = target_values(ctx, f, achieve)
    details = target_details(ctx, f, spend=defined > 100)
    name = trigger_name(f)
    txn = f.get("transaction_id") or ctx.ids.next("transaction")
    body: dict[str, Any] = {
        "customerIdentifiers": customer_identifiers(ctx),
        "eventName": name,
        "eventId": f.get("event_type_id") or EVENT_TYPE_IDS.get(name, 15),
        "targetDetails": details,
        "currentEventTargetValue": num_str(delta, None),
        "achievedTargetValue": num_str(after),
        "definedTargetValue": num_str(defined),
        "triggeringActivity": {
            "name": name,
            "identifiers": [{"key": "TransactionId", "value": str(txn)}],
            "enteredBy": {"id": ctx.store.entered_by_id},
            "additionalAttributes": [],
        },
        "transactionId": txn,
    }
    if achieve is None:
        body["milestoneDetails"] = []
    return body


@reads(
    "after before defined delta event_type_id group_id group_name period_id period_name",
    "returned target_id target_name transaction_id trigger",
)
def build_target_achieved_value_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A purchase (or a return) changed a target's achieved value.

    Facts: target_id, target_name, group_id, group_name, period_id, period_name (the
    target); defined (target value); before, after (achieved value before/after the
    event); delta (value the event added, or removed on a return); returned (True: a
    returned purchase lowered the value, trigger ReturnBill); trigger (activity name,
    default TransactionAdd); event_type_id (data.eventId); transaction_id (the bill).
    """
    return _build_target_value(ctx, f, None)


@reads(
    "after before defined delta event_type_id group_id group_name period_id period_name",
    "returned target_id target_name transaction_id trigger",
)
def build_target_value_achieved(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The achieved value reached the defined target value with this event.

    Facts: as targetAchievedValueUpdated (target_id, target_name, group_id, group_name,
    period_id, period_name, defined, before, after, delta, trigger, event_type_id,
    transaction_id); made-up values cross the target: before < defined <= after.
    """
    return _build_target_value(ctx, f, True)


# ---- unifiedTargetsAchieved, unifiedTargetsUnAchieved --------------------------------

UNIFIED_TARGETS = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetData=arr(
        obj(
            achievedTargetValue=NUMSTR,
            definedTargetValue=NUMSTR,
            targetId=INT,
            targetName=STR,
            targetPeriodId=INT,
            targetPeriodName=STR,
        )
    ),
    transactionId=INT,
    triggeringActivity=ref("triggeringActivity"),
    unifiedTargetGroupDetails=obj(
        targetGroupId=INT,
        targetGroupName=STR,
        unifiedTargetsAchievementCondition=obj(
            aggregation=STR,
            combinationType=STR,
            ruleExpression=STR,
            thresholdValue=NUM,
        ),
    ),
)


def _unified_target(ctx: Ctx, f: Facts, achieve: bool) -> dict[str, Any]:
    defined, _before, after, _delta = target_values(ctx, f, achieve)
    details = target_details(ctx, f, spend=defined > 100)
    return {
        "achievedTargetValue": num_str(after),
        "definedTargetValue": num_str(defined),
        "targetId": details["id"],
        "targetName": details["name"],
        "targetPeriodId": details["targetPeriodId"],
        "targetPeriodName": details["targetPeriodName"],
    }


def _unified_group(ctx: Ctx, f: Facts, data: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [t["targetId"] for t in data]
    ids += [ctx.ids.next("target") for _ in range(int(f.get("group_size", 3)) - len(ids))]
    combination = f.get("combination") or ctx.rng.choice(("ANY", "ALL"))
    joiner = " | " if combination == "ANY" else " & "
    themes = SPEND_THEMES if float(data[0]["definedTargetValue"]) > 100 else COUNT_THEMES
    mean = sum(float(t["definedTargetValue"]) for t in data) / len(data)
    threshold = f.get("threshold") or round(mean * len(ids))
    return {
        "targetGroupId": f.get("group_id") or min(ids) // 2 + ctx.rng.randint(0, 99),
        "targetGroupName": f.get("group_name") or f"{ctx.rng.choice(themes)} Unified Targets",
        "unifiedTargetsAchievementCondition": {
            "aggregation": f.get("aggregation", "SUM"),
            "combinationType": combination,
            "ruleExpression": "(" + joiner.join(str(i) for i in ids) + ")",
            "thresholdValue": int(threshold) if float(threshold).is_integer() else threshold,
        },
    }


def _build_unified(ctx: Ctx, f: Facts, achieve: bool) -> dict[str, Any]:
    targets = f.get("targets") or [{}]
    data = [_unified_target(ctx, {**f, **t}, achieve) for t in targets]
    txn = f.get("transaction_id") or ctx.ids.next("transaction")
    log_id = f.get("event_log_id") or ctx.ids.next("event_log")
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "targetData": data,
        "transactionId": txn,
        "triggeringActivity": {
            "additionalAttributes": [],
            "enteredBy": entered_by(ctx),
            "identifiers": [
                {"key": "eventLogId", "value": str(log_id)},
                {"key": "transactionId", "value": str(txn)},
            ],
            "name": trigger_name(f, "TransactionAdd" if achieve else "ReturnBill"),
        },
        "unifiedTargetGroupDetails": _unified_group(ctx, f, data),
    }


@reads(
    "after aggregation before combination defined delta event_log_id group_id group_name",
    "group_size period_id period_name returned target_id target_name targets threshold",
    "transaction_id trigger",
)
def build_unified_targets_achieved(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A unified target group's condition became true with this transaction.

    Facts: targets (list of per-target fact dicts — target_id, target_name, period_id,
    period_name, defined, before, after, delta — for the targets this event changed;
    default one); group_id, group_name, group_size (targets in the group, default 3),
    combination (ANY/ALL), aggregation (SUM), threshold; transaction_id, event_log_id,
    trigger (default TransactionAdd).
    """
    return _build_unified(ctx, f, True)


@reads(
    "after aggregation before combination defined delta event_log_id group_id group_name",
    "group_size period_id period_name returned target_id target_name targets threshold",
    "transaction_id trigger",
)
def build_unified_targets_unachieved(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A unified target group's condition became false again (e.g. after a return).

    Facts: as unifiedTargetsAchieved; made-up values fall below the target, and the
    trigger defaults to ReturnBill.
    """
    return _build_unified(ctx, f, False)


EVENTS: list[EventDef] = [
    EventDef(
        "targetAchievedValueUpdated",
        DOMAIN,
        TARGET_VALUE,
        build_target_achieved_value_updated,
        "A target's (milestone's) achieved value changed: a purchase raised it or a return "
        "(trigger ReturnBill) lowered it.",
        ref=REQUEST_ID,
        loyalty_event_id=False,
    ),
    EventDef(
        "targetValueAchieved",
        DOMAIN,
        TARGET_VALUE,
        build_target_value_achieved,
        "A customer reached a target's (milestone's) defined value.",
        ref=REQUEST_ID,
        loyalty_event_id=False,
    ),
    EventDef(
        "unifiedTargetsAchieved",
        DOMAIN,
        UNIFIED_TARGETS,
        build_unified_targets_achieved,
        "A customer met the achievement condition of a unified target group.",
        ref=REQUEST_ID,
    ),
    EventDef(
        "unifiedTargetsUnAchieved",
        DOMAIN,
        UNIFIED_TARGETS,
        build_unified_targets_unachieved,
        "A customer no longer meets the achievement condition of a unified target group.",
        ref=REQUEST_ID,
    ),
]
