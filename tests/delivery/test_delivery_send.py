"""Sending to real servers on loopback: statuses, retries, timeouts, refusals, signing."""

from __future__ import annotations

import base64
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from capmock.delivery import DeliveryOptions, Planned, deliver, read_journal
from capmock.delivery.policy import capillary, custom, no_retry
from capmock.delivery.sink import Received, Sink

from .helpers import EventsFactory, FakeTime

SECRET = "whsec_" + base64.b64encode(b"capmock-test-signing-key-32bytes").decode()


def attempts(journal: Path) -> list[dict[str, object]]:
    return [a for e in read_journal(journal).events.values() for a in e.attempts]


def test_200_is_delivered_once_with_capillary_headers(
    httpserver: HTTPServer, make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    [event] = make_events(1)
    httpserver.expect_oneshot_request(
        "/hook", method="POST", data=event.body,
        headers={"Content-Type": "application/json", "User-Agent": "Java/1.8.0_272",
                 "X-Org": "42"},
    ).respond_with_data("ok")
    opts = DeliveryOptions.from_settings(header=["X-Org: 42"])
    summary = deliver([event], httpserver.url_for("/hook"), opts, sleep=fake_time.sleep,
                      clock=fake_time.clock, journal=journal_path)
    httpserver.check_assertions()
    assert (summary.planned, summary.delivered, summary.retries) == (1, 1, 0)
    assert summary.outcomes[0].outcome == "delivered" and summary.outcomes[0].status == 200
    assert fake_time.sleeps == []
    [only] = attempts(journal_path)
    assert (only["status"], only["outcome"], only["attempt"]) == (200, "delivered", 1)


def test_500_then_200_is_retried_once_with_the_same_bytes(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    [event] = make_events(1)
    with Sink.start(statuses=[500]) as sink:
        summary = deliver([event], sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=journal_path)
        got = sink.wait_for(2)
    assert [r.body for r in got] == [event.body, event.body]
    assert (summary.delivered, summary.retries, summary.outcomes[0].attempts) == (1, 1, 2)
    assert len(fake_time.sleeps) == 1 and 0.5 <= fake_time.sleeps[0] <= 1.0  # first backoff
    outcomes = [(a["status"], a["outcome"]) for a in attempts(journal_path)]
    assert outcomes == [(500, "retrying"), (200, "delivered")]


def test_400_is_failed_final_and_not_retried(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    events = make_events(2)
    with Sink.start(statuses=[400]) as sink:
        summary = deliver(events, sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=journal_path)
        assert sink.count == 2  # the 400 event once, the next event once
    assert (summary.delivered, summary.failed_final, summary.retries) == (1, 1, 0)
    failed = summary.failed()[0]
    assert failed.seq == 0 and failed.status == 400 and "not retried" in failed.reason
    assert fake_time.sleeps == []
    first = attempts(journal_path)[0]
    assert first["outcome"] == "failed-final" and first["response"] == '{"status":"error"}'


def test_a_redirect_is_not_followed(make_events: EventsFactory, fake_time: FakeTime) -> None:
    with Sink.start(statuses=[302]) as sink:
        summary = deliver(make_events(1), sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=False)
        assert sink.count == 1
    assert summary.failed_final == 1 and summary.outcomes[0].status == 302


def test_429_retry_after_seconds_is_honoured(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    with Sink.start(statuses=[429, 429], retry_after=7) as sink:
        summary = deliver(make_events(1), sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=False)
        assert sink.count == 3
    assert fake_time.sleeps == [7.0, 7.0]
    assert summary.delivered == 1 and summary.retries == 2


def test_retry_after_http_date_and_time_scale(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    opts = DeliveryOptions(policy=capillary(time_scale=0.01))
    with Sink.start(statuses=[503], retry_after=when) as sink:
        summary = deliver(make_events(1), sink.url, opts, sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=False)
        assert sink.count == 2
    [wait] = fake_time.sleeps
    assert 1.0 < wait <= 1.2  # about 120 s, scaled by 0.01
    assert summary.delivered == 1


def test_a_consumer_slower_than_the_timeout_gets_the_event_again(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    release = threading.Event()
    seen: list[int] = []
    lock = threading.Lock()

    def first_one_hangs(_: Received) -> None:
        with lock:
            seen.append(1)
            hang = len(seen) == 1
        if hang:
            release.wait(10)  # answers only after the test is over

    [event] = make_events(1)
    with Sink.start(hook=first_one_hangs) as sink:
        try:
            summary = deliver([event], sink.url, DeliveryOptions(timeout=0.3),
                              sleep=fake_time.sleep, clock=fake_time.clock, journal=journal_path)
            got = sink.wait_for(2)
        finally:
            release.set()
    assert [r.body for r in got] == [event.body, event.body]
    assert (summary.delivered, summary.retries) == (1, 1)
    first, second = attempts(journal_path)
    assert (first["status"], first["error"], first["outcome"]) == (None, "timeout", "retrying")
    assert (second["status"], second["outcome"]) == (200, "delivered")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused_then_the_target_comes_up(
    make_events: EventsFactory, journal_path: Path
) -> None:
    port = free_port()
    started: list[Sink] = []
    waits: list[float] = []

    def sleep_and_start_target(seconds: float) -> None:
        waits.append(seconds)
        if not started:
            started.append(Sink.start(port=port))

    [event] = make_events(1)
    try:
        summary = deliver([event], f"http://127.0.0.1:{port}/", DeliveryOptions(),
                          sleep=sleep_and_start_target, journal=journal_path)
        assert [r.body for r in started[0].wait_for(1)] == [event.body]
    finally:
        for sink in started:
            sink.stop()
    assert summary.delivered == 1 and len(waits) == 1
    first, second = attempts(journal_path)
    assert first["error"] == "connection refused" and first["outcome"] == "retrying"
    assert second["outcome"] == "delivered"


def test_gives_up_as_the_policy_says(make_events: EventsFactory, fake_time: FakeTime) -> None:
    opts = DeliveryOptions(policy=custom(max_attempts=3))
    with Sink.start(status=503) as sink:
        summary = deliver(make_events(2), sink.url, opts, sleep=fake_time.sleep,
                          clock=fake_time.clock, journal=False)
        assert sink.count == 6
    assert summary.failed_final == 2 and summary.retries == 4
    assert all("gave up after 3 attempts" in o.reason for o in summary.failed())


def test_signed_deliveries_verify_with_standardwebhooks(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    events = make_events(2)
    opts = DeliveryOptions(sign="standard-webhooks", secret=SECRET, policy=capillary())
    with Sink.start(statuses=[500]) as sink:
        deliver(events, sink.url, opts, sleep=fake_time.sleep, clock=fake_time.clock,
                journal=False)
        got = sink.wait_for(3)
    webhook = Webhook(SECRET)
    for request in got:
        assert webhook.verify(request.body, request.headers) == json.loads(request.body)
        assert request.header("webhook-id") == request.event_id  # stable across retries
    assert [r.event_id for r in got] == [events[0].event_id] * 2 + [events[1].event_id]
    tampered = got[0].body.replace(b'"pointsIssued"', b'"pointsRedeemed"')
    with pytest.raises(WebhookVerificationError):
        webhook.verify(tampered, got[0].headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another-key").decode()).verify(
            got[0].body, got[0].headers)


def test_auth_headers_reach_the_consumer(make_events: EventsFactory) -> None:
    with Sink.start() as sink:
        deliver(make_events(1), sink.url, DeliveryOptions.from_settings(basic_auth="user:pw"),
                journal=False)
        deliver(make_events(1), sink.url, DeliveryOptions.from_settings(bearer="tok"),
                journal=False)
        basic, bearer = sink.wait_for(2)
    assert basic.header("Authorization") == "Basic " + base64.b64encode(b"user:pw").decode()
    assert bearer.header("Authorization") == "Bearer tok"
    assert basic.header("User-Agent") == "Java/1.8.0_272"


def test_nothing_lost_with_a_flaky_consumer_and_parallel_connections(
    make_events: EventsFactory, fake_time: FakeTime
) -> None:
    events = make_events(60)
    progress: list[str] = []
    opts = DeliveryOptions(connections=4, policy=capillary(), seed=3)
    with Sink.start(failure_rate=0.3, failure_status=503, seed=5) as sink:
        summary = deliver(events, sink.url, opts, sleep=fake_time.sleep, clock=fake_time.clock,
                          journal=False, on_progress=lambda o: progress.append(o.event_id))
        received = sink.received
    assert summary.delivered == 60 and summary.pending == 0 and summary.failed_final == 0
    assert summary.retries == len(received) - 60 > 0
    assert {r.event_id for r in received} == {e.event_id for e in events}
    assert sorted(progress) == sorted(e.event_id for e in events)
    assert len(fake_time.sleeps) == summary.retries


def test_payload_dicts_and_wrapped_envelopes(make_events: EventsFactory) -> None:
    wrapped = make_events(3, style="wrapped")
    assert all(e.event_name == "pointsIssued" and e.customer_id for e in wrapped)
    payloads = [json.loads(e.body) for e in wrapped]
    with Sink.start() as sink:
        summary = deliver(payloads, sink.url, DeliveryOptions(), journal=False)
        got = sink.wait_for(3)
    assert summary.delivered == 3
    assert [r.body for r in got] == [e.body for e in wrapped]  # compact, byte-identical
    assert Planned.from_body(0, wrapped[0].body).body == wrapped[0].body


def test_bad_targets_are_usage_errors(make_events: EventsFactory) -> None:
    from capmock.errors import UsageError

    for target in ("ftp://example.com/", "localhost:8080", "http:///nohost"):
        with pytest.raises(UsageError, match="not an http"):
            deliver(make_events(1), target, DeliveryOptions(policy=no_retry()), journal=False)
