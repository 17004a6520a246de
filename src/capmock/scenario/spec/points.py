"""Steps about the ledger: points earned, redeemed, expired or set by hand, tiers, and
alternate currencies."""

from __future__ import annotations

from capmock.scenario.spec.base import AS, CUST, MAX_ADJUSTMENT, P, StepSpec

# points
POINTS: list[StepSpec] = [
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
]

# tiers
TIERS: list[StepSpec] = [
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
]

# points by hand (seed 005)
BY_HAND: list[StepSpec] = [
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
]

# alternate currencies (seed 005)
CURRENCY: list[StepSpec] = [
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
]
