"""The pytest plugin, exercised in isolated pytest runs (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

# pytester's in-process runs drop the modules first imported inside them; import what the
# plugin imports lazily here, once, so every run sees the same classes (isinstance holds).
import capmock.contract.webhook
import capmock.delivery.sink
import capmock.runner  # noqa: F401 - with it the scenario player and the model

pytest_plugins = ["pytester"]

GOOD_APP = Path(__file__).resolve().parents[2] / "examples" / "consumers" / "good" / "app.py"
TARGET = f"wsgi:{GOOD_APP}:create_app()/webhook"

ORG = """\
org:
  id: 150698
  programs:
    - {id: 838, points_per_currency: 0.1, tiers: [{name: Silver, threshold: 0},
       {name: Gold, threshold: 1000}]}
"""
SCENARIO = """\
name: {name}
include: common/org.yaml
seed: 2
consumer: {{state: "GET {{base}}/customers/{{customerId}}", within: 0.3s}}
customers: {{ravi: {{}}}}
steps:
  - enrol: ravi
  - transact: {{amount: 1800}}
  - check: {{customer: ravi, json: {{$.points.current: "{{{{ ravi.points.current }}}}",
            $.tier: {tier}}}}}
"""


@pytest.fixture
def scenarios(pytester: pytest.Pytester) -> Path:
    folder = pytester.mkdir("scenarios")
    (folder / "common").mkdir()
    (folder / "common" / "org.yaml").write_text(ORG)  # a fragment: no steps, not a test
    (folder / "earns.yaml").write_text(SCENARIO.format(name="earns", tier="1"))
    (folder / "wrong.yaml").write_text(SCENARIO.format(name="wrong", tier="3"))
    pytester.makepyfile(test_unit="def test_unit():\n    pass\n")
    return folder


def test_scenario_files_become_test_items(pytester: pytest.Pytester, scenarios: Path) -> None:
    result = pytester.runpytest("--capmock-target", TARGET, "--capmock-scenarios",
                                str(scenarios), "-v")
    result.assert_outcomes(passed=1, failed=1)  # no paths given: the scenarios only
    result.stdout.fnmatch_lines([
        "*earns.yaml::earns PASSED*",
        "*wrong.yaml::wrong FAILED*",
        "*FAIL  check ravi at *wrong.yaml:9 — $.tier = 1, want 3*",
        "*expected GET http://127.0.0.1:*/customers/* -> 200 with*",
    ])
    assert "test_unit" not in result.stdout.str()


def test_explicit_paths_run_alongside_the_scenarios(pytester: pytest.Pytester,
                                                    scenarios: Path) -> None:
    junit = pytester.path / "out.xml"
    result = pytester.runpytest("test_unit.py", "--capmock-target", TARGET,
                                "--capmock-scenarios", str(scenarios), f"--junitxml={junit}")
    result.assert_outcomes(passed=2, failed=1)
    text = junit.read_text()
    assert 'name="earns"' in text and '<property name="deliveries [2xx]" value="passed"' in text


def test_without_options_yaml_files_are_not_collected(pytester: pytest.Pytester,
                                                      scenarios: Path) -> None:
    result = pytester.runpytest(str(scenarios))
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_fixtures_emit_to_a_fresh_sink_and_expose_the_model(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_run_to_the_sink(capmock, capmock_sink, capmock_model):
            result = capmock.run("earn-and-redeem")   # no target: the capmock_sink fixture
            result.assert_all_delivered()
            result.assert_ok()
            assert len(capmock_sink.received) == result.summary.delivered == 9
            assert capmock_sink.received[0].event_name == "customerAdded"
            assert capmock_model["ravi"]["points"]["current"] == 540
            assert capmock_model["ravi"]["tier"]["name"] == "Silver"
            assert capmock_model.snapshot()["events"] == 9

        def test_the_sink_is_fresh_for_each_test(capmock_sink):
            assert capmock_sink.received == []

        def test_failed_deliveries_fail_the_assertion(capmock, capmock_sink):
            capmock_sink.behaviour.status = 500
            capmock.run("enrol-and-first-purchase", retry="none").assert_all_delivered()

        def test_model_before_a_run(capmock_model):
            capmock_model["ravi"]
    """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "*AssertionError: 0 of 3 events delivered, 3 failed, 0 pending:*",
        "*LookupError: no scenario has run yet*",
    ])


def test_capmock_target_option_configures_the_fixture(pytester: pytest.Pytester,
                                                     scenarios: Path) -> None:
    pytester.makepyfile(test_target="""
        def test_against_the_consumer(capmock):
            assert capmock.target.startswith("http://127.0.0.1:")
            result = capmock.run("scenarios/earns.yaml")
            result.assert_ok()
            assert result.target == capmock.target
            assert [c.status for c in result.cases] == ["passed", "passed"]
    """)
    result = pytester.runpytest("test_target.py", "--capmock-target", TARGET)
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("target, said", [
    ("notaurl", "--capmock-target: target 'notaurl' is not an http(s) URL"),
    ("ftp://host/hook", "--capmock-target: target 'ftp://host/hook' is not an http(s) URL"),
    ("wsgi:nomodule", "--capmock-target: 'wsgi:nomodule' is not wsgi:module:attr — e.g. "
                      "wsgi:myapp.wsgi:app"),
])
def test_a_bad_target_stops_the_session_before_any_test(pytester: pytest.Pytester,
                                                        target: str, said: str) -> None:
    pytester.makepyfile(test_unit="def test_unit():\n    pass\n")
    result = pytester.runpytest("--capmock-target", target)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {said}"])
    result.stdout.no_fnmatch_line("*1 passed*")
