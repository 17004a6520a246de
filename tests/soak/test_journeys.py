"""Journey templates and the engine: valid payloads, identities, causal order, laps."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

import capmock
from capmock.errors import UsageError
from capmock.soak.crowd import JourneySource
from capmock.soak.ids import customer_id, decode_event_id
from capmock.soak.settings import MixEntry
from capmock.soak.templates import Mix, build_mix


def drain(source: JourneySource, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        claim = source.claim()
        assert claim is not None
        out.append(json.loads(claim.body))
        source.release(claim.slot)
    return out


def cid(payload: dict) -> int:
    data = payload.get("data") or payload["attributes"]["data"]
    return data["customerIdentifiers"]["customerId"]


def test_stamped_payloads_validate_and_carry_the_crowd_identity(mix: Mix) -> None:
    source = JourneySource(mix, seed=11, worker=0, customers=50, slots=8)
    payloads = drain(source, 300)
    for p in payloads:
        assert capmock.validate(p) == []
    ids = {cid(p) for p in payloads}
    assert ids <= {customer_id(0, i) for i in range(50)}
    mobiles = defaultdict(set)
    for p in payloads:
        mobiles[cid(p)].add(p["data"]["customerIdentifiers"]["instore"]["mobile"])
        assert p["refId"].startswith("150698_")
    assert all(len(m) == 1 for m in mobiles.values())  # one mobile per customer
    assert len({next(iter(m)) for m in mobiles.values()}) == len(mobiles)


def test_ids_are_unique_and_refs_stay_consistent(mix: Mix) -> None:
    source = JourneySource(mix, seed=11, worker=0, customers=200, slots=16)
    payloads = drain(source, 600)
    assert len({p["eventId"] for p in payloads}) == 600
    bills = [p for p in payloads if p["eventName"] == "transactionAdded"]
    assert len({b["data"]["transactionId"] for b in bills}) == len(bills)
    by_bill = {str(b["data"]["transactionId"]) for b in bills}
    for p in payloads:
        if p["eventName"] == "pointsIssued":
            act = p["data"]["triggeringActivity"]["identifiers"]
            bill_id = next(i["value"] for i in act if i["key"] == "BillId")
            assert bill_id in by_bill  # points point at a bill of the same journey


def test_each_customer_is_enrolled_first_and_once(mix: Mix) -> None:
    source = JourneySource(mix, seed=11, worker=0, customers=40, slots=10)
    payloads = drain(source, 1500)  # several laps over 40 customers
    seen: dict[int, list[str]] = defaultdict(list)
    for p in payloads:
        seen[cid(p)].append(p["eventName"])
    laps = max(decode_event_id(p["eventId"]).lap for p in payloads)
    assert laps >= 2
    for events in seen.values():
        assert events[0] == "customerAdded"
        assert events.count("customerAdded") == 1  # returning customers are not re-enrolled


def test_a_customer_is_never_in_flight_twice(mix: Mix) -> None:
    source = JourneySource(mix, seed=11, worker=0, customers=30, slots=6)
    held = [source.claim() for _ in range(6)]
    assert source.claim() is None  # every active customer has an event in flight
    assert len({c.customer_id for c in held if c}) == 6
    source.release(held[0].slot)  # type: ignore[union-attr]
    assert source.claim() is not None


def test_journeys_are_a_function_of_seed_and_customer(mix: Mix) -> None:
    def journeys(slots: int) -> dict[int, list[str]]:
        source = JourneySource(mix, seed=11, worker=2, customers=12, slots=slots)
        out: dict[int, list[str]] = defaultdict(list)
        for p in drain(source, 200):
            if decode_event_id(p["eventId"]).lap == 0:
                out[cid(p)].append(p["eventId"])
        return out

    a, b = journeys(3), journeys(12)
    common = set(a) & set(b)
    assert common and all(a[c][: len(b[c])] == b[c][: len(a[c])] for c in common)


def test_reorder_shuffles_within_windows(mix: Mix) -> None:
    source = JourneySource(mix, seed=11, worker=0, customers=200, slots=1, reorder=3)
    orders: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p in drain(source, 400):
        d = decode_event_id(p["eventId"])
        orders[(d.customer, d.lap)].append(d.event)
    complete = [o for o in list(orders.values())[:-1]]
    assert any(o != sorted(o) for o in complete)  # some journeys were shuffled
    for order in complete:  # ...but only within windows of 3
        for start in range(0, len(order), 3):
            window = order[start:start + 3]
            assert sorted(window) == list(range(start, start + len(window)))


def test_wrapped_envelope_override() -> None:
    mix = build_mix((MixEntry("earn-and-redeem"),), seed=3, count=2, envelope="wrapped")
    source = JourneySource(mix, seed=3, worker=0, customers=5, slots=2)
    for p in drain(source, 20):
        assert "attributes" in p and capmock.validate(p) == []


def test_rendering_in_batches_keeps_counts_true(mix: Mix) -> None:
    """Used-up slots wait for a batch refill: in-flight and begun-journey counts stay the
    ones a sender sees."""
    source = JourneySource(mix, seed=5, worker=0, customers=300, slots=40)
    held = [source.claim() for _ in range(3)]
    assert source.in_flight == 3
    for claim in held:
        source.release(claim.slot)  # type: ignore[union-attr]
    assert source.in_flight == 0
    payloads = drain(source, 2000)
    begun = {(d.customer, d.lap) for d in map(decode_event_id,
                                               [c.event_id for c in held if c]
                                               + [p["eventId"] for p in payloads])}
    assert source.journeys == len(begun)


def test_a_mix_that_only_enrols_is_refused_up_front(tmp_path: Path) -> None:
    """Returning customers are not enrolled again: a mix of enrolments only would have
    nothing to send after one lap (the engine looped for ever looking for an event)."""
    path = tmp_path / "enrol-only.yaml"
    path.write_text("name: enrol-only\nseed: 2\ncustomers:\n  ravi: {}\nsteps:\n  - enrol: ravi\n")
    with pytest.raises(UsageError, match="only enrols customers") as err:
        build_mix((MixEntry(str(path)),), seed=1, count=2)
    assert "enrol-and-first-purchase" in (err.value.hint or "")
    mixed = build_mix((MixEntry(str(path)), MixEntry("earn-and-redeem")), seed=1, count=2)
    payloads = drain(JourneySource(mixed, seed=1, worker=0, customers=3, slots=2), 200)
    assert {p["eventName"] for p in payloads} - {"customerAdded"}  # laps go on
