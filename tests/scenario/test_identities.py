"""Fresh values of the same shape (capmock.scenario.identities): the recipes the soak cuts
journeys with, and ``fresh`` built on them."""

from __future__ import annotations

import random
import re

import pytest

from capmock.scenario.identities import fresh, fresh_like, need, recipe, shape, shaped_buffers

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SAMPLES = ["981594138", "0042", "3108891d3c9da744a3240f56b9f6812c",
           "8061bf3d-817f-4bba-a0c8-c54f12d23cd8", "177716-40801954", "~52f50c752",
           "BI-16941617082", "g1XrnXYX0P", "1234567890123456789012"]


def same_shape(old: str, new: str) -> bool:
    if len(old) != len(new):
        return False
    kind = shape(old)
    if kind == "uuid":
        return bool(UUID4.match(new))
    if kind == "hex":
        return bool(re.fullmatch(r"[0-9a-f]+", new))
    if kind == "digits":
        return new.isdigit() and (old[0] == "0" or new[0] != "0")
    for run in re.finditer(r"[0-9A-Za-z]+|[^0-9A-Za-z]+", old):
        got = new[run.start():run.end()]
        if not run.group()[0].isalnum():
            if got != run.group():  # punctuation is kept
                return False
        elif not (got.isdigit() if run.group().isdigit() else got.isalnum()):
            return False
    return True


@pytest.mark.parametrize("text", SAMPLES)
def test_fresh_keeps_the_shape_and_varies(text: str) -> None:
    rng = random.Random(text)
    kind = shape(text)
    outs = {fresh(text, kind, rng.randbytes(need(text, kind))).decode() for _ in range(200)}
    assert all(same_shape(text, out) for out in outs), outs
    assert len(outs) > 150  # random, not a constant


def test_leading_zero_only_where_the_original_had_one() -> None:
    rng = random.Random(1)
    firsts = {fresh("981594138", "digits", rng.randbytes(9)).decode()[0] for _ in range(500)}
    assert "0" not in firsts and len(firsts) == 9
    zeros = {fresh("0042", "digits", rng.randbytes(4)).decode()[0] for _ in range(500)}
    assert "0" in zeros


def test_recipes_of_one_journey_use_disjoint_bytes() -> None:
    """Tokens laid end to end in one random buffer: changing one token's bytes changes
    only that token's value."""
    offsets, o = [], 0
    for text in SAMPLES:
        offsets.append(o)
        o += need(text, shape(text))
    r = bytearray(random.Random(7).randbytes(o))

    def values() -> list[bytes]:
        buffers = shaped_buffers(bytes(r))
        out = []
        for text, at in zip(SAMPLES, offsets, strict=True):
            form, pieces = recipe(text, shape(text), at, len(r))
            out.append(form % tuple(buffers[p] for p in pieces))
        return out

    before = values()
    for i, text in enumerate(SAMPLES):
        for k in range(offsets[i], offsets[i] + need(text, shape(text))):
            r[k] ^= 0xFF
        after = values()
        assert [a == b for a, b in zip(before, after, strict=True)] == [
            j != i for j in range(len(SAMPLES))], text
        before = after


def test_fresh_like_keeps_ints_as_ints() -> None:
    out = fresh_like(118211479, random.Random(3).randbytes(16))
    assert isinstance(out, int) and len(str(out)) == 9
