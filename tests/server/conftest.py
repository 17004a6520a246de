"""Fixtures for ``capmock serve``: the app under Flask's test client, a real server on a
loopback port, and a model played from a scenario without sending anything."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from capmock.scenario import load
from capmock.scenario.player import Player
from capmock.server.app import create_app
from capmock.server.hub import Hub, ServeConfig, locked_events
from capmock.server.serve import ServerThread
from capmock.server.world_registry import Source

HERE = Path(__file__).parent
PROMOS = HERE / "promos.yaml"


@pytest.fixture
def app() -> Flask:
    return create_app(ServeConfig(port=0))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def hub(app: Flask) -> Hub:
    return app.extensions["capmock"]


def play_into(hub: Hub, scenario: str | Path) -> Source:
    """Play a scenario into the hub's model (nothing is delivered)."""
    player = Player(load(str(scenario)))
    src = hub.worlds.add_player(f"scenario:{player.scenario.name}", player.scenario.name, player)
    for _ in locked_events(src, player):
        pass
    return src


@pytest.fixture
def promos(hub: Hub) -> Source:
    return play_into(hub, PROMOS)


@pytest.fixture
def live() -> Iterator[ServerThread]:
    with ServerThread(ServeConfig(port=0)) as server:
        yield server


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def wait_until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check}")
        time.sleep(0.02)
