"""A scenario's `check:` steps with --vendor voucherify read the holder's state by its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from capmock.contract.webhook import serving
from capmock.runner import run_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "consumers"
GOOD = f"wsgi:{EXAMPLES / 'good' / 'voucherify_app.py'}:create_app()/webhook"
SCENARIO = """
name: voucherify-checks
seed: 2
org:
  id: 150698
  programs:
    - {id: 838, points_per_currency: 0.1, tiers: [{name: Silver, threshold: 0}]}
consumer: {state: "GET {base}/customers/{customerId}", within: 2s}
customers: {ravi: {}}
steps:
  - enrol: ravi
  - transact: {amount: 1800}
  - check: {customer: ravi, json: {$.points.current: "{{ ravi.points.current }}"}}
  - redeem_points: {points: 100}
  - check: {customer: ravi, json: {$.points.current: %s, $.transactions: 1}}
"""


@pytest.mark.parametrize(("balance", "passed"), [("80", True), ("180", False)])
def test_checks_read_the_voucherify_consumer_by_holder(
    tmp_path: Path, balance: str, passed: bool
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO % balance)
    with serving(GOOD) as url:
        result = run_scenario(str(path), target=url, journal=False, vendor="voucherify")
    checks = [c for c in result.cases if c.name.startswith("check ravi")]
    assert len(checks) == 2
    assert not checks[0].failed
    assert checks[1].failed is not passed
    assert "/customers/cust_" in checks[1].message or "cust_" in (checks[1].details or "")
