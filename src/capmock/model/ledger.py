"""A points ledger for one customer in one program.

Points live in *lots* (regular or promotional, each with an expiry); promised points wait
for their conversion date. The invariant, checked by the property tests:

    lifetime == current + redeemed + expired + transferred_out

and no balance is ever negative. Redemptions take from the lots that expire first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capmock.errors import Rejected


class InsufficientPoints(Rejected):
    """A redemption or transfer asked for more points than the customer has."""

    def __init__(self, wanted: float, available: float) -> None:
        super().__init__(f"redeeming {wanted:g} points but only {available:g} available")
        self.wanted, self.available = wanted, available


@dataclass(slots=True)
class Lot:
    kind: str  # "regular" | "promotional"
    points: float  # remaining
    expiry_ms: int
    issued_ms: int
    source: str = ""  # bill number, promotion id, transfer id…
    promotion_id: int | None = None


@dataclass(slots=True)
class Promised:
    points: float
    conversion_ms: int
    source: str = ""


@dataclass(slots=True)
class Taken:
    """Points taken from one lot by a redemption, transfer, expiry or reversal."""

    lot: Lot
    points: float


@dataclass(slots=True)
class Account:
    lots: list[Lot] = field(default_factory=list)
    promised: list[Promised] = field(default_factory=list)
    lifetime: float = 0.0
    redeemed: float = 0.0
    expired: float = 0.0
    transferred_out: float = 0.0

    @property
    def current(self) -> float:
        return round(sum(lot.points for lot in self.lots), 2)

    @property
    def promised_total(self) -> float:
        return round(sum(p.points for p in self.promised), 2)

    # ---- earning --------------------------------------------------------------------
    def issue(
        self,
        kind: str,
        points: float,
        now_ms: int,
        expiry_ms: int,
        source: str = "",
        promotion_id: int | None = None,
    ) -> Lot:
        lot = Lot(kind, float(points), expiry_ms, now_ms, source, promotion_id)
        if points > 0:
            self.lots.append(lot)
            self.lifetime = round(self.lifetime + points, 2)
        return lot

    def promise(self, points: float, conversion_ms: int, source: str = "") -> Promised:
        promised = Promised(float(points), conversion_ms, source)
        self.promised.append(promised)
        return promised

    def convert_promised(self, now_ms: int, expiry_ms: int) -> list[Promised]:
        """Move promised points whose date has come into regular lots."""
        due = [p for p in self.promised if p.conversion_ms <= now_ms]
        for p in due:
            self.promised.remove(p)
            self.issue("regular", p.points, now_ms, expiry_ms, p.source)
        return due

    # ---- spending -------------------------------------------------------------------
    def _take(self, points: float) -> list[Taken]:
        if points > self.current + 1e-9:
            raise InsufficientPoints(points, self.current)
        taken: list[Taken] = []
        left = points
        for lot in sorted(self.lots, key=lambda lot: (lot.expiry_ms, lot.issued_ms)):
            if left <= 1e-9:
                break
            amount = round(min(lot.points, left), 2)
            lot.points = round(lot.points - amount, 2)
            left = round(left - amount, 2)
            taken.append(Taken(lot, amount))
        self.lots = [lot for lot in self.lots if lot.points > 1e-9]
        return taken

    def redeem(self, points: float) -> list[Taken]:
        taken = self._take(points)
        self.redeemed = round(self.redeemed + points, 2)
        return taken

    def reverse_redemption(self, taken: list[Taken]) -> float:
        """Give back what a redemption took (into the same lots, same expiries)."""
        total = 0.0
        for t in taken:
            t.lot.points = round(t.lot.points + t.points, 2)
            if t.lot not in self.lots:
                self.lots.append(t.lot)
            total += t.points
        self.redeemed = round(self.redeemed - total, 2)
        return round(total, 2)

    def transfer_out(self, points: float) -> list[Taken]:
        taken = self._take(points)
        self.transferred_out = round(self.transferred_out + points, 2)
        return taken

    def reverse_issue(self, source: str, points: float) -> tuple[float, float]:
        """Reverse ``points`` issued for ``source`` (a bill); returns (regular, promotional).

        They come out of that bill's own lots first, then — where the customer already spent
        them — out of the rest of the balance; capped by the balance, so it never goes
        negative.
        """
        points = min(round(points, 2), self.current)
        own = [lot for lot in self.lots if lot.source == source]
        rest = sorted(
            (lot for lot in self.lots if lot.source != source),
            key=lambda lot: (lot.expiry_ms, lot.issued_ms),
        )
        regular = promotional = 0.0
        left = points
        for lot in own + rest:
            if left <= 1e-9:
                break
            amount = round(min(lot.points, left), 2)
            lot.points = round(lot.points - amount, 2)
            left = round(left - amount, 2)
            if lot.kind == "promotional" and lot.source == source:
                promotional += amount
            else:
                regular += amount
        self.lots = [lot for lot in self.lots if lot.points > 1e-9]
        self.lifetime = round(self.lifetime - regular - promotional, 2)
        return round(regular, 2), round(promotional, 2)

    def absorb(self, other: Account) -> None:
        """Take over another account's lots and totals (a customer merge)."""
        self.lots += other.lots
        self.promised += other.promised
        self.lifetime = round(self.lifetime + other.lifetime, 2)
        self.redeemed = round(self.redeemed + other.redeemed, 2)
        self.expired = round(self.expired + other.expired, 2)
        self.transferred_out = round(self.transferred_out + other.transferred_out, 2)
        other.lots, other.promised = [], []
        other.lifetime = other.redeemed = other.expired = other.transferred_out = 0.0

    # ---- time -----------------------------------------------------------------------
    def expire(self, now_ms: int) -> list[Lot]:
        """Lots whose expiry has passed; their points leave the balance."""
        gone = [lot for lot in self.lots if lot.expiry_ms <= now_ms]
        for lot in gone:
            self.expired = round(self.expired + lot.points, 2)
        self.lots = [lot for lot in self.lots if lot.expiry_ms > now_ms]
        return gone

    def expiring(self, start_ms: int, end_ms: int) -> list[Lot]:
        return [lot for lot in self.lots if start_ms < lot.expiry_ms <= end_ms]

    def next_expiry_ms(self) -> int | None:
        return min((lot.expiry_ms for lot in self.lots), default=None)

    def next_due_ms(self) -> int | None:
        """The next moment something happens by itself: an expiry or a conversion."""
        moments = [lot.expiry_ms for lot in self.lots]
        moments += [p.conversion_ms for p in self.promised]
        return min(moments, default=None)

    def check(self) -> None:
        """The ledger's invariant; raises AssertionError when broken."""
        total = self.current + self.redeemed + self.expired + self.transferred_out
        assert abs(self.lifetime - total) < 0.01, (self.lifetime, total)
        assert self.current >= 0 and all(lot.points >= 0 for lot in self.lots)
