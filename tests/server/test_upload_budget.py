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


@pytest.fixture
def server() -> Iterator[ServerThread]:
    config = ServeConfig(port=0, max_events=50, check_seconds=3, check_memory_mb=1024, max_checks=1)
    with ServerThread(config) as live:
        yield live


def upload(server: ServerThread, content: str, name: str = "mine.yaml") -> requests.Response:
    return requests.post(
        f"{server.url}/api/scenarios", timeout=60, json={"filename": name, "content": content}
    )


def in_background(server: ServerThread, content: str) -> tuple[threading.Thread, list[Any]]:
    got: list[Any] = []
    thread = threading.Thread(target=lambda: got.append(upload(server, content)))
    thread.start()
    return thread, got


def test_an_alias_bomb_is_refused_and_the_server_answers_meanwhile(
    server: ServerThread,
) -> None:
    thread, got = in_background(server, BOMB)
    wait_until(lambda: server.hub.scenarios.checks_running == 1)
    for _ in range(3):  # answered while the bomb goes off in the worker
        assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
        assert requests.get(f"{server.url}/api/scenarios", timeout=5).status_code == 200
    busy = upload(server, MANY, "other.yaml")
    assert busy.status_code == 429 and "try again" in busy.json()["error"]
    thread.join(timeout=60)
    (resp,) = got
    assert resp.status_code == 400
    assert "more than 3 s" in resp.json()["error"] or "more than 1024 MB" in resp.json()["error"]
    assert "bomb" not in [
        s["name"] for s in requests.get(f"{server.url}/api/scenarios", timeout=5).json()
    ]


def test_twenty_million_coupons_are_refused_with_the_reason(server: ServerThread) -> None:
    resp = upload(server, COUPONS)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert "more than 3 s" in error or "more than 1024 MB" in error


def test_too_many_events_are_refused_naming_the_budget(server: ServerThread) -> None:
    resp = upload(server, MANY)
    assert resp.status_code == 400
    assert "more than 50 events" in resp.json()["error"]
    assert "/tmp" not in resp.text and "capmock-uploads" not in resp.text


def test_a_scenario_within_the_budget_is_kept_and_fired(server: ServerThread) -> None:
    ok = upload(server, MANY.replace("repeat: 40", "repeat: 3"))
    assert ok.status_code == 201 and ok.json()["name"] == "mine"
    fired = requests.post(
        f"{server.url}/api/runs", timeout=60, json={"scenario": "mine", "seed": 7}
    )
    assert fired.status_code == 202  # checked first with seed 7 in the worker, then played
    assert (server.hub.scenarios.checked_count()) == 2


def test_a_fired_scenario_stops_at_the_plan_budget() -> None:
    with ServerThread(ServeConfig(port=0, max_events=5)) as live:
        resp = requests.post(
            f"{live.url}/api/runs", timeout=10, json={"scenario": "earn-and-redeem"}
        )
        assert resp.status_code == 202
        run_id = resp.json()["run"]["id"]

        def ended() -> dict[str, Any] | None:
            run = requests.get(f"{live.url}/api/runs/{run_id}", timeout=5).json()
            return run if run["state"] != "running" else None

        run = wait_until(ended)
        assert run["state"] == "error" and "more than 5 events" in run["error"]
        assert run["deliveries"] == 5
