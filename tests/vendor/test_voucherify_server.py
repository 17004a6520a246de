"""The page's API plays a scenario as Voucherify webhooks (`"vendor": "voucherify"`)."""

from __future__ import annotations

import time
from typing import Any

import requests

from capmock.server.serve import ServeConfig, ServerThread


def finished(url: str, run_id: int, deadline_s: float = 20.0) -> dict[str, Any]:
    until = time.monotonic() + deadline_s
    while True:
        run = requests.get(f"{url}/api/runs/{run_id}", timeout=5).json()
        if run["state"] != "running" or time.monotonic() > until:
            return run
        time.sleep(0.05)  # polling a live server's run with a deadline, not a fixed wait


def test_a_run_with_the_voucherify_vendor_delivers_its_transactions() -> None:
    with ServerThread(ServeConfig(port=0)) as live:
        resp = requests.post(
            f"{live.url}/api/runs",
            json={"scenario": "points-transfer", "vendor": "voucherify"},
            timeout=5,
        )
        assert resp.status_code == 202, resp.text
        run = finished(live.url, resp.json()["run"]["id"])
        assert run["summary"]["delivered"] == run["deliveries"] == 5
        rows = requests.get(
            f"{live.url}/api/deliveries", params={"run": run["id"]}, timeout=5
        ).json()["deliveries"]
        assert {r["eventName"] for r in rows} == {"voucher.loyalty_card.transaction.created"}
        assert all(r["eventId"].startswith("event_") for r in rows)
        bad = requests.post(
            f"{live.url}/api/runs", json={"scenario": "points-transfer", "vendor": "x"}, timeout=5
        )
        assert bad.status_code == 400 and "vendor: one of capillary, voucherify" in bad.text
