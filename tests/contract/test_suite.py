"""`capmock check`'s suite: passes the good reference consumer, fails the naive one on
exactly the checks it should, for the right reasons."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, naive_events

from capmock import catalog
from capmock.cli import main
from capmock.contract.checks import reversed_per_customer, run_suite
from capmock.contract.consumer_state import StateEndpoint
from capmock.contract.journeys import Journey, Table, _swap
from capmock.contract.suite import CHECKS, STATUS_ONLY, SuiteConfig
from capmock.delivery import DeliveryOptions
from capmock.schemas import default_validator


def config(base: str, *, state: bool = False, **kw: Any) -> SuiteConfig:
    endpoint = StateEndpoint.parse("{base}/customers/{customerId}", target=base) if state else None
    return SuiteConfig(f"{base}/webhook", options=DeliveryOptions.from_settings(retry="none"),
                       state=endpoint, within=0.5, **kw)


def test_good_consumer_passes_every_check(good: str) -> None:
    report = run_suite(config(good, state=True))
    assert report.ok, [c.describe() for c in report.cases if c.failed]
    names = [c.name for c in report.cases]
    assert {n.split("[")[0] for n in names} == set(CHECKS)
    assert sum(n.startswith("acceptance[") for n in names) == len(catalog.names())
    assert not report.notes
    same = "same state as the journey delivered once, in order"
    assert [c.message for c in report.cases if c.group in ("idempotency", "order-tolerance",
            "retry-safety", "concurrency")] == [same] * 5


def test_naive_consumer_fails_the_right_checks_for_the_right_reasons(naive: str) -> None:
    report = run_suite(config(naive, state=True, events=naive_events()))
    by_name = {c.name: c for c in report.cases}
    failed = {c.name for c in report.cases if c.failed}
    assert failed == {
        "idempotency[loyalty]",
        "order-tolerance[reversed per customer]",
        "order-tolerance[shuffled globally]",
        "tolerant-reader[extra fields]",
        "tolerant-reader[unknown eventName]",
        "retry-safety[loyalty]",
    }
    assert all(by_name[f"acceptance[{e}]"].status == "passed" for e in naive_events())
    assert by_name["concurrency[one customer, 10 connections]"].status == "passed"
    # duplicates are added again: balances and purchase counts double
    idem = by_name["idempotency[loyalty]"]
    assert idem.message == "customer 1: $.body.points.current = 1000.0, want 500.0"
    assert "$.body.transactions = 4, want 2" in idem.details
    # a late tierUpgraded overwrites the newer tierDowngraded
    order = by_name["order-tolerance[reversed per customer]"]
    assert order.message == "customer 1: $.body.tier = 2, want 1"
    assert "the same journey reversed per customer (tierDowngraded/c1" in order.details
    # strict reader: 500 for unknown fields and names
    assert "refused with unknown fields added: customerAdded #0 got 500" in (
        by_name["tolerant-reader[extra fields]"].message)
    assert by_name["tolerant-reader[unknown eventName]"].message.startswith(
        "'capmockUnknownEvent' got 500")
    assert "$.body.points.current = 1000.0, want 500.0" in by_name["retry-safety[loyalty]"].details


def test_naive_fails_acceptance_exactly_for_events_it_has_no_handler_for(naive: str) -> None:
    report = run_suite(config(naive, only=("acceptance",)))
    refused = {c.name.removeprefix("acceptance[").removesuffix("]") for c in report.cases
               if c.failed}
    assert refused == set(catalog.names()) - naive_events()
    assert all(c.message.startswith("expected 2xx, got 500") for c in report.cases if c.failed)


def test_without_state_the_state_checks_judge_status_codes_and_say_so(naive: str) -> None:
    only = ("idempotency", "order-tolerance", "retry-safety", "concurrency")
    report = run_suite(config(naive, events=naive_events(), only=only))
    assert report.ok
    assert len(report.cases) == 5 and all(c.note == STATUS_ONLY for c in report.cases)
    assert report.notes == [f"{', '.join(only)}: {STATUS_ONLY}."]


def test_customer_sets_differ_only_in_identities() -> None:
    journey = Journey.play("loyalty", seed=1, envelope="wrapped")
    a, b = journey.instance(1, 7), journey.instance(2, 7)
    assert set(a.customer_ids).isdisjoint(b.customer_ids)
    assert set(a.customer_ids).isdisjoint(journey.customers)
    ids = [{p["eventId"] for p in s} for s in (journey.payloads, a.payloads, b.payloads)]
    assert ids[0].isdisjoint(ids[1]) and ids[1].isdisjoint(ids[2]) and len(ids[1]) == 17
    rank = [sorted(range(17), key=lambda i, s=s: s[i]["eventId"])
            for s in (journey.payloads, a.payloads)]
    assert rank[0] == rank[1]  # eventIds keep their order: same tie-breaks in every set
    canon = Table(journey.identities)
    validator = default_validator()
    for original, pa, pb in zip(journey.payloads, a.payloads, b.payloads, strict=True):
        assert pa != original
        assert a.normalise(pa) == b.normalise(pb) == _swap(original, canon)
        assert validator.validate(pa) == []
    doc = {"customerId": a.customer_ids[1], "ref": f"150698_{a.customer_ids[1]}", "n": 5}
    assert a.normalise(doc) == {"customerId": "<customerId 2>", "ref": "150698_<customerId 2>",
                                "n": 5}


def test_reversed_per_customer_keeps_the_interleaving() -> None:
    def ev(cid: int, n: int) -> dict[str, Any]:
        return {"eventName": f"e{n}", "data": {"customerIdentifiers": {"customerId": cid}}}

    stream = [ev(1, 1), ev(2, 1), ev(1, 2), ev(1, 3), ev(2, 2)]
    out = reversed_per_customer(stream)
    assert [(e["data"]["customerIdentifiers"]["customerId"], e["eventName"]) for e in out] == [
        (1, "e3"), (2, "e2"), (1, "e2"), (1, "e1"), (2, "e1")]


GOOD_TARGET = f"wsgi:{EXAMPLES / 'good' / 'app.py'}:create_app()/webhook"
NAIVE_TARGET = f"wsgi:{EXAMPLES / 'naive' / 'app.py'}:create_app()/webhook"


def test_check_cli_against_a_wsgi_target_writes_reports(tmp_path: Path) -> None:
    junit, md = tmp_path / "check.xml", tmp_path / "summary.md"
    result = CliRunner().invoke(main, [
        "check", "--target", GOOD_TARGET, "--state", "{base}/customers/{customerId}",
        "--within", "1s", "--junit", str(junit), "--summary-md", str(md),
    ])
    assert result.exit_code == 0, result.output
    assert "PASS  order-tolerance[shuffled globally]" in result.output
    assert result.output.rstrip().endswith(f"passed: {len(catalog.names()) + 7} passed, "
                                           "0 failed, 0 skipped")
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    assert len(suite.findall("testcase")) == len(catalog.names()) + 7
    assert md.read_text().startswith("### capmock check: passed")


def test_check_cli_fails_naive_with_evidence_and_exit_1(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, [
        "check", "--target", NAIVE_TARGET, "--only", "tolerant-reader,acceptance",
        "--events", ",".join(sorted(naive_events())), "--report-json", str(out), "--quiet",
    ])
    assert result.exit_code == 1, result.output
    assert "FAIL  tolerant-reader[unknown eventName] — 'capmockUnknownEvent' got 500" in (
        result.output)
    report = json.loads(out.read_text())
    assert report["counts"] == {"passed": len(naive_events()), "failed": 2, "skipped": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duplicates", "5%"], "--duplicates: check applies its own faults"),
        (["--only", "idempotncy"], "unknown check 'idempotncy' — did you mean 'idempotency'?"),
        (["--events", "pointIssued"], "unknown event 'pointIssued'"),
        (["--state", "http://x/customers"], "has no {customerId}"),
    ],
)
def test_check_cli_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["check", "--target", "http://127.0.0.1:9/hook", *args])
    assert result.exit_code == 2
    assert message in result.output
