"""Seeded faults (duplicates, reordering, delay, bursts) and parallel connections."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from capmock.delivery import DeliveryOptions, Faults, Planned, Summary, deliver, read_journal
from capmock.delivery.faults import reorder
from capmock.delivery.policy import no_retry
from capmock.delivery.sink import Received, Reply, Sink

from .helpers import EventsFactory, FakeTime


def planned(customers: list[int | None]) -> list[Planned]:
    return [Planned(i, f"id-{i}", "e", c, b"{}") for i, c in enumerate(customers)]


@settings(max_examples=300, deadline=None)
@given(
    customers=st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=60),
    window=st.integers(0, 12),
    scope=st.sampled_from(["global", "customer"]),
    seed=st.integers(0, 2**32),
)
def test_reorder_never_moves_an_event_window_places(
    customers: list[int | None], window: int, scope: str, seed: int
) -> None:
    events = planned(customers)
    out = list(reorder(iter(events), window, scope, random.Random(seed)))
    assert sorted(e.seq for e, _ in out) == list(range(len(events)))  # a permutation
    for position, (event, moved) in enumerate(out):
        assert moved == event.seq - position  # the note tells the truth
        assert abs(moved) < max(window, 1)
    if scope == "customer":  # customers keep their slots: only same-customer events swap
        assert [e.customer_id for e, _ in out] == customers
        assert all(e.seq == i for i, (e, _) in enumerate(out) if e.customer_id is None)


def test_reorder_really_reorders_and_streams() -> None:
    pulled: list[int] = []

    def source() -> object:
        for event in planned([i % 3 for i in range(40)]):
            pulled.append(event.seq)
            yield event

    stream = reorder(source(), 5, "global", random.Random(1))  # type: ignore[arg-type]
    first = next(stream)
    assert len(pulled) == 5  # holds one window, not the whole stream
    rest = [first, *stream]
    moved = [m for _, m in rest]
    assert sum(1 for m in moved if m) > 20 and max(map(abs, moved)) == 4
    by_customer = reorder(iter(planned([i % 3 for i in range(40)])), 6, "customer",
                          random.Random(1))
    assert any(m for _, m in by_customer)


def test_duplicates_carry_the_same_id_and_bytes(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    events = make_events(40)
    opts = DeliveryOptions(faults=Faults(duplicate=0.25, duplicate_delay=(2.0, 4.0)), seed=11)
    with Sink.start() as sink:
        summary = deliver(events, sink.url, opts, sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=journal_path)
        received = sink.received
    duplicated = {o.event_id for o in summary.outcomes.values() if o.faults.duplicate_after}
    assert 3 < len(duplicated) < 20 and summary.duplicates_sent == len(duplicated)
    assert len(received) == 40 + len(duplicated)
    counts = Counter(r.event_id for r in received)
    assert {i for i, c in counts.items() if c == 2} == duplicated
    assert set(counts.values()) <= {1, 2}
    body_of = {e.event_id: e.body for e in events}
    assert all(r.body == body_of[r.event_id] for r in received)  # byte-identical
    assert all(2.0 <= o.faults.duplicate_after <= 4.0  # type: ignore[operator]
               for o in summary.outcomes.values() if o.faults.duplicate_after)
    assert fake_time.sleeps and all(w <= 4.0 for w in fake_time.sleeps)  # waited till due
    journal = read_journal(journal_path)
    dup_attempts = [a for e in journal.events.values() for a in e.attempts
                    if a["kind"] == "duplicate"]
    assert {a["eventId"] for a in dup_attempts} == duplicated
    assert all(a["outcome"] == "duplicate" and a["status"] == 200 for a in dup_attempts)
    example = next(o for o in summary.outcomes.values() if o.faults.duplicate_after)
    assert "sent twice" in example.describe()


def test_reorder_end_to_end_is_bounded_and_reported(
    make_events: EventsFactory, journal_path: Path
) -> None:
    events = make_events(50)
    opts = DeliveryOptions(faults=Faults(reorder=4, reorder_scope="global"), seed=2)
    with Sink.start() as sink:
        summary = deliver(events, sink.url, opts, journal=journal_path)
        order = [r.event_id for r in sink.received]
    seq_of = {e.event_id: e.seq for e in events}
    displacement = [seq_of[i] - pos for pos, i in enumerate(order)]
    assert max(map(abs, displacement)) <= 3 and any(displacement)
    assert summary.reordered == sum(1 for d in displacement if d)
    assert [summary.outcomes[seq_of[i]].faults.moved for i in order] == displacement
    journaled = read_journal(journal_path).events
    assert all(journaled[seq_of[i]].faults.moved == d for i, d in zip(order, displacement,
                                                                      strict=True))
    early = next(o for o in summary.outcomes.values() if o.faults.moved > 1)
    assert f"{early.faults.moved} places early" in early.describe()


def test_reorder_by_customer_keeps_the_customer_sequence(make_events: EventsFactory) -> None:
    events = make_events(60)
    opts = DeliveryOptions(faults=Faults(reorder=8, reorder_scope="customer"), seed=4)
    with Sink.start() as sink:
        summary = deliver(events, sink.url, opts, journal=False)
        got = sink.received
    customer_of = {e.event_id: e.customer_id for e in events}
    assert [customer_of[r.event_id] for r in got] == [e.customer_id for e in events]
    assert [r.event_id for r in got] != [e.event_id for e in events]
    assert summary.reordered > 0


def test_delay_and_bursts_are_waited_through_the_injected_sleep(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    opts = DeliveryOptions(faults=Faults(delay=(0.1, 0.3), burst=4, burst_gap=5.0), seed=1)
    with Sink.start() as sink:
        summary = deliver(make_events(10), sink.url, opts, sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=False)
        assert sink.count == 10
    gaps = [s for s in fake_time.sleeps if s == 5.0]
    delays = [s for s in fake_time.sleeps if s != 5.0]
    assert len(gaps) == 2 and len(delays) == 10 and all(0.1 <= d <= 0.3 for d in delays)
    bursts = [o.faults.burst for o in summary.outcomes.values()]
    assert bursts == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3]


def test_eight_connections_really_have_eight_in_flight(make_events: EventsFactory) -> None:
    barrier = threading.Barrier(8, timeout=10)
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def meet_seven_others(_: Received) -> Reply | None:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        try:
            barrier.wait()  # returns only when 8 requests are being served at once
            return None
        except threading.BrokenBarrierError:
            return Reply(500)
        finally:
            with lock:
                in_flight[0] -= 1

    events = make_events(24)
    opts = DeliveryOptions(connections=8, policy=no_retry())
    with Sink.start(hook=meet_seven_others) as sink:
        summary = deliver(events, sink.url, opts, journal=False)
        assert sink.count == 24
    assert summary.delivered == 24 and summary.failed_final == 0
    assert in_flight[1] == 8


def test_one_connection_is_strictly_in_order(make_events: EventsFactory,
                                             fake_time: FakeTime) -> None:
    events = make_events(12)
    with Sink.start(statuses=[500, 200, 503]) as sink:
        deliver(events, sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                clock=fake_time.clock, journal=False)
        order = [r.event_id for r in sink.received]
    ids = [e.event_id for e in events]
    assert order == [ids[0], ids[0], ids[1], ids[1], *ids[2:]]  # a retry holds the rest back


def test_parallel_duplicates_and_retries_all_finish(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    events = make_events(40)
    opts = DeliveryOptions(connections=4, seed=8,
                           faults=Faults(duplicate=0.5, duplicate_delay=(1.0, 30.0), reorder=3))
    result: list[Summary] = []
    with Sink.start(failure_rate=0.2, seed=1) as sink:
        worker = threading.Thread(target=lambda: result.append(deliver(
            events, sink.url, opts, sleep=fake_time.sleep, clock=fake_time.clock,
            journal=False)))
        worker.start()
        worker.join(60)  # a deadlock fails here instead of hanging the suite
        assert not worker.is_alive()
        received = sink.received
    [summary] = result
    assert summary.delivered == 40 and summary.pending == 0
    dups = summary.duplicates_sent
    assert 10 < dups < 30
    assert len({r.event_id for r in received}) == 40
    assert len(received) == 40 + summary.retries + dups
