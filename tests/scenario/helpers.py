"""Build and play small scenarios from Python data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from capmock.envelope import unwrap
from capmock.scenario import load
from capmock.scenario.player import Player

ORG = {
    "id": 4242,
    "programs": [
        {
            "id": 77,
            "name": "TestProgram",
            "points_per_currency": 0.1,
            "expiry": "365d",
            "tiers": [
                {"name": "Silver", "threshold": 0},
                {"name": "Gold", "threshold": 1000},
                {"name": "Platinum", "threshold": 5000},
            ],
        }
    ],
}


def scenario_file(
    tmp: Path, steps: list[Any], *, customers: Any = None, org: Any = None, **top: Any
) -> Path:
    doc = {
        "name": "t",
        "seed": 3,
        "start": "2026-01-01T00:00:00Z",
        "org": org or ORG,
        "customers": customers if customers is not None else {"alice": {}, "bob": {}},
        "steps": steps,
        **top,
    }
    path = tmp / "scenario.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def play(tmp: Path, steps: list[Any], **kw: Any) -> tuple[Player, list[tuple[str, dict]]]:
    player = Player(load(str(scenario_file(tmp, steps, **kw))))
    events = []
    for payload in player.payloads():
        name, _, data = unwrap(payload)
        events.append((str(name), data))
    return player, events


def only(events: list[tuple[str, dict]], name: str) -> list[dict]:
    return [d for n, d in events if n == name]
