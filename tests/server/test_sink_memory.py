"""The sinks of `capmock serve` keep a bounded number of bytes, all sinks together: the
oldest requests are dropped first, counts go on; a request too large creates no sink."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
import requests
from click.testing import CliRunner

from capmock.cli import main
from capmock.server.app import MAX_BODY
from capmock.server.hub import ServeConfig
from capmock.server.serve import ServerThread
from capmock.server.sinks import MAX_BYTES

MB = 1024 * 1024


@pytest.fixture
def small() -> Iterator[ServerThread]:
    with ServerThread(ServeConfig(port=0, max_sink_bytes=3 * MB)) as server:
        yield server


def post(server: ServerThread, sink: str, n: int, size: int = MB) -> None:
    body = orjson.dumps({"eventName": "big", "eventId": f"{sink}-{n}", "pad": "x" * size})
    resp = requests.post(
        f"{server.url}/sink/{sink}",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 200


def shown(server: ServerThread, sink: str) -> dict:
    return requests.get(f"{server.url}/api/sinks/{sink}", params={"limit": 500}, timeout=5).json()


def test_the_oldest_requests_go_first_and_the_count_goes_on(small: ServerThread) -> None:
    for n in range(1, 11):
        post(small, "big", n)
    big = shown(small, "big")
    assert big["count"] == 10
    assert [r["eventId"] for r in big["requests"]] == ["big-10", "big-9"]
    assert big["kept"] == 2 and big["kept_bytes"] <= 3 * MB
    assert small.hub.sinks.bytes == big["kept_bytes"]


def test_the_bound_is_for_all_sinks_together(small: ServerThread) -> None:
    post(small, "a", 1)
    post(small, "b", 1)
    post(small, "a", 2)  # over 3 MB: a-1, the oldest of any sink, goes
    assert [r["eventId"] for r in shown(small, "a")["requests"]] == ["a-2"]
    assert [r["eventId"] for r in shown(small, "b")["requests"]] == ["b-1"]
    post(small, "c", 1)  # b-1 is now the oldest
    assert shown(small, "b")["kept"] == 0 and shown(small, "b")["count"] == 1
    assert small.hub.sinks.bytes <= 3 * MB
    cleared = requests.delete(f"{small.url}/api/sinks/a/requests", timeout=5).json()
    assert cleared["kept_bytes"] == 0 and small.hub.sinks.bytes == shown(small, "c")["kept_bytes"]


def test_a_request_larger_than_the_bound_is_still_shown_alone() -> None:
    with ServerThread(ServeConfig(port=0, max_sink_bytes=MB // 2)) as server:
        post(server, "one", 1)
        post(server, "one", 2)
        assert [r["eventId"] for r in shown(server, "one")["requests"]] == ["one-2"]


def test_the_parsed_body_is_not_kept(small: ServerThread) -> None:
    post(small, "parsed", 1, size=10)
    (hit,) = small.hub.sinks.get("parsed", create=False).hits  # type: ignore[union-attr]
    assert hit.received.json is None and hit.event_id == "parsed-1"


def test_a_413_creates_no_sink(live: ServerThread) -> None:
    resp = requests.post(f"{live.url}/sink/too-big", data=b"x" * (MAX_BODY + 1), timeout=10)
    assert resp.status_code == 413
    assert requests.get(f"{live.url}/api/sinks/too-big", timeout=5).status_code == 404
    assert "too-big" not in [
        s["name"] for s in requests.get(f"{live.url}/api/sinks", timeout=5).json()
    ]


def test_the_default_bound_and_the_flag() -> None:
    assert ServeConfig().max_sink_bytes == MAX_BYTES == 64 * MB
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--sink-memory" in help_text
