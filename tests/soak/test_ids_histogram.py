"""Event ids that encode their origin, and the constant-memory latency histogram."""

from __future__ import annotations

import random
import uuid

import pytest

from capmock.soak.histogram import Histogram
from capmock.soak.ids import customer_id, decode_event_id, encode_event_id, run_tag


def test_event_ids_round_trip_and_look_like_uuid4() -> None:
    rng = random.Random(3)
    seen = set()
    for _ in range(2000):
        fields = (run_tag(rng.randrange(100)), rng.randrange(1024), rng.randrange(2**28),
                  rng.randrange(2**24), rng.randrange(2**16))
        eid = encode_event_id(*fields)
        parsed = uuid.UUID(eid)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        d = decode_event_id(eid)
        assert (d.tag, d.worker, d.customer, d.lap, d.event) == fields
        seen.add(eid)
    assert len(seen) == 2000


def test_workers_never_share_ids() -> None:
    tag = run_tag(9)
    a = {encode_event_id(tag, 0, c, 0, e) for c in range(50) for e in range(20)}
    b = {encode_event_id(tag, 1, c, 0, e) for c in range(50) for e in range(20)}
    assert len(a) == len(b) == 1000 and not a & b
    assert customer_id(0, 5) != customer_id(1, 5)
    assert customer_id(31, 59_999_999) < 2**31
    with pytest.raises(ValueError):
        customer_id(0, 60_000_000)


def test_histogram_percentiles_are_close() -> None:
    rng = random.Random(1)
    values = sorted(int(rng.expovariate(1 / 5000)) + 50 for _ in range(50_000))
    h = Histogram()
    for v in values:
        h.record_us(v)
    for pct in (50, 95, 99):
        exact = values[int(len(values) * pct / 100) - 1] / 1000
        assert h.percentile_ms(pct) == pytest.approx(exact, rel=0.04)
    assert h.percentile_ms(100) == values[-1] / 1000
    assert len(h.counts) < 400  # memory: buckets, not values


def test_histogram_merges_through_the_wire() -> None:
    a, b = Histogram(), Histogram()
    for v in range(1000):
        a.record_us(1000 + v)
        b.record_us(3000 + v)
    merged = Histogram.from_wire(a.to_wire())
    merged.merge(Histogram.from_wire(b.to_wire()))
    assert merged.n == 2000 and merged.max_us == 3999
    assert merged.percentile_ms(50) == pytest.approx(2.0, rel=0.04)
    assert Histogram().percentile_ms(99) is None
