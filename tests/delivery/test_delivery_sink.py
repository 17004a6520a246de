"""The local webhook sink on its own: what it records and how it answers."""

from __future__ import annotations

import json

import pytest
import requests

from capmock.delivery.sink import Sink


def test_sink_records_requests_and_follows_its_script() -> None:
    with Sink.start(statuses=[500, 429], retry_after=3) as sink:
        session = requests.Session()
        answers = [session.post(sink.url + "hook", data=b'{"eventId":"e1"}',
                                headers={"X-Test": "1"}) for _ in range(3)]
        got = sink.wait_for(3, timeout=5)
    assert [a.status_code for a in answers] == [500, 429, 200]
    assert [a.headers.get("Retry-After") for a in answers] == ["3", "3", None]
    assert got[0].path == "/hook" and got[0].method == "POST" and got[0].header("x-test") == "1"
    assert got[0].json == {"eventId": "e1"} and got[0].body == b'{"eventId":"e1"}'
    summary = sink.summary()
    assert summary["requests"] == 3 and summary["repeated_event_ids"] == 1


def test_sink_failure_rate_is_seeded_and_roughly_right() -> None:
    def statuses(seed: int) -> list[int]:
        with Sink.start(failure_rate="30%", failure_status=502, seed=seed, record=False) as s:
            session = requests.Session()
            codes = [session.post(s.url, data=b"{}").status_code for _ in range(100)]
            assert s.count == 100 and s.received == []
            return codes

    first = statuses(4)
    assert first == statuses(4)
    assert set(first) == {200, 502} and 15 < first.count(502) < 45


def test_wait_for_has_a_deadline() -> None:
    with Sink.start() as sink:
        requests.post(sink.url, data=json.dumps({"a": 1}))
        assert len(sink.wait_for(1, timeout=2)) == 1
        with pytest.raises(TimeoutError, match="1 of 2"):
            sink.wait_for(2, timeout=0.05)
