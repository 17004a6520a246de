"""Shared fixtures: seeded events, a fake clock whose sleep only advances it, a journal."""

from __future__ import annotations

from pathlib import Path

import pytest

import capmock
from capmock.delivery import Planned

from .helpers import EventsFactory, FakeTime


@pytest.fixture
def make_events() -> EventsFactory:
    def make(n: int, seed: int = 1, style: str = "flat") -> list[Planned]:
        gen = capmock.Generator(seed)
        return [Planned.from_payload(i, gen.one("pointsIssued", style=style)) for i in range(n)]

    return make


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "run.jsonl"
