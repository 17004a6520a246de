"""Short real soaks (a second or two each) against a loopback sink, workers in subprocesses."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from capmock.delivery import read_journal
from capmock.delivery.sink import Received, Sink
from capmock.soak import Snapshot, SoakOptions, run_soak
from capmock.soak.ids import decode_event_id


@pytest.fixture
def sink() -> Sink:
    s = Sink.start(threads=16)
    yield s
    s.stop()


def options(url: str, tmp: Path, **kw: str) -> SoakOptions:
    base = {"rate": "200/s", "duration": "2s", "customers": "300", "seed": "5",
            "mix": "crowd-journey:3,earn-and-redeem:1", "connections": "8",
            "journal": str(tmp / "journal.jsonl"), "templates": "4"}
    return SoakOptions.from_settings(target=url + "hook", **{**base, **kw})


def assert_causal(received: list[Received]) -> None:
    """Per journey (customer, lap) the events arrive in the scenario's order."""
    orders: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for r in received:
        d = decode_event_id(r.event_id or "")
        orders[(d.worker, d.customer, d.lap)].append(d.event)
    assert all(o == sorted(o) for o in orders.values())
    first = {}
    for r in received:
        data = r.json.get("data") or r.json["attributes"]["data"]
        first.setdefault(data["customerIdentifiers"]["customerId"], r.event_name)
    assert set(first.values()) == {"customerAdded"}  # enrolled before anything else


def test_short_soak_rate_order_ids_metrics_plot(sink: Sink, tmp_path: Path) -> None:
    ticks: list[Snapshot] = []
    o = options(sink.url, tmp_path, metrics=str(tmp_path / "m.jsonl"), metrics_interval="1s",
                plot=str(tmp_path / "plot.html"))
    summary = run_soak(o, on_tick=ticks.append)
    got = sink.received
    assert summary.planned == 400
    assert 0.85 * 400 <= len(got) == summary.sent <= 400
    assert summary.ok == summary.completed == len(got) and summary.exit_code == 0
    assert len({r.event_id for r in got}) == len(got)  # unique eventIds
    assert_causal(got)
    assert len(ticks) >= 2 and ticks[0].target_rate == 200.0
    assert all(t.errors == {} for t in ticks)
    lines = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert lines[0]["type"] == "run" and lines[-1]["type"] == "summary"
    metrics = [x for x in lines if x["type"] == "metrics"]
    assert len(metrics) >= 2
    assert {"achieved_rate", "backlog", "in_flight", "errors", "latency_ms", "lag_ms"} <= set(
        metrics[0])
    assert metrics[0]["latency_ms"]["window"]["p99"] is not None
    assert "<svg" in (tmp_path / "plot.html").read_text()
    assert summary.rss_mb and all(mb[0] > 0 for mb in summary.rss_mb.values())


def test_thresholds_break_with_reasons_and_failures_are_journaled(tmp_path: Path) -> None:
    with Sink.start(status=500, latency=0.02) as sink:
        o = options(sink.url, tmp_path, rate="100/s", duration="1s", max_error_rate="0.1%",
                    max_p99="5ms", min_rate="50%")
        summary = run_soak(o)
    assert summary.exit_code == 1
    reasons = " | ".join(summary.breaches)
    assert "error rate 100.00% > 0.10%" in reasons and "http 500" in reasons
    assert "p99 latency" in reasons and "> 5 ms" in reasons
    assert "achieved" not in reasons  # every scheduled event was answered
    journal = read_journal(summary.journal[0])
    assert len(journal.events) == summary.failed >= 90
    assert all(e.state == "failed-final" for e in journal.events.values())


def test_a_slow_consumer_shows_backlog_and_breaks_min_rate(tmp_path: Path) -> None:
    ticks: list[Snapshot] = []
    with Sink.start(latency=0.1) as sink:  # 1 connection x 100 ms: at most ~10 events/s
        o = options(sink.url, tmp_path, rate="50/s", duration="1.5s", connections="1",
                    min_rate="95%", timeout="2s")
        summary = run_soak(o, on_tick=ticks.append)
    assert summary.unsent > 0 and summary.planned == 75
    assert max(t.backlog for t in ticks) > 20
    assert summary.lag_ms["max"] is not None and summary.lag_ms["max"] > 500  # reported late
    assert any("achieved" in b and "never sent" in b for b in summary.breaches)


def test_two_processes_ramp_and_duplicates(sink: Sink, tmp_path: Path) -> None:
    o = options(sink.url, tmp_path, rate="300/s", duration="2s", ramp="2s", processes="2",
                duplicates="10%", duplicate_delay="50ms..200ms")
    summary = run_soak(o)
    got = sink.received
    assert summary.planned == 300  # the ramp's area: 300/s x 2s / 2
    assert summary.processes == 2
    counts = Counter(r.event_id for r in got)
    extra = sum(c - 1 for c in counts.values())
    assert extra == summary.duplicates_sent > 0  # repeats at the sink: only injected ones
    assert {decode_event_id(i).worker for i in counts} == {0, 1}
    seen: set[str | None] = set()
    first_copies = [r for r in got if not (r.event_id in seen or seen.add(r.event_id))]
    assert_causal(first_copies)


def test_ctrl_c_reports_what_was_measured(sink: Sink, tmp_path: Path) -> None:
    def stop_at_second_tick(snapshot: Snapshot) -> None:
        if snapshot.elapsed >= 1.5:
            raise KeyboardInterrupt  # what Ctrl-C raises in the calling process

    o = options(sink.url, tmp_path, rate="100/s", duration="30s", interval="0.5s")
    summary = run_soak(o, on_tick=stop_at_second_tick)
    assert summary.interrupted and summary.elapsed_s < 15
    assert 100 <= summary.planned < 400 and summary.completed >= 100
    assert "interrupted" in summary.lines()[-1]


def test_slow_answers_fail_as_timeouts(tmp_path: Path) -> None:
    with Sink.start(latency=1.0, threads=8) as sink:
        o = options(sink.url, tmp_path, rate="10/s", duration="1s", connections="4",
                    timeout="300ms")
        summary = run_soak(o)
    assert summary.errors.get("timeout", 0) >= 4
    assert summary.latency_ms["max"] is not None and summary.latency_ms["max"] < 1000


def test_a_worker_freezes_its_start_up_heap() -> None:
    """What start-up built (modules, templates) is out of the cyclic collector's reach, so
    no full collection pauses the send loop for tens of ms in the middle of a run."""
    import gc

    from capmock.soak.worker import settle_heap

    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert gc.get_freeze_count() > before
        assert gc.get_count()[0] < 50  # and the young generation starts empty
    finally:
        gc.unfreeze()
