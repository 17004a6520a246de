"""A latency histogram with constant memory: log-linear buckets of about 3% width.

Values are recorded in microseconds; below 64 µs each value has its own bucket, above it
every power of two is split into 32 buckets, so a percentile is within ~3% of the truth
whatever the range (1 µs to hours). Histograms merge by adding counts, so workers send
theirs per interval and the parent keeps one per interval and one for the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable

SUB_BITS = 5  # 32 sub-buckets per power of two
_LINEAR = 1 << (SUB_BITS + 1)  # 64: values below have their own bucket


def bucket_of(us: int) -> int:
    if us < _LINEAR:
        return us if us > 0 else 0
    shift = us.bit_length() - SUB_BITS - 1
    return (shift << SUB_BITS) + (us >> shift)


def value_of(bucket: int) -> float:
    """The middle of a bucket, in microseconds."""
    if bucket < _LINEAR:
        return float(bucket)
    shift, mantissa = divmod(bucket, 1 << SUB_BITS)
    shift -= 1
    mantissa += 1 << SUB_BITS
    return (mantissa + 0.5) * (1 << shift)


class Histogram:
    __slots__ = ("counts", "max_us", "n", "total_us")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.n = 0
        self.max_us = 0
        self.total_us = 0

    def record_us(self, us: int) -> None:
        b = bucket_of(us) if us >= _LINEAR else (us if us > 0 else 0)
        counts = self.counts
        counts[b] = counts.get(b, 0) + 1
        self.n += 1
        self.total_us += us
        if us > self.max_us:
            self.max_us = us

    def record(self, seconds: float) -> None:
        self.record_us(int(seconds * 1e6))

    def merge(self, other: Histogram) -> None:
        counts = self.counts
        for b, c in other.counts.items():
            counts[b] = counts.get(b, 0) + c
        self.n += other.n
        self.total_us += other.total_us
        self.max_us = max(self.max_us, other.max_us)

    def percentile_ms(self, pct: float) -> float | None:
        """Nearest-rank percentile in milliseconds (the max for 100); None when empty."""
        if not self.n:
            return None
        if pct >= 100:
            return self.max_us / 1000
        rank = max(1, -(-self.n * pct // 100))
        seen = 0
        for b in sorted(self.counts):
            seen += self.counts[b]
            if seen >= rank:
                return min(value_of(b), self.max_us) / 1000
        return self.max_us / 1000

    def summary_ms(self, pcts: Iterable[float] = (50, 95, 99)) -> dict[str, float | None]:
        out: dict[str, float | None] = {f"p{p:g}": _round(self.percentile_ms(p)) for p in pcts}
        out["max"] = _round(self.max_us / 1000) if self.n else None
        out["mean"] = _round(self.total_us / self.n / 1000) if self.n else None
        return out

    # ---- wire format: compact JSON-able lists --------------------------------------
    def to_wire(self) -> list[int]:
        flat = [self.n, self.max_us, self.total_us]
        for b, c in self.counts.items():
            flat += (b, c)
        return flat

    @classmethod
    def from_wire(cls, flat: list[int]) -> Histogram:
        h = cls()
        h.n, h.max_us, h.total_us = flat[0], flat[1], flat[2]
        it = iter(flat[3:])
        h.counts = dict(zip(it, it, strict=True))
        return h


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
