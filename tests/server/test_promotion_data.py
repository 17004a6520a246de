"""``GET /v2/customers/lookup/promotionData`` as seed 003 documents it, from the model of
tests/server/promos.yaml: ana has Direct issued and earned, Enrol earned; ben has Late direct
issued; 12 GENERIC promotions, Direct and Enrol have expired, the Late ones are live."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from capmock.server.world_registry import Source

URL = "/v2/customers/lookup/promotionData"
ANA = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": "919800000001"}
BEN = {**ANA, "identifierValue": "919800000002"}


def get(client: FlaskClient, **params: Any) -> Any:
    return client.get(URL, query_string=params)


def names(body: dict[str, Any]) -> list[str]:
    return [p["promotionName"] for p in body["promotions"]]


def codes(resp: Any) -> list[int]:
    assert resp.status_code == 400
    assert all(e["status"] is False and e["message"] for e in resp.json["errors"])
    return [e["code"] for e in resp.json["errors"]]


def by_name(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in body["promotions"] if p["promotionName"] == name)


def test_default_listing_is_paginated_newest_first(client: FlaskClient, promos: Source) -> None:
    body = get(client, **ANA).json
    assert body["pageDetails"] == {"pageNumber": 0, "pageSize": 10, "totalEntries": 16,
                                   "pageCount": 2}
    assert body["warnings"] == []
    ids = [p["promotionId"] for p in body["promotions"]]
    assert len(ids) == 10 and ids == sorted(ids, reverse=True)
    assert body["customerId"] == next(c for c, _ in promos.customers()
                                      if c.first_name == "Ana").customer_id
    assert names(body)[:3] == ["Late generic", "Late enrol", "Enrol"]  # not Late direct


@pytest.mark.parametrize(
    ("limit", "offset", "page", "shown", "pages"),
    [(5, 0, 0, 5, 4), (5, 10, 2, 5, 4), (5, 15, 3, 1, 4), (5, 16, 3, 0, 4), (10, 100, 10, 0, 2),
     (100, 0, 0, 16, 1), (0, 0, 0, 0, 0), (0, 7, 0, 0, 0), (3, 4, 1, 3, 6)],
)
def test_pagination_edges(client: FlaskClient, promos: Source, limit: int, offset: int,
                          page: int, shown: int, pages: int) -> None:
    body = get(client, **ANA, limit=limit, offset=offset).json
    assert body["pageDetails"] == {"pageNumber": page, "pageSize": limit, "totalEntries": 16,
                                   "pageCount": pages}
    assert len(body["promotions"]) == shown


def test_pages_cover_every_promotion_once(client: FlaskClient, promos: Source) -> None:
    seen = []
    for offset in range(0, 16, 6):
        seen += [p["promotionId"] for p in get(client, **ANA, limit=6, offset=offset)
                 .json["promotions"]]
    assert len(seen) == len(set(seen)) == 16


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"limit": 101}, [9001]), ({"limit": -1}, [9001]), ({"limit": "ten"}, [9001]),
        ({"offset": -1}, [9002]), ({"offset": "1.5"}, [9002]),
        ({"promotionType": "LOYALTY"}, [9003]),
        ({"promotionStatusForCustomer": "ACTIVE"}, [9004]),
        ({"sourceType": "POS"}, [9005]), ({"programs": "838,abc"}, [9006]),
        ({"fetchAllUsage": "yes"}, [9007]),
        ({"limit": 101, "offset": -2}, [9001, 9002]),
    ],
)
def test_bad_parameters(client: FlaskClient, promos: Source, params: dict[str, Any],
                        expected: list[int]) -> None:
    assert sorted(codes(get(client, **ANA, **params))) == expected


@pytest.mark.parametrize(
    ("params", "expected", "message"),
    [
        ({"identifierName": None}, [8013], "Identifier name missing or incorrect"),
        ({"identifierName": "phone"}, [8013], "Identifier name missing or incorrect"),
        ({"identifierValue": None}, [8015], "Identifier value missing or incorrect"),
        ({"identifierValue": "   "}, [8015], "Identifier value missing or incorrect"),
        ({"identifierName": "id", "identifierValue": "abc"}, [8015],
         "Identifier value missing or incorrect"),
        ({"identifierValue": "919811111111"}, [8015],
         "Customer not found for the given identifiers"),
        ({"source": None}, [8003], "Invalid source"),
        ({"source": "POS"}, [8003], "Invalid source"),
        ({"source": "WEBSITE"}, [8015], "Customer not found for the given identifiers"),
    ],
)
def test_identifier_and_source_errors(client: FlaskClient, promos: Source,
                                      params: dict[str, Any], expected: list[int],
                                      message: str) -> None:
    query = {k: v for k, v in {**ANA, **params}.items() if v is not None}
    resp = get(client, **query)
    assert codes(resp) == expected
    assert resp.json["errors"][0]["message"] == message


def test_every_missing_parameter_is_reported_at_once(client: FlaskClient, promos: Source) -> None:
    assert sorted(codes(get(client))) == [8003, 8013, 8015]


def test_identifier_names_any_case_cuid_email_and_source_all(client: FlaskClient,
                                                             promos: Source) -> None:
    ana_id = str(get(client, **ANA).json["customerId"])
    for name, value in (("MOBILE", "+91 98000 00001"), ("email", "ana.lima@EXAMPLE.com"),
                        ("cuid", ana_id), ("id", ana_id), ("externalId", None)):
        if value is None:
            value = next(c.external_id for c, _ in promos.customers() if c.first_name == "Ana")
        resp = get(client, source="ALL", identifierName=name, identifierValue=value)
        assert resp.status_code == 200, (name, resp.json)
        assert str(resp.json["customerId"]) == ana_id


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        (ANA, "EXPIRED", 14), (BEN, "EXPIRED", 13),
        (ANA, "AVAILABLE_TO_ENROL", ["Late enrol"]), (BEN, "AVAILABLE_TO_ENROL", ["Late enrol"]),
        (ANA, "AVAILABLE_TO_EARN", []), (BEN, "AVAILABLE_TO_EARN", ["Late direct"]),
        (ANA, "AVAILABLE_TO_REDEEM", ["Late generic"]),
        (BEN, "AVAILABLE_TO_REDEEM", ["Late direct", "Late generic"]),
    ],
)
def test_status_for_customer(client: FlaskClient, promos: Source, who: dict[str, str],
                             status: str, expected: int | list[str]) -> None:
    body = get(client, **who, promotionStatusForCustomer=status, limit=100).json
    if isinstance(expected, int):
        assert body["pageDetails"]["totalEntries"] == expected
    else:
        assert names(body) == expected


@pytest.mark.parametrize(
    ("params", "total"),
    [({"promotionType": "GENERIC"}, 13), ({"promotionType": "direct_issue"}, 1),
     ({"promotionType": "ENROL_AND_ISSUE"}, 2), ({"sourceType": "API"}, 16),
     ({"sourceType": "UI"}, 0), ({"sourceType": "CAMPAIGN"}, 0), ({"programs": "838"}, 16),
     ({"programs": "1,838"}, 16), ({"programs": "999"}, 0)],
)
def test_filters(client: FlaskClient, promos: Source, params: dict[str, str], total: int) -> None:
    body = get(client, **ANA, **params).json
    assert body["pageDetails"]["totalEntries"] == total


def test_usage_and_restrictions_follow_the_model(client: FlaskClient, promos: Source) -> None:
    body = get(client, **ANA, limit=100).json
    direct = by_name(body, "Direct")
    assert direct["pointsOfferType"] == "LOYALTY" and direct["active"] is True
    assert direct["limits"] == {"maxPointsPerEvent": "300", "pointsPerCustomer": "300",
                                "numberOFTimesPerCustomer": 1, "totalPointsInPromotion": "0"}
    assert direct["customerUsage"] == {"currentPointsPerCustomer": "300.000",
                                       "currentNumberOfTimesPerCustomer": 1,
                                       "currentTotalPointsInPromotion": "300.000"}
    r = direct["promotionRestriction"]
    assert r["issualRestrictions"] == [{"kpi": "NUMBER_OF_ISSUALS", "maxLimit": "1",
                                        "currentCustomerUsage": "1", "limitOn": "CUSTOMER"}]
    assert r["earnRestrictions"] == []
    assert [x["kpi"] for x in r["redemptionRestrictions"]] == [
        "NUMBER_OF_TIMES", "NUMBER_OF_POINTS", "NUMBER_OF_REDEMPTIONS_PER_EARN"]
    assert "currentCustomerUsage" not in r["redemptionRestrictions"][1]  # an EVENT limit
    timeline = direct["customerPromotionTimelines"][0]
    assert timeline["issuedDetails"][0]["redeemedCount"] == 1
    assert direct["startDate"].endswith("T00:00:00.000Z")
    assert direct["endDate"].endswith("T23:59:59.000Z")


def test_types_render_like_the_seed(client: FlaskClient, promos: Source) -> None:
    body = get(client, **BEN, limit=100).json
    generic = by_name(body, "Late generic")
    assert generic["pointsOfferType"] == "GENERIC"
    assert generic["promotionRestriction"]["issualRestrictions"] == []
    assert "customerPromotionTimelines" not in generic
    late_enrol = by_name(body, "Late enrol")
    assert late_enrol["pointsOfferType"] == "LOYALTY_EARNING"
    assert late_enrol["customerPromotionTimelines"] == []
    assert late_enrol["promotionRestriction"]["earnRestrictions"][0]["kpi"] == "NUMBER_OF_EARNS"
    enrol = by_name(body, "Enrol")  # ana earned it, ben did not
    assert enrol["customerUsage"]["currentNumberOfTimesPerCustomer"] == 0
    assert enrol["customerUsage"]["currentTotalPointsInPromotion"] == "150.000"


def test_fetch_all_usage_adds_the_disabled_restrictions(client: FlaskClient,
                                                        promos: Source) -> None:
    plain = by_name(get(client, **ANA, limit=100).json, "Enrol")
    full = by_name(get(client, **ANA, limit=100, fetchAllUsage="true").json, "Enrol")
    extra = full["promotionRestriction"]["redemptionRestrictions"][
        len(plain["promotionRestriction"]["redemptionRestrictions"]):]
    assert [(x["kpi"], x["limitOn"], x["maxLimit"]) for x in extra] == [
        ("NUMBER_OF_POINTS", "CUSTOMER", "-1"), ("NUMBER_OF_TIMES", "PROMOTION", "-1"),
        ("NUMBER_OF_POINTS", "PROMOTION", "-1")]
    assert extra[0]["currentCustomerUsage"] == "150.000"


def test_a_customer_of_a_single_generated_event_has_no_promotions(client: FlaskClient) -> None:
    payload = client.post("/api/generate", json={"event": "transactionAdded"}).json["payload"]
    cid = payload["data"]["customerIdentifiers"]["customerId"]
    body = get(client, source="INSTORE", identifierName="id", identifierValue=cid).json
    assert body["customerId"] == cid and body["promotions"] == []
    assert body["pageDetails"]["totalEntries"] == 0
