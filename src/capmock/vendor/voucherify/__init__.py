"""Voucherify's ``voucher.loyalty_card.transaction.created`` webhook (seed 002)."""

EVENT_TYPE = "voucher.loyalty_card.transaction.created"
TRANSACTION_TYPES = (
    "POINTS_ACCRUAL",
    "POINTS_REDEMPTION",
    "POINTS_REFUND",
    "POINTS_ADDITION",
    "POINTS_REMOVAL",
    "POINTS_EXPIRATION",
    "POINTS_TRANSFER_IN",
    "POINTS_TRANSFER_OUT",
)
