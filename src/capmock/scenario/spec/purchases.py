"""Steps about what customers buy: transactions, returns, and coupons."""

from __future__ import annotations

from capmock.scenario.spec.base import AS, CUST, MAX_BULK, P, StepSpec

# transactions
TRANSACTIONS: list[StepSpec] = [
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
]

# coupons
COUPONS: list[StepSpec] = [
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
]
