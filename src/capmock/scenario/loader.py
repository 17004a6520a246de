"""Loading a scenario file: YAML with locations, includes, checks, and the org it sets up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from capmock import bundled
from capmock.envelope import STYLES
from capmock.errors import ScenarioError, did_you_mean
from capmock.model import streaks, targets
from capmock.model.entities import Org
from capmock.model.factory import DEFAULT_TIERS, OrgSpec, ProgramSpec, make_org
from capmock.model.fake import Fake
from capmock.scenario.budget import CALENDAR_END_MS, CALENDAR_START_MS, DEFAULT_MAX_EVENTS, weigh
from capmock.scenario.validate import check, duration_ms
from capmock.scenario.yamlload import Located, load_file, mark_of, quoted
from capmock.vendor import check_vendor

# The bundled scenarios: $CAPMOCK_SCENARIOS, else the package's (capmock.bundled: the
# wheel's package data, or the checkout's scenarios/ folder).
BUNDLED = Path(os.environ.get("CAPMOCK_SCENARIOS") or bundled.SCENARIOS)
DEFAULT_START = "2026-01-01T09:00:00Z"


@dataclass
class Scenario:
    path: str
    doc: dict[str, Any]
    name: str
    description: str
    seed: int
    start_ms: int
    envelope: str
    options: dict[str, Any] = field(default_factory=dict)
    max_events: int | None = None  # the player stops past this many events (None: no limit)
    vendor: str = "capillary"  # whose webhook shape it is rendered in (capmock.vendor)

    @property
    def steps(self) -> list[Any]:
        return self.doc.get("steps") or []


def _error(message: str, doc: Any, key: Any, path: str, hint: str | None = None) -> ScenarioError:
    mark = mark_of(doc, key)
    return ScenarioError(
        message,
        file=mark.file if mark else path,
        line=mark.line if mark else 1,
        column=mark.column if mark else None,
        field=key if isinstance(key, str) else None,
        hint=hint,
    )


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` wins; mappings merge recursively; the result keeps ``over``'s locations."""
    out = Located(base)
    for attr in ("mark", "key_marks", "value_marks"):
        if hasattr(over, attr):
            value = getattr(over, attr)
            setattr(out, attr, {**getattr(base, attr, {}), **value} if attr != "mark" else value)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def include_dirs() -> list[Path]:
    """Where an include that is not beside the including file is looked for:
    $CAPMOCK_SCENARIOS (read now, so a test or a shell can set it), then the bundled
    scenarios."""
    env = os.environ.get("CAPMOCK_SCENARIOS")
    dirs = [Path(env)] if env else []
    return [*dirs, BUNDLED] if BUNDLED not in dirs else dirs


def find_include(rel: str, including: Path) -> Path | None:
    """``rel`` beside the including file, else in ``include_dirs()``."""
    for base in (including.parent, *include_dirs()):
        target = (base / rel).resolve()
        if target.is_file():
            return target
    return None


def _with_includes(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    doc = load_file(path)
    if not isinstance(doc, dict):
        raise ScenarioError(
            "a scenario is a mapping (name, org, customers, steps…)", file=str(path), line=1
        )
    raw = doc.get("include") or []
    includes, holder = ([raw], doc) if isinstance(raw, str) else (raw, raw)
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise _error("include: a file name or a list of them", doc, "include", str(path))
    merged: dict[str, Any] = Located()
    for i, rel in enumerate(includes):
        key = "include" if holder is doc else i
        target = find_include(rel, path)
        if target is None:
            dirs = ", ".join(str(d) for d in (path.parent, *include_dirs()))
            raise _error(f"included file not found: {quoted(rel)}", holder, key, str(path),
                         hint=f"looked in {dirs}")  # fmt: skip
        if target in seen or target == path.resolve():
            chain = " -> ".join(p.name for p in (*seen, path.resolve(), target))
            raise _error(f"include cycle: {chain}", holder, key, str(path))
        merged = _merge(merged, _with_includes(target, (*seen, path.resolve())))
    own = Located(doc)
    for attr in ("mark", "key_marks", "value_marks"):
        setattr(own, attr, getattr(doc, attr))
    own.pop("include", None)
    return _merge(merged, own) if includes else own


def resolve_path(name: str) -> Path:
    """A scenario file path, or the name of a bundled scenario."""
    path = Path(name)
    if path.is_file():
        return path
    for candidate in (BUNDLED / name, BUNDLED / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    known = [p.stem for p in BUNDLED.glob("*.yaml")]
    guess = did_you_mean(path.stem, known)
    raise ScenarioError(
        f"no such scenario file '{name}'",
        hint=f"did you mean '{guess}'?" if guess else "see `capmock scenarios`",
    )


def parse_start(value: Any, doc: Any, path: str) -> int:
    text = str(value).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise _error(
            f"bad start time {value!r}",
            doc,
            "start",
            path,
            hint="use ISO 8601, e.g. 2026-01-01T09:00:00Z",
        ) from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    ms = int(moment.timestamp() * 1000)
    if not CALENDAR_START_MS <= ms < CALENDAR_END_MS:
        raise _error(
            f"{value!r} is outside the calendar", doc, "start", path,
            hint="a start from 1970 to 8999",
        )  # fmt: skip
    return ms


def load(
    name: str,
    *,
    seed: int | None = None,
    envelope: str | None = None,
    max_events: int | None = DEFAULT_MAX_EVENTS,
    vendor: str | None = None,
) -> Scenario:
    """Read, check and weigh a scenario (a file, or a bundled scenario's name). Past
    ``max_events`` (None: no limit) the plan is refused before anything is built.
    ``vendor``: whose webhooks it is rendered as (None: Capillary's)."""
    vendor = check_vendor(vendor)
    path = resolve_path(name)
    doc = _with_includes(path)
    check(doc, str(path))
    style = envelope or doc.get("envelope") or "flat"
    if style not in STYLES:
        raise _error(
            f"unknown envelope '{style}'",
            doc,
            "envelope",
            str(path),
            hint=f"did you mean '{did_you_mean(str(style), STYLES) or 'flat'}'?",
        )
    start_ms = parse_start(doc.get("start", DEFAULT_START), doc, str(path))
    weigh(doc, str(path), start_ms, max_events)
    return Scenario(
        path=str(path),
        doc=doc,
        name=str(doc.get("name") or path.stem),
        description=str(doc.get("description") or ""),
        seed=seed if seed is not None else int(doc.get("seed", 1)),
        start_ms=start_ms,
        envelope=style,
        options=dict(doc.get("options") or {}),
        max_events=max_events,
        vendor=vendor,
    )


# ---- the org a scenario declares -------------------------------------------------------


def _tiers(raw: Any, doc: Any, path: str) -> tuple[tuple[str, float], ...]:
    tiers = []
    for i, t in enumerate(raw):
        if isinstance(t, str):
            t = {"name": t}
        if not isinstance(t, dict) or "name" not in t:
            raise _error("a tier is {name: Gold, threshold: 1000}", raw, i, path)
        tiers.append((str(t["name"]), float(t.get("threshold", 0))))
    thresholds = [threshold for _, threshold in tiers]
    if thresholds != sorted(thresholds):
        raise _error("tier thresholds must increase", doc, "tiers", path)
    return tuple(tiers)


def _program(raw: dict[str, Any], path: str) -> ProgramSpec:
    expiry = duration_ms(raw.get("expiry", "365d")) or 365 * 86_400_000
    ratio = raw.get("points_to_currency_ratio")
    return ProgramSpec(
        id=raw.get("id"),
        name=raw.get("name"),
        is_default=bool(raw.get("default", True)),
        tiers=_tiers(raw["tiers"], raw, path) if "tiers" in raw else DEFAULT_TIERS,
        points_per_currency=float(raw.get("points_per_currency", 0.01)),
        points_to_currency_ratio=None if ratio is None else float(ratio),
        expiry_days=max(1, expiry // 86_400_000),
        tier_basis=str(raw.get("tier_basis", "lifetime_points")),
        downgrade_on_return=bool(raw.get("downgrade_on_return", True)),
        promised_conversion_days=(duration_ms(raw.get("promised_conversion", "14d")) or 0)
        // 86_400_000,
    )


def org_spec(scenario: Scenario) -> OrgSpec:
    """The scenario's ``org:`` block (its shape was checked by ``load``)."""
    raw = scenario.doc.get("org") or {}
    programs = raw.get("programs") or [{}]
    return OrgSpec(
        org_id=raw.get("id"),
        currency=str(raw["currency"]) if "currency" in raw else None,
        programs=tuple(_program(p, scenario.path) for p in programs),
        targets=tuple(targets.target(t) for t in raw.get("targets") or []),
        streaks=tuple(streaks.streak(t) for t in raw.get("streaks") or []),
        event_type_prefix=bool(raw.get("event_type_prefix", True)),
    )


def build_org(scenario: Scenario, fake: Fake) -> Org:
    """The scenario's org, drawn from ``fake``."""
    return make_org(fake, org_spec(scenario))
