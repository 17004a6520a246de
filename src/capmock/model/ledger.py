"""A points ledger for one customer in one program.

Points live in *lots* (regular or promotional, each with an expiry); promised points wait
for their conversion date. The invariant, checked by the property tests:

    lifetime == current + redeemed + expired + transferred_out

and no balance is ever negative. Redemptions take from the lots that expire first.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from capmock.errors import Rejected


def cents(x: float) -> float:
    """``round(x, 2)``, the same value; a whole number (as points nearly always are) is
    given back as round would, without round's decimal conversion (~0.6 µs a call)."""
    if x.__class__ is float and x.is_integer():
        return x
    return round(x, 2)


_points = attrgetter("points")


class InsufficientPoints(Rejected):
    """A redemption or transfer asked for more points than the customer has."""

    def __init__(self, wanted: float, available: float) -> None:
        super().__init__(f"needs {wanted:g} points but only {available:g} are available")
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
    # Tuples, replaced on change: a customer has a lot or two and seldom promised points,
    # and a short tuple is smaller than a list (the empty one is shared).
    lots: tuple[Lot, ...] = ()
    promised: tuple[Promised, ...] = ()
    lifetime: float = 0.0
    redeemed: float = 0.0
    expired: float = 0.0
    transferred_out: float = 0.0

    @property
    def current(self) -> float:
        return cents(sum(map(_points, self.lots)))

    @property
    def promised_total(self) -> float:
        return cents(sum(map(_points, self.promised)))

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
            self.lots = (*self.lots, lot)
            self.lifetime = cents(self.lifetime + points)
        return lot

    def promise(self, points: float, conversion_ms: int, source: str = "") -> Promised:
        promised = Promised(float(points), conversion_ms, source)
        self.promised = (*self.promised, promised)
        return promised

    def convert_promised(self, now_ms: int, expiry_ms: int) -> list[Promised]:
        """Move promised points whose date has come into regular lots."""
        due = [p for p in self.promised if p.conversion_ms <= now_ms]
        if due:
            self.promised = tuple(p for p in self.promised if p.conversion_ms > now_ms)
        for p in due:
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
            amount = cents(min(lot.points, left))
            lot.points = cents(lot.points - amount)
            left = cents(left - amount)
            taken.append(Taken(lot, amount))
        self.lots = tuple([lot for lot in self.lots if lot.points > 1e-9])
        return taken

    def redeem(self, points: float) -> list[Taken]:
        taken = self._take(points)
        self.redeemed = cents(self.redeemed + points)
        return taken

    def reverse_redemption(self, taken: list[Taken]) -> float:
        """Give back what a redemption took (into the same lots, same expiries)."""
        total = 0.0
        for t in taken:
            t.lot.points = cents(t.lot.points + t.points)
            if t.lot not in self.lots:
                self.lots = (*self.lots, t.lot)
            total += t.points
        self.redeemed = cents(self.redeemed - total)
        return cents(total)

    def transfer_out(self, points: float) -> list[Taken]:
        taken = self._take(points)
        self.transferred_out = cents(self.transferred_out + points)
        return taken

    def reverse_issue(self, source: str, points: float) -> tuple[float, float]:
        """Reverse ``points`` issued for ``source`` (a bill); returns (regular, promotional).

        They come out of that bill's own lots first, then — where the customer already spent
        them — out of the rest of the balance; capped by the balance, so it never goes
        negative.
        """
        points = min(cents(points), self.current)
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
            amount = cents(min(lot.points, left))
            lot.points = cents(lot.points - amount)
            left = cents(left - amount)
            if lot.kind == "promotional" and lot.source == source:
                promotional += amount
            else:
                regular += amount
        self.lots = tuple([lot for lot in self.lots if lot.points > 1e-9])
        self.lifetime = cents(self.lifetime - regular - promotional)
        return cents(regular), cents(promotional)

    def absorb(self, other: Account) -> None:
        """Take over another account's lots and totals (a customer merge)."""
        self.lots = (*self.lots, *other.lots)
        self.promised = (*self.promised, *other.promised)
        self.lifetime = cents(self.lifetime + other.lifetime)
        self.redeemed = cents(self.redeemed + other.redeemed)
        self.expired = cents(self.expired + other.expired)
        self.transferred_out = cents(self.transferred_out + other.transferred_out)
        other.lots, other.promised = (), ()
        other.lifetime = other.redeemed = other.expired = other.transferred_out = 0.0

    # ---- time -----------------------------------------------------------------------
    def expire(self, now_ms: int) -> list[Lot]:
        """Lots whose expiry has passed; their points leave the balance."""
        gone = [lot for lot in self.lots if lot.expiry_ms <= now_ms]
        for lot in gone:
            self.expired = cents(self.expired + lot.points)
        self.lots = tuple([lot for lot in self.lots if lot.expiry_ms > now_ms])
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
