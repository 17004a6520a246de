"""Mutated scenarios fed to `capmock plan` in-process: each ends in exit 0 or in exit 2
with located lines, never in an escaped exception, always in bounded work (the event
budget is small; hypothesis bounds the examples and each one's time)."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capmock.cli import main
from capmock.scenario import BUNDLED

SOURCES = {p.name: p.read_text("utf-8") for p in sorted(BUNDLED.glob("*.yaml"))}
LOCATED = re.compile(r"^(capmock: error: )?\S+\.yaml:\d+(:\d+)?: .")
FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=20),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def plan_text(text: str | bytes) -> None:
    """Plan ``text`` as a scenario file beside nothing (includes fall back to the bundled
    ones) and check the outcome's form."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "replace"))
        result = CliRunner().invoke(main, ["plan", str(path), "--max-events", "300"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{text!r}"
    )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        problems = result.stderr.strip().splitlines()
        assert problems, result.output
        for line in problems:
            assert LOCATED.match(line), f"not located: {line!r}"
            assert "Traceback" not in line


# ---- text mutations ---------------------------------------------------------------------

EXTREMES = st.sampled_from(
    ["1.0e+308", "-1", "0", ".inf", ".nan", "99999999999999999999", "1e8", "-0.0",
     "2026-02-30", "~", "[]", "{}", "''", "&a x", "*a", "!!binary AA==", "9999-12-31", "\t"]
)  # fmt: skip


@st.composite
def text_mutations(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(sorted(SOURCES.values())))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "number", "line", "indent"]))
        at = draw(st.integers(0, len(text)))
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            text = text[:at] + draw(st.text(max_size=12)) + text[at:]
        elif kind == "number":
            text = re.sub(r"\b\d+(\.\d+)?\b", draw(EXTREMES), text, count=draw(st.integers(1, 3)))
        elif kind == "line":
            lines = text.splitlines()
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            text = "\n".join([*lines[: i + 1], *lines[i:]]) if lines else text
        else:
            lines = text.splitlines()
            i = draw(st.integers(0, max(0, len(lines) - 1)))
            if lines:
                lines[i] = " " * draw(st.integers(0, 9)) + lines[i].lstrip()
            text = "\n".join(lines)
    return text


@FUZZ
@given(text_mutations())
def test_text_mutations_of_bundled_scenarios(text: str) -> None:
    plan_text(text)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    plan_text(data)


# ---- structural mutations ---------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(["30d", "0d", "99999999999d", "2026-02-30", "alice", "each", "transact"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return doc


@st.composite
def structural_mutations(draw: st.DrawFn) -> str:
    doc = yaml.safe_load(draw(st.sampled_from(sorted(SOURCES.values()))))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["replace", "delete", "wrap", "add"]))
        if kind == "replace":
            doc = _set(doc, path, draw(VALUES))
        elif kind == "delete" and path:
            parent = doc
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        elif kind == "wrap":  # nest deeper: a repeat around the value, a list around it
            here = doc
            for part in path:
                here = here[part]
            doc = _set(doc, path, [{"repeat": draw(VALUES), "steps": [here]}])
        else:
            key = draw(st.sampled_from(["stepz", "crowd", "count", "times", "items", "seed"]))
            here = doc
            for part in path:
                here = here[part]
            if isinstance(here, dict):
                here[key] = draw(VALUES)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@FUZZ
@given(structural_mutations())
def test_structural_mutations_of_bundled_scenarios(text: str) -> None:
    plan_text(text)
