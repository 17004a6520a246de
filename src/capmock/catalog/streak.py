"""Streak events: level achieved/unachieved, customer enrolment/unenrolment, start, end.

A streak is a target run over consecutive cycles (``Cycle_1``…): it has levels, each
reached at a streak value (``levelValues`` ``["3", "5"]``).  Capillary sends streak and
user-streak ids and streak values as strings, target ids as integers, level dates as
``2024-07-01T13:40:26.172+0000`` and enrolment/start/end dates as ``YYYY-MM-DD HH:MM:SS``.

Level events come with ``triggeringActivity.enteredBy`` ``{}`` (no id), which the shared
``triggeringActivity`` definition does not allow, hence ``streakTriggeringActivity``.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from capmock.catalog.common import DEFS as COMMON_DEFS
from capmock.catalog.common import customer_identifiers
from capmock.catalog.context import DAY_MS, Ctx, Facts, utc_datetime
from capmock.catalog.fields import DATETIME, INT, NUM, STR, Node, Obj, arr, obj, opt, ref, req
from capmock.catalog.registry import REQUEST_ID, REQUEST_UUID, EventDef, reads
from capmock.catalog.target import NUMSTR, num_str, target_details

DOMAIN = "streak"

_base_trigger = COMMON_DEFS["triggeringActivity"]
assert isinstance(_base_trigger, Obj)

DEFS: dict[str, Node] = {
    "streakTriggeringActivity": _base_trigger.extend(enteredBy=opt(obj(id=opt(INT)))),
    "streakLevelData": obj(
        userCurrentStreakValue=NUMSTR,
        streakLevelName=STR,
        streakName=STR,
        streakId=STR,
        userStreakId=STR,
        streakLevelAchievedDate=DATETIME,
    ),
}

STREAK_THEMES = ("Store Visit", "Coffee", "Weekend Shopping", "App Order", "Fitness Check-in")
# the streak values of a streak's levels: 1-3 distinct values from 2-10, ascending
LEVEL_SETS = {n: tuple(itertools.combinations(range(2, 11), n)) for n in (1, 2, 3)}

# ---- helpers ---------------------------------------------------------------------------


def streak_info(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The streak and its target; facts: streak_id, streak_name, description, levels."""
    name = f.get("streak_name") or f"{ctx.rng.choice(STREAK_THEMES)} Streak"
    levels = f.get("levels") or ctx.rng.choice(LEVEL_SETS[ctx.rng.randint(1, 3)])
    target = target_details(ctx, {"target_name": name, "group_name": name, **f})
    if "period_name" not in f:
        target["targetPeriodName"] = f"Cycle_{ctx.rng.randint(1, 8)}"
    return {
        "id": str(f.get("streak_id") or ctx.ids.next("streak")),
        "name": name,
        "description": f.get("description") or name,
        "levels": [int(v) for v in levels],
        "target": target,
    }


def iso_millis(ms: int) -> str:
    """``2024-07-01T13:40:26.172+0000``, as in streakLevelAchievedDate."""
    return utc_datetime(ms).replace(" ", "T") + f".{ms % 1000:03d}+0000"


def period(ctx: Ctx, f: Facts) -> tuple[str, str]:
    """(start, end) of the current cycle, ``YYYY-MM-DD HH:MM:SS``; facts start, end."""
    days = ctx.rng.choice((1, 7, 30))
    start = f.get("start") or ctx.date(-ctx.rng.randint(0, days - 1)) + " 00:00:00"
    return start, f.get("end") or _plus_days(start, days)


def _plus_days(start: str, days: int) -> str:
    return utc_datetime(_utc_ms(start[:19]) + days * DAY_MS - 1000)


@lru_cache(maxsize=4096)
def _utc_ms(text: str) -> int:
    """Epoch ms of a ``YYYY-MM-DD HH:MM:SS`` UTC time."""
    stamp = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return int(stamp.timestamp() * 1000)


def streak_trigger(ctx: Ctx, f: Facts, default: str) -> dict[str, Any]:
    """The behavioural trigger of a level event; enteredBy is ``{}`` as Capillary sends it."""
    txn = f.get("transaction_id", ctx.ids.next("transaction"))
    return {
        "name": f.get("trigger") or default,
        "identifiers": [
            {"key": "eventLogId", "value": str(f.get("event_log_id") or ctx.ids.next("event_log"))},
            {"key": "transactionId", "value": str(txn) if txn is not None else "null"},
        ],
        "enteredBy": {},
        "additionalAttributes": [],
    }


# ---- streakLevelAchieved, streakLevelUnAchieved ----------------------------------------

STREAK_LEVEL = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    streakData=arr(ref("streakLevelData")),
    targetData=arr(ref("targetDetails")),
    triggeringActivity=ref("streakTriggeringActivity"),
)


def _build_level(ctx: Ctx, f: Facts, achieved: bool) -> dict[str, Any]:
    s = streak_info(ctx, f)
    level = int(f.get("level") or ctx.rng.randint(1, len(s["levels"])))
    reached = s["levels"][min(level, len(s["levels"])) - 1]
    value = f.get("streak_value", reached if achieved else max(reached - 1, 0))
    when = f.get("achieved_at") or ctx.now_ms - (
        ctx.rng.randint(5, 40) if achieved else ctx.rng.randint(1, 20) * DAY_MS // 4
    )
    level_name = f"{s['name']}_{level}"
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "streakData": [
            {
                "userCurrentStreakValue": num_str(float(value), None),
                "streakLevelName": level_name,
                "streakName": level_name,
                "streakId": s["id"],
                "userStreakId": str(f.get("user_streak_id") or ctx.ids.next("user_streak")),
                "streakLevelAchievedDate": iso_millis(int(when)),
            }
        ],
        "targetData": [s["target"]],
        "triggeringActivity": streak_trigger(
            ctx, f, "TransactionAdd" if achieved else "ReturnBill"
        ),
    }


@reads(
    "achieved_at description event_log_id group_id group_name level levels period_id",
    "period_name streak_id streak_name streak_value target_id target_name transaction_id",
    "trigger user_streak_id",
)
def build_streak_level_achieved(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer reached a streak level (trigger TransactionAdd).

    Facts: streak_id, streak_name, levels (streak values of the levels, e.g. [3, 5]),
    target_id, group_id, period_id, period_name (the streak's target and cycle); level
    (level number reached); streak_value (user's current streak value, default the
    level's value); user_streak_id; achieved_at (epoch ms); transaction_id (None: sent as
    "null"), event_log_id, trigger (activity name).
    """
    return _build_level(ctx, f, True)


@reads(
    "achieved_at description event_log_id group_id group_name level levels period_id",
    "period_name streak_id streak_name streak_value target_id target_name transaction_id",
    "trigger user_streak_id",
)
def build_streak_level_unachieved(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer lost a streak level again, e.g. on a return (trigger ReturnBill).

    Facts: as streakLevelAchieved; level is the level lost, streak_value defaults to one
    below its value and achieved_at (when the level had been reached) to hours earlier.
    """
    return _build_level(ctx, f, False)


# ---- streakCustomerEnrolment, streakCustomerUnEnrolment --------------------------------


# not a shared definition: add_millis (the `…InMillis` companions) does not follow refs
ENROLMENT_DATA = obj(
    streakName=STR,
    numberOfLevel=INT,
    levelValues=arr(NUMSTR),
    startDate=req(DATETIME, tz_millis=True),
    endDate=req(DATETIME, tz_millis=True),
)


def _enrolment_body(data_key: str) -> Obj:
    return obj(
        customerIdentifiers=ref("customerIdentifiers"),
        **{data_key: arr(ENROLMENT_DATA)},
        targetData=arr(ref("targetDetails")),
        triggeringActivity=ref("streakTriggeringActivity"),
    )


ENROLMENT = _enrolment_body("streakEnrolmentData")
UNENROLMENT = _enrolment_body("streakUnEnrolmentData")


def _build_enrolment(ctx: Ctx, f: Facts, data_key: str, key: str, name: str) -> dict[str, Any]:
    s = streak_info(ctx, f)
    start, end = period(ctx, f)
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        data_key: [
            {
                "streakName": f"{s['name']}_1",
                "numberOfLevel": len(s["levels"]),
                "levelValues": [],
                "startDate": start,
                "endDate": end,
            }
        ],
        "targetData": [s["target"]],
        "triggeringActivity": {
            "name": name,
            "identifiers": [{"key": key, "value": f.get("enrolment_id") or ctx.fake.hex(32)}],
            "additionalAttributes": [],
        },
    }


@reads(
    "description end enrolment_id group_id group_name levels period_id period_name start",
    "streak_id streak_name target_id target_name",
)
def build_streak_customer_enrolment(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The customer was enrolled into a streak through the API.

    Facts: streak_id, streak_name, levels (streak values of the levels), target_id,
    group_id, period_id, period_name; start, end (the cycle, ``YYYY-MM-DD HH:MM:SS``);
    enrolment_id (the API request id, in the ENROL_VIA_API identifier and the refId).
    """
    return _build_enrolment(ctx, f, "streakEnrolmentData", "ENROL_VIA_API", "enrolmentIntoStreak")


@reads(
    "description end enrolment_id group_id group_name levels period_id period_name start",
    "streak_id streak_name target_id target_name",
)
def build_streak_customer_unenrolment(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """The customer was unenrolled from a streak through the API.

    Facts: as streakCustomerEnrolment; enrolment_id is the UNENROL_VIA_API request id.
    """
    return _build_enrolment(
        ctx, f, "streakUnEnrolmentData", "UNENROL_VIA_API", "streak unenrollment"
    )


def enrolment_ref(data: dict[str, Any]) -> str:
    """refId carries the API request id, which is also the trigger's identifier."""
    return data["triggeringActivity"]["identifiers"][0]["value"]


# ---- streakStart, streakEnd ------------------------------------------------------------

_run = {
    "streakName": STR,
    "descriptionOfTheStreak": STR,
    "numberOfLevel": INT,
    "levelValues": arr(NUMSTR),
}
STREAK_START = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetDetails=ref("targetDetails"),
    streakStartData=arr(
        obj(**_run, userStreakValueAtTheStart=NUMSTR, startDate=req(DATETIME, tz_millis=True))
    ),
    triggeringActivity=ref("streakTriggeringActivity"),
)
STREAK_END = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    targetDetails=ref("targetDetails"),
    streakEndData=arr(
        obj(
            **_run,
            numberOfLevelsAchievedByTheUser=NUMSTR,
            levelsAchievedByTheUser=arr(),
            userStreakValueByTheEnd=NUM,
            endDate=req(DATETIME, tz_millis=True),
        )
    ),
    triggeringActivity=ref("streakTriggeringActivity"),
)


def _build_run(ctx: Ctx, f: Facts, data_key: str, extra: dict[str, Any]) -> dict[str, Any]:
    s = streak_info(ctx, f)
    run = {
        "streakName": s["name"],
        "descriptionOfTheStreak": s["description"],
        "numberOfLevel": len(s["levels"]),
        "levelValues": [str(v) for v in s["levels"]],
    }
    return {
        "customerIdentifiers": customer_identifiers(ctx),
        "targetDetails": s["target"],
        data_key: [{**run, **extra}],
        "triggeringActivity": {
            "name": "streakStartEvent",  # the documented streakEnd sample says so too
            "identifiers": [{"key": "TargetRuleId", "value": str(s["target"]["id"])}],
            "additionalAttributes": [],
        },
    }


@reads(
    "description group_id group_name levels period_id period_name start streak_id streak_name",
    "streak_value target_id target_name",
)
def build_streak_start(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A streak (cycle) started for the customer.

    Facts: streak_id, streak_name, description, levels (streak values of the levels),
    target_id, group_id, period_id, period_name; start (``YYYY-MM-DD HH:MM:SS``);
    streak_value (user's streak value at the start, default 0).
    """
    start = f.get("start") or ctx.date(0) + " 00:00:00"
    value = num_str(float(f.get("streak_value", 0)), None)
    extra = {"userStreakValueAtTheStart": value, "startDate": start}
    return _build_run(ctx, f, "streakStartData", extra)


@reads(
    "description end group_id group_name levels period_id period_name streak_id streak_name",
    "streak_value target_id target_name",
)
def build_streak_end(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A streak (cycle) ended; reports the levels the customer achieved in it.

    Facts: streak_id, streak_name, description, levels, target_id, group_id, period_id,
    period_name; end (``YYYY-MM-DD HH:MM:SS``); streak_value (user's streak value by the
    end — the levels achieved are those whose value it reached).
    """
    levels = [int(v) for v in f.get("levels") or sorted(ctx.rng.sample(range(2, 11), 2))]
    value = int(f.get("streak_value", ctx.rng.randint(0, levels[-1] + 1)))
    achieved = [str(v) for v in levels if v <= value]
    end = f.get("end") or ctx.date(-1) + " 23:59:59"
    extra = {
        "numberOfLevelsAchievedByTheUser": str(len(achieved)),
        "levelsAchievedByTheUser": achieved,
        "userStreakValueByTheEnd": value,
        "endDate": end,
    }
    return _build_run(ctx, {**f, "levels": levels}, "streakEndData", extra)


EVENTS: list[EventDef] = [
    EventDef(
        "streakLevelAchieved",
        DOMAIN,
        STREAK_LEVEL,
        build_streak_level_achieved,
        "A customer reached a level of a streak.",
        ref=REQUEST_ID,
    ),
    EventDef(
        "streakLevelUnAchieved",
        DOMAIN,
        STREAK_LEVEL,
        build_streak_level_unachieved,
        "A customer lost a streak level again (e.g. a returned purchase).",
        ref=REQUEST_ID,
    ),
    EventDef(
        "streakCustomerEnrolment",
        DOMAIN,
        ENROLMENT,
        build_streak_customer_enrolment,
        "A customer was enrolled into a streak (via the API).",
        ref=enrolment_ref,
        loyalty_event_id=False,
    ),
    EventDef(
        "streakCustomerUnEnrolment",
        DOMAIN,
        UNENROLMENT,
        build_streak_customer_unenrolment,
        "A customer was unenrolled from a streak (via the API).",
        ref=enrolment_ref,
        loyalty_event_id=False,
    ),
    EventDef(
        "streakStart",
        DOMAIN,
        STREAK_START,
        build_streak_start,
        "A streak (cycle) started for a customer.",
        ref=REQUEST_UUID,
        loyalty_event_id=False,
    ),
    EventDef(
        "streakEnd",
        DOMAIN,
        STREAK_END,
        build_streak_end,
        "A streak (cycle) ended for a customer, with the levels achieved.",
        ref=REQUEST_UUID,
        loyalty_event_id=False,
    ),
]
