"""`capmock soak --vendor voucherify`: stamped Voucherify journeys, each its own holder."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from click.testing import CliRunner

from capmock.cli import main
from capmock.delivery.sink import Sink
from capmock.soak.crowd import JourneySource
from capmock.soak.settings import MixEntry
from capmock.soak.templates import build_mix
from capmock.vendor.voucherify.schema import problems


def test_stamped_journeys_validate_with_fresh_ids_and_their_own_balances() -> None:
    mix = build_mix((MixEntry("earn-and-redeem"), MixEntry("points-transfer")), seed=5,
                    count=3, vendor="voucherify")  # fmt: skip
    source = JourneySource(mix, seed=5, worker=0, customers=20, slots=4)
    payloads = []
    for _ in range(120):
        claim = source.claim()
        assert claim is not None
        payloads.append(json.loads(claim.body))
        source.release(claim.slot)
    assert all(problems(p) == [] for p in payloads)
    assert len({p["id"] for p in payloads}) == len(payloads)  # every event its own id
    assert len({p["data"]["transaction"]["id"] for p in payloads}) == len(payloads)
    holders = {p["data"]["holder"]["id"] for p in payloads}
    assert len(holders) > 10 and all(h.startswith("cust_") for h in holders)
    assert len({p["data"]["campaign"]["id"] for p in payloads}) == 1  # the shared program
    derived: dict[str, float] = defaultdict(float)
    for p in sorted(payloads, key=lambda p: p["data"]["transaction"]["created_at"]):
        moved = p["data"]["transaction"]["details"]["balance"]
        card = p["data"]["transaction"]["voucher_id"]
        assert card.startswith("v_") and card == p["data"]["voucher"]["id"]
        derived[card] += moved["points"]
        assert moved["balance"] == derived[card]  # a stamped card's balances still add up


def test_soak_cli_delivers_voucherify_webhooks(tmp_path: Path) -> None:
    with Sink.start(record=True) as sink:
        result = CliRunner().invoke(main, [
            "soak", "--vendor", "voucherify", "--mix", "earn-and-redeem", "--target", sink.url,
            "--rate", "50/s", "--duration", "1s", "--json", "--journal",
            str(tmp_path / "j.jsonl"), "--seed", "5",
        ])  # fmt: skip
        assert result.exit_code == 0, result.output
        got = list(sink.received)
    assert len(got) == 50
    assert {r.event_name for r in got} == {"voucher.loyalty_card.transaction.created"}
    assert len({r.event_id for r in got}) == 50


LOCUST_BUILD = """
import json, types
from capmock.soak.locust import SharedSource
opts = types.SimpleNamespace(capmock_seed=3, capmock_mix="earn-and-redeem", capmock_customers=10,
                             capmock_slots=2, capmock_envelope=None, capmock_vendor="voucherify")
env = types.SimpleNamespace(parsed_options=opts, runner=None)
claim = SharedSource._build(env).claim()
print(json.loads(claim.body)["type"])
"""


def test_the_locust_user_class_takes_the_vendor_option() -> None:
    """In a process of its own: importing Locust monkey-patches with gevent."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", LOCUST_BUILD], capture_output=True, text=True,
                         timeout=120, check=True)  # fmt: skip
    assert out.stdout.strip() == "voucher.loyalty_card.transaction.created"
