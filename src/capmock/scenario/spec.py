"""The scenario language: top-level keys and every step, declared once.

``scenario/format_schema.py`` generates the format's JSON Schema from these declarations
(the top level, the org and the consumer block are declared there); the loader checks
every scenario against it, with line numbers and did-you-mean hints. A new step is one
``StepSpec`` here and one handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Parameter kinds: what a value must look like.
KINDS = {
    "customer": "a customer name from `customers:` (or the loop's customer)",
    "int": "a whole number",
    "number": "a number",
    "string": "a string",
    "bool": "true or false",
    "duration": "a duration like 30d, 12h, 15m, 90s",
    "ref": "a name given earlier with `as:`",
    "tier": "a tier name or number",
    "mapping": "a mapping",
    "list": "a list",
    "event": "a catalog event name",
    "date": "a date YYYY-MM-DD",
    "expect": "2xx (default), reject (a 4xx), 4xx, a status code, or a list of codes",
}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    doc: str = ""
    low: float | None = None  # bounds of a number (None: the kind's, see format_schema)
    high: float | None = None


@dataclass(frozen=True)
class StepSpec:
    name: str
    doc: str
    params: tuple[Param, ...] = ()
    primary: str | None = None  # the param a scalar shorthand fills: `- enrol: alice`
    nested: bool = False  # takes `steps:`
    emits: tuple[str, ...] = ()  # events this step can produce (docs and coverage)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


MAX_ADJUSTMENT = 1e12  # the largest debit by hand (format_schema.MAX_NUMBER, negated)


def P(
    name: str,
    kind: str,
    required: bool = False,
    doc: str = "",
    *,
    low: float | None = None,
    high: float | None = None,
) -> Param:
    return Param(name, kind, required, doc, low, high)


MAX_BULK = 10_000  # one step's events are held at once: a bulk issue stays small
CUST = P("customer", "customer", doc="who; default: the loop's customer or the only one")
AS = P("as", "string", doc="name this step's result for later steps")

# Keys every step may carry besides its own parameters.
COMMON = (
    P("envelope", "string", doc="flat or wrapped for the events of this step"),
    P("expect_rejection", "bool", doc="the model must refuse this step (e.g. overdraw)"),
    P("note", "string", doc="free text, ignored"),
    P("expect", "expect", doc="what the consumer must answer to this step's events"),
)

_STEPS: list[StepSpec] = [
    # ---- control ---------------------------------------------------------------------
    StepSpec("repeat", "Run `steps:` N times.", (P("times", "int", True),), "times", True),
    StepSpec(
        "for_each",
        "Run `steps:` once per customer of a crowd (or of a list).",
        (P("customers", "string", True, "a crowd name from `customers:`"),),
        "customers",
        True,
    ),
    StepSpec(
        "choose",
        "Pick one branch by weight (seeded): a list of {weight, steps}.",
        (P("branches", "list", True),),
        "branches",
    ),
    StepSpec(
        "wait",
        "Advance the simulated clock; expiries and reminders fall due.",
        (P("duration", "duration", True),),
        "duration",
        emits=("pointsExpired", "promisedToCurrentPointsConversion"),
    ),
    # ---- customers -------------------------------------------------------------------
    StepSpec(
        "enrol",
        "Register a customer in the loyalty programme.",
        (
            CUST,
            P("source", "string"),
            P("first_name", "string"),
            P("last_name", "string"),
            P("mobile", "string"),
            P("email", "string"),
        ),
        "customer",
        emits=("customerAdded",),
    ),
    StepSpec(
        "update_customer",
        "Change a customer's details.",
        (
            CUST,
            P("first_name", "string"),
            P("last_name", "string"),
            P("email", "string"),
            P("mobile", "string"),
        ),
        "customer",
        emits=("customerUpdated",),
    ),
    StepSpec(
        "merge_customers",
        "Merge `victim` into `customer` (points and tier move).",
        (CUST, P("victim", "customer", True)),
        emits=("loyaltyCustomerMerge",),
    ),
    StepSpec(
        "update_card",
        "Change the status of the customer's card.",
        (CUST, P("status", "string")),
        "customer",
        emits=("cardUpdated",),
    ),
    # ---- transactions ----------------------------------------------------------------
    StepSpec(
        "transact",
        "A purchase: points, tiers, promotions, targets and streaks follow.",
        (
            CUST,
            P("amount", "number"),
            P("items", "int", doc="number of line items (1-20)", low=1, high=20),
            P("discount", "number"),
            P("currency", "string"),
            P("store", "int"),
            P("kind", "string", doc="regular (default), not_interested, retro, rejected"),
            P("reason", "string", doc="rejection reason for kind: rejected"),
            P("promised", "bool", doc="points are promised, converted later"),
            AS,
        ),
        "amount",
        emits=(
            "transactionAdded",
            "pointsIssued",
            "tierUpgraded",
            "notInterestedBillAdded",
            "retroBillAdded",
            "transactionRejected",
            "promotionEarned",
            "targetAchievedValueUpdated",
            "targetValueAchieved",
            "streakLevelAchieved",
            "pointsContributionToGroup",
        ),
    ),
    StepSpec(
        "update_transaction",
        "Change an earlier bill (delivery status, notes).",
        (CUST, P("bill", "ref", True), P("status", "string")),
        "bill",
        emits=("transactionUpdated",),
    ),
    StepSpec(
        "retrigger",
        "Re-process a rejected bill.",
        (CUST, P("bill", "ref", True)),
        "bill",
        emits=("rejectedTransactionRetrigger",),
    ),
    StepSpec(
        "return",
        "Return all or part of an earlier bill; its points are reversed.",
        (CUST, P("bill", "ref", True), P("amount", "number"), AS),
        "bill",
        emits=("transactionAdded", "issuedPointsReversed", "tierDowngraded"),
    ),
    # ---- points ----------------------------------------------------------------------
    StepSpec(
        "redeem_points",
        "Spend points (fails beyond the balance).",
        (CUST, P("points", "number", True), AS),
        "points",
        emits=("pointsRedeemed",),
    ),
    StepSpec(
        "reverse_redemption",
        "Give back the points of an earlier redemption.",
        (CUST, P("redemption", "ref", True)),
        "redemption",
        emits=("redeemedPointsReversed",),
    ),
    StepSpec(
        "award_points",
        "Issue points outside a purchase (goodwill, behaviour).",
        (CUST, P("points", "number", True), P("reason", "string")),
        "points",
        emits=("pointsIssued",),
    ),
    StepSpec(
        "expire_points",
        "Expire points now (all due; `all: true` expires every lot).",
        (CUST, P("all", "bool")),
        "customer",
        emits=("pointsExpired",),
    ),
    StepSpec(
        "points_expiry_reminder",
        "Remind of points expiring within `within`.",
        (CUST, P("within", "duration")),
        "customer",
        emits=("pointsExpiryReminder",),
    ),
    StepSpec(
        "update_points_expiry",
        "Move the expiry of the customer's next-expiring lot.",
        (CUST, P("date", "date", True)),
        "date",
        emits=("singlePointsExpiryUpdated",),
    ),
    StepSpec(
        "transfer_points",
        "Move points to another customer.",
        (CUST, P("to", "customer", True), P("points", "number", True)),
        emits=("pointsTransferredInitiated", "pointsTransferredReceived"),
    ),
    StepSpec(
        "promised_to_current",
        "Convert promised points to current now.",
        (CUST,),
        "customer",
        emits=("promisedToCurrentPointsConversion",),
    ),
    StepSpec(
        "issue_alternate_currency",
        "Issue an alternate currency (stars, coins…).",
        (CUST, P("amount", "number", True), P("currency", "string"), AS),
        "amount",
        emits=("alternateCurrenciesIssued",),
    ),
    StepSpec(
        "reverse_alternate_currency",
        "Reverse an earlier alternate-currency issue.",
        (CUST, P("issue", "ref", True)),
        "issue",
        emits=("issuedalternateCurrenciesReversed",),
    ),
    # ---- coupons ---------------------------------------------------------------------
    StepSpec(
        "issue_coupon",
        "Issue one coupon (or `count` in bulk) of a series.",
        (
            CUST,
            P("series", "string"),
            P(
                "count",
                "int",
                doc="coupons at once (1-10,000; repeat for more)",
                low=1,
                high=MAX_BULK,
            ),
            P("discount", "number"),
            AS,
        ),
        "series",
        emits=("CouponIssue",),
    ),
    StepSpec(
        "redeem_coupon",
        "Redeem an issued coupon (on a bill).",
        (CUST, P("coupon", "ref", True), P("bill", "ref")),
        "coupon",
        emits=("CouponRedeem",),
    ),
    # ---- tiers -----------------------------------------------------------------------
    StepSpec(
        "tier_upgrade",
        "Move the customer up to `tier`.",
        (CUST, P("tier", "tier", True)),
        "tier",
        emits=("tierUpgraded",),
    ),
    StepSpec(
        "tier_downgrade",
        "Move the customer down to `tier` (default: one down).",
        (CUST, P("tier", "tier")),
        "tier",
        emits=("tierDowngraded",),
    ),
    StepSpec(
        "tier_renew",
        "Renew the customer's tier for another period.",
        (CUST,),
        "customer",
        emits=("tierRenewed",),
    ),
    StepSpec(
        "tier_downgrade_reminder",
        "Warn the customer of a coming downgrade.",
        (CUST,),
        "customer",
        emits=("tierDowngradeReminder",),
    ),
    # ---- loyalty promotions ----------------------------------------------------------
    StepSpec(
        "create_promotion",
        "Create a loyalty promotion (GENERIC, LOYALTY, LOYALTY_EARNING).",
        (
            P("name", "string", True),
            P("type", "string"),
            P("points", "number"),
            P("min_amount", "number"),
            P("as", "string"),
        ),
        "name",
        emits=("promotionCreated",),
    ),
    StepSpec(
        "update_promotion",
        "Change a promotion (points, status).",
        (P("promotion", "ref", True), P("points", "number"), P("status", "string")),
        "promotion",
        emits=("promotionUpdated",),
    ),
    StepSpec(
        "issue_promotion",
        "Issue a promotion to a customer.",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("promotionIssued",),
    ),
    StepSpec(
        "earn_promotion",
        "The customer earns a promotion (its points are issued).",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("promotionEarned", "pointsIssued"),
    ),
    StepSpec(
        "revoke_issued_promotion",
        "Take back an issued promotion.",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("revokeIssuedPromotion",),
    ),
    StepSpec(
        "revoke_earned_promotion",
        "Take back an earned promotion.",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("revokeEarnedPromotion",),
    ),
    # ---- cart promotions -------------------------------------------------------------
    StepSpec(
        "issue_cart_promotion",
        "Issue a cart promotion to a customer.",
        (CUST, P("name", "string"), P("discount", "number"), AS),
        "name",
        emits=("cartPromotionIssued",),
    ),
    StepSpec(
        "earn_cart_promotion",
        "The customer earns a cart promotion.",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("cartPromotionEarned",),
    ),
    StepSpec(
        "redeem_cart_promotion",
        "Redeem a cart promotion on a bill.",
        (CUST, P("promotion", "ref", True), P("bill", "ref")),
        "promotion",
        emits=("cartPromotionRedeemed",),
    ),
    StepSpec(
        "revoke_cart_promotion",
        "Revoke a cart promotion.",
        (CUST, P("promotion", "ref", True)),
        "promotion",
        emits=("cartPromotionRevoked",),
    ),
    # ---- targets, streaks, badges, rewards -------------------------------------------
    StepSpec(
        "target_progress",
        "Add to a target's achieved value (see org.targets).",
        (CUST, P("target", "string", True), P("value", "number", True)),
        emits=("targetAchievedValueUpdated", "targetValueAchieved", "unifiedTargetsAchieved"),
    ),
    StepSpec(
        "target_unachieved",
        "A unified target period closes unachieved.",
        (CUST, P("target", "string", True)),
        "target",
        emits=("unifiedTargetsUnAchieved",),
    ),
    StepSpec(
        "streak_enrol",
        "Enrol the customer in a streak.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakCustomerEnrolment", "streakStart"),
    ),
    StepSpec(
        "streak_unenrol",
        "Take the customer out of a streak.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakCustomerUnEnrolment",),
    ),
    StepSpec(
        "streak_level",
        "The customer reaches (or loses) a streak level.",
        (CUST, P("streak", "string"), P("lost", "bool")),
        "streak",
        emits=("streakLevelAchieved", "streakLevelUnAchieved"),
    ),
    StepSpec(
        "streak_end",
        "The streak ends for the customer.",
        (CUST, P("streak", "string")),
        "streak",
        emits=("streakEnd",),
    ),
    StepSpec(
        "earn_badge",
        "Issue a badge to the customer.",
        (CUST, P("badge", "string")),
        "badge",
        emits=("badgeEarned",),
    ),
    StepSpec(
        "create_reward",
        "Create a reward in the catalogue.",
        (P("name", "string", True), P("points", "number"), P("as", "string")),
        "name",
        emits=("rewardCreated",),
    ),
    StepSpec(
        "update_reward",
        "Change a reward.",
        (P("reward", "ref", True), P("points", "number")),
        "reward",
        emits=("rewardUpdated",),
    ),
    StepSpec(
        "issue_reward",
        "Issue a reward to the customer (points are spent).",
        (CUST, P("reward", "ref", True), P("fail", "string", doc="failure reason")),
        "reward",
        emits=("rewardIssued", "issueRewardFailure", "pointsRedeemed"),
    ),
    StepSpec(
        "reward_expiry_reminder",
        "Remind of an issued reward's expiry.",
        (CUST, P("reward", "ref", True)),
        "reward",
        emits=("rewardExpiryReminder",),
    ),
    # ---- partner programs, requests --------------------------------------------------
    StepSpec(
        "link_partner",
        "Link the customer to a partner programme.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramLinked",),
    ),
    StepSpec(
        "update_partner",
        "Update the customer's partner membership.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramUpdated",),
    ),
    StepSpec(
        "delink_partner",
        "Delink the customer from a partner programme.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("partnerProgramDelinked",),
    ),
    StepSpec(
        "partner_expiry_reminder",
        "Remind of a supplementary membership's expiry.",
        (CUST, P("partner", "string")),
        "partner",
        emits=("supplementaryMembershipExpiryReminder",),
    ),
    StepSpec(
        "request_update",
        "A change request is approved or rejected.",
        (CUST, P("type", "string"), P("status", "string")),
        "status",
        emits=("requestUpdated",),
    ),
    StepSpec(
        "request_workflow",
        "An advanced request-workflow step.",
        (CUST, P("type", "string"), P("status", "string")),
        "type",
        emits=("requestWorkflowEvent",),
    ),
    # ---- seed 005: groups, points by hand, target periods, messages, fulfilment ------
    StepSpec(
        "create_group",
        "Create a customer group (family, household) with `customer` as its primary member.",
        (CUST, P("name", "string"), AS),
        "name",
        emits=("groupCreated",),
    ),
    StepSpec(
        "update_group",
        "Rename a group or make another member its primary.",
        (P("group", "string", True), P("name", "string"), P("primary", "customer")),
        "group",
        emits=("groupUpdated",),
    ),
    StepSpec(
        "join_group",
        "The customer joins a group; their later purchases contribute points to it.",
        (CUST, P("group", "string", True)),
        "group",
        emits=("groupMemberAdded",),
    ),
    StepSpec(
        "leave_group",
        "The customer leaves a group (points contributed stay with it).",
        (CUST, P("group", "string", True)),
        "group",
        emits=("groupMemberRemoved",),
    ),
    StepSpec(
        "adjust_points",
        "An operator credits (points > 0) or debits (points < 0) points by hand.",
        (
            CUST,
            P("points", "number", True, "+ credit, - debit", low=-MAX_ADJUSTMENT),
            P("reason", "string"),
        ),
        "points",
        emits=("manualPointsAdjustment", "tierUpgraded", "tierDowngraded"),
    ),
    StepSpec(
        "change_points_expiry",
        "Move the expiry of the customer's points: to `date`, or `extend` them (e.g. 90d); "
        "only those expiring before `before` when given.",
        (
            CUST,
            P("date", "date"),
            P("extend", "duration"),
            P("before", "date"),
            P("reason", "string"),
        ),
        "date",
        emits=("pointsExpiryChange",),
    ),
    StepSpec(
        "target_enrol",
        "Enrol the customer in a target (see org.targets): its period P1 starts.",
        (CUST, P("target", "string", True), P("source", "string")),
        "target",
        emits=("targetCustomerEnrolment", "targetPeriodStarted"),
    ),
    StepSpec(
        "target_period_start",
        "Start the target's next period (the current one must be complete).",
        (CUST, P("target", "string", True)),
        "target",
        emits=("targetPeriodStarted",),
    ),
    StepSpec(
        "target_value_update",
        "Change the target value defined for the customer.",
        (CUST, P("target", "string", True), P("value", "number", True)),
        emits=("targetValueUpdated",),
    ),
    StepSpec(
        "target_period_complete",
        "Close the target's current period with what the customer achieved.",
        (CUST, P("target", "string", True)),
        "target",
        emits=("targetPeriodCompleted",),
    ),
    StepSpec(
        "subscription",
        "The customer subscribes to or unsubscribes from a channel's messages.",
        (
            CUST,
            P("channel", "string", doc="SMS (default), EMAIL, WHATSAPP, MOBILE_PUSH"),
            P("status", "string", doc="UNSUBSCRIBED (default) or SUBSCRIBED"),
            P("priority", "string", doc="TRANS or BULK; default both"),
        ),
        "channel",
        emits=("customerSubscription",),
    ),
    StepSpec(
        "message_undelivered",
        "A message to the customer is not delivered (DND_BLOCKED on a channel they left).",
        (
            CUST,
            P("channel", "string"),
            P("priority", "string"),
            P("status", "string", doc="a deliveryFailureStatus, e.g. HARD_BOUNCED"),
        ),
        "channel",
        emits=("communicationMessageUndelivered",),
    ),
    StepSpec(
        "update_reward_transaction",
        "An issued reward's fulfilment moves on (PROCESSING, SHIPPED, DELIVERED…).",
        (CUST, P("reward", "ref", True), P("status", "string")),
        "reward",
        emits=("updateRewardTransaction",),
    ),
    StepSpec(
        "promise_alternate_currency",
        "Issue an alternate currency as promised, convertible later.",
        (CUST, P("amount", "number", True), P("currency", "string"), P("convert_in", "duration")),
        "amount",
        emits=("alternateCurrenciesIssued",),
    ),
    StepSpec(
        "convert_alternate_currency",
        "The customer's promised alternate currencies become current.",
        (CUST,),
        "customer",
        emits=("promisedToCurrentAlternateCurrencyConversion",),
    ),
    # ---- consumer state --------------------------------------------------------------
    StepSpec(
        "check",
        "Deliver everything so far, then poll the consumer's state (`consumer.state`) until "
        "the JSONPath values in `json` hold; `{{ alice.points.current }}` is the model's value.",
        (
            CUST,
            P("json", "mapping", True, "JSONPath -> expected value, e.g. $.tier: 2"),
            P("within", "duration", doc="how long to poll (default consumer.within, else 10s)"),
            P(
                "status",
                "int",
                doc="the state endpoint's expected status (default 200)",
                low=100,
                high=599,
            ),
        ),
        "customer",
    ),
    # ---- anything --------------------------------------------------------------------
    StepSpec(
        "emit",
        "Emit any catalog event, with field overrides merged into `data`.",
        (CUST, P("event", "event", True), P("fields", "mapping"), P("facts", "mapping")),
        "event",
    ),
]

STEPS: dict[str, StepSpec] = {s.name: s for s in _STEPS}

OPTION_KEYS = {"enrich", "tz_millis", "trace"}
CUSTOMER_KEYS = {"crowd", "first_name", "last_name", "mobile", "email", "tier"}


def describe() -> dict[str, Any]:
    """The vocabulary as plain data (for docs and `capmock scenarios --steps`)."""
    return {
        name: {
            "doc": s.doc,
            "params": {p.name: {"kind": p.kind, "required": p.required} for p in s.params},
            "emits": list(s.emits),
        }
        for name, s in STEPS.items()
    }
