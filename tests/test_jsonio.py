"""The fast serialiser writes the bytes the standard library would, and takes what it takes."""

from __future__ import annotations

import json

import pytest

from capmock import catalog
from capmock.catalog.context import Options
from capmock.envelope import Envelope
from capmock.generator import Generator
from capmock.jsonio import dumps, dumps_std


@pytest.mark.parametrize("style", ["flat", "wrapped"])
@pytest.mark.parametrize("tz_millis", [False, True])
def test_same_bytes_as_the_standard_library_for_every_event(style: str, tz_millis: bool) -> None:
    gen = Generator(3, options=Options(tz_millis=tz_millis), envelope=Envelope(style))
    for _ in range(3):
        for event in catalog.names():
            payload = gen.one(event)
            assert dumps(payload) == dumps_std(payload), event


@pytest.mark.parametrize(
    "value",
    [
        {"big": 2**70},  # beyond 64 bits: orjson refuses, the standard library does not
        {1: "int key"},
        {"text": "Sûrabaya \u2028 \x00 \"q\" \\ /", "n": [1.5, -0.0, 10**18]},
    ],
)
def test_values_orjson_refuses_still_serialise(value: object) -> None:
    out = dumps(value)
    assert out == dumps_std(value)
    assert json.loads(out) == json.loads(json.dumps(value))
