"""Head-of-line, as Capillary documents it (seed 005, "Consuming event notifications"): a
retried event holds back its connection's later events until it is delivered or the policy
gives up. Real sinks on loopback; the model clock is injected, so hours pass in milliseconds.
"""

from __future__ import annotations

import threading
from pathlib import Path

from capmock.delivery import DeliveryOptions, Planned, Summary, deliver, read_journal
from capmock.delivery.policy import capillary, make_policy
from capmock.delivery.sink import Received, Reply, Sink

from .helpers import EventsFactory, FakeTime

HOUR = 3600.0


def send(
    events: list[Planned],
    url: str,
    options: DeliveryOptions,
    fake: FakeTime,
    journal: Path | bool = False,
) -> Summary:
    """deliver() on the fake clock: hours of retries pass in milliseconds."""
    return deliver(events, url, options, sleep=fake.sleep, clock=fake.clock, journal=journal)


class Outage:
    """A consumer that answers 503 until ``seconds`` of the fake clock have passed."""

    def __init__(self, fake: FakeTime, seconds: float, only: str | None = None) -> None:
        self.fake, self.until, self.only = fake, fake.now + seconds, only
        self.during: list[str | None] = []  # eventIds that arrived while it was down
        self.lock = threading.Lock()

    def __call__(self, received: Received) -> Reply | None:
        if self.fake.clock() < self.until and self.only in (None, received.event_id):
            with self.lock:
                self.during.append(received.event_id)
            return Reply(status=503)
        return None


def test_a_two_hour_outage_holds_every_later_event_then_delivers_all_in_order(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    events = make_events(30)
    outage = Outage(fake_time, 2 * HOUR)
    with Sink.start(hook=outage) as sink:
        summary = send(events, sink.url, DeliveryOptions(), fake_time, journal_path)
        ids = [r.event_id for r in sink.received]
    down = len(outage.during)
    assert down > 5 and ids[:down] == [events[0].event_id] * down  # nothing new while down
    assert ids[down:] == [e.event_id for e in events]  # then everything, in order, once
    assert summary.delivered == 30 and summary.failed_final == 0
    hold = summary.longest_hold
    assert hold is not None and hold.seq == 0 and hold.outcome == "delivered"
    assert 2 * HOUR <= hold.seconds < 3 * HOUR and hold.attempts == len(outage.during) + 1
    assert hold.burst_events == 29
    assert "held connection 1 for 2 h" in hold.describe() and "burst of 29 events" in (
        hold.describe()
    )
    end = read_journal(journal_path)  # the journal's end record says the same
    [last] = [r for r in journal_path.read_text().splitlines() if '"type":"end"' in r]
    assert '"longest_hold":{"seq":0' in last and '"burst_events":29' in last
    assert len(end.events) == 30


def test_the_hold_gives_up_after_the_horizon_then_moves_on(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    """The first event fails for 8 days: it is given up after 7 days of model time,
    compressed by --time-scale; only then do the rest go out."""
    events = make_events(5)
    outage = Outage(fake_time, 8 * 86400 * 0.001, only=events[0].event_id)
    options = DeliveryOptions(policy=capillary(time_scale=0.001))
    with Sink.start(hook=outage) as sink:
        summary = deliver(
            events, sink.url, options, sleep=fake_time.sleep, clock=fake_time.clock, journal=False
        )
        after = [r.event_id for r in sink.received[len(outage.during) :]]
    assert set(outage.during) == {events[0].event_id}
    assert summary.outcomes[0].outcome == "failed-final"
    assert "gave up after" in summary.outcomes[0].reason
    assert after == [e.event_id for e in events[1:]]
    hold = summary.longest_hold
    assert hold is not None and hold.outcome == "failed-final"
    assert 7 * 86400 * 0.001 * 0.9 <= hold.seconds <= 7 * 86400 * 0.001
    assert abs(hold.model_seconds - hold.seconds * 1000) < 1e-3


def test_each_connection_is_a_lane_and_only_the_held_lane_waits(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    """Two connections: events are dealt to lanes in turn; one event failing for an hour
    holds only the events dealt to its lane, in order; the other lane flows."""
    events = make_events(20)
    bad = events[4].event_id  # lane 0 (events 0, 2, 4, …)
    until = fake_time.now + HOUR

    def one_event_fails(received: Received) -> Reply | None:
        if received.event_id == bad and fake_time.clock() < until:
            return Reply(status=503)
        return None

    with Sink.start(hook=one_event_fails) as sink:
        summary = send(events, sink.url, DeliveryOptions(connections=2), fake_time, False)
        got = [r.event_id for r in sink.received if r.event_id != bad]
    lane0 = [e.event_id for e in events[0::2] if e.event_id != bad]
    lane1 = [e.event_id for e in events[1::2]]
    assert [i for i in got if i in lane0] == lane0 and [i for i in got if i in lane1] == lane1
    assert summary.delivered == 20
    hold = summary.longest_hold
    assert hold is not None and hold.seq == 4 and hold.lane == 0
    assert hold.burst_events == len(events[6::2])  # lane 0's events behind it


def test_continue_sends_later_events_while_one_is_retried(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    events = make_events(10)
    outage_for = events[0].event_id
    until = fake_time.now + HOUR

    def first_fails(received: Received) -> Reply | None:
        if received.event_id == outage_for and fake_time.clock() < until:
            return Reply(status=503)
        return None

    options = DeliveryOptions(policy=make_policy("capillary", on_retry="continue"))
    with Sink.start(hook=first_fails) as sink:
        summary = deliver(
            events, sink.url, options, sleep=fake_time.sleep, clock=fake_time.clock, journal=False
        )
        order = [r.event_id for r in sink.received]
    assert order[1:10] == [e.event_id for e in events[1:10]]  # not held back
    assert order[-1] == outage_for and summary.delivered == 10
    assert summary.outcomes[0].attempts > 2 and summary.longest_hold is None


def test_a_4xx_other_than_429_is_final_and_holds_nothing(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    events = make_events(3)
    with Sink.start(statuses=[404, 429]) as sink:
        summary = send(events, sink.url, DeliveryOptions(), fake_time, False)
        assert sink.count == 4  # 404 once (final), 429 then 200, 200
    assert summary.outcomes[0].outcome == "failed-final"
    assert "not retried" in summary.outcomes[0].reason
    assert summary.outcomes[1].attempts == 2 and summary.delivered == 2
