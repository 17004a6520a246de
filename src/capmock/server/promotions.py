"""``GET /v2/customers/lookup/promotionData``: a customer's loyalty promotions, from the model.

Rendered as Capillary documents it (seed 003): ``pageDetails`` (pageNumber, pageSize,
totalEntries, pageCount), ``customerId``, ``promotions`` and ``warnings``; each promotion
with limits, customerUsage, pointsOfferType and promotionRestriction (issual / earn /
redemption restrictions), and customerPromotionTimelines for LOYALTY and LOYALTY_EARNING.

How the model's promotions map onto Capillary's vocabulary:

* type GENERIC / LOYALTY / LOYALTY_EARNING is ``pointsOfferType``; the ``promotionType``
  filter names them GENERIC / DIRECT_ISSUE / ENROL_AND_ISSUE.
* the model's *issue* (promotionIssued) is the enrolment and the issual: one timeline entry
  with one issuedDetails entry; NUMBER_OF_ISSUALS (and, for LOYALTY_EARNING,
  NUMBER_OF_EARNS) usage is 1 once issued.
* the model's *earn* (promotionEarned: points awarded) is a redemption in Capillary's terms
  (the customer got the benefit): NUMBER_OF_TIMES and NUMBER_OF_REDEMPTIONS_PER_EARN usage
  and ``redeemedCount``; each promotion can be earned ``max_earns`` (1) times.
* a promotion is *expired* when its end date is before the model's clock; ``active`` is
  its status (LIVE). Promotions created by scenario steps have source type API.
* listed without a status filter: GENERIC and LOYALTY_EARNING promotions, and LOYALTY
  ones issued to the customer; newest (highest id) first.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from capmock.model.promotions import STATUSES, Promotion, Usage, available, usage
from capmock.model.world import CustomerState

PROMOTION_TYPES = {"GENERIC": "GENERIC", "DIRECT_ISSUE": "LOYALTY",
                   "ENROL_AND_ISSUE": "LOYALTY_EARNING"}
SOURCE_TYPES = ("UI", "API", "CAMPAIGN")
MODEL_SOURCE_TYPE = "API"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100

# capmock's own codes for parameters Capillary documents no code for (400, same shape)
BAD_LIMIT, BAD_OFFSET, BAD_TYPE, BAD_STATUS, BAD_SOURCE_TYPE, BAD_PROGRAMS, BAD_FLAG = (
    9001, 9002, 9003, 9004, 9005, 9006, 9007)


@dataclass(frozen=True)
class Problem:
    code: int
    message: str


@dataclass(frozen=True)
class Query:
    status: str | None = None
    offer_type: str | None = None  # GENERIC | LOYALTY | LOYALTY_EARNING
    source_type: str | None = None
    programs: frozenset[int] | None = None
    fetch_all: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def _count(raw: str | None, default: int, name: str, code: int, high: int | None,
           problems: list[Problem]) -> int:
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not re.fullmatch(r"-?\d{1,12}", text):
        problems.append(Problem(code, f"{name} must be a whole number, got '{raw}'"))
        return default
    value = int(text)
    if value < 0 or (high is not None and value > high):
        bound = f"between 0 and {high}" if high is not None else "0 or more"
        problems.append(Problem(code, f"{name} must be {bound}, got {value}"))
        return default
    return value


def _choice(raw: str | None, allowed: tuple[str, ...], name: str, code: int,
            problems: list[Problem]) -> str | None:
    if raw is None or raw == "":
        return None
    value = raw.strip().upper()
    if value not in allowed:
        problems.append(Problem(code, f"invalid {name} '{raw}': one of {', '.join(allowed)}"))
        return None
    return value


def _programs(raw: str | None, problems: list[Problem]) -> frozenset[int] | None:
    if raw is None or raw.strip() == "":
        return None
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) < 19 for p in parts):
        problems.append(Problem(BAD_PROGRAMS, f"programs must be comma-separated ids, got '{raw}'"))
        return None
    return frozenset(int(p) for p in parts)


def _flag(raw: str | None, problems: list[Problem]) -> bool:
    if raw is None or raw == "":
        return False
    if raw.strip().lower() not in ("true", "false"):
        problems.append(Problem(BAD_FLAG, f"fetchAllUsage must be true or false, got '{raw}'"))
        return False
    return raw.strip().lower() == "true"


def parse_query(args: Mapping[str, str]) -> tuple[Query, list[Problem]]:
    """The filters and page of a request, and every problem with them."""
    problems: list[Problem] = []
    kind = _choice(args.get("promotionType"), tuple(PROMOTION_TYPES), "promotionType",
                   BAD_TYPE, problems)
    query = Query(
        status=_choice(args.get("promotionStatusForCustomer"), STATUSES,
                       "promotionStatusForCustomer", BAD_STATUS, problems),
        offer_type=PROMOTION_TYPES[kind] if kind else None,
        source_type=_choice(args.get("sourceType"), SOURCE_TYPES, "sourceType",
                            BAD_SOURCE_TYPE, problems),
        programs=_programs(args.get("programs"), problems),
        fetch_all=_flag(args.get("fetchAllUsage"), problems),
        limit=_count(args.get("limit"), DEFAULT_LIMIT, "limit", BAD_LIMIT, MAX_LIMIT, problems),
        offset=_count(args.get("offset"), 0, "offset", BAD_OFFSET, None, problems),
    )
    return query, problems


# ---- selection -----------------------------------------------------------------------


def select(promotions: Mapping[int, Promotion], st: CustomerState, q: Query,
           program_id: int, now_ms: int) -> list[Promotion]:
    chosen = []
    for promo in promotions.values():
        if q.offer_type and promo.type != q.offer_type:
            continue
        if q.source_type and q.source_type != MODEL_SOURCE_TYPE:
            continue
        if q.programs is not None and program_id not in q.programs:
            continue
        if available(promo, st.active_promotions.get(promo.id), q.status, now_ms):
            chosen.append(promo)
    return sorted(chosen, key=lambda p: -p.id)


# ---- rendering -----------------------------------------------------------------------


def _points(value: float) -> str:
    """Usage points as Capillary writes them: "0", else three decimals ("4990.000")."""
    return "0" if not value else f"{value:.3f}"


def _limit(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{ms % 1000:03d}Z"


def restrictions(promo: Promotion, u: Usage, fetch_all: bool) -> dict[str, Any]:
    kind, points, most = promo.type, float(promo.points), promo.max_earns
    issued = "1" if u.issued else "0"
    issual = [] if kind == "GENERIC" else [
        {"kpi": "NUMBER_OF_ISSUALS", "maxLimit": "1", "currentCustomerUsage": issued,
         "limitOn": "CUSTOMER"}]
    earn = [] if kind != "LOYALTY_EARNING" else [
        {"kpi": "NUMBER_OF_EARNS", "maxLimit": "1", "currentCustomerUsage": issued,
         "limitOn": "CUSTOMER"}]
    fixed = {"type": "NON_PERIOD_BASED"}
    redemption = [
        {"kpi": "NUMBER_OF_TIMES", "maxLimit": str(most), "currentCustomerUsage": str(u.times),
         "limitOn": "CUSTOMER", **fixed},
        {"kpi": "NUMBER_OF_POINTS", "maxLimit": _limit(points), "limitOn": "EVENT", **fixed},
        {"kpi": "NUMBER_OF_REDEMPTIONS_PER_EARN", "maxLimit": str(most),
         "currentCustomerUsage": str(u.times), "limitOn": "CUSTOMER", **fixed},
    ]
    if fetch_all:  # the restrictions the model does not enable: maxLimit -1, no limit
        redemption += [
            {"kpi": "NUMBER_OF_POINTS", "maxLimit": "-1",
             "currentCustomerUsage": _points(points * u.times), "limitOn": "CUSTOMER", **fixed},
            {"kpi": "NUMBER_OF_TIMES", "maxLimit": "-1",
             "currentCustomerUsage": str(u.all_times), "limitOn": "PROMOTION", **fixed},
            {"kpi": "NUMBER_OF_POINTS", "maxLimit": "-1",
             "currentCustomerUsage": _points(points * u.all_times), "limitOn": "PROMOTION",
             **fixed},
        ]
    return {"issualRestrictions": issual, "earnRestrictions": earn,
            "redemptionRestrictions": redemption}


def timelines(promo: Promotion, st: CustomerState, org_id: int) -> list[dict[str, Any]]:
    issual = st.active_promotions.get(promo.id)
    if issual is None or issual.issual_id is None:
        return []
    issual_id, at = issual.issual_id, issual.issued_ms
    end = f"{promo.end}T23:59:59.000Z"
    log_id = 10_000_000 + (issual_id * 7919 + org_id) % 90_000_000
    return [{
        "enrollmentDate": iso_ms(at),
        "enrollmentExpiryDate": end,
        "enrollmentId": issual_id,
        "enrollEventLogId": log_id,
        "issuedDetails": [{
            "issualId": issual_id,
            "issualDate": iso_ms(at),
            "issualExpiryDate": end,
            "issualEventLogId": log_id,
            "redeemedCount": len(issual.earned),
        }],
    }]


def render(promo: Promotion, st: CustomerState, everyone: list[CustomerState],
           program_id: int, org_id: int, fetch_all: bool) -> dict[str, Any]:
    u = usage(promo, st, everyone)
    points, most = float(promo.points), promo.max_earns
    out: dict[str, Any] = {
        "promotionId": promo.id,
        "promotionName": promo.name,
        "programId": program_id,
        "startDate": f"{promo.start}T00:00:00.000Z",
        "endDate": f"{promo.end}T23:59:59.000Z",
        "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, f"capmock:{org_id}:{promo.id}")),
        "description": promo.description or promo.name,
        "active": promo.status == "LIVE",
        "eventName": "TransactionAdd",
        "limits": {
            "maxPointsPerEvent": _limit(points),
            "pointsPerCustomer": _limit(points * most),
            "numberOFTimesPerCustomer": most,
            "totalPointsInPromotion": "0",
        },
        "customerUsage": {
            "currentPointsPerCustomer": _points(points * u.times),
            "currentNumberOfTimesPerCustomer": u.times,
            "currentTotalPointsInPromotion": _points(points * u.all_times),
        },
        "pointsOfferType": promo.type,
        "promotionRestriction": restrictions(promo, u, fetch_all),
    }
    if promo.type != "GENERIC":
        out["customerPromotionTimelines"] = timelines(promo, st, org_id)
    return out


def page(items: list[Any], q: Query) -> tuple[dict[str, Any], list[Any]]:
    """(pageDetails, the items of the page) for ``limit`` and ``offset``."""
    total = len(items)
    details = {
        "pageNumber": q.offset // q.limit if q.limit else 0,
        "pageSize": q.limit,
        "totalEntries": total,
        "pageCount": math.ceil(total / q.limit) if q.limit else 0,
    }
    return details, items[q.offset: q.offset + q.limit]


def promotion_data(st: CustomerState, world_promotions: Mapping[int, Promotion],
                   everyone: list[CustomerState], program_id: int, org_id: int, now_ms: int,
                   q: Query) -> dict[str, Any]:
    chosen = select(world_promotions, st, q, program_id, now_ms)
    details, shown = page(chosen, q)
    return {
        "pageDetails": details,
        "customerId": st.customer.customer_id,
        "promotions": [render(p, st, everyone, program_id, org_id, q.fetch_all) for p in shown],
        "warnings": [],
    }
