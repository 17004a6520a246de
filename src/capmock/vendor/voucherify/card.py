"""A customer's loyalty card in one program (Voucherify's voucher of type LOYALTY_CARD)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Card:
    id: str
    code: str
    customer_id: int
    program_id: int
    created_ms: int
    redeemed_quantity: int = 0
    redeemed_points: float = 0.0
