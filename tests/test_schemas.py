"""schemas/ matches the catalog; the repaired seed samples validate; breakage is caught."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from capmock import catalog, generate
from capmock.cli.catalog import schema_documents
from capmock.schemas import Validator, documents, load_dir, stale

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
SAMPLES = Path(__file__).parent / "seed_samples"

# Samples left out of the seed check, each with its reason (mirrored in schemas/README.md).
_LISTS = json.loads((SAMPLES / "excluded.json").read_text())
EXCLUDED: dict[str, dict[str, Any]] = _LISTS["samples"]
NO_SAMPLE: dict[str, str] = _LISTS["events_without_sample"]


def manifest() -> list[dict[str, Any]]:
    return json.loads((SAMPLES / "manifest.json").read_text())


def sample_files() -> list[str]:
    return sorted(
        m["sample"] for m in manifest() if m["status"] == "ok" and m["style"] in ("flat", "wrapped")
    )


def test_schema_files_are_up_to_date() -> None:
    docs = schema_documents()
    out_of_date = stale(SCHEMAS, docs)
    extra = sorted(set(load_dir(SCHEMAS)) - set(docs))
    assert "scenario.json" in docs
    assert not out_of_date, f"run `capmock schemas export`: stale {out_of_date[:5]}"
    assert not extra, f"schema files with no catalog event: {extra}"


@pytest.fixture(scope="module")
def file_validator() -> Validator:
    """Validates against the files in schemas/, not the in-memory catalog documents."""
    return Validator(load_dir(SCHEMAS))


@pytest.mark.parametrize("name", sample_files())
def test_seed_sample_validates(name: str, file_validator: Validator) -> None:
    """Every sample validates, except at the paths listed as placeholders for it."""
    payload = json.loads((SAMPLES / name).read_text())
    allowed = set(EXCLUDED.get(name, {}).get("placeholder_paths", []))
    problems = [str(p) for p in file_validator.validate(payload) if p.path not in allowed]
    assert problems == []


@pytest.mark.parametrize("name", sorted(EXCLUDED))
def test_excluded_samples_still_fail_only_where_listed(
    name: str, file_validator: Validator
) -> None:
    payload = json.loads((SAMPLES / name).read_text())
    paths = {p.path for p in file_validator.validate(payload)}
    assert paths == set(EXCLUDED[name]["placeholder_paths"]), "update excluded.json"


def test_every_catalog_event_has_a_seed_sample_or_is_listed() -> None:
    covered = {m["event"] for m in manifest() if m["status"] == "ok"}
    assert set(catalog.names()) - covered == set(NO_SAMPLE)


def _required_leaf(docs: Validator, event: str) -> tuple[str, Any] | None:
    """A required data field of the event (name, declared type) to break."""
    body = docs.docs[f"data/{event}.json"]
    for name in body.get("required", []):
        prop = body["properties"][name]
        if "type" in prop:
            return name, prop["type"]
    return None


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["attributes"]["data"] if "attributes" in payload else payload["data"]


@pytest.mark.parametrize("name", sample_files())
def test_mutated_seed_samples_are_rejected(name: str, file_validator: Validator) -> None:
    if name in EXCLUDED:
        pytest.skip(EXCLUDED[name]["reason"])
    payload = json.loads((SAMPLES / name).read_text())
    event = payload.get("eventName") or payload["attributes"]["eventName"]
    leaf = _required_leaf(file_validator, event)
    if leaf is None:
        pytest.skip("no required scalar field in this event's data")
    field, json_type = leaf
    missing = copy.deepcopy(payload)
    _data(missing).pop(field, None)
    assert file_validator.validate(missing), f"missing {field} accepted"
    wrong = copy.deepcopy(payload)
    _data(wrong)[field] = [] if json_type != "array" else "x"
    problems = file_validator.validate(wrong)
    assert any(field in p.path for p in problems), problems


def test_schemas_readme_lists_every_left_out_sample() -> None:
    text = (SCHEMAS / "README.md").read_text()
    for name, entry in EXCLUDED.items():
        assert f"`{name}`" in text and entry["reason"] in text
    for event in NO_SAMPLE:
        assert f"`{event}`" in text
    for name, entry in _LISTS["not_generated"].items():
        assert f"`{name}`" in text and entry["reason"] in text


def test_shared_definitions_are_required_per_use_not_globally() -> None:
    docs = documents()
    defs = docs["defs.json"]["$defs"]
    assert defs["customerIdentifiers"]["required"] == ["customerId"]
    use = docs["data/pointsIssued.json"]["properties"]["customerIdentifiers"]
    assert use == {"$ref": "../defs.json#/$defs/customerIdentifiers"}
    # pointsExpired sends triggeringActivity empty (seed 000 L769): its use lifts `name`
    expired = docs["data/pointsExpired.json"]["properties"]["triggeringActivity"]
    assert "required" not in expired and "name" in expired["properties"]
    validator = Validator(docs)
    payload = generate("pointsIssued", seed=1)
    payload["data"]["triggeringActivity"] = {}
    assert [p.path for p in validator.validate(payload)] == ["$.data.triggeringActivity"]
    payload = generate("pointsExpired", seed=1)
    payload["data"]["triggeringActivity"] = {"entityInformation": {"entityType": "USER"}}
    assert [p.path for p in validator.validate(payload)] == [
        "$.data.triggeringActivity.entityInformation"
    ]


def test_envelope_fields_are_required_per_event() -> None:
    validator = Validator(documents())
    for event, needs_ref in (("requestUpdated", False), ("pointsIssued", True)):
        for style in ("flat", "wrapped"):
            payload = generate(event, seed=2, style=style)
            core = payload.get("attributes", payload)
            del core["refId"]
            assert bool(validator.validate(payload)) is needs_ref, (event, style)


def test_documented_nulls_case_variants_and_type_disagreements_validate() -> None:
    validator = Validator(documents())
    tier = generate("tierUpgraded", seed=1)
    tier["data"]["triggeringActivity"].update(dict.fromkeys(("enteredBy", "identifiers"), None))
    tier["data"]["loyaltyProgramDetails"]["tiers"] = None
    tier["data"]["customerIdentifiers"]["customerId"] = 379499720.0
    assert validator.validate(tier) == []
    tx = generate("transactionAdded", seed=1)
    tx["data"]["billType"] = "regular"
    tx["data"]["customerIdentifiers"]["instore"]["mobile"] = 919740000000
    assert validator.validate(tx) == []
    tx["data"]["billType"] = "Regular"  # a spelling the docs do not show
    assert [p.path for p in validator.validate(tx)] == ["$.data.billType"]
    promo = generate("promotionCreated", seed=1)
    promo["data"]["linkedEventId"] = 15
    assert validator.validate(promo) == []
    promo["data"]["linkedEventId"] = [15]
    assert validator.validate(promo)
