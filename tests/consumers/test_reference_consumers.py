"""The reference consumers in examples/consumers against real capmock payloads.

The good consumer must end in the same state however the events arrive (twice, shuffled,
in both envelopes, concurrently) and agree with capmock's own model; the naive one must
show exactly the bugs it was written with, so capmock's checks have something to catch.
"""

from __future__ import annotations

import copy
import importlib.util
import random
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import capmock
from capmock.scenario import load, plan
from capmock.scenario.player import Player
from capmock.scenario.state import snapshot
from capmock.variations import VARIANTS, variant

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "consumers"
Payload = dict[str, Any]
State = dict[str, Any]


def load_app(kind: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"{kind}_consumer_app", EXAMPLES / kind / "app.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


GOOD = load_app("good")
NAIVE = load_app("naive")
SCENARIOS = [
    "earn-and-redeem",
    "purchase-and-return",
    "points-transfer",
    "points-expiry",
    "tier-up-and-down",
    "indonesian-retailer",
    "all-events",
]


# ---- helpers -------------------------------------------------------------------------------


def body(payload: Payload) -> Payload:
    return payload["attributes"] if isinstance(payload.get("attributes"), dict) else payload


def customer_ids(payloads: list[Payload]) -> list[int]:
    ids = {body(p)["data"].get("customerIdentifiers", {}).get("customerId") for p in payloads}
    return sorted(i for i in ids if isinstance(i, int))


def deliver(client: FlaskClient, payloads: list[Payload]) -> list[int]:
    return [client.post("/webhook", json=p).status_code for p in payloads]


def states(client: FlaskClient, ids: list[int]) -> dict[int, State]:
    out = {}
    for cid in ids:
        resp = client.get(f"/customers/{cid}")
        assert resp.status_code == 200, (cid, resp.get_data(as_text=True))
        out[cid] = resp.get_json()
    return out


def run(create_app: Callable[[], Flask], payloads: list[Payload]) -> dict[int, State]:
    client = create_app().test_client()
    assert set(deliver(client, payloads)) == {200}
    return states(client, customer_ids(payloads))


def shuffled(payloads: list[Payload], seed: int) -> list[Payload]:
    out = list(payloads)
    random.Random(seed).shuffle(out)
    return out


def twice(payloads: list[Payload]) -> list[Payload]:
    return [p for p in payloads for _ in range(2)]


def model_states(name: str) -> dict[int, State]:
    """What capmock's own model says each (not merged-away) customer ends with."""
    player = Player(load(name))
    for _ in player.payloads():
        pass
    out = {}
    for row in snapshot(player)["customers"]:
        if row["mergedInto"] is None:
            (account,) = row["programs"].values()
            out[row["customerId"]] = {
                "customerId": row["customerId"],
                "points": {"current": account["current"], "lifetime": account["lifetime"]},
                "tier": account["tier"]["number"],
                "transactions": row["visits"],
            }
    return out


def restamped(payload: Payload, created_at: int, **data: Any) -> Payload:
    """A copy of ``payload`` as a new event: fresh eventId, its own createdAt and data."""
    out = copy.deepcopy(payload)
    out["eventId"] = str(uuid.uuid4())
    body(out)["createdAt"] = created_at
    body(out)["data"].update(data)
    return out


# ---- the good consumer ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_good_matches_capmock_model(name: str) -> None:
    payloads = list(plan(name))
    got = run(GOOD.create_app, payloads)
    want = model_states(name)
    assert want
    assert {cid: got.get(cid) for cid in want} == want


@pytest.mark.parametrize("name", SCENARIOS)
def test_good_is_idempotent(name: str) -> None:
    payloads = list(plan(name))
    assert run(GOOD.create_app, twice(payloads)) == run(GOOD.create_app, payloads)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_good_tolerates_any_order(name: str, seed: int) -> None:
    payloads = list(plan(name))
    in_order = run(GOOD.create_app, payloads)
    assert run(GOOD.create_app, shuffled(payloads, seed)) == in_order
    assert run(GOOD.create_app, shuffled(twice(payloads), seed)) == in_order


@pytest.mark.parametrize("name", ["earn-and-redeem", "tier-up-and-down"])
def test_good_same_state_from_either_envelope(name: str) -> None:
    flat = run(GOOD.create_app, list(plan(name, envelope="flat")))
    wrapped = run(GOOD.create_app, list(plan(name, envelope="wrapped")))
    assert flat == wrapped


@pytest.mark.parametrize("name", ["earn-and-redeem", "tier-up-and-down", "purchase-and-return"])
def test_good_same_state_from_every_documented_shape_variant(name: str) -> None:
    """Capillary's documented shape variants (docs/variations.md) change nothing the good
    consumer keeps (optional-absent aside: it takes the balances it reads)."""
    plain = run(GOOD.create_app, list(plan(name)))
    for v in VARIANTS:
        payloads = list(plan(name))
        for payload in payloads:
            v.apply(payload, random.Random(1))
        client = GOOD.create_app().test_client()
        assert set(deliver(client, payloads)) == {200}, v.name
        assert states(client, list(plain)) == plain, v.name


def test_naive_refuses_integral_floats_as_ids() -> None:
    client = NAIVE.create_app().test_client()
    payload = capmock.generate("pointsIssued", seed=4)
    floats = capmock.generate("pointsIssued", seed=4, variations=0.0)
    variant("integral-floats").apply(floats, random.Random(1))
    assert deliver(client, [payload]) == [200]
    assert deliver(client, [floats]) == [500]


def test_good_earn_and_redeem_state() -> None:
    (state,) = run(GOOD.create_app, list(plan("earn-and-redeem"))).values()
    assert state["points"] == {"current": 540.0, "lifetime": 540.0}
    assert (state["tier"], state["transactions"]) == (1, 3)


@pytest.mark.parametrize("style", ["flat", "wrapped"])
def test_good_tolerates_unknown_fields_and_events(style: str) -> None:
    client = GOOD.create_app().test_client()
    payload = capmock.generate("pointsIssued", style=style, seed=7)
    payload["brandNewEnvelopeField"] = {"x": 1}
    body(payload)["data"]["brandNewDataField"] = [1, 2, 3]
    unknown = capmock.generate("customerAdded", style=style, seed=8)
    body(unknown)["eventName"] = "someEventFrom2030"
    unknown["eventType"] = "someEventFrom2030"
    assert deliver(client, [payload, unknown]) == [200, 200]
    (cid,) = customer_ids([payload])
    state = client.get(f"/customers/{cid}").get_json()
    assert state["points"]["current"] == body(payload)["data"]["programCurrentPoints"]
    assert client.get(f"/customers/{customer_ids([unknown])[0]}").status_code == 404


def test_good_rejects_what_is_not_an_event_and_answers_health() -> None:
    client = GOOD.create_app().test_client()
    assert client.post("/webhook", json=[1, 2]).status_code == 400
    assert client.post("/webhook", data="not json").status_code == 400
    assert client.get("/customers/42").status_code == 404
    assert client.get("/health").status_code == 200


def test_good_late_older_event_does_not_overwrite_newer() -> None:
    up = capmock.generate("tierUpgraded", seed=3)
    at = body(up)["createdAt"]
    older = restamped(up, at, upgradedTierNumber=2)
    newer = restamped(up, at + 1000, upgradedTierNumber=3)
    tie = restamped(up, at + 1000, upgradedTierNumber=1)  # same millisecond: eventId decides
    winner = max(newer, tie, key=lambda p: (body(p)["createdAt"], p["eventId"]))
    (cid,) = customer_ids([up])
    for order in ([older, newer, tie], [tie, newer, older], [newer, tie, older]):
        client = GOOD.create_app().test_client()
        deliver(client, order)
        tier = client.get(f"/customers/{cid}").get_json()["tier"]
        assert tier == body(winner)["data"]["upgradedTierNumber"]


def test_good_persists_to_a_file(tmp_path: Path) -> None:
    payloads = list(plan("earn-and-redeem"))
    db = str(tmp_path / "state.db")
    deliver(GOOD.create_app(db).test_client(), payloads[:5])
    second = GOOD.create_app(db).test_client()  # a restart: same file, same dedupe table
    assert set(deliver(second, payloads)) == {200}
    assert states(second, customer_ids(payloads)) == run(GOOD.create_app, payloads)


# ---- concurrency -----------------------------------------------------------------------------


@pytest.fixture
def served_good() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, GOOD.create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def ten_events_for_one_customer() -> list[Payload]:
    issued = capmock.generate("pointsIssued", seed=11)
    bill = capmock.generate("transactionAdded", seed=11)
    cid = body(issued)["data"]["customerIdentifiers"]
    at = body(issued)["createdAt"]
    events = [
        restamped(bill, at + i, customerIdentifiers=cid, billType="REGULAR") for i in range(4)
    ]
    events += [
        restamped(
            issued,
            at + i,
            programCurrentPoints=100.0 * (i + 1),
            programLifetimePoints=150.0 * (i + 1),
        )
        for i in range(4)
    ]
    expired = capmock.generate("pointsExpired", seed=11)
    events += [
        restamped(expired, at + 10 + i, customerIdentifiers=cid, pointsExpired=25) for i in range(2)
    ]
    return events


def test_good_concurrent_deliveries_for_one_customer(served_good: str) -> None:
    events = ten_events_for_one_customer()
    barrier = threading.Barrier(len(events))
    codes: list[int] = []

    def post(payload: Payload) -> None:
        barrier.wait(timeout=10)
        codes.append(requests.post(f"{served_good}/webhook", json=payload, timeout=10).status_code)

    threads = [threading.Thread(target=post, args=(p,)) for p in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert codes == [200] * 10
    (cid,) = customer_ids(events)
    state = requests.get(f"{served_good}/customers/{cid}", timeout=10).json()
    assert state["points"] == {"current": 400.0 - 50.0, "lifetime": 600.0}
    assert state["transactions"] == 4


# ---- the naive consumer ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["earn-and-redeem", "purchase-and-return", "points-transfer"])
def test_naive_is_right_on_the_happy_path(name: str) -> None:
    payloads = list(plan(name))
    assert run(NAIVE.create_app, payloads) == run(GOOD.create_app, payloads)


def test_naive_double_counts_duplicates() -> None:
    payloads = list(plan("earn-and-redeem"))
    (once,) = run(NAIVE.create_app, payloads).values()
    (doubled,) = run(NAIVE.create_app, twice(payloads)).values()
    assert once["points"] == {"current": 540.0, "lifetime": 540.0}
    assert doubled["points"] == {"current": 1080.0, "lifetime": 1080.0}
    assert doubled["transactions"] == 2 * once["transactions"] == 6


def test_naive_trusts_arrival_order() -> None:
    payloads = list(plan("purchase-and-return"))  # tierUpgraded (2), later tierDowngraded (1)
    tiers = [
        body(p)["data"].get("upgradedTierNumber", body(p)["data"].get("downgradedTierNumber"))
        for p in payloads
        if body(p)["eventName"] in ("tierUpgraded", "tierDowngraded")
    ]
    assert tiers == [2, 1]
    late = list(reversed(payloads))  # the older upgrade now arrives last
    (good,) = run(GOOD.create_app, late).values()
    (naive,) = run(NAIVE.create_app, late).values()
    assert good["tier"] == 1
    assert naive["tier"] == 2


@pytest.mark.parametrize("style", ["flat", "wrapped"])
def test_naive_fails_on_unknown_field_and_event(style: str) -> None:
    client = NAIVE.create_app().test_client()
    payload = capmock.generate("pointsIssued", style=style, seed=7)
    assert deliver(client, [payload]) == [200]
    extra = restamped(payload, body(payload)["createdAt"] + 1)
    extra["brandNewEnvelopeField"] = True
    unknown = restamped(payload, body(payload)["createdAt"] + 2)
    body(unknown)["eventName"] = "someEventFrom2030"
    assert deliver(client, [extra, unknown]) == [500, 500]
    assert deliver(GOOD.create_app().test_client(), [payload, extra, unknown]) == [200] * 3
