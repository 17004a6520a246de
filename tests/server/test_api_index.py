"""GET /api/ lists the API (every path and method with its summary, from the OpenAPI
document) instead of answering 404."""

from __future__ import annotations

import requests

from capmock.server.serve import ServerThread


def test_the_api_lists_itself(live: ServerThread) -> None:
    resp = requests.get(f"{live.url}/api/", timeout=5)
    assert resp.status_code == 200
    body = resp.json()
    assert body["openapi"] == f"{live.url}/openapi.json"
    listed = {(e["method"], e["path"]) for e in body["endpoints"]}
    assert all(e["summary"] for e in body["endpoints"])
    assert ("POST", "/api/scenarios") in listed and ("GET", "/v2/customers/lookup") in listed
    doc = requests.get(body["openapi"], timeout=5).json()
    assert listed == {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    routes = {
        (method, rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
        for rule in live.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    routes = {
        (
            m,
            p.replace("{customer_id}", "{id}")
            .replace("{delivery_id}", "{id}")
            .replace("{run_id}", "{id}"),
        )
        for m, p in routes
    }
    assert routes <= listed


def test_without_the_slash_it_redirects_there(live: ServerThread) -> None:
    resp = requests.get(f"{live.url}/api", timeout=5)
    assert resp.status_code == 200 and resp.url == f"{live.url}/api/"
