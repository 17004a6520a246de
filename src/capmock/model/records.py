"""What the org offers and customers hold, beyond points: promotions and their issuals,
cart promotions, coupons, rewards, partner links, alternate-currency issues.

Plain records, kept apart from the operations (``model.promotions``, ``model.coupons``…)
so that the world and a customer's state can hold them without importing the
operations. ``WHAT`` names a kind in messages ("'x' is not a coupon"); ``view()`` is the
record as ``plan --state`` and ``check:`` templates show it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(slots=True)
class Promotion:
    """A promotion of the org (``world.promotions``)."""

    WHAT: ClassVar[str] = "promotion"

    id: int
    name: str
    type: str  # one of TYPES
    points: float
    min_amount: float
    status: str  # LIVE, …
    start: str  # YYYY-MM-DD
    end: str
    max_earns: int = 1
    description: str = ""


@dataclass(slots=True)
class Issual:
    """A promotion held by a customer: issued (``issual_id``), or GENERIC (None)."""

    issual_id: int | None
    issued_ms: int
    earned: list[int] = field(default_factory=list)  # earned ids not revoked
    revoked: int = 0  # earns revoked (a revoked earn is not earned again)

    @property
    def earns(self) -> int:
        """Earns so far, revoked ones included."""
        return len(self.earned) + self.revoked

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "issual_id": self.issual_id,
            "issued_ms": self.issued_ms,
            "earned": self.earned,
        }
        if self.revoked:
            out["revoked"] = self.revoked
        return out


@dataclass(slots=True)
class CartPromotion:
    WHAT: ClassVar[str] = "cart promotion"

    customer_id: int
    promotion_id: int
    issue_id: str  # 24-hex ObjectId
    issue_ms: int
    earn_id: str | None
    discount: float
    state: str  # issued | earned | redeemed | revoked
    name: str

    def view(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Coupon:
    WHAT: ClassVar[str] = "coupon"

    coupon_id: int
    code: str
    series: str
    series_id: int
    discount: float
    expiry: str  # YYYY-MM-DD
    status: str  # ISSUED | REDEEMED
    customer_id: int

    def view(self) -> dict[str, Any]:
        return {"kind": "coupon", **asdict(self)}


@dataclass(slots=True)
class Reward:
    WHAT: ClassVar[str] = "reward"

    id: int
    name: str
    points: float
    reward_type: str
    redemption_type: str
    series_id: str
    start_ms: int
    end_ms: int
    priority: int = 1


@dataclass(slots=True)
class IssuedReward:
    """A reward a customer holds (``plan --state``: {"reward": name, "code": code})."""

    reward: str
    code: str

    def view(self) -> dict[str, str]:
        return {"reward": self.reward, "code": self.code}


@dataclass(slots=True)
class PartnerLink:
    partner_id: int
    partner_name: str
    partner_type: str
    expiry: str  # YYYY-MM-DD

    def view(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CurrencyIssue:
    WHAT: ClassVar[str] = "alternate-currency issue"

    id: int
    customer_id: int
    name: str
    amount: float
    reversed: bool = False
