"""The REST API: catalog, generate, validate, deliver (to a real server's built-in sinks),
the delivery log, redelivery, scenario runs and the model."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from capmock.server.serve import ServerThread

from .conftest import wait_until

FAST = {"retry": "custom", "max_attempts": "5", "time_scale": "0.001"}


def finished(live: ServerThread, run_id: int) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        run = requests.get(f"{live.url}/api/runs/{run_id}", timeout=5).json()
        return run if run["state"] != "running" else None

    return wait_until(done)


def fire(live: ServerThread, **body: Any) -> dict[str, Any]:
    resp = requests.post(f"{live.url}/api/deliveries", json=body, timeout=5)
    assert resp.status_code == 202, resp.text
    return resp.json()


def delivery(live: ServerThread, delivery_id: int) -> dict[str, Any]:
    return requests.get(f"{live.url}/api/deliveries/{delivery_id}", timeout=5).json()


def only_delivery(live: ServerThread, run_id: int) -> dict[str, Any]:
    rows = requests.get(f"{live.url}/api/deliveries", params={"run": run_id}, timeout=5).json()
    (row,) = rows["deliveries"]
    return delivery(live, row["id"])


def test_catalog_and_generation(client: FlaskClient) -> None:
    names = [e["name"] for e in client.get("/api/events").json]
    assert "transactionAdded" in names and len(names) >= 60
    body = client.post("/api/generate", json={"event": "tierUpgraded", "style": "wrapped",
                                              "seed": 7}).json
    assert body["problems"] == [] and body["payload"]["attributes"]["eventName"] == "tierUpgraded"
    again = client.post("/api/generate", json={"event": "tierUpgraded", "style": "wrapped",
                                               "seed": 7}).json
    assert again["payload"] == body["payload"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [({"event": "pointIssued"}, "did you mean 'pointsIssued'"), ({}, "event"),
     ({"event": "pointsIssued", "style": "fancy"}, "style"),
     ({"event": "pointsIssued", "seed": -1}, "seed"), ({"event": 5}, "wrong type")],
)
def test_generate_errors(client: FlaskClient, body: dict[str, Any], fragment: str) -> None:
    resp = client.post("/api/generate", json=body)
    assert resp.status_code == 400
    assert fragment in resp.json["error"] + resp.json.get("hint", "")


def test_validate(client: FlaskClient) -> None:
    payload = client.post("/api/generate", json={"event": "pointsIssued"}).json["payload"]
    assert client.post("/api/validate", json=payload).json == {"valid": True, "problems": []}
    payload["data"]["customerIdentifiers"]["customerId"] = "not a number"
    bad = client.post("/api/validate", json=payload).json
    assert not bad["valid"]
    assert bad["problems"][0]["path"] == "$.data.customerIdentifiers.customerId"
    assert client.post("/api/validate", json=[1, 2]).json["valid"] is False
    assert client.post("/api/validate", data="{oops", content_type="application/json"
                       ).status_code == 400


def test_an_event_reaches_the_built_in_sink_and_is_logged(live: ServerThread) -> None:
    out = fire(live, event="transactionAdded")
    assert out["problems"] == []
    assert out["run"]["target"] == f"{live.url}/sink/default"
    run = finished(live, out["run"]["id"])
    assert run["state"] == "done" and run["summary"]["delivered"] == 1
    d = only_delivery(live, run["id"])
    assert d["outcome"] == "delivered" and d["status"] == 200
    assert d["request"]["headers"]["User-Agent"] == "Java/1.8.0_272"
    sink = requests.get(f"{live.url}/api/sinks/default", timeout=5).json()
    assert sink["count"] == 1 and sink["requests"][0]["eventId"] == d["eventId"]


def test_redeliver_appends_an_attempt_with_the_same_bytes(live: ServerThread) -> None:
    payload = {"eventName": "custom", "eventId": "evt-1", "data": {"x": 1}}
    run = finished(live, fire(live, payload=payload)["run"]["id"])
    d = only_delivery(live, run["id"])
    resp = requests.post(f"{live.url}/api/deliveries/{d['id']}/redeliver", timeout=5)
    assert resp.status_code == 202 and resp.json()["run"]["kind"] == "redeliver"
    finished(live, resp.json()["run"]["id"])
    again = delivery(live, d["id"])
    assert [(a["n"], a["kind"], a["status"]) for a in again["attempts"]] == [
        (1, "send", 200), (2, "redeliver", 200)]
    sink = live.hub.sinks.get("default")
    assert sink is not None
    assert [h.received.body for h in sink.hits] == [again["request"]["body"].encode()] * 2


def test_retries_against_a_flaky_sink(live: ServerThread) -> None:
    put = requests.put(f"{live.url}/api/sinks/flaky", timeout=5,
                       json={"statuses": [500, 503], "retry_after": "1"})
    assert put.status_code == 200 and put.json()["pending_statuses"] == [500, 503]
    out = fire(live, event="pointsIssued", target=f"{live.url}/sink/flaky", options=FAST)
    d = only_delivery(live, finished(live, out["run"]["id"])["id"])
    assert [a["status"] for a in d["attempts"]] == [500, 503, 200]
    assert [a["outcome"] for a in d["attempts"]] == ["retrying", "retrying", "delivered"]
    assert d["attempts"][0]["response"] == '{"status":"error"}'
    assert d["attempts"][0]["wait"] == pytest.approx(0.001)  # Retry-After 1 s, time-scaled


def test_a_4xx_is_final(live: ServerThread) -> None:
    requests.put(f"{live.url}/api/sinks/strict", json={"status": 422}, timeout=5)
    out = fire(live, event="pointsIssued", target=f"{live.url}/sink/strict", options=FAST)
    run = finished(live, out["run"]["id"])
    d = only_delivery(live, run["id"])
    assert d["outcome"] == "failed-final" and len(d["attempts"]) == 1
    assert run["summary"]["failed_final"] == 1


def test_duplicates_fault_adds_a_duplicate_attempt(live: ServerThread) -> None:
    options = {"duplicates": "100%", "duplicate_delay": "0..10ms"}
    d = only_delivery(live, finished(live, fire(live, event="pointsIssued",
                                                 options=options)["run"]["id"])["id"])
    assert [a["kind"] for a in d["attempts"]] == ["send", "duplicate"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"event": "pointsIssued", "options": {"retries": "3"}}, "did you mean 'retry'"),
        ({"event": "pointsIssued", "options": {"retry": "often"}}, "unknown retry policy"),
        ({"event": "pointsIssued", "options": {"connections": 1000}}, "at most 64"),
        ({"event": "pointsIssued", "options": {"header": ["X: a\r\nY: b"]}}, "line breaks"),
        ({"event": "pointsIssued", "options": {"time_scale": "nan"}}, "finite"),
        ({"event": "pointsIssued", "options": []}, "JSON object"),
        ({"event": "pointsIssued", "target": "ftp://example.com/x"}, "not an http(s) URL"),
        ({"payload": [1]}, "wrong type"),
        ({"target": "http://127.0.0.1:9/"}, "send a payload"),
    ],
)
def test_delivery_errors(client: FlaskClient, body: dict[str, Any], fragment: str) -> None:
    resp = client.post("/api/deliveries", json=body)
    assert resp.status_code == 400
    assert fragment in resp.json["error"] + resp.json.get("hint", "")


def test_allowed_targets(client: FlaskClient) -> None:
    hub = client.application.extensions["capmock"]
    hub.config.allow_targets = ("http://consumer:3000/",)
    resp = client.post("/api/deliveries", json={"event": "pointsIssued",
                                                "target": "http://elsewhere/hook"})
    assert resp.status_code == 400 and "not allowed" in resp.json["error"]


def test_scenario_run_updates_the_model(live: ServerThread) -> None:
    resp = requests.post(f"{live.url}/api/runs", json={"scenario": "earn-and-redeem",
                                                       "options": {"connections": 2}}, timeout=5)
    assert resp.status_code == 202
    run = finished(live, resp.json()["run"]["id"])
    assert run["summary"]["delivered"] == run["deliveries"] == 9
    customers = requests.get(f"{live.url}/api/model/customers",
                             params={"q": "earn-and-redeem"}, timeout=5).json()
    assert customers["total"] >= 1 and customers["customers"][0]["ledger"] is True
    cid = customers["customers"][0]["customerId"]
    one = requests.get(f"{live.url}/api/model/customers/{cid}", timeout=5).json()
    assert one["customerId"] == cid


def test_unknown_scenario(client: FlaskClient) -> None:
    resp = client.post("/api/runs", json={"scenario": "earn-and-redem"})
    assert resp.status_code == 400 and "earn-and-redeem" in resp.json["hint"]
    assert client.post("/api/runs", json={"scenario": "/etc/passwd"}).status_code == 400


def test_the_log_answers_what_changed_since_a_version(live: ServerThread) -> None:
    first = finished(live, fire(live, event="pointsIssued")["run"]["id"])
    log = requests.get(f"{live.url}/api/deliveries", timeout=5).json()
    seen = log["version"]
    assert log["total"] == 1 and log["runs"][0]["id"] == first["id"]
    assert requests.get(f"{live.url}/api/deliveries", params={"since": seen},
                        timeout=5).json()["deliveries"] == []
    finished(live, fire(live, event="pointsIssued")["run"]["id"])
    newer = requests.get(f"{live.url}/api/deliveries", params={"since": seen}, timeout=5).json()
    assert [d["id"] for d in newer["deliveries"]] == [2]


def test_not_found(client: FlaskClient) -> None:
    for method, path in (("get", "/api/deliveries/99"), ("post", "/api/deliveries/99/redeliver"),
                         ("get", "/api/runs/99"), ("get", "/api/model/customers/1"),
                         ("get", "/api/nothing")):
        resp = getattr(client, method)(path)
        assert resp.status_code == 404 and "error" in resp.json, path
    assert client.delete("/api/events").status_code == 405


def test_too_many_runs_in_progress(live: ServerThread) -> None:
    live.hub.log.max_active = 1
    requests.put(f"{live.url}/api/sinks/slow", json={"latency": "0.5"}, timeout=5)
    fire(live, event="pointsIssued", target=f"{live.url}/sink/slow")
    busy = requests.post(f"{live.url}/api/deliveries", json={"event": "pointsIssued"}, timeout=5)
    assert busy.status_code == 429 and "in progress" in busy.json()["error"]


def test_page_and_openapi(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and b"Delivery log" in page.data
    assert b"http://" not in page.data.split(b"<script>")[0].replace(b"http://www.w3", b"")
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.") and "/v2/customers/lookup/promotionData" in doc["paths"]
    assert client.get("/static/app.js").status_code == 200
