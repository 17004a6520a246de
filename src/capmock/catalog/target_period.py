"""Target period events: targetCustomerEnrolment, targetPeriodStarted, targetValueUpdated,
targetPeriodCompleted (seed 005).

A customer is enrolled in a target (milestone) of a target group; the target is tracked
per period (``P1``, ``P2``…). ``targetPeriodStarted`` opens a period with its defined
value; purchases move the achieved value (``targetAchievedValueUpdated`` and
``targetValueAchieved``, in target.py); ``targetValueUpdated`` says the defined value was
changed for the customer; ``targetPeriodCompleted`` closes the period with the achieved
and defined values, and the milestones reached in it (``achievedDate``, epoch ms).

Values are decimal strings, as in the other target events. The enrolment event carries
the target flat (``targetId``, ``targetName``…) with the period and cycle start dates;
the others carry ``targetDetails`` with a ``description``. Seed 005 shows them only in
the flat envelope. ``refId`` is ``<orgId>_<apiRequestId>``, as for the other targets.
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import INT, MILLIS, STR, arr, obj, opt, ref
from capmock.catalog.registry import REQUEST_ID, EventDef, reads
from capmock.catalog.target import NUMSTR, num_str, target_details, target_values

DOMAIN = "target"

ENROLMENT_EVENT_ID = 28  # data.eventId of an enrolment (Capillary's event type id; a guess)
VALUE_TYPES = {"spend": "TRANSACTION_VALUE", "visits": "TRANSACTION_COUNT"}
SOURCES = ("API", "LOYALTY_PROMOTION", "AUDIENCE_LIST")

# Facts every target period builder reads: the target, its period, its defined value.
TARGET_FACTS = "target_id target_name group_id group_name period_id period_name defined metric"
TARGET_FACTS += " description"

MILESTONE = obj(
    id=INT,
    name=STR,
    valueType=STR,
    definedValue=NUMSTR,
    achievedDate=opt(MILLIS),
)

_DETAILS = ref("targetDetails")

ENROLMENT = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    eventId=INT,
    defaultTargetValue=NUMSTR,
    targetId=INT,
    targetName=STR,
    targetGroupId=INT,
    targetGroupName=STR,
    source=STR,
    targetPeriodId=INT,
    targetPeriodName=STR,
    targetPeriodStartDate=STR,
    targetCycleStartDate=STR,
    description=opt(STR),
    milestoneDetails=opt(arr(MILESTONE)),
)

PERIOD_STARTED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetDetails=_DETAILS,
    definedTargetValue=NUMSTR,
    triggeringActivity=ref("triggeringActivity"),
)

VALUE_UPDATED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetDetails=_DETAILS,
    achievedTargetValue=NUMSTR,
    definedTargetValue=NUMSTR,
)

PERIOD_COMPLETED = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetDetails=_DETAILS,
    achievedTargetValue=NUMSTR,
    definedTargetValue=NUMSTR,
    triggeringActivity=ref("triggeringActivity"),
    milestoneDetails=opt(arr(MILESTONE)),
)


# ---- helpers -------------------------------------------------------------------------


def details(ctx: Ctx, f: Facts, defined: float) -> dict[str, Any]:
    """targetDetails with a description (the facts as for target.target_details, and
    ``description``)."""
    out = target_details(ctx, f, spend=defined > 100)
    what = f"spend {num_str(defined, None)}" if defined > 100 else f"{defined:g} visits"
    out["description"] = f.get("description") or f"Reach {what} in {out['targetPeriodName']}"
    return out


def _defined(ctx: Ctx, f: Facts) -> float:
    return target_values(ctx, f, None)[0]


def _activity(ctx: Ctx, name: str, details_: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "identifiers": [{"key": "targetPeriodId", "value": str(details_["targetPeriodId"])}],
        "enteredBy": {"id": ctx.store.entered_by_id},
        "entityInformation": {"entityType": "USER", "entityId": ctx.customer.customer_id},
        "additionalAttributes": [],
    }


def value_type(f: Facts, defined: float) -> str:
    """A spend target sums bill amounts; any other metric counts (visits, bills…)."""
    metric = f.get("metric")
    spend = metric == "spend" if metric else defined > 100
    return VALUE_TYPES["spend" if spend else "visits"]


def milestone(d: dict[str, Any], f: Facts, defined: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d["id"],
        "name": d["name"],
        "valueType": value_type(f, defined),
        "definedValue": num_str(defined),
    }
    if f.get("achieved_ms") is not None:
        out["achievedDate"] = int(f["achieved_ms"])
    return out


# ---- builders ------------------------------------------------------------------------


@reads(TARGET_FACTS, "source period_start cycle_start")
def build_enrolment(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer was enrolled in a target.

    Facts (all optional): the target as for targetAchievedValueUpdated (``target_id``,
    ``target_name``, ``group_id``, ``group_name``, ``period_id``, ``period_name``,
    ``defined``), ``metric`` (spend | visits), ``source`` (how the customer was enrolled),
    ``period_start`` / ``cycle_start`` (YYYY-MM-DD HH:MM:SS), ``description``.
    """
    defined = _defined(ctx, f)
    d = details(ctx, f, defined)
    start = f.get("period_start") or ctx.datetime(-ctx.rng.randint(0, 10) * 86_400_000)[:10]
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "eventId": ENROLMENT_EVENT_ID,
        "defaultTargetValue": num_str(defined),
        "targetId": d["id"],
        "targetName": d["name"],
        "targetGroupId": d["targetGroupId"],
        "targetGroupName": d["targetGroupName"],
        "source": f.get("source") or ctx.rng.choice(SOURCES),
        "targetPeriodId": d["targetPeriodId"],
        "targetPeriodName": d["targetPeriodName"],
        "targetPeriodStartDate": _datetime(start),
        "targetCycleStartDate": _datetime(f.get("cycle_start") or start),
        "description": d["description"],
        "milestoneDetails": [milestone(d, {**f, "achieved_ms": None}, defined)],
    }


def _datetime(text: str) -> str:
    return text if len(text) > 10 else f"{text} 00:00:00"


@reads(TARGET_FACTS, "trigger")
def build_period_started(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A target period began for the customer. Facts: the target as for
    targetCustomerEnrolment; ``trigger`` (activity name, default TargetPeriodStart)."""
    defined = _defined(ctx, f)
    d = details(ctx, f, defined)
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "targetDetails": d,
        "definedTargetValue": num_str(defined),
        "triggeringActivity": _activity(ctx, f.get("trigger") or "TargetPeriodStart", d),
    }


@reads(TARGET_FACTS, "before after")
def build_value_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The customer's defined target value was changed. Facts: the target as for
    targetCustomerEnrolment (``defined`` is the new value), ``after`` (achieved so far)."""
    defined, _before, after, _delta = target_values(ctx, f, None)
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "targetDetails": details(ctx, f, defined),
        "achievedTargetValue": num_str(after),
        "definedTargetValue": num_str(defined),
    }


@reads(TARGET_FACTS, "before after achieved_ms trigger")
def build_period_completed(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A target period ended. Facts: the target as for targetCustomerEnrolment,
    ``after`` (achieved in the period), ``achieved_ms`` (when the defined value was
    reached; none: not reached), ``trigger`` (default TargetPeriodEnd)."""
    defined, _before, after, _delta = target_values(ctx, f, None)
    d = details(ctx, f, defined)
    reached = f.get("achieved_ms")
    if reached is None and "after" not in f and after >= defined:
        reached = ctx.now_ms - ctx.rng.randint(1, 20) * 86_400_000
    body = {
        "customerIdentifiers": customer_identifiers(ctx),
        "targetDetails": d,
        "achievedTargetValue": num_str(after),
        "definedTargetValue": num_str(defined),
        "triggeringActivity": _activity(ctx, f.get("trigger") or "TargetPeriodEnd", d),
        "milestoneDetails": [],
    }
    if reached is not None:
        body["milestoneDetails"] = [milestone(d, {**f, "achieved_ms": reached}, defined)]
    return body


def _event(name: str, data: Any, build: Any, text: str) -> EventDef:
    return EventDef(name, DOMAIN, data, build, text, ref=REQUEST_ID)


EVENTS: list[EventDef] = [
    _event(
        "targetCustomerEnrolment", ENROLMENT, build_enrolment, "A customer enrolled in a target."
    ),
    _event(
        "targetPeriodStarted",
        PERIOD_STARTED,
        build_period_started,
        "A target's evaluation period began for a customer.",
    ),
    _event(
        "targetValueUpdated",
        VALUE_UPDATED,
        build_value_updated,
        "The target value defined for a customer changed.",
    ),
    _event(
        "targetPeriodCompleted",
        PERIOD_COMPLETED,
        build_period_completed,
        "A target period ended, with the value achieved in it.",
    ),
]
