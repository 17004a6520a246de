"""Loyalty promotion events: created/updated (promotion metadata) and the customer-side
lifecycle: issued (enrolled), earned, and the revokes of an issual or of earns.

A loyalty promotion has a ``pointsOfferType`` (seed 003): GENERIC ("available without
issue"), LOYALTY ("direct issue") or LOYALTY_EARNING ("enrol & issue"); only the latter two
are issued to and earned by customers.  Metadata events carry the promotion window as epoch
milliseconds (org-local midnight .. end of day); customer events carry ``YYYY-MM-DD`` dates
and, with timezone standardisation, ``…InMillis`` companions (end dates at 23:59:59 UTC).
"""

from __future__ import annotations

from typing import Any

from capmock.catalog.context import DAY_MS, Ctx, Facts
from capmock.catalog.fields import (
    DATE,
    INT,
    MILLIS,
    STR,
    arr,
    either,
    enum,
    obj,
    opt,
    ref,
    req,
)
from capmock.catalog.promotion_common import (
    as_date,
    customer_head,
    customer_tail,
    day_ms,
    earn_restrictions,
    issue_restrictions,
    past_date,
    promotion_facts,
    redemption_restrictions,
    target_rules,
    with_millis,
)
from capmock.catalog.registry import EventDef, reads

DOMAIN = "promotion"

OFFER_TYPES = ("GENERIC", "LOYALTY", "LOYALTY_EARNING")
PROMOTION_TYPES = ("BILL", "LINEITEM", "CUSTOMER", "RETURN")
LINKED_EVENT_IDS = {"TransactionAdd": "15", "TargetCompleted": "25"}

# ---- declarations ---------------------------------------------------------------------

DEFS = {
    "loyaltyPromotionRestriction": obj(
        limitOn=STR,
        kpi=STR,
        maxLimit=INT,
        restrictionType=opt(STR),
        periodType=opt(STR),
        periodUnit=opt(STR),
        restrictionRefreshDate=opt(STR),
    ),
}
_restrictions = arr(ref("loyaltyPromotionRestriction"))
_custom_fields = arr(ref("keyValue"))

PROMOTION_META = obj(
    loyaltyProgramId=INT,
    promotionId=INT,
    promotionName=STR,
    promotionStartDate=MILLIS,
    promotionEndDate=MILLIS,
    externalIdentifier=STR,
    type=enum(*PROMOTION_TYPES),
    status=STR,
    sourceType=STR,
    description=STR,
    customFields=_custom_fields,
    linkedEventId=either(STR, INT),  # seed 001's table types it Integer; samples, strings
    linkedEventName=STR,
    linkedTargetGroupVsTargetRuleIdMap=opt(obj()),
    createdOn=MILLIS,
    updatedOn=MILLIS,
    updatedBy=INT,
    loyaltyEventId=opt(STR),
    triggeringActivity=opt(ref("triggeringActivity")),
)

_customer_head = obj(
    customerIdentifiers=ref("customerIdentifiers"),
    loyaltyProgramId=INT,
    promotionId=INT,
    promotionName=STR,
    promotionStartDate=req(DATE, tz_millis=True),
    promotionEndDate=req(DATE, tz_millis=True),
    promotionDescription=STR,
    customFields=_custom_fields,
    redemptionRestrictions=_restrictions,
    linkedTargetGroupVsTargetRuleIdMap=opt(obj()),
    triggeringActivity=opt(ref("triggeringActivity")),
)

PROMOTION_ISSUED = _customer_head.extend(
    promotionIssuedDate=req(DATE, tz_millis=True),
    promotionIssuedExpiryDate=req(DATE, tz_millis=True),
    pointsOfferType=opt(enum(*OFFER_TYPES)),
    issueRestrictions=_restrictions,
    issualId=INT,
    promotionEarnSource=opt(STR),
)
PROMOTION_EARNED = _customer_head.extend(
    promotionEarnedDate=DATE,
    promotionEarnedExpiryDate=req(DATE, tz_millis=True),
    pointsOfferType=opt(enum(*OFFER_TYPES)),
    issualId=INT,
    earnedId=INT,
    earnRestrictions=_restrictions,
    promotionEarnSource=opt(STR),
    earnCriteria=opt(STR),
)
REVOKE_ISSUED = _customer_head.extend(
    promotionIssuedDate=req(DATE, tz_millis=True),
    promotionIssuedExpiryDate=req(DATE, tz_millis=True),
    issueRestrictions=_restrictions,
    revokedIssualId=INT,
)
REVOKED_EARN = obj(
    revokedEarnedId=INT,
    promotionEarnedDate=DATE,
    promotionEarnedExpiryDate=req(DATE, tz_millis=True),
)
REVOKE_EARNED = _customer_head.extend(
    revokedEarnedPromotionDetails=arr(REVOKED_EARN),
    earnRestrictions=_restrictions,
)


# ---- promotionCreated / promotionUpdated ------------------------------------------------


def _meta(ctx: Ctx, f: Facts, *, updated: bool) -> dict[str, Any]:
    rng = ctx.rng
    p = promotion_facts(ctx, f, (-30, 10) if updated else (0, 14))
    zone = ctx.org.timezone
    just_now = ctx.now_ms - rng.randint(100, 900)
    created_on = just_now
    if updated:  # set up days ago, before the promotion started
        before_start = day_ms(p["start"], tz=zone) - rng.randint(3_600_000, 5 * DAY_MS)
        created_on = min(ctx.now_ms - rng.randint(1, 60) * DAY_MS, before_start)
    created_on = f.get("created_on") or created_on
    linked = p["linked_event"]
    body: dict[str, Any] = {
        "loyaltyProgramId": p["program_id"],
        "promotionId": p["id"],
        "promotionName": p["name"],
        "promotionStartDate": day_ms(p["start"], tz=zone),
        "promotionEndDate": day_ms(p["end"], end=True, tz=zone),
        "externalIdentifier": f.get("external_id", ctx.fake.uuid() if rng.random() < 0.7 else ""),
        "type": p["type"],
        "status": f.get("status") or rng.choice(("LIVE", "LIVE", "INACTIVE")),
        "sourceType": f.get("source_type") or rng.choice(("UI", "UI", "API")),
        "description": p["description"],
        "customFields": p["custom_fields"],
        "linkedEventId": str(
            f.get("linked_event_id") or LINKED_EVENT_IDS.get(linked) or ctx.fake.hex(32)
        ),
        "linkedEventName": linked,
    }
    if linked == "TargetCompleted" or "target_rules" in f:
        body["linkedTargetGroupVsTargetRuleIdMap"] = target_rules(ctx, f)
    body["createdOn"] = created_on
    body["updatedOn"] = max(just_now, created_on) if updated else created_on
    body["updatedBy"] = f.get("updated_by") or ctx.ids.next("user")
    return body


@reads(
    "created_on custom_fields description end external_id linked_event linked_event_id name",
    "offer_type program_id promotion_id promotion_type source_type start status target_rules",
    "updated_by",
)
def build_promotion_created(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A loyalty promotion created (UI or API). Facts (all optional):

    promotion_id, name, description; start, end (``YYYY-MM-DD`` or epoch ms; sent as
    org-local start/end of day in epoch ms); program_id; promotion_type (``type``: BILL,
    LINEITEM, CUSTOMER, RETURN); status (LIVE, INACTIVE…); source_type (UI, API…);
    external_id; linked_event (TransactionAdd, TargetCompleted, a behavioural event…),
    linked_event_id; target_rules ({targetGroupId: [ruleId…]}); custom_fields ({key: value});
    created_on (epoch ms); updated_by (user id).
    """
    return _meta(ctx, f, updated=False)


@reads(
    "created_on custom_fields description end external_id linked_event linked_event_id name",
    "offer_type program_id promotion_id promotion_type source_type start status target_rules",
    "updated_by",
)
def build_promotion_updated(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A loyalty promotion's metadata updated: the facts of promotionCreated; ``updatedOn``
    is the event time, ``createdOn`` (fact created_on) earlier."""
    return _meta(ctx, f, updated=True)


# ---- promotionIssued / promotionEarned ---------------------------------------------------


@reads(
    "custom_fields description earn_source end expiry issual_id issued_date linked_event",
    "max_issuals max_redemptions name offer_type program_id promotion_id promotion_type start",
    "target_rules trigger",
)
def build_promotion_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A promotion issued to (customer enrolled in) a LOYALTY / LOYALTY_EARNING promotion.

    Facts: promotion_id, name, description, start, end, program_id, offer_type
    (pointsOfferType), custom_fields — as promotionCreated; issual_id; issued_date
    (default today); expiry (issual expiry date, default the promotion end); max_issuals,
    max_redemptions (restriction limits); earn_source (promotionEarnSource); target_rules;
    trigger ((activity name, [(key, value)…]) → triggeringActivity).
    """
    p = promotion_facts(ctx, f, (-60, -1))
    issued = as_date(f["issued_date"]) if "issued_date" in f else ctx.date()
    body = customer_head(ctx, p) | {
        "promotionIssuedDate": issued,
        "promotionIssuedExpiryDate": as_date(f.get("expiry", p["end"])),
        "promotionDescription": p["description"],
        "pointsOfferType": p["offer_type"],
        "customFields": p["custom_fields"],
        "issueRestrictions": issue_restrictions(ctx, f),
        "redemptionRestrictions": redemption_restrictions(ctx, f),
        "issualId": f.get("issual_id") or ctx.ids.next("issual"),
    }
    if f.get("earn_source"):
        body["promotionEarnSource"] = f["earn_source"]
    return with_millis(ctx, PROMOTION_ISSUED, customer_tail(ctx, f, body))


@reads(
    "custom_fields description earn_criteria earn_source earned_date earned_id end expiry",
    "issual_id linked_event max_earns max_points_per_earn max_redemptions name offer_type",
    "program_id promotion_id promotion_type start target_rules trigger",
)
def build_promotion_earned(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """A customer earned an issued promotion (its benefit can now be redeemed).

    Facts: those of promotionIssued (issual_id is the issual earned against); earned_id;
    earned_date (default today); expiry (earn expiry, default the promotion end);
    max_earns, max_points_per_earn (-1 = no limit), max_redemptions; earn_criteria.
    """
    p = promotion_facts(ctx, f, (-60, -1))
    earned = as_date(f["earned_date"]) if "earned_date" in f else ctx.date()
    body = customer_head(ctx, p) | {
        "promotionEarnedDate": earned,
        "promotionEarnedExpiryDate": as_date(f.get("expiry", p["end"])),
        "promotionDescription": p["description"],
        "pointsOfferType": p["offer_type"],
        "customFields": p["custom_fields"],
        "issualId": f.get("issual_id") or ctx.ids.next("issual"),
        "earnedId": f.get("earned_id") or ctx.ids.next("earned"),
        "earnRestrictions": earn_restrictions(ctx, f),
        "redemptionRestrictions": redemption_restrictions(ctx, f),
    }
    for fact, key in (("earn_source", "promotionEarnSource"), ("earn_criteria", "earnCriteria")):
        if f.get(fact):
            body[key] = f[fact]
    return with_millis(ctx, PROMOTION_EARNED, customer_tail(ctx, f, body))


# ---- revokes ---------------------------------------------------------------------------


@reads(
    "custom_fields description end expiry issual_id issued_date linked_event max_issuals",
    "max_redemptions name offer_type program_id promotion_id promotion_type start",
    "target_rules trigger",
)
def build_revoke_issued(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """An issual revoked. Facts: those of promotionIssued — issual_id is the revoked
    issual (``revokedIssualId``), issued_date its issue date (default a recent day in the
    promotion window), expiry its expiry; trigger (what caused the revoke). Capillary
    sends no revoke reason field.
    """
    p = promotion_facts(ctx, f, (-60, -1))
    body = customer_head(ctx, p) | {
        "promotionIssuedDate": past_date(ctx, p, f, "issued_date"),
        "promotionIssuedExpiryDate": as_date(f.get("expiry", p["end"])),
        "promotionDescription": p["description"],
        "customFields": p["custom_fields"],
        "issueRestrictions": issue_restrictions(ctx, f),
        "redemptionRestrictions": redemption_restrictions(ctx, f),
        "revokedIssualId": f.get("issual_id") or ctx.ids.next("issual"),
    }
    return with_millis(ctx, REVOKE_ISSUED, customer_tail(ctx, f, body))


@reads(
    "custom_fields description earned_date earned_id earned_ids end expiry linked_event max_earns",
    "max_points_per_earn max_redemptions name offer_type program_id promotion_id",
    "promotion_type start target_rules trigger",
)
def build_revoke_earned(ctx: Ctx, f: Facts) -> dict[str, Any]:
    """Earns revoked. Facts: those of promotionEarned — earned_ids (list of revoked earn
    ids; or earned_id for one), earned_date (their earn date, default a recent day in the
    promotion window), expiry (their expiry, default the promotion end); trigger.
    """
    p = promotion_facts(ctx, f, (-60, -1))
    ids = f.get("earned_ids") or [f.get("earned_id") or ctx.ids.next("earned")]
    details = [
        with_millis(
            ctx,
            REVOKED_EARN,
            {
                "revokedEarnedId": earned_id,
                "promotionEarnedDate": past_date(ctx, p, f, "earned_date"),
                "promotionEarnedExpiryDate": as_date(f.get("expiry", p["end"])),
            },
        )
        for earned_id in ids
    ]
    body = customer_head(ctx, p) | {
        "promotionDescription": p["description"],
        "customFields": p["custom_fields"],
        "revokedEarnedPromotionDetails": details,
        "earnRestrictions": earn_restrictions(ctx, f),
        "redemptionRestrictions": redemption_restrictions(ctx, f),
    }
    return with_millis(ctx, REVOKE_EARNED, customer_tail(ctx, f, body))


EVENTS: list[EventDef] = [
    EventDef(
        "promotionCreated",
        DOMAIN,
        PROMOTION_META,
        build_promotion_created,
        "A loyalty promotion was created (UI or API); no customer.",
    ),
    EventDef(
        "promotionUpdated",
        DOMAIN,
        PROMOTION_META,
        build_promotion_updated,
        "A loyalty promotion's metadata was updated; no customer.",
    ),
    EventDef(
        "promotionIssued",
        DOMAIN,
        PROMOTION_ISSUED,
        build_promotion_issued,
        "A loyalty promotion was issued to a customer (direct issue or enrolment).",
    ),
    EventDef(
        "promotionEarned",
        DOMAIN,
        PROMOTION_EARNED,
        build_promotion_earned,
        "A customer earned an issued loyalty promotion.",
    ),
    EventDef(
        "revokeIssuedPromotion",
        DOMAIN,
        REVOKE_ISSUED,
        build_revoke_issued,
        "A loyalty promotion issual was revoked from a customer.",
    ),
    EventDef(
        "revokeEarnedPromotion",
        DOMAIN,
        REVOKE_EARNED,
        build_revoke_earned,
        "Earns of a loyalty promotion were revoked from a customer.",
    ),
]
