"""Loading a scenario file: YAML with locations, includes, checks, and the org it sets up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from capmock.envelope import STYLES
from capmock.errors import ScenarioError, did_you_mean
from capmock.model import streaks, targets
from capmock.model.entities import Org
from capmock.model.factory import DEFAULT_TIERS, OrgSpec, ProgramSpec, make_org
from capmock.model.fake import LOCALES, Fake
from capmock.scenario import spec
from capmock.scenario.validate import check, duration_ms
from capmock.scenario.yamlload import Located, load_file, mark_of
from capmock.vendor import check_vendor

# The bundled scenarios: the checkout's scenarios/ folder, or $CAPMOCK_SCENARIOS (the
# Docker image sets it; an installed wheel has no scenarios/ of its own).
BUNDLED = Path(
    os.environ.get("CAPMOCK_SCENARIOS") or Path(__file__).resolve().parents[3] / "scenarios"
)
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
    vendor: str = "capillary"  # whose webhook shape it is rendered in (capmock.vendor)

    @property
    def steps(self) -> list[Any]:
        return self.doc.get("steps") or []


def _error(message: str, doc: Any, key: Any, path: str, hint: str | None = None) -> ScenarioError:
    mark = mark_of(doc, key)
    return ScenarioError(
        message,
        file=mark.file if mark else path,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        field=str(key) if key is not None else None,
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


def _with_includes(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    doc = load_file(path)
    if not isinstance(doc, dict):
        raise ScenarioError(
            "a scenario is a mapping (name, org, customers, steps…)", file=str(path), line=1
        )
    includes = doc.get("include") or []
    includes = [includes] if isinstance(includes, str) else includes
    merged: dict[str, Any] = Located()
    for i, rel in enumerate(includes):
        target = (path.parent / str(rel)).resolve()
        if target in seen or target == path.resolve():
            raise _error(f"include cycle through '{rel}'", includes, i, str(path))
        if not target.is_file():
            raise _error(f"included file not found: '{rel}'", doc, "include", str(path))
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
    return int(moment.timestamp() * 1000)


def load(
    name: str, *, seed: int | None = None, envelope: str | None = None, vendor: str | None = None
) -> Scenario:
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
    options = dict(doc.get("options") or {})
    for key in options:
        if key not in spec.OPTION_KEYS:
            raise _error(
                f"unknown option '{key}'",
                doc["options"],
                key,
                str(path),
                hint=f"did you mean '{did_you_mean(key, spec.OPTION_KEYS)}'?",
            )
    return Scenario(
        path=str(path),
        doc=doc,
        name=str(doc.get("name") or path.stem),
        description=str(doc.get("description") or ""),
        seed=seed if seed is not None else int(doc.get("seed", 1)),
        start_ms=parse_start(doc.get("start", DEFAULT_START), doc, str(path)),
        envelope=style,
        options=options,
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
    for key in raw:
        if key not in spec.PROGRAM_KEYS:
            raise _error(
                f"unknown program key '{key}'",
                raw,
                key,
                path,
                hint=f"did you mean '{did_you_mean(key, spec.PROGRAM_KEYS)}'?",
            )
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


_NUMBER = (int, float)
ORG_TYPES: dict[str, Any] = {
    "id": int,
    "locale": str,
    "currency": str,
    "programs": list,
    "targets": list,
    "streaks": list,
    "stores": int,
    "event_type_prefix": bool,
}
PROGRAM_TYPES: dict[str, Any] = {
    "id": int,
    "name": str,
    "default": bool,
    "points_per_currency": _NUMBER,
    "points_to_currency_ratio": _NUMBER,
    "expiry": (str, int, float),
    "tiers": list,
    "tier_basis": str,
    "downgrade_on_return": bool,
    "promised_conversion": (str, int, float),
}
TARGET_TYPES: dict[str, Any] = {"name": str, "metric": str, "value": _NUMBER, "group": str}
STREAK_TYPES: dict[str, Any] = {"name": str, "levels": list}
CHOICES = {"tier_basis": ("lifetime_points", "spend"), "metric": ("spend", "visits")}


def _typed(raw: Any, types: dict[str, Any], what: str, path: str, parent: Any, key: Any) -> None:
    """``raw`` must be a mapping whose known keys hold values of the declared types."""
    if not isinstance(raw, dict):
        raise _error(f"{what} must be a mapping, got {raw!r}", parent, key, path)
    for name, value in raw.items():
        want = types.get(name)
        bad_bool = isinstance(value, bool) and want is not bool
        if want is not None and (bad_bool or not isinstance(value, want)):
            kind = want.__name__ if isinstance(want, type) else "a number or duration"
            raise _error(f"{what}.{name} must be {kind}, got {value!r}", raw, name, path)
        if name in CHOICES and value not in CHOICES[name]:
            guess = did_you_mean(str(value), CHOICES[name])
            raise _error(
                f"{what}.{name}: unknown value {value!r}",
                raw,
                name,
                path,
                hint=f"did you mean '{guess}'?" if guess else None,
            )


def check_org(raw: Any, path: str, doc: Any) -> None:
    _typed(raw, ORG_TYPES, "org", path, doc, "org")
    for key, types, what in (
        ("programs", PROGRAM_TYPES, "program"),
        ("targets", TARGET_TYPES, "target"),
        ("streaks", STREAK_TYPES, "streak"),
    ):
        for i, item in enumerate(raw.get(key) or []):
            _typed(item, types, what, path, raw[key], i)
            if what != "program" and "name" not in item:
                raise _error(f"a {what} needs a name", raw[key], i, path)
    for streak in raw.get("streaks") or []:
        levels = streak.get("levels", [])
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in levels):
            raise _error("streak levels are whole numbers above 0", streak, "levels", path)


def org_spec(scenario: Scenario) -> OrgSpec:
    """The scenario's ``org:`` block, checked (each problem located in the file)."""
    raw = scenario.doc.get("org") or {}
    path = scenario.path
    check_org(raw, path, scenario.doc)
    locale = str(raw.get("locale", "en_IN"))
    if locale not in LOCALES:
        guess = did_you_mean(locale, LOCALES)
        raise _error(
            f"unsupported locale '{locale}'",
            raw,
            "locale",
            path,
            hint=f"did you mean '{guess}'?" if guess else f"one of {', '.join(LOCALES)}",
        )
    for key in raw:
        if key not in spec.ORG_KEYS:
            raise _error(
                f"unknown org key '{key}'",
                raw,
                key,
                path,
                hint=f"did you mean '{did_you_mean(key, spec.ORG_KEYS)}'?",
            )
    programs = raw.get("programs") or [{}]
    return OrgSpec(
        org_id=raw.get("id"),
        currency=str(raw["currency"]) if "currency" in raw else None,
        programs=tuple(_program(p, path) for p in programs),
        targets=tuple(targets.target(t) for t in raw.get("targets") or []),
        streaks=tuple(streaks.streak(t) for t in raw.get("streaks") or []),
        event_type_prefix=bool(raw.get("event_type_prefix", True)),
    )


def build_org(scenario: Scenario, fake: Fake) -> Org:
    """The scenario's org, drawn from ``fake``."""
    return make_org(fake, org_spec(scenario))
