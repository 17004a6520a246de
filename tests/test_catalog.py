"""Every catalog event renders, in both envelopes and all org options, to a valid payload."""

from __future__ import annotations

import json
from typing import Any

import pytest

import capmock
from capmock import catalog
from capmock.envelope import STYLES, unwrap

EVENTS = catalog.names()
SEEDS = (1, 7, 42)


def walk(value: Any, path: str = "$"):
    """(path, key, value) for every dict member below ``value``."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def test_catalog_covers_the_seed_events() -> None:
    must = {
        "customerAdded",
        "transactionAdded",
        "pointsIssued",
        "pointsRedeemed",
        "CouponIssue",
        "CouponRedeem",
        "tierUpgraded",
        "promotionIssued",
        "promotionEarned",
        "revokeIssuedPromotion",
        "cartPromotionRedeemed",
        "badgeEarned",
        "streakStart",
        "targetValueAchieved",
        "requestWorkflowEvent",
        "loyaltyCustomerMerge",
        "rewardIssued",
    }
    assert must <= set(EVENTS)
    assert len(EVENTS) >= 60


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("style", STYLES)
def test_generated_payloads_validate(event: str, style: str) -> None:
    for seed in SEEDS:
        for enrich in (True, False):
            for tz in (True, False):
                payload = capmock.generate(
                    event, style=style, seed=seed, enrich=enrich, tz_millis=tz
                )
                assert capmock.validate(payload) == [], (event, style, seed, enrich, tz)
                name, got_style, data = unwrap(payload)
                assert (name, got_style) == (event, style)
                assert isinstance(data, dict)


@pytest.mark.parametrize("event", EVENTS)
def test_values_agree_within_a_payload(event: str) -> None:
    payload = capmock.generate(event, style="flat", seed=5)
    org = payload["orgId"]
    assert payload["refId"].startswith(f"{org}_")
    data = payload["data"]
    ids = data.get("customerIdentifiers") if isinstance(data, dict) else None
    for path, key, value in walk(data):
        is_user = isinstance(value, dict) and value.get("entityType") == "USER"
        if key == "entityInformation" and is_user and ids:
            assert value["entityId"] == ids["customerId"], path
    for path, _key, value in walk({"data": data}):
        if isinstance(value, dict) and "programCurrentPoints" in value:
            if "programLifetimePoints" in value:
                assert value["programCurrentPoints"] <= value["programLifetimePoints"], path
            assert value["programCurrentPoints"] >= 0, path


@pytest.mark.parametrize("event", EVENTS)
def test_tier_numbers_come_from_the_program(event: str) -> None:
    data = capmock.generate(event, seed=11)["data"]
    program_tiers: set[int] = set()
    for _, key, value in walk(data):
        if key == "loyaltyProgramDetails" and isinstance(value, dict):
            program_tiers |= {t["tierNumber"] for t in value.get("tiers", [])}
    if not program_tiers:
        return
    for path, key, value in walk(data):
        if key == "tierNumber":
            assert value in program_tiers, path


@pytest.mark.parametrize("event", EVENTS)
def test_same_seed_same_bytes_other_seed_other_ids(event: str) -> None:
    a = json.dumps(capmock.generate(event, style="wrapped", seed=3))
    b = json.dumps(capmock.generate(event, style="wrapped", seed=3))
    c = capmock.generate(event, style="wrapped", seed=4)
    assert a == b
    assert json.loads(a)["eventId"] != c["eventId"]
    assert json.loads(a)["attributes"]["apiRequestId"] != c["attributes"]["apiRequestId"]


def test_enrichment_off_leaves_only_the_customer_id() -> None:
    on = capmock.generate("pointsIssued", seed=2, enrich=True)["data"]["customerIdentifiers"]
    off = capmock.generate("pointsIssued", seed=2, enrich=False)["data"]["customerIdentifiers"]
    assert set(off) == {"customerId"}
    assert on["instore"]["mobile"].isdigit()


def test_locales_shape_mobiles() -> None:
    indo = capmock.generate("customerAdded", seed=9, locale="id_ID")
    india = capmock.generate("customerAdded", seed=9, locale="en_IN")
    assert indo["data"]["customerIdentifiers"]["instore"]["mobile"].startswith("628")
    mobile = india["data"]["customerIdentifiers"]["instore"]["mobile"]
    assert mobile.startswith("91") and len(mobile) == 12


def test_wrapped_timestamp_not_before_created_at() -> None:
    for seed in range(20):
        p = capmock.generate("transactionAdded", style="wrapped", seed=seed)
        assert p["timeStamp"] >= p["attributes"]["createdAt"]
        assert p["actionType"] == "START"
        assert p["eventType"] == f"{p['attributes']['orgId']}_transactionAdded"


def test_lookup_tolerates_the_docs_two_spellings() -> None:
    assert catalog.get("issuedAlternateCurrenciesReversed").name == (
        "issuedalternateCurrenciesReversed"
    )
    with pytest.raises(capmock.CapmockError, match="did you mean 'pointsIssued'"):
        catalog.get("pointIssued")
