"""Write a :class:`Report` as JUnit XML, JSON, or Markdown (a CI step summary)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from capmock.contract.results import Case, Report
from capmock.outputs import cannot_write

_ROWS = 200  # Markdown: cases listed at most (failures first)


def junit_xml(reports: Iterable[Report]) -> str:
    """One <testsuite> per report, one <testcase> per case; a failure carries the evidence."""
    root = ET.Element("testsuites", name="capmock")
    for report in reports:
        counts = report.counts()
        suite = ET.SubElement(
            root,
            "testsuite",
            name=report.title,
            tests=str(len(report.cases)),
            failures=str(counts["failed"]),
            errors="0",
            skipped=str(counts["skipped"]),
            time=f"{sum(c.seconds for c in report.cases):.3f}",
        )
        if report.meta:
            props = ET.SubElement(suite, "properties")
            for key, value in report.meta.items():
                ET.SubElement(props, "property", name=str(key), value=str(value))
        for case in report.cases:
            suite.append(_testcase(report, case))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(report: Report, case: Case) -> ET.Element:
    el = ET.Element(
        "testcase",
        classname=f"capmock.{report.title}.{case.group}",
        name=case.name,
        time=f"{case.seconds:.3f}",
    )
    if case.status == "failed":
        failure = ET.SubElement(el, "failure", message=case.message, type="ContractFailure")
        failure.text = "\n".join(t for t in (case.message, case.details) if t)
    elif case.status == "skipped":
        ET.SubElement(el, "skipped", message=case.message)
    if case.note or (case.status == "passed" and case.details):
        out = ET.SubElement(el, "system-out")
        out.text = "\n".join(t for t in (case.note, case.details) if t)
    return el


def markdown(reports: Iterable[Report]) -> str:
    lines: list[str] = []
    for report in reports:
        c = report.counts()
        verdict = "passed" if report.ok else "FAILED"
        lines += [
            f"### capmock {report.title}: {verdict}",
            "",
            f"{c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped",
            "",
        ]
        lines += [f"> {note}" for note in report.notes]
        if report.notes:
            lines.append("")
        lines += ["| | case | result |", "|---|---|---|"]
        ordered = sorted(report.cases, key=lambda k: k.status != "failed")
        for case in ordered[:_ROWS]:
            icon = {"passed": "✅", "failed": "❌", "skipped": "⏭️"}[case.status]
            text = case.message + (f" ({case.note})" if case.note else "")
            lines.append(f"| {icon} | `{case.name}` | {_cell(text)} |")
        if len(ordered) > _ROWS:
            lines.append(f"| | … | {len(ordered) - _ROWS} more cases |")
        failures = [case for case in ordered if case.failed and case.details]
        for case in failures[:20]:
            lines += ["", f"<details><summary>{case.name}</summary>", "", "```",
                      case.details, "```", "", "</details>"]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_reports(
    reports: list[Report],
    *,
    junit: str | Path | None = None,
    report_json: str | Path | None = None,
    summary_md: str | Path | None = None,
) -> None:
    """Write each file asked for; ``summary_md`` is appended to (GITHUB_STEP_SUMMARY)."""
    try:
        if junit:
            _parent(junit).write_text(junit_xml(reports), encoding="utf-8")
        if report_json:
            doc = [r.to_dict() for r in reports]
            text = json.dumps(doc[0] if len(doc) == 1 else doc, indent=2, ensure_ascii=False)
            _parent(report_json).write_text(text + "\n", encoding="utf-8")
        if summary_md:
            with _parent(summary_md).open("a", encoding="utf-8") as f:
                f.write(markdown(reports))
    except OSError as err:
        raise cannot_write(err.filename or "report", err, "the report") from None


def _parent(path: str | Path) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out
