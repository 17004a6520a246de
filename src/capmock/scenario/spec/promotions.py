"""Steps about promotions: loyalty promotions and cart promotions."""

from __future__ import annotations

from capmock.scenario.spec.base import AS, CUST, P, StepSpec

# loyalty promotions
LOYALTY: list[StepSpec] = [
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
]

# cart promotions
CART: list[StepSpec] = [
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
]
