"""Request events: requestUpdated (a customer/transaction request changed status) and
requestWorkflowEvent (the maker-checker "advanced request workflow").

requestUpdated: a request raised for approval (a transaction to add, a customer's PII
deletion…) moved from PENDING to APPROVED or REJECTED.  The documented PII-deletion
sample puts requestTrackingId, requestType, requestBaseType, comments, status and
customerId beside ``data``; capmock sends them inside ``data`` as the transaction sample
does.

requestWorkflowEvent: one event name whose ``requestAttributes`` (the API call awaiting
approval: ``queryParams`` and ``body``) vary by ``requestType``; the declaration is the
union of the documented bodies with the common part required.  States: ``AdminTask``
(raised, awaiting a checker), then ``approved``, ``rejected`` or ``failed`` (approved but
the action failed), with ``previousRequestState``, ``checkerId`` and ``comment``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from capmock.catalog.common import customer_identifiers, entered_by
from capmock.catalog.context import Ctx, Facts
from capmock.catalog.fields import (
    DATETIME,
    INT,
    MILLIS,
    NUM,
    STR,
    arr,
    nullable,
    obj,
    opt,
    ref,
)
from capmock.catalog.registry import EventDef, reads

DOMAIN = "request"

# ---- requestUpdated ------------------------------------------------------------------

REQUEST_UPDATED = obj(
    requestType=STR,
    requestBaseType=STR,
    requestTrackingId=INT,
    status=STR,
    comments=opt(STR),
    updatedAt=opt(MILLIS),
    updatedBy=opt(obj(user=opt(obj(username=STR)), id=INT)),
    customerIdentifiers=opt(ref("customerIdentifiers")),
    updatedFields=arr(
        obj(fieldName=STR, previousValue=opt(nullable(STR)), currentValue=nullable(STR))
    ),
    associatedEntityFields=opt(arr()),
    requestId=opt(STR),
    createdBy=opt(ref("enteredBy")),
)

COMMENTS = {
    ("TRANSACTION", "REJECTED"): (
        "Receipt is missing information",
        "Duplicate bill number",
        "Bill amount does not match the receipt",
    ),
    ("TRANSACTION", "APPROVED"): ("Verified against the store receipt", "Receipt verified"),
    ("CUSTOMER", "REJECTED"): ("Customer has open orders", "Identity could not be verified"),
    ("CUSTOMER", "APPROVED"): (
        "Identity verified; data to be deleted",
        "Customer request verified",
    ),
}


@reads("base_type pii_request_id previous_status reason request_id status type user_id username")
def build_request_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A request changed status (PENDING -> APPROVED/REJECTED).

    Facts: request_id (requestTrackingId, also in refId); type (TRANSACTION, default, or
    CUSTOMER), base_type (REGULAR_TXN_ADD / DELETE by type); status (APPROVED, REJECTED),
    previous_status (PENDING); reason (the comments); user_id, username (who updated it).
    CUSTOMER requests also carry requestId (fact pii_request_id) and createdBy.
    """
    kind = f.get("type", "TRANSACTION")
    status = f.get("status") or ctx.rng.choice(("APPROVED", "REJECTED"))
    pool = COMMENTS.get((kind, status), ("Request reviewed",))
    body: dict[str, Any] = {
        "requestType": kind,
        "requestBaseType": f.get("base_type")
        or ("DELETE" if kind == "CUSTOMER" else "REGULAR_TXN_ADD"),
        "requestTrackingId": f.get("request_id") or ctx.ids.next("request"),
        "status": status,
        "comments": f.get("reason") or ctx.rng.choice(pool),
        "updatedAt": ctx.now_ms - ctx.rng.randint(5, 40),
        "updatedBy": {
            "user": {"username": f.get("username") or _username(ctx)},
            "id": f.get("user_id") or ctx.ids.next("user"),
        },
        "customerIdentifiers": customer_identifiers(ctx),
        "updatedFields": [
            {
                "fieldName": "status",
                "previousValue": f.get("previous_status", "PENDING"),
                "currentValue": status,
            }
        ],
        "associatedEntityFields": [],
    }
    if kind == "CUSTOMER":
        body["requestId"] = str(f.get("pii_request_id") or ctx.fake.uuid())
        body["createdBy"] = entered_by(ctx)
    return body


def _username(ctx: Ctx) -> str:
    return f"{ctx.fake.first_name().lower().replace(' ', '')}.{ctx.fake.digits(3)}"


# ---- requestWorkflowEvent ------------------------------------------------------------

_redeem = obj(
    points_redeemed=STR,
    customer=obj(mobile=STR),
    redemption_time=DATETIME,
    transaction_number=STR,
    notes=STR,
    external_reference_number=STR,
)
_triggered_by = obj(ownerType=STR, referenceId=STR)

REQUEST_WORKFLOW = obj(
    requestId=STR,
    requestType=STR,
    requesterId=INT,
    checkerId=opt(INT),
    currentRequestState=STR,
    previousRequestState=opt(STR),
    updateTime=MILLIS,
    comment=opt(STR),
    reason=opt(STR),
    requestAttributes=obj(
        queryParams=opt(
            obj(
                **{k: opt(STR) for k in ("skip_validation", "format", "source", "accountId")},
                **{k: opt(STR) for k in ("use_async", "identifierName", "identifierValue")},
            )
        ),
        body=obj(
            root=opt(obj(redeem=_redeem)),  # POINTS_REDEMPTION
            label=opt(STR),  # CUSTOMER_STATUS_CHANGE (+ reason)
            reason=opt(STR),
            referenceId=opt(STR),  # GOODWILL_POINTS
            baseType=opt(STR),
            programId=opt(INT),
            awardingTillId=opt(INT),
            earningEntityType=opt(STR),
            earningEntityId=opt(INT),
            points=opt(NUM),
            source=opt(STR),
            triggeredBy=opt(_triggered_by),  # EARN_BADGE, ISSUE_BADGE
            customerId=opt(INT),
            customers=opt(arr(INT)),
            requestId=opt(STR),
            badgeMetaId=opt(STR),
        ),
    ),
)

STATES = {
    "PENDING": "AdminTask",
    "APPROVED": "approved",
    "REJECTED": "rejected",
    "FAILED": "failed",
}
LABELS = {
    "POINTS_REDEMPTION": "points redemption",
    "CUSTOMER_STATUS_CHANGE": "customer status",
    "GOODWILL_POINTS": "goodwill points",
    "EARN_BADGE": "earn badge",
    "ISSUE_BADGE": "issue badge",
}
REASONS = ("Customer complaint", "Service recovery", "Store visit issue", "Delayed delivery")


def _redemption(ctx: Ctx, f: Facts) -> dict[str, Any]:
    points = f.get("points") or ctx.rng.randint(1, 40) * 50
    redeem = {
        "points_redeemed": str(points),
        "customer": {"mobile": ctx.customer.mobile},
        "redemption_time": ctx.datetime(-ctx.rng.randint(60, 3_600) * 1000),
        "transaction_number": f"TXN{ctx.fake.digits(12)}",
        "notes": f.get("reason") or ctx.rng.choice(("Redemption by SMS", "Redemption at store")),
        "external_reference_number": f"ACR-{ctx.fake.digits(14)}",
    }
    query = {"skip_validation": "true", "format": "json"}
    return {"queryParams": query, "body": {"root": {"redeem": redeem}}}


def _status_change(ctx: Ctx, f: Facts) -> dict[str, Any]:
    query = {
        "source": "INSTORE",
        "accountId": "",
        "use_async": "false",
        "identifierName": "mobile",
        "identifierValue": ctx.customer.mobile,
    }
    label = f.get("label") or ctx.rng.choice(("Suspended", "Active", "Blocked"))
    return {"queryParams": query, "body": {"reason": _reason(ctx, f), "label": label}}


def _goodwill(ctx: Ctx, f: Facts) -> dict[str, Any]:
    body = {
        "referenceId": f.get("reference_id") or f"ref_id_{ctx.fake.digits(11)}",
        "reason": _reason(ctx, f),
        "baseType": "POINTS",
        "programId": ctx.prog.id,
        "awardingTillId": ctx.store.entered_by_id,
        "earningEntityType": "CUSTOMER",
        "earningEntityId": ctx.customer.customer_id,
        "points": f.get("points") or ctx.rng.randint(1, 20) * 10,
        "source": "API",
    }
    return {"body": body}


def _badge(ctx: Ctx, f: Facts, issue: bool) -> dict[str, Any]:
    ref_id = str(f.get("reference_id") or ctx.rng.randint(100, 9_999))
    body: dict[str, Any] = {"triggeredBy": {"ownerType": "Goodwill_Module", "referenceId": ref_id}}
    if issue:
        body["customers"] = list(f.get("customers") or [ctx.customer.customer_id])
    else:
        body["customerId"] = ctx.customer.customer_id
    body["requestId"] = ctx.fake.uuid()
    body["badgeMetaId"] = (
        f.get("badge_id") or f"{ctx.now_ms // 1000 - 86_400 * 30:08x}{ctx.fake.hex(16)}"
    )
    return {"body": body}


ATTRIBUTES: dict[str, Callable[[Ctx, Facts], dict[str, Any]]] = {
    "POINTS_REDEMPTION": _redemption,
    "CUSTOMER_STATUS_CHANGE": _status_change,
    "GOODWILL_POINTS": _goodwill,
    "EARN_BADGE": lambda ctx, f: _badge(ctx, f, False),
    "ISSUE_BADGE": lambda ctx, f: _badge(ctx, f, True),
}


def _reason(ctx: Ctx, f: Facts) -> str:
    return f.get("reason") or ctx.rng.choice(REASONS)


def time_uuid(ctx: Ctx, ms: int) -> str:
    """A version-1 (time-based) UUID for instant ``ms``, as Capillary's request ids are."""
    t = ms * 10_000 + 0x01B21DD213814000
    clock = ctx.rng.getrandbits(14) | 0x8000
    fields = (t & 0xFFFFFFFF, (t >> 32) & 0xFFFF, ((t >> 48) & 0x0FFF) | 0x1000)
    return str(uuid.UUID(fields=(*fields, clock >> 8, clock & 0xFF, ctx.rng.getrandbits(48))))


@reads(
    "badge_id checker_id comment customers label points reason reference_id request_id",
    "request_type requester_id state status",
)
def build_request_workflow_event(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A maker-checker request was raised (AdminTask) or decided by a checker.

    Facts: request_type (POINTS_REDEMPTION, CUSTOMER_STATUS_CHANGE, GOODWILL_POINTS,
    EARN_BADGE, ISSUE_BADGE); status (PENDING, APPROVED, REJECTED, FAILED) or state (the
    raw currentRequestState: AdminTask, approved, rejected, failed); request_id (uuid,
    also in refId); requester_id, checker_id (admin users); comment (the checker's);
    reason; points (redemption/goodwill points); label (new customer status); badge_id
    (badgeMetaId); customers (ids, ISSUE_BADGE); reference_id (goodwill/badge reference).
    """
    kind = f.get("request_type") or ctx.rng.choice(tuple(ATTRIBUTES))
    state = f.get("state") or STATES.get(str(f.get("status", "")).upper())
    state = state or ctx.rng.choice(("AdminTask", "approved", "approved", "rejected", "failed"))
    raised = state == "AdminTask"
    created = ctx.now_ms - (0 if raised else ctx.rng.randint(60, 86_400) * 1000)
    body: dict[str, Any] = {
        "requestId": f.get("request_id") or time_uuid(ctx, created),
        "requestType": kind,
        "requesterId": f.get("requester_id") or ctx.ids.next("user"),
    }
    if not raised:
        body["checkerId"] = f.get("checker_id") or ctx.ids.next("user")
    body["currentRequestState"] = state
    if not raised:
        body["previousRequestState"] = "AdminTask"
    body["updateTime"] = ctx.now_ms - ctx.rng.randint(0, 2)
    attributes = ATTRIBUTES[kind](ctx, f)
    if not raised:
        verb = "rejecting" if state == "rejected" else "approving"
        body["comment"] = f.get("comment") or f"{verb} the {LABELS[kind]} request"
    elif kind == "CUSTOMER_STATUS_CHANGE":
        body["reason"] = attributes["body"]["reason"]
    body["requestAttributes"] = attributes
    return body


EVENTS: list[EventDef] = [
    EventDef(
        "requestUpdated",
        DOMAIN,
        REQUEST_UPDATED,
        build_request_updated,
        "A request (a transaction to add, a customer's PII deletion…) was approved or rejected.",
        ref=lambda data: data["requestTrackingId"],
        loyalty_event_id=False,
    ),
    EventDef(
        "requestWorkflowEvent",
        DOMAIN,
        REQUEST_WORKFLOW,
        build_request_workflow_event,
        "A maker-checker request (points redemption, customer status change, goodwill points, "
        "earn/issue badge) was raised or decided; requestAttributes vary by requestType.",
        ref=lambda data: data["requestId"],
        loyalty_event_id=False,
    ),
]
