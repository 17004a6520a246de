"""The journal: what it records, what it never records, resume after a kill, replay."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from capmock.delivery import (
    DeliveryOptions,
    Faults,
    Planned,
    deliver,
    read_journal,
    replay,
    resume,
)
from capmock.delivery.journal import default_journal_path
from capmock.delivery.policy import capillary
from capmock.delivery.sink import Received, Sink
from capmock.delivery.types import Interrupted
from capmock.errors import InputError, UsageError

from .helpers import EventsFactory, FakeTime

CHILD = """
import sys
import capmock
from capmock.delivery import DeliveryOptions, Planned, deliver

url, journal, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
gen = capmock.Generator(7)
events = (Planned.from_payload(i, gen.one("pointsIssued")) for i in range(count))
deliver(events, url, DeliveryOptions(), journal=journal, meta={"seed": 7, "count": count})
"""


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def test_journal_records_every_event_and_attempt(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    events = make_events(3)
    with Sink.start(statuses=[503]) as sink:
        deliver(events, sink.url, DeliveryOptions(), sleep=fake_time.sleep,
                clock=fake_time.clock, journal=journal_path, meta={"scenario": "x.yaml"})
    lines = records(journal_path)
    assert [r["type"] for r in lines] == ["run", "planned", "attempt", "attempt", "planned",
                                          "attempt", "planned", "attempt", "end"]
    run = lines[0]
    assert run["mode"] == "deliver" and run["meta"] == {"scenario": "x.yaml"}
    assert run["target"] == sink.url and run["options"]["policy"]["name"] == "capillary"
    first = lines[1]
    assert first["body"].encode() == events[0].body and first["eventId"] == events[0].event_id
    assert (first["seq"], first["event"], first["customer"]) == (0, "pointsIssued",
                                                                 events[0].customer_id)
    retry = lines[2]
    assert (retry["attempt"], retry["status"], retry["outcome"]) == (1, 503, "retrying")
    assert retry["wait"] == fake_time.sleeps[0] and retry["error"] == "HTTP 503"
    assert lines[-1]["summary"]["delivered"] == 3
    state = read_journal(journal_path)
    assert [e.state for e in state.events.values()] == ["delivered"] * 3
    assert state.meta == {"scenario": "x.yaml"} and not state.truncated


def test_default_journal_path_is_under_capmock_runs(tmp_path: Path) -> None:
    path = default_journal_path(tmp_path)
    assert path.parent == tmp_path / ".capmock" / "runs"
    assert path.name.endswith("Z.jsonl") and path.name[:8].isdigit()


def test_secrets_never_reach_the_journal_or_output(
    make_events: EventsFactory, journal_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "whsec_" + base64.b64encode(b"very-secret-signing-key").decode()
    secrets = ["tok-s3cret", "key-s3cret", secret, secret[6:]]
    opts = DeliveryOptions.from_settings(bearer="tok-s3cret", header=["X-Api-Key: key-s3cret"],
                                    sign="standard-webhooks", secret=secret)
    basic = DeliveryOptions.from_settings(basic_auth="user:pw-s3cret")
    secrets += ["pw-s3cret", base64.b64encode(b"user:pw-s3cret").decode()]
    second = tmp_path / "second.jsonl"
    with Sink.start(statuses=[500]) as sink:
        with_password = "http://u:url-s3cret@" + sink.url.removeprefix("http://")
        for options, path, url in ((opts, journal_path, sink.url),
                                   (basic, second, with_password)):
            summary = deliver(make_events(2), url, options, journal=path,
                              sleep=lambda _: None, on_progress=lambda o: print(o.describe()))
            print(repr(options), options, summary.to_dict())
        got = sink.received
    secrets += ["url-s3cret", base64.b64encode(b"u:url-s3cret").decode()]
    assert got[0].header("Authorization") == "Bearer tok-s3cret"  # they were used
    assert got[0].header("X-Api-Key") == "key-s3cret" and got[0].header("webhook-signature")
    out = capsys.readouterr()
    texts = [journal_path.read_text(), second.read_text(), out.out, out.err]
    for text in texts:
        for value in secrets:
            assert value not in text
    assert "X-Api-Key: ***" in texts[0] and "user:***" in texts[1]


def test_a_torn_last_line_is_ignored_and_resume_repairs_it(
    make_events: EventsFactory, journal_path: Path
) -> None:
    events = make_events(4)
    with Sink.start() as sink:
        deliver(events[:2], sink.url, DeliveryOptions(), journal=journal_path)
        with journal_path.open("ab") as f:
            f.write(b'{"type":"planned","seq":2,"ev')  # the writer died mid-record
        state = read_journal(journal_path)
        assert state.truncated and len(state.events) == 2
        summary = resume(journal_path, events=events)
        assert summary.planned == 2 and summary.already_done == 2
    assert [e.state for e in read_journal(journal_path).events.values()] == ["delivered"] * 4


def test_a_damaged_journal_is_an_input_error(journal_path: Path) -> None:
    journal_path.write_text('{"type":"run"}\nnot json\n{"type":"end"}\n')
    with pytest.raises(InputError, match=":2"):
        read_journal(journal_path)


def test_a_failing_source_leaves_a_resumable_journal(
    make_events: EventsFactory, journal_path: Path
) -> None:
    events = make_events(10)

    def breaks_after_six() -> Iterator[Planned]:
        yield from events[:6]
        raise RuntimeError("generator crashed")

    with Sink.start() as sink:
        with pytest.raises(RuntimeError, match="crashed"):
            deliver(breaks_after_six(), sink.url, DeliveryOptions(connections=3),
                    journal=journal_path)
        state = read_journal(journal_path)
        assert sorted(state.events) == list(range(6))
        assert records(journal_path)[-1]["summary"]["interrupted"] is True
        summary = resume(journal_path, events=events)
        ids = Counter(sink.event_ids())
    # events pulled for another connection's lane but not sent yet when the source broke
    # are pending in the journal, so resume sends them with the four never read
    assert summary.delivered >= 4 and summary.delivered + summary.already_done == 10
    assert ids == Counter(e.event_id for e in events)  # each exactly once


def test_resume_refuses_events_that_do_not_match(
    make_events: EventsFactory, journal_path: Path
) -> None:
    with Sink.start() as sink:
        deliver(make_events(3, seed=1), sink.url, DeliveryOptions(), journal=journal_path)
    with pytest.raises(UsageError, match="do not match the journal"):
        resume(journal_path, events=make_events(5, seed=2))


def test_resume_needs_secrets_again(make_events: EventsFactory, journal_path: Path) -> None:
    events = make_events(3)
    opts = DeliveryOptions.from_settings(bearer="t0ken", header=["X-Api-Key: k3y", "X-Org: 7"])
    def ctrl_c(_: object) -> None:
        raise KeyboardInterrupt

    with Sink.start() as sink, pytest.raises(Interrupted) as stopped:
        deliver(events, sink.url, opts, journal=journal_path, on_progress=ctrl_c)
    assert (stopped.value.summary.delivered, stopped.value.summary.pending) == (1, 0)
    text = journal_path.read_text()
    assert '"secret_headers":["X-Api-Key","X-Org","Authorization"]' in text
    assert "t0ken" not in text and "k3y" not in text
    with pytest.raises(UsageError, match="sent X-Api-Key, X-Org, Authorization") as err:
        resume(journal_path, events=events)
    assert "CAPMOCK_HEADER_X_API_KEY" in str(err.value)
    partly = DeliveryOptions.from_settings(header=["x-api-key: k3y"], bearer="t0ken")
    with pytest.raises(UsageError, match="sent X-Org,"):  # header names match in any case
        resume(journal_path, partly, events=events)
    with Sink.start() as sink:
        summary = resume(journal_path, opts, events=events, target=sink.url)
        got = sink.received
    assert summary.delivered + summary.already_done == 3 and got
    assert all(r.header("Authorization") == "Bearer t0ken" for r in got)
    assert all(r.header("X-Api-Key") == "k3y" for r in got)


def test_killed_mid_run_then_resume_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, make_events: EventsFactory
) -> None:
    count, kill_at = 40, 15
    reached, release = threading.Event(), threading.Event()
    lock = threading.Lock()
    arrivals: list[str | None] = []

    def hang_on_request_15(request: Received) -> None:
        with lock:
            arrivals.append(request.event_id)
            hang = len(arrivals) == kill_at
        if hang:
            reached.set()
            release.wait(30)

    journal = tmp_path / "killed.jsonl"
    with Sink.start(hook=hang_on_request_15) as sink:
        child = subprocess.Popen([sys.executable, "-c", CHILD, sink.url, str(journal),
                                  str(count)])
        try:
            assert reached.wait(60), "the child never reached request 15"
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(30) == -signal.SIGKILL
        finally:
            release.set()
            if child.poll() is None:
                child.kill()
        state = read_journal(journal)
        assert len(state.events) == kill_at  # streamed: only what was reached is journaled
        assert len(state.by_state("delivered")) == kill_at - 1
        [in_flight] = state.by_state("pending")
        assert state.meta == {"seed": 7, "count": count}

        fresh = make_events(count, seed=7)  # the same source, regenerated from the seed
        summary = resume(journal, events=fresh)
        received = Counter(sink.event_ids())
    assert (summary.planned, summary.delivered, summary.already_done) == (26, 26, 14)
    assert set(received) == {e.event_id for e in fresh}  # nothing lost
    twice = {i for i, n in received.items() if n > 1}
    assert twice == {in_flight.planned.event_id}  # only the one in flight when killed
    assert received[in_flight.planned.event_id] == 2
    final = read_journal(journal)
    assert [e.state for e in final.events.values()] == ["delivered"] * count
    assert [r["mode"] for r in final.runs] == ["deliver", "resume"]


def test_resume_sends_duplicates_the_faults_asked_for(
    make_events: EventsFactory, fake_time: FakeTime, journal_path: Path
) -> None:
    events = make_events(6)
    opts = DeliveryOptions(faults=Faults(duplicate=1.0, duplicate_delay=(1.0, 1.0)))

    def stop_before_duplicates() -> Iterator[Planned]:
        yield from events
        raise KeyboardInterrupt

    with Sink.start() as sink:
        with pytest.raises(KeyboardInterrupt):
            deliver(stop_before_duplicates(), sink.url, opts, sleep=fake_time.sleep,
                    clock=fake_time.clock, journal=journal_path)
        assert sink.count == 6
        summary = resume(journal_path, opts, sleep=fake_time.sleep, clock=fake_time.clock)
        counts = Counter(sink.event_ids())
    assert summary.planned == 0 and summary.duplicates_sent == 6
    assert set(counts.values()) == {2}


def test_replay_failed_is_byte_exact(
    make_events: EventsFactory, journal_path: Path, tmp_path: Path
) -> None:
    events = make_events(6)
    with Sink.start(statuses=[200, 400, 200, 422]) as first:
        deliver(events, first.url, DeliveryOptions(), journal=journal_path)
        failed_bodies = [r.body for r in first.received[1:4:2]]
    assert failed_bodies == [events[1].body, events[3].body]
    with Sink.start() as second:
        summary = replay(journal_path, select="failed", target=second.url,
                         journal=tmp_path / "replay.jsonl")
        got = second.wait_for(2)
    assert [r.body for r in got] == failed_bodies
    assert summary.delivered == 2
    assert read_journal(tmp_path / "replay.jsonl").runs[0]["mode"] == "replay"


def test_replay_with_fresh_ids_changes_only_the_event_id(
    make_events: EventsFactory, journal_path: Path, tmp_path: Path
) -> None:
    events = make_events(4, style="wrapped") + make_events(2, seed=3)
    events = [Planned(i, e.event_id, e.event_name, e.customer_id, e.body)
              for i, e in enumerate(events)]
    with Sink.start() as sink:
        deliver(events, sink.url, DeliveryOptions(), journal=journal_path)
        pick = [events[0].event_id, events[5].event_id]
        replay(journal_path, select=pick, new_ids=True, target=sink.url, journal=False)
        replay(journal_path, select="all", target=sink.url, journal=False)
        got = sink.wait_for(14)
    renamed, again = got[6:8], got[8:]
    for old, new in zip((events[0], events[5]), renamed, strict=True):
        assert new.event_id not in (None, old.event_id)
        assert new.body.replace(new.event_id.encode(), old.event_id.encode()) == old.body
        assert len(new.body) == len(old.body)
    assert [r.body for r in again] == [e.body for e in events]
    with pytest.raises(UsageError, match="not in the journal"):
        replay(journal_path, select=["nope"], target=sink.url, journal=False)


def test_options_round_trip_through_the_journal(
    make_events: EventsFactory, journal_path: Path
) -> None:
    opts = DeliveryOptions(connections=3, timeout=2.5, policy=capillary(time_scale=0.5),
                           faults=Faults(reorder=3, delay=(0.0, 0.01)), seed=5)
    with Sink.start() as sink:
        deliver(make_events(2), sink.url, opts, journal=journal_path)
    restored = DeliveryOptions.from_redacted(read_journal(journal_path).options)
    assert restored == opts


def test_a_failing_callback_stops_the_run_without_spoiling_the_record(
    make_events: EventsFactory, journal_path: Path
) -> None:
    events = make_events(8)
    seen: list[str] = []

    def explode_on_third(outcome: object) -> None:
        seen.append(str(outcome))
        if len(seen) == 3:
            raise ValueError("progress bar broke")

    with Sink.start() as sink:
        with pytest.raises(ValueError, match="progress bar broke"):
            deliver(events, sink.url, DeliveryOptions(), journal=journal_path,
                    on_progress=explode_on_third)
        state = read_journal(journal_path)
        assert [e.state for e in state.events.values()] == ["delivered"] * 3
        summary = resume(journal_path, events=events)
        assert Counter(sink.event_ids()) == Counter(e.event_id for e in events)
    assert summary.delivered == 5
