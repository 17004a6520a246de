"""Sinks (recording, configured behaviour), scenario uploads (limits and checks: a 4xx with
a clear message, never a 500) and the --ui-password."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from capmock.server.app import create_app
from capmock.server.hub import ServeConfig

from .conftest import PROMOS, basic

# ---- sinks -----------------------------------------------------------------------------


def test_sink_records_and_answers_in_order(client: FlaskClient) -> None:
    settings = {"statuses": [503, 429], "status": 202, "retry_after": 7}
    assert client.put("/api/sinks/hook-1", json=settings).status_code == 200
    got = [client.post("/sink/hook-1", json={"eventName": "x", "eventId": f"e{i}"})
           for i in range(3)]
    assert [r.status_code for r in got] == [503, 429, 202]
    assert got[0].headers["Retry-After"] == "7" and "Retry-After" not in got[2].headers
    sink = client.get("/api/sinks/hook-1").json
    assert sink["count"] == 3 and sink["settings"] == settings
    assert [(r["n"], r["eventId"], r["status"]) for r in sink["requests"]] == [
        (3, "e2", 202), (2, "e1", 429), (1, "e0", 503)]


def test_failure_rate_is_seeded(client: FlaskClient) -> None:
    client.put("/api/sinks/coin", json={"failure_rate": "50%", "failure_status": 500, "seed": 3})
    first = [client.post("/sink/coin", data=b"not json").status_code for _ in range(20)]
    client.put("/api/sinks/coin", json={"failure_rate": "50%", "failure_status": 500, "seed": 3})
    assert [client.post("/sink/coin").status_code for _ in range(20)] == first
    assert set(first) == {200, 500}
    names = {s["name"]: s["count"] for s in client.get("/api/sinks").json}
    assert names["coin"] == 40 and "default" in names


def test_sink_is_created_on_first_use_and_can_be_cleared(client: FlaskClient) -> None:
    assert client.get("/api/sinks/new").status_code == 404
    assert client.post("/sink/new", json={"a": 1}).status_code == 200
    assert client.get("/api/sinks/new").json["count"] == 1
    assert client.delete("/api/sinks/new/requests").json["count"] == 0
    assert client.post("/sink/-bad").status_code == 404


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [({"status": 700}, "200 to 599"), ({"statuses": "500"}, "list"),
     ({"statuses": [500, True]}, "200 to 599"), ({"latency": "100s"}, "at most 30s"),
     ({"latency": "soon"}, "cannot read duration"), ({"failure_rate": 2}, "between 0 and 1"),
     ({"retry_after": "1\r\nX-Evil: 1"}, "retry_after"), ({"colour": "red"}, "unknown"),
     ({"seed": "x"}, "integer")],
)
def test_bad_sink_settings(client: FlaskClient, settings: dict[str, Any], fragment: str) -> None:
    resp = client.put("/api/sinks/x", json=settings)
    assert resp.status_code == 400
    assert fragment in resp.json["error"]


# ---- uploads ---------------------------------------------------------------------------

GOOD = """name: my-journey
description: Alice buys twice.
include: common/org.yaml
customers:
  alice: {first_name: Alice}
steps:
  - enrol: alice
  - transact: {customer: alice, amount: 2450}
"""


def upload(client: FlaskClient, content: str, filename: str = "mine.yaml") -> Any:
    return client.post("/api/scenarios", json={"filename": filename, "content": content})


def test_upload_then_list(client: FlaskClient) -> None:
    resp = upload(client, GOOD)
    assert resp.status_code == 201
    assert resp.json["name"] == "mine" and resp.json["origin"] == "uploaded"
    listed = {s["name"]: s for s in client.get("/api/scenarios").json}
    assert listed["mine"]["summary"] == "Alice buys twice."


def test_raw_yaml_upload_and_name_clash_with_a_bundled_one(client: FlaskClient) -> None:
    resp = client.post("/api/scenarios?filename=earn-and-redeem.yml", data=GOOD,
                       content_type="application/x-yaml")
    assert resp.status_code == 201 and resp.json["name"] == "earn-and-redeem-upload"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("steps: [\n  - enrol: x\n", "mine:"),  # bad YAML, with a location
        ("name: x\nsteps:\n  - fly: {to: moon}\n", "fly"),
        ("- just\n- a list\n", "a scenario is a mapping"),
        ("name: x\ninclude: ../../etc/passwd\nsteps: []\n", "only files next to the upload"),
        ("name: x\ninclude: /etc/passwd\nsteps: []\n", "only files next to the upload"),
        ("name: x\ncustomers: {a: {}}\nsteps:\n  - redeem_points: {customer: a, points: 5}\n",
         "mine"),
        ("a: &a [1, 1]\nb: &b [*a, *a]\nc: &c [*b, *b]\n" + "".join(
            f"d{i}: [*c, *c, *c]\n" for i in range(40)), "too many YAML aliases"),
    ],
)
def test_bad_uploads_are_400_with_a_clear_message(client: FlaskClient, content: str,
                                                  fragment: str) -> None:
    resp = upload(client, content)
    assert resp.status_code == 400, resp.json
    message = resp.json["error"] + resp.json.get("hint", "")
    assert fragment in message
    assert "/tmp" not in message and "capmock-uploads" not in message


def test_upload_limits(client: FlaskClient) -> None:
    big = "# " + "x" * (300 * 1024) + "\n" + GOOD
    assert upload(client, big).status_code == 413
    raw = client.post("/api/scenarios", data=b"\xff\xfe name: x",
                      content_type="application/x-yaml")
    assert raw.status_code == 400 and "UTF-8" in raw.json["error"]
    assert upload(client, "").status_code == 400
    assert client.post("/api/scenarios", data="name: x").status_code == 400  # not JSON/YAML


def test_an_uploaded_scenario_cannot_name_server_files(client: FlaskClient) -> None:
    resp = client.post("/api/runs", json={"scenario": str(PROMOS)})
    assert resp.status_code == 400


# ---- the UI password -------------------------------------------------------------------


@pytest.fixture
def guarded() -> FlaskClient:
    return create_app(ServeConfig(port=0, ui_password="pw")).test_client()


def test_ui_password_protects_page_and_api(guarded: FlaskClient) -> None:
    for path in ("/", "/api/events", "/api/sinks"):
        resp = guarded.get(path)
        assert resp.status_code == 401, path
        assert resp.headers["WWW-Authenticate"].startswith("Basic")
        assert guarded.get(path, headers=basic("anyone", "pw")).status_code == 200
        assert guarded.get(path, headers=basic("anyone", "wrong")).status_code == 401


def test_ui_password_leaves_sinks_and_capillary_apis_alone(guarded: FlaskClient) -> None:
    assert guarded.post("/sink/default", data=json.dumps({"a": 1})).status_code == 200
    lookup = guarded.get("/v2/customers/lookup", query_string={
        "source": "INSTORE", "identifierName": "id", "identifierValue": "1"})
    assert lookup.status_code == 400  # answered (not found), not 401
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/openapi.json").status_code == 200
