"""The mock Capillary lookup APIs answer from the model, and demand credentials only when
``--api-user/--api-password`` are set (Basic, or a token from /v3/oauth/token/generate)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from flask.testing import FlaskClient

from capmock.server.app import create_app
from capmock.server.hub import ServeConfig
from capmock.server.world_registry import Source

from .conftest import PROMOS, basic, play_into

ANA = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": "919800000001"}
TOKEN = "/v3/oauth/token/generate"


def ana_id(promos: Source) -> int:
    return next(c.customer_id for c, _ in promos.customers() if c.first_name == "Ana")


def test_customer_lookup_profile(client: FlaskClient, promos: Source) -> None:
    for path in ("/v2/customers/lookup", "/v2/customers/lookup/customerDetails"):
        body = client.get(path, query_string=ANA).json
        assert body["id"] == ana_id(promos)
        profile = body["profiles"][0]
        assert (profile["firstName"], profile["lastName"]) == ("Ana", "Lima")
        assert {"type": "email", "value": "Ana.Lima@example.com"} in profile["identifiers"]
        assert body["loyaltyInfo"]["loyaltyType"] == "loyalty"
        assert body["loyaltyInfo"]["lifetimePurchases"] == 2000.0
        assert body["loyaltyProgramDetails"][0]["loyaltyPoints"] == 650.0


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"identifierName": "cuid"}, [8013]), ({"identifierValue": ""}, [8015]),
     ({"source": "nowhere"}, [8003]), ({"identifierValue": "910000000000"}, [8015])],
)
def test_customer_lookup_errors(client: FlaskClient, promos: Source, params: dict[str, str],
                                expected: list[int]) -> None:
    resp = client.get("/v2/customers/lookup", query_string={**ANA, **params})
    assert resp.status_code == 400
    assert [e["code"] for e in resp.json["errors"]] == expected


def test_loyalty_details_points_and_tier(client: FlaskClient, promos: Source) -> None:
    body = client.get("/v2/customers/lookup/loyaltyDetails", query_string=ANA).json
    assert body["warnings"] == [] and body["errors"] == []
    (item,) = body["data"]
    assert item["loyaltyPoints"] == item["lifetimePoints"] == 650.0
    assert item["programId"] == 838 and item["loyaltyId"] == ana_id(promos)
    assert (item["currentSlab"], item["slabSNo"], item["nextSlab"]) == ("Silver", 1, "Gold")
    by_id = client.get(f"/v2/customers/{ana_id(promos)}/loyaltyDetails").json
    assert by_id == body


def test_loyalty_details_program_filter(client: FlaskClient, promos: Source) -> None:
    url = f"/v2/customers/{ana_id(promos)}/loyaltyDetails"
    assert len(client.get(url, query_string={"programId": 838}).json["data"]) == 1
    resp = client.get(url, query_string={"programId": 5})
    assert resp.status_code == 400 and resp.json["errors"][0]["code"] == 8089
    missing = client.get("/v2/customers/1/loyaltyDetails")
    assert missing.status_code == 400 and missing.json["errors"][0]["code"] == 8015


def test_lookups_follow_the_model_as_it_changes(client: FlaskClient, promos: Source) -> None:
    """The newest model of a customer wins: playing earn-and-redeem adds its customer."""
    from capmock.scenario import BUNDLED

    before = client.get("/api/model").json["sources"]
    play_into(client.application.extensions["capmock"], BUNDLED / "earn-and-redeem.yaml")
    after = client.get("/api/model").json["sources"]
    assert len(after) == len(before) + 1 and after[0]["kind"] == "scenario"
    row = client.get("/api/model/customers", query_string={"q": after[0]["label"]}).json
    customer = row["customers"][0]
    details = client.get(f"/v2/customers/{customer['customerId']}/loyaltyDetails").json
    program = next(iter(customer["programs"].values()))
    assert details["data"][0]["loyaltyPoints"] == program["current"]


# ---- authentication ------------------------------------------------------------------


@pytest.fixture
def locked() -> FlaskClient:
    app = create_app(ServeConfig(port=0, api_user="till.user", api_password="s3cret"))
    play_into(app.extensions["capmock"], PROMOS)
    return app.test_client()


def lookup(client: FlaskClient, headers: dict[str, str] | None = None) -> Any:
    return client.get("/v2/customers/lookup", query_string=ANA, headers=headers or {})


def test_without_credentials_configured_anyone_may_call(client: FlaskClient,
                                                        promos: Source) -> None:
    assert lookup(client).status_code == 200
    token = client.post(TOKEN, json={"key": "any", "secret": "thing"})
    assert token.status_code == 200 and token.json["data"]["accessToken"]


def test_401_without_credentials(locked: FlaskClient) -> None:
    for path in ("/v2/customers/lookup", "/v2/customers/lookup/promotionData",
                 "/v2/customers/lookup/loyaltyDetails", "/v2/customers/1/loyaltyDetails"):
        resp = locked.get(path, query_string=ANA)
        assert resp.status_code == 401, path
        assert resp.json["errors"][0]["code"] == 401
        assert resp.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("password", ["s3cret", hashlib.md5(b"s3cret").hexdigest()])
def test_basic_auth_plain_or_md5(locked: FlaskClient, password: str) -> None:
    assert lookup(locked, basic("till.user", password)).status_code == 200


@pytest.mark.parametrize(("user", "password"), [("till.user", "wrong"), ("other", "s3cret")])
def test_basic_auth_wrong(locked: FlaskClient, user: str, password: str) -> None:
    assert lookup(locked, basic(user, password)).status_code == 401
    assert lookup(locked, {"Authorization": "Basic !!notbase64"}).status_code == 401


def test_token_flow(locked: FlaskClient) -> None:
    resp = locked.post(TOKEN, json={"key": "till.user", "secret": "s3cret"})
    assert resp.status_code == 200
    data = resp.json["data"]
    assert data["ttlSeconds"] > 0 and resp.json["errors"] is None
    ok = lookup(locked, {"X-CAP-API-OAUTH-TOKEN": data["accessToken"]})
    assert ok.status_code == 200 and ok.json["profiles"][0]["firstName"] == "Ana"
    assert lookup(locked, {"X-CAP-API-OAUTH-TOKEN": "forged"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [({"key": "till.user", "secret": "nope"}, 401), ({"key": "till.user"}, 400),
     ({}, 400), (None, 400)],
)
def test_token_errors(locked: FlaskClient, body: Any, status: int) -> None:
    resp = locked.post(TOKEN, json=body) if body is not None else locked.post(TOKEN, data="x")
    assert resp.status_code == status
    assert resp.json["errors"][0]["status"] is False


def test_unknown_capillary_path_answers_in_capillary_shape(client: FlaskClient) -> None:
    resp = client.get("/v2/nothing/here")
    assert resp.status_code == 404 and resp.json["errors"][0]["code"] == 404
