"""``fields`` in ``capmock serve``: the API's generate, deliveries and runs take a level (all,
typical, required) as ``capmock generate/run --fields`` do, ``serve --fields`` sets the
server's default, and the OpenAPI document says so."""

from __future__ import annotations

from typing import Any

import requests
from flask.testing import FlaskClient

from capmock.server.hub import ServeConfig
from capmock.server.serve import ServerThread

from .conftest import wait_until


def members(value: Any) -> int:
    """How many members a payload holds, at every depth."""
    if isinstance(value, dict):
        return len(value) + sum(members(v) for v in value.values())
    if isinstance(value, list):
        return sum(members(v) for v in value)
    return 0


def generated(client: FlaskClient, **body: Any) -> dict[str, Any]:
    resp = client.post("/api/generate", json={"event": "pointsIssued", "seed": 5, **body})
    assert resp.status_code == 200, resp.json
    assert resp.json["problems"] == []  # every level is valid against the schemas
    return resp.json["payload"]


def test_generate_takes_a_fields_level(client: FlaskClient) -> None:
    full, usual, bare = (generated(client, fields=f) for f in ("all", "typical", "required"))
    assert members(full) > members(usual) > members(bare)
    assert "InMillis" in str(full) and "InMillis" not in str(bare)
    assert generated(client) == usual  # the server's default: typical


def test_a_bad_level_is_a_400_naming_the_choices(client: FlaskClient) -> None:
    for path, body in (
        ("/api/generate", {"event": "pointsIssued"}),
        ("/api/deliveries", {"event": "pointsIssued"}),
        ("/api/runs", {"scenario": "earn-and-redeem"}),
    ):
        resp = client.post(path, json={**body, "fields": "everything"})
        assert resp.status_code == 400, path
        assert resp.json["error"] == "fields: one of all, typical, required", resp.json


def sent_bodies(live: ServerThread, **body: Any) -> list[str]:
    """The bodies a scenario run delivered to the built-in sink."""
    resp = requests.post(
        f"{live.url}/api/runs", timeout=5, json={"scenario": "earn-and-redeem", "seed": 3, **body}
    )
    assert resp.status_code == 202, resp.text
    run_id = resp.json()["run"]["id"]

    def done() -> dict[str, Any] | None:
        run = requests.get(f"{live.url}/api/runs/{run_id}", timeout=5).json()
        return run if run["state"] != "running" else None

    assert wait_until(done)["summary"]["delivered"] == 9
    sink = live.hub.sinks.get("default")
    assert sink is not None
    bodies = [h.received.body.decode() for h in sink.hits]
    sink.hits.clear()
    return bodies


def test_a_scenario_run_takes_a_fields_level(live: ServerThread) -> None:
    full = sent_bodies(live, fields="all")
    bare = sent_bodies(live, fields="required")
    assert len(full) == len(bare) == 9
    assert sum(map(len, full)) > sum(map(len, bare))
    # pointsIssued's …InMillis companions: every documented member, as `plan --fields all`
    assert any("InMillis" in b for b in full) and not any("InMillis" in b for b in bare)


def test_serve_fields_sets_the_default_and_a_request_overrides_it() -> None:
    with ServerThread(ServeConfig(port=0, fields="all")) as server:

        def post(**body: Any) -> dict[str, Any]:
            return requests.post(
                f"{server.url}/api/generate",
                timeout=5,
                json={"event": "transactionAdded", "seed": 5, **body},
            ).json()["payload"]

        assert post() == post(fields="all")
        assert members(post(fields="required")) < members(post())


def test_the_openapi_document_lists_fields_and_variations(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").json
    for path in ("/api/generate", "/api/deliveries", "/api/runs"):
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        props = schema["schema"]["properties"]
        assert props["fields"]["enum"] == ["all", "typical", "required"], path
        assert props["variations"]["maximum"] == 1, path
