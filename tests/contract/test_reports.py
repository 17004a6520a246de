"""JUnit XML, JSON and Markdown reports of contract cases."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from capmock.contract.reports import junit_xml, markdown, write_reports
from capmock.contract.results import Case, Report, failed


def sample() -> Report:
    return Report("check", [
        Case("acceptance[pointsIssued]", "acceptance", message="answered 200", seconds=0.01),
        failed("idempotency[loyalty]", "idempotency", "customer 1: $.body.tier = 2, want 1",
               "sent: every event twice\ncustomer 1 (id 5):\n  $.body.tier = 2, want 1"),
        Case("tolerant-reader[extra fields]", "tolerant-reader", "skipped", "nothing accepted"),
        Case("concurrency[x]", "concurrency", message="2 events acknowledged",
             note="status codes only"),
    ], meta={"target": "http://t/hook"}, notes=["concurrency: status codes only"])


def test_junit_has_one_testcase_per_case_with_evidence() -> None:
    root = ET.fromstring(junit_xml([sample()]))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failure = cases["idempotency[loyalty]"].find("failure")
    assert failure is not None
    assert failure.get("message") == "customer 1: $.body.tier = 2, want 1"
    assert "customer 1 (id 5):" in (failure.text or "")
    assert cases["tolerant-reader[extra fields]"].find("skipped") is not None
    assert cases["acceptance[pointsIssued]"].get("classname") == "capmock.check.acceptance"
    out = cases["concurrency[x]"].find("system-out")
    assert out is not None and out.text == "status codes only"


def test_markdown_lists_failures_first_with_details() -> None:
    text = markdown([sample()])
    lines = text.splitlines()
    assert lines[0] == "### capmock check: FAILED"
    assert "1 passed, 1 failed, 1 skipped" not in text  # two passed: the note does not fail
    assert "2 passed, 1 failed, 1 skipped" in text
    rows = [ln for ln in lines if ln.startswith("| ")]
    assert rows[1].startswith("| ❌ | `idempotency[loyalty]`")  # after the header row
    assert "<details><summary>idempotency[loyalty]</summary>" in text
    assert "> concurrency: status codes only" in text


def test_write_reports_json_and_appends_markdown(tmp_path: Path) -> None:
    md, js = tmp_path / "out" / "summary.md", tmp_path / "r.json"
    write_reports([sample()], report_json=js, summary_md=md)
    write_reports([sample()], summary_md=md)
    assert md.read_text().count("### capmock check: FAILED") == 2
    doc = json.loads(js.read_text())
    assert doc["ok"] is False and doc["counts"]["failed"] == 1
    assert doc["cases"][1]["details"].startswith("sent: every event twice")
