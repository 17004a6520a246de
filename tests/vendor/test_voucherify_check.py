"""`capmock check --vendor voucherify` separates the Voucherify-reading reference consumers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from capmock.cli import main
from capmock.contract.journeys import Journey, customer_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "consumers"
GOOD = f"wsgi:{EXAMPLES / 'good' / 'voucherify_app.py'}:create_app()/webhook"
NAIVE = f"wsgi:{EXAMPLES / 'naive' / 'voucherify_app.py'}:create_app()/webhook"
STATE = "{base}/customers/{customerId}"


def check(target: str, tmp_path: Path, *more: str) -> tuple[int, dict[str, str]]:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, [
        "check", "--vendor", "voucherify", "--target", target, "--state", STATE,
        "--within", "1s", "--report-json", str(out), "--quiet", *more,
    ])  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = json.loads(out.read_text())
    return result.exit_code, {c["name"]: c["status"] for c in report["cases"]}


def test_the_good_voucherify_consumer_passes_every_check(tmp_path: Path) -> None:
    code, cases = check(GOOD, tmp_path)
    assert code == 0, cases
    assert set(cases.values()) == {"passed"}
    acceptance = sorted(name for name in cases if name.startswith("acceptance["))
    assert acceptance == [
        f"acceptance[voucher.loyalty_card.transaction.created:POINTS_{kind}]"
        for kind in ("ACCRUAL", "ADDITION", "REDEMPTION", "REFUND", "TRANSFER_IN", "TRANSFER_OUT")
    ]
    assert "order-tolerance[shuffled globally]" in cases


def test_capillary_variations_leave_voucherify_checks_alone(tmp_path: Path) -> None:
    """--variations are Capillary's documented shapes: with another vendor they change
    nothing (they used to crash the tolerant-reader check on a missing eventName)."""
    code, cases = check(GOOD, tmp_path, "--variations", "0.5")
    assert code == 0, cases
    assert set(cases.values()) == {"passed"}
    assert not any(name.startswith("tolerant-reader[integral") for name in cases)


def test_plan_with_variations_is_unchanged_for_voucherify() -> None:
    args = ["plan", "earn-and-redeem", "--vendor", "voucherify"]
    plain = CliRunner().invoke(main, args)
    varied = CliRunner().invoke(main, [*args, "--variations", "0.9"])
    assert plain.exit_code == varied.exit_code == 0
    assert plain.stdout == varied.stdout and plain.stdout.count("\n") > 3


def test_the_naive_voucherify_consumer_fails_where_it_is_naive(tmp_path: Path) -> None:
    code, cases = check(NAIVE, tmp_path)
    assert code == 1
    failed = {name for name, status in cases.items() if status == "failed"}
    assert {
        "idempotency[loyalty]",
        "retry-safety[loyalty]",
        "tolerant-reader[extra fields]",
        "tolerant-reader[unknown eventName]",
        "order-tolerance[shuffled globally]",
    } <= failed
    assert all(status == "passed" for name, status in cases.items() if name.startswith("accept"))


def test_customer_sets_give_voucherify_holders_fresh_ids_and_map_them_back() -> None:
    journey = Journey.play("loyalty", seed=1, envelope="flat", vendor="voucherify")
    a, b = journey.instance(1, 7), journey.instance(2, 7)
    assert all(h.startswith("cust_") for h in journey.customers)
    assert a.customer_ids != b.customer_ids
    assert {customer_of(p) for p in a.payloads} == set(a.customer_ids)
    assert len({p["id"] for p in a.payloads} | {p["id"] for p in b.payloads}) == 2 * len(a.payloads)
    doc = {"customerId": a.customer_ids[0], "points": {"current": 5}}
    assert a.normalise(doc) == b.normalise({**doc, "customerId": b.customer_ids[0]})
    assert a.normalise(doc)["customerId"] == "<holder 1>"
