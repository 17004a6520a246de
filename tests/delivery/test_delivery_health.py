"""What is wrong with the target: said at once, a line per change; a probe before sending."""

from __future__ import annotations

import socket

import pytest

from capmock.delivery.health import TargetHealth, probe
from capmock.delivery.sink import Sink
from capmock.delivery.types import Attempt

pytest_plugins = ["pytester"]


def attempt(
    status: int | None, error: str | None = None, outcome: str = "retrying", wait: float = 4.0
) -> Attempt:
    return Attempt(0, "e", 1, "send", 0.0, status, 1.0, error, outcome, wait)  # type: ignore[arg-type]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refusals_are_counted_and_each_change_is_flagged() -> None:
    health = TargetHealth()
    lines = [health.observe(attempt(None, "connection refused")) for _ in range(3)]
    assert [r.changed for r in lines if r] == [True, False, False]
    assert lines[2] is not None and lines[2].line == (
        "target refuses connections (3 attempts, next in 4 s) — is your consumer running?"
    )
    slow = health.observe(attempt(None, "timeout", wait=0.5))
    assert slow is not None and slow.changed
    assert slow.line == "target does not answer in time (1 attempt, next in 500 ms)"
    busy = health.observe(attempt(503, "HTTP 503", outcome="failed-final"))
    assert busy is not None and busy.line == "target answers HTTP 503 (1 attempt, given up)"
    assert health.observe(attempt(400, "HTTP 400", outcome="failed-final")) is None  # the event's
    back = health.observe(attempt(200, outcome="delivered"))
    assert back is not None and back.line == "target answers again (after 1 failed attempt)"
    assert health.observe(attempt(200, outcome="delivered")) is None


def test_probe_names_a_closed_port_and_is_quiet_for_a_listening_one() -> None:
    line = probe(f"http://u:pw@127.0.0.1:{closed_port()}/hook")
    assert line is not None and "refuses connections" in line and "pw" not in line
    with Sink.start() as sink:
        assert probe(sink.url) is None


def test_the_pytest_plugin_says_it_before_any_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    assert True\n")
    url = f"http://127.0.0.1:{closed_port()}/hook"
    result = pytester.runpytest("--capmock-target", url)
    first = [line for line in result.outlines if line.startswith("capmock:")]
    assert first == [f"capmock: target {url} refuses connections — is your consumer running?"]
    assert result.outlines.index(first[0]) < next(
        i for i, line in enumerate(result.outlines) if "test_nothing" in line or "passed" in line
    )
