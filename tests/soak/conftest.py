"""Shared fixtures: one compiled mix per session (playing scenarios takes a second)."""

from __future__ import annotations

import pytest

from capmock.soak.settings import MixEntry
from capmock.soak.templates import Mix, build_mix


@pytest.fixture(scope="session")
def mix() -> Mix:
    return build_mix((MixEntry("crowd-journey", 3), MixEntry("earn-and-redeem", 1)),
                     seed=11, count=6)
