"""Voucherify webhooks through capmock's delivery: event ids, faults, signing, replay."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from standardwebhooks.webhooks import Webhook

from capmock.delivery import DeliveryOptions, Planned, deliver, read_journal, replay
from capmock.delivery.sink import Sink
from capmock.runner import run_scenario
from capmock.scenario import plan

SECRET = "whsec_" + base64.b64encode(b"capmock-test-signing-key-32bytes").decode()


def test_the_event_object_id_is_the_event_id_everywhere() -> None:
    payload = next(plan("earn-and-redeem", vendor="voucherify"))
    planned = Planned.from_payload(0, payload)
    assert planned.event_id == payload["id"] and planned.event_id.startswith("event_")
    assert planned.event_name == "voucher.loyalty_card.transaction.created"


def test_signed_duplicated_deliveries_verify_and_keep_their_id() -> None:
    events = [
        Planned.from_payload(i, p)
        for i, p in enumerate(plan("points-transfer", vendor="voucherify"))
    ]
    opts = DeliveryOptions.from_settings(
        sign="standard-webhooks", secret=SECRET, duplicates="100%", duplicate_delay="0s", seed="4"
    )
    with Sink.start() as sink:
        summary = deliver(events, sink.url, opts, journal=False)
        got = sink.wait_for(2 * len(events))
    assert summary.delivered == len(events) and summary.duplicates_sent == len(events)
    webhook = Webhook(SECRET)
    for request in got:
        assert webhook.verify(request.body, request.headers)["id"] == request.event_id
        assert request.header("webhook-id") == request.event_id
    assert sorted(r.event_id for r in got) == sorted(2 * [e.event_id for e in events])


def test_a_run_journals_the_vendor_and_replay_new_ids_rewrites_the_id(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    with Sink.start() as sink:
        result = run_scenario(
            "earn-and-redeem", target=sink.url, journal=journal, vendor="voucherify"
        )
        assert result.summary.delivered == 5
        state = read_journal(journal)
        assert (state.meta or {})["vendor"] == "voucherify"
        again = replay(
            journal, DeliveryOptions(), select="all", new_ids=True, target=sink.url, journal=False
        )
        got = sink.wait_for(10)
    assert again.delivered == 5
    first, second = got[:5], got[5:]
    assert {r.event_id for r in first}.isdisjoint(r.event_id for r in second)
    for old, new in zip(first, second, strict=True):
        a, b = json.loads(old.body), json.loads(new.body)
        assert a["data"] == b["data"] and a["id"] != b["id"]
