"""Scenarios: YAML customer journeys played through the loyalty model.

The names below load on first use (PEP 562), so that importing a light module of this
package (``scenario.budget`` for its limits) does not load the loader and the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capmock.scenario.loader import BUNDLED, Scenario, load


def plan(
    name: str,
    *,
    seed: int | None = None,
    envelope: str | None = None,
    max_events: int | None = None,
    vendor: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The payloads a scenario produces, in emission order (streamed), in ``vendor``'s shape."""
    from capmock.scenario.loader import load
    from capmock.scenario.player import Player

    scenario = load(name, seed=seed, envelope=envelope, max_events=max_events, vendor=vendor)
    return Player(scenario).payloads()


def rehearse(scenario: Scenario, *, variations: float = 0.0, fields: str | None = None) -> int:
    """Play ``scenario`` through without sending anything and return its event count: any
    error it holds (a refused step, the event budget) is raised before a first delivery.
    With the options of the real play: rendering draws from the journey's generator."""
    from capmock.scenario.player import Player

    return sum(1 for _ in Player(scenario, variations=variations, fields=fields).payloads())


def __getattr__(name: str) -> Any:
    if name in ("BUNDLED", "Scenario", "load"):
        from capmock.scenario import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'capmock.scenario' has no attribute {name!r}")


__all__ = ["BUNDLED", "Scenario", "load", "plan", "rehearse"]
