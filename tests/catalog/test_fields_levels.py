"""--fields all|typical|required: what each level sends, that it validates, and that
`all` carries the fields of every Capillary sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from capmock import catalog, generate
from capmock.cli import main
from capmock.errors import UsageError
from capmock.schemas import default_validator

SAMPLES = Path(__file__).resolve().parents[1] / "seed_samples"
LISTS = json.loads((SAMPLES / "excluded.json").read_text())
NOT_GENERATED: dict[str, dict[str, Any]] = LISTS["not_generated"]
# keys are ids or custom field names, not documented fields
MAPS = {"linkedTargetGroupVsTargetRuleIdMap", "traceAttributes", "transactionCustomFields"}


def paths(value: Any, prefix: str = "$", out: set[str] | None = None) -> set[str]:
    """Field paths of a payload: arrays as ``[]``, the keys of id-keyed maps as ``*``."""
    out = set() if out is None else out
    if isinstance(value, dict):
        is_map = prefix.rsplit(".", 1)[-1] in MAPS
        for key, sub in value.items():
            path = f"{prefix}.{'*' if is_map else key}"
            out.add(path)
            paths(sub, path, out)
    elif isinstance(value, list):
        for sub in value:
            paths(sub, prefix + "[]", out)
    return out


def samples() -> list[dict[str, Any]]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text())
    return [m for m in manifest if m["status"] == "ok" and m["style"] in ("flat", "wrapped")]


@pytest.mark.parametrize("entry", samples(), ids=lambda m: m["sample"])
def test_all_carries_nine_tenths_of_every_sample(entry: dict[str, Any]) -> None:
    sample = json.loads((SAMPLES / entry["sample"]).read_text())
    skip = tuple(NOT_GENERATED.get(entry["sample"], {}).get("paths", []))
    want = {p for p in paths(sample) if not p.startswith(skip)}
    event = catalog.get(entry["event"]).name
    got: set[str] = set()
    for seed in (1, 2, 3):
        got |= paths(generate(event, seed=seed, fields="all", style=entry["style"]))
    missing = sorted(want - got)
    assert 1 - len(missing) / len(want) >= 0.9, missing


@pytest.mark.parametrize("event", catalog.names())
def test_levels_validate_and_nest(event: str) -> None:
    validator = default_validator()
    for style in ("flat", "wrapped"):
        levels = {f: generate(event, seed=7, style=style, fields=f) for f in ("all", "required")}
        typical = generate(event, seed=7, style=style, tz_millis=True)
        for level, payload in levels.items():
            assert validator.validate(payload) == [], (level, style)
        assert paths(levels["required"]) <= paths(typical) <= paths(levels["all"])


@pytest.mark.parametrize("event", catalog.names()[::4])
def test_required_sends_only_required_members(event: str) -> None:
    payload = generate(event, seed=3, fields="required")
    body = default_validator().docs[f"data/{event}.json"]
    assert set(payload["data"]) <= set(body.get("required", []))
    assert "traceAttributes" not in payload and "apiRequestId" not in payload


def test_all_fills_the_documented_optional_members() -> None:
    payload = generate("transactionAdded", seed=2, fields="all")
    data = payload["data"]
    ids = data["customerIdentifiers"]
    assert ids["ecommerce"]["accounts"][0]["identifiers"][0]["identifierValue"]
    assert ids["wechat"]["accounts"][0]["accountId"]
    assert data["customFields"][0]["key"] and data["billClientId"].startswith("POS-")
    assert {"eventLogId", "eventSearchKey", "traceAttributes"} <= set(payload)
    promo = generate("promotionEarned", seed=2, fields="all")["data"]
    assert promo["linkedTargetGroupVsTargetRuleIdMap"]
    assert promo["promotionEarnedExpiryDateInMillis"] > 0


def test_typical_is_the_default() -> None:
    assert generate("pointsIssued", seed=5) == generate("pointsIssued", seed=5, fields="typical")


def test_unknown_level_is_a_usage_error_with_a_hint() -> None:
    with pytest.raises(UsageError, match="unknown fields level 'al'") as err:
        generate("pointsIssued", seed=1, fields="al")
    assert "did you mean 'all'" in str(err.value.hint)


def test_cli_fields_option() -> None:
    result = CliRunner().invoke(main, ["generate", "badgeEarned", "--seed", "1", "--fields", "all"])
    assert result.exit_code == 0, result.output
    assert "eventSearchKey" in result.output
    bad = CliRunner().invoke(main, ["generate", "badgeEarned", "--fields", "some"])
    assert bad.exit_code == 2 and "'some' is not one of" in bad.output
