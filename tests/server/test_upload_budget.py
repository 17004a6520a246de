"""Uploaded scenarios are checked whole in a worker process under the server's budget
(events, CPU seconds, memory): an alias bomb or a 20-million-coupon step costs the worker
its budget and the uploader a 400 with the reason, while the server answers everyone else.
Fired scenarios stop at the plan budget."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from capmock.server.hub import ServeConfig
from capmock.server.serve import ServerThread

from .conftest import wait_until

LEVEL0 = "[" + ", ".join(["{wait: 1s}"] * 10) + "]"
BOMB = "name: bomb\ncustomers: {a: {}}\nsteps:\n  - enrol: a\n" + "".join(
    f"  - repeat: 1\n    steps: &l{i} "
    + (LEVEL0 if i == 0 else "[" + ", ".join([f"{{repeat: 1, steps: *l{i - 1}}}"] * 10) + "]")
    + "\n"
    for i in range(8)
)  # 70 aliases, 2 KB: 10^8 steps once expanded
COUPONS = (
    "name: coupons\ncustomers: {a: {}}\nsteps:\n  - enrol: a\n"
    "  - issue_coupon: {customer: a, series: S, count: 20000000}\n"
)
MANY = (
    "name: many\ncustomers: {a: {}}\nsteps:\n  - enrol: a\n  - repeat: 40\n"
    "    steps:\n      - transact: {customer: a, amount: 100}\n"
)


SLOW = (
    "name: slow\ncustomers: {a: {}}\nsteps:\n  - enrol: a\n  - repeat: 100000\n"
    "    steps:\n      - transact: {customer: a, amount: 100}\n"
)  # 200,001 events: within a generous event budget, far beyond 3 s of CPU


def serve(**budget: Any) -> ServerThread:
    config = {"max_events": 50, "check_seconds": 3, "check_memory_mb": 1024, "max_checks": 1}
    return ServerThread(ServeConfig(port=0, **{**config, **budget}))


@pytest.fixture
def server() -> Iterator[ServerThread]:
    with serve() as live:
        yield live


def upload(server: ServerThread, content: str, name: str = "mine.yaml") -> requests.Response:
    return requests.post(
        f"{server.url}/api/scenarios", timeout=60, json={"filename": name, "content": content}
    )


def names(server: ServerThread) -> list[str]:
    return [s["name"] for s in requests.get(f"{server.url}/api/scenarios", timeout=5).json()]


def test_a_long_check_costs_its_worker_not_the_server() -> None:
    with serve(max_events=10_000_000) as server:
        got: list[requests.Response] = []
        thread = threading.Thread(target=lambda: got.append(upload(server, SLOW)))
        thread.start()
        wait_until(lambda: server.hub.scenarios.checks_running == 1)
        for _ in range(3):  # answered while the worker plays
            assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
            assert "slow" not in names(server)
        busy = upload(server, MANY, "other.yaml")
        assert busy.status_code == 429 and "try again" in busy.json()["error"]
        thread.join(timeout=60)
        (resp,) = got
        assert resp.status_code == 400 and "more than 3 s" in resp.json()["error"]
        assert "slow" not in names(server)


def test_an_alias_bomb_is_refused(server: ServerThread) -> None:
    resp = upload(server, BOMB)
    assert resp.status_code == 400 and "alias" in resp.json()["error"].lower()
    assert "bomb" not in names(server)


def test_twenty_million_coupons_are_refused_with_the_reason(server: ServerThread) -> None:
    resp = upload(server, COUPONS)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert any(word in error for word in ("count", "more than 3 s", "more than 1024 MB")), error


def test_too_many_events_are_refused_naming_the_budget(server: ServerThread) -> None:
    resp = upload(server, MANY)
    assert resp.status_code == 400
    assert "50 events" in resp.json()["error"]
    assert "/tmp" not in resp.text and "capmock-uploads" not in resp.text


def test_a_scenario_within_the_budget_is_kept_and_fired(server: ServerThread) -> None:
    ok = upload(server, MANY.replace("repeat: 40", "repeat: 3"))
    assert ok.status_code == 201 and ok.json()["name"] == "mine"
    fired = requests.post(
        f"{server.url}/api/runs", timeout=60, json={"scenario": "mine", "seed": 7}
    )
    assert fired.status_code == 202  # checked first with seed 7 in the worker, then played
    assert (server.hub.scenarios.checked_count()) == 2


def test_a_fired_scenario_past_the_plan_budget_is_refused_naming_the_step() -> None:
    with ServerThread(ServeConfig(port=0, max_events=5)) as live:
        resp = requests.post(
            f"{live.url}/api/runs", timeout=10, json={"scenario": "earn-and-redeem"}
        )
        assert resp.status_code == 400
        assert "budget of 5 events" in resp.json()["error"]
        assert "earn-and-redeem.yaml:" in resp.json()["error"]  # file:line of the step
        assert live.hub.log.changed()["runs"] == []  # nothing was started


def test_an_upload_fired_past_the_budget_is_named_not_its_server_path(
    server: ServerThread,
) -> None:
    assert upload(server, MANY.replace("repeat: 40", "repeat: 3")).status_code == 201
    server.hub.config.max_events = 3  # the budget tightened since the upload was checked
    resp = requests.post(f"{server.url}/api/runs", timeout=10, json={"scenario": "mine"})
    assert resp.status_code == 400 and "budget of 3 events" in resp.json()["error"]
    assert resp.json()["error"].startswith("mine:") and "capmock-uploads" not in resp.text
