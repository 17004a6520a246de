"""Scenario expectations: `expect:` per delivery and `check:` of the consumer's state,
against the reference consumers and sinks on loopback."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Serve, load_consumer

from capmock.cli import main
from capmock.contract.checkpoint import evaluate
from capmock.contract.consumer_state import Observation
from capmock.delivery.sink import Reply, Sink
from capmock.errors import ScenarioError, UsageError
from capmock.runner import run_scenario
from capmock.scenario import load
from capmock.scenario.player import Checkpoint, Player

ORG = """
seed: 2
start: 2026-02-01T09:00:00Z
org:
  programs:
    - {id: 838, points_per_currency: 0.1, tiers: [{name: Silver, threshold: 0},
       {name: Gold, threshold: 1000}]}
"""
CHECKED = ORG + """
name: checked
consumer: {state: "GET {base}/customers/{customerId}", within: 1s}
customers: {ravi: {}}
steps:
  - enrol: ravi
  - transact: {amount: 1800}
  - check:
      customer: ravi
      json: {$.points.current: "{{ ravi.points.current }}", $.tier: "{{ ravi.tier.number }}",
             $.transactions: "{{ ravi.transactions }}"}
  - repeat: 2
    steps: [{transact: {amount: 5000}}]
  - check: {customer: ravi, json: {$.points.lifetime: "{{ ravi.points.lifetime }}",
            $.tier: 2}, within: 1s}
"""


def line(text: str, word: str) -> int:
    """The 1-based line of the first line of ``text`` containing ``word``."""
    return next(i for i, ln in enumerate(text.splitlines(), 1) if word in ln)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_checks_pass_against_the_good_consumer(tmp_path: Path, good: str) -> None:
    result = run_scenario(write(tmp_path, CHECKED), target=f"{good}/webhook", journal=False)
    assert result.ok, [c.describe() for c in result.cases]
    names = [c.name for c in result.cases]
    assert names[0] == "deliveries [2xx]"
    assert [n.split(" at ")[0] for n in names[1:]] == ["check ravi", "check ravi"]
    assert "$.points.current = 180.0" in result.cases[1].message  # the model's value
    assert "$.points.lifetime = 1180.0" in result.cases[2].message


def test_a_failed_check_says_what_was_expected_got_and_sent(tmp_path: Path, naive: str) -> None:
    result = run_scenario(
        write(tmp_path, CHECKED), target=f"{naive}/webhook", journal=False,
        flags={"duplicates": "100%", "duplicate_delay": "0..10ms"},
    )
    assert not result.ok
    check = result.cases[1]
    assert check.failed
    assert check.message == "$.points.current = 360.0, want 180.0; $.transactions = 2, want 1"
    assert "expected GET " in check.details and "/customers/" in check.details
    assert "$.points.current = 180.0  ({{ ravi.points.current }})" in check.details
    assert "last answer: 200 {" in check.details
    assert "(pointsIssued #2): delivered; sent twice" in check.details  # the fault shown
    assert result.cases[0].status == "passed"  # every delivery was acknowledged


def test_events_before_a_check_are_acknowledged_before_it_polls(
    tmp_path: Path, serve: Serve
) -> None:
    app = load_consumer("good").create_app()
    log: list[tuple[str, str]] = []

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        method = environ["REQUEST_METHOD"]
        if method == "GET":
            log.append(("GET starts", environ["PATH_INFO"]))
        body = list(app(environ, start_response))
        if method == "POST":
            log.append(("POST done", json.loads(environ["capmock.body"])["eventName"]))
        return body

    def reading(environ: dict[str, Any], start_response: Any) -> Any:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(size) if size else b""
        environ["capmock.body"] = raw or b"{}"
        import io

        environ["wsgi.input"] = io.BytesIO(raw)
        return recording(environ, start_response)

    base = serve(reading)
    result = run_scenario(write(tmp_path, CHECKED), target=f"{base}/webhook", journal=False,
                          flags={"connections": "4"})
    assert result.ok
    first_get = next(i for i, entry in enumerate(log) if entry[0] == "GET starts")
    before = sorted(e[1] for e in log[:first_get])  # 4 connections: any order among them
    assert before == ["customerAdded", "pointsIssued", "transactionAdded"]
    later = [e for e in log[first_get:] if e[0] == "POST done"]
    assert len(later) == 5  # two purchases (+ points, + the upgrade) after the first check


def test_step_expectations_reject_and_exact_codes(tmp_path: Path) -> None:
    text = ORG + """
name: expects
customers: {ravi: {}}
steps:
  - enrol: ravi
  - transact: {amount: 1800}
  - redeem_points: {points: 50}
    expect: reject
  - award_points: {points: 10}
    expect: {status: 202}
"""
    def answer(got: Any) -> Reply | None:
        name = got.event_name
        return Reply(422) if name == "pointsRedeemed" else Reply(202) if got.json else None

    with Sink.start(hook=answer) as sink:
        result = run_scenario(write(tmp_path, text), target=sink.url, journal=False,
                              flags={"retry": "none"})
    cases = {c.name: c for c in result.cases}
    assert set(cases) == {"deliveries [2xx]",
                          f"expect reject (4xx) at line {line(text, 'redeem_points')} "
                          "(redeem_points)",
                          f"expect 202 at line {line(text, 'award_points')} (award_points)"}
    assert all(c.status == "passed" for c in cases.values()), [c.message for c in cases.values()]
    assert result.ok and not result.summary.ok  # a failed-final 422 was what we expected


def test_unmet_expectation_names_the_event_and_status(tmp_path: Path) -> None:
    text = ORG + """
name: expects
expect: reject
customers: {ravi: {}}
steps:
  - enrol: ravi
  - transact: {amount: 1800}
    expect: 2xx
"""
    with Sink.start() as sink:
        result = run_scenario(write(tmp_path, text), target=sink.url, journal=False)
    cases = {c.name: c for c in result.cases}
    default = cases["deliveries [reject (4xx)]"]
    assert default.failed
    assert default.message == "1 of 1 events did not get reject (4xx): customerAdded #0 got 200"
    assert cases[f"expect 2xx at line {line(text, 'transact')} (transact)"].status == "passed"
    assert not result.ok


def test_check_polls_until_eventually_consistent_without_sleeping() -> None:
    player = Player(load_from_text(CHECKED))
    check = next(i for i in player.items() if isinstance(i, Checkpoint))
    now = [0.0]
    sleeps: list[float] = []
    answers = iter([Observation(404, {"error": "unknown"}),
                    Observation(200, {"points": {"current": 0}, "tier": 1, "transactions": 0}),
                    Observation(200, {"points": {"current": 180}, "tier": 1, "transactions": 1})])

    class Endpoint:
        method = "GET"

        def url(self, cid: int) -> str:
            return f"http://consumer/customers/{cid}"

        def read(self, cid: int, session: Any = None) -> Observation:
            return next(answers)

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    case = evaluate(check, Endpoint(), {}, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    assert case.status == "passed", case.details
    assert sleeps == [0.02, 0.04]


def load_from_text(text: str, tmp: Path | None = None) -> Any:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="capmock-contract-"))
    return load(write(folder, text))


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("- check: {customer: ravi, json: {points: 1}}", "a JSONPath starts with '$'"),
        ('- check: {customer: ravi, json: {$.a: "{{ rav.points.current }}"}}',
         "unknown customer 'rav' in a template"),
        ("- check: {customer: ravi}", "'check' needs 'json'"),
        ("- enrol: ravi\n    expect: 2xy", "bad expectation: '2xy' is not an expectation"),
    ],
)
def test_bad_checks_and_expectations_are_located(tmp_path: Path, step: str, message: str
                                                 ) -> None:
    text = ORG + f"name: bad\ncustomers: {{ravi: {{}}}}\nsteps:\n  {step}\n"
    with pytest.raises(ScenarioError) as err:
        load(write(tmp_path, text))
    assert message in str(err.value)
    where = line(text, step.splitlines()[-1].strip())
    assert f"s.yaml:{where}:" in str(err.value)  # file:line of the offending value


def test_bad_consumer_block(tmp_path: Path) -> None:
    text = ORG + 'name: b\nconsumer: {state: "{base}/customers", wihtin: 1s}\nsteps: []\n'
    with pytest.raises(ScenarioError) as err:
        load(write(tmp_path, text))
    assert "unknown consumer key 'wihtin'" in str(err.value)
    assert "state must be a URL template with {customerId}" in str(err.value)


def test_checks_need_a_state_endpoint_and_a_target(tmp_path: Path) -> None:
    text = CHECKED.replace('consumer: {state: "GET {base}/customers/{customerId}", within: 1s}\n',
                           "")
    path = write(tmp_path, text)
    with Sink.start() as sink, pytest.raises(UsageError, match="no consumer state"):
        run_scenario(path, target=sink.url, journal=False)
    with pytest.raises(UsageError, match="check steps need a consumer"):
        run_scenario(path, journal=False)


def test_plan_is_unchanged_by_checks(tmp_path: Path) -> None:
    with_checks = list(Player(load(write(tmp_path, CHECKED))).payloads())
    plain = CHECKED.split("  - check:")[0]
    without = list(Player(load(write(tmp_path, plain, "p.yaml"))).payloads())
    assert with_checks[: len(without)] == without


def test_run_cli_writes_reports_and_exits_by_expectations(tmp_path: Path, naive: str) -> None:
    junit, md, js = tmp_path / "r.xml", tmp_path / "r.md", tmp_path / "r.json"
    started = time.monotonic()
    result = CliRunner().invoke(main, [
        "run", write(tmp_path, CHECKED), "--target", f"{naive}/webhook", "--journal",
        str(tmp_path / "j.jsonl"), "--duplicates", "100%", "--duplicate-delay", "0..5ms",
        "--junit", str(junit), "--summary-md", str(md), "--report-json", str(js), "--quiet",
    ])
    assert result.exit_code == 1, result.output
    assert "FAIL  check ravi at" in result.output
    assert (tmp_path / "j.jsonl").exists() and (tmp_path / "j.1.jsonl").exists()  # segments
    report = json.loads(js.read_text())
    assert report["counts"] == {"passed": 1, "failed": 2, "skipped": 0}
    assert "<failure message=\"$.points.current = 360.0, want 180.0" in junit.read_text()
    assert md.read_text().startswith("### capmock run s: FAILED")
    assert time.monotonic() - started < 30


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ci" / "scenarios"


def test_the_ci_example_scenario_passes_the_good_consumer_and_fits_the_schema(good: str) -> None:
    import jsonschema

    from capmock.scenario.format_schema import scenario_schema
    from capmock.scenario.yamlload import load_file

    path = EXAMPLE / "earn-redeem-checked.yaml"
    jsonschema.validate(load_file(path), scenario_schema())
    result = run_scenario(str(path), target=f"{good}/webhook", journal=False)
    assert result.ok, [c.describe() for c in result.cases]
    assert [c.status for c in result.cases] == ["passed"] * 3
    assert result.summary.duplicates_sent == result.summary.planned == 8
