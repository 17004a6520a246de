"""Scenarios: YAML customer journeys played through the loyalty model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capmock.scenario.loader import BUNDLED, Scenario, load


def plan(
    name: str, *, seed: int | None = None, envelope: str | None = None, vendor: str | None = None
) -> Iterator[dict[str, Any]]:
    """The payloads a scenario produces, in emission order (streamed), in ``vendor``'s shape."""
    from capmock.scenario.player import Player

    return Player(load(name, seed=seed, envelope=envelope, vendor=vendor)).payloads()


__all__ = ["BUNDLED", "Scenario", "load", "plan"]
