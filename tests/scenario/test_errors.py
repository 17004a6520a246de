"""Bad scenario files: each problem gets its own located, hinted message and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from capmock.cli import main


def plan(tmp_path: Path, text: str, name: str = "bad.yaml") -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text)
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output.replace(str(tmp_path) + "/", "")


HEAD = "name: t\ncustomers:\n  alice: {}\nsteps:\n  - enrol: alice\n"


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            "  - transat: {customer: alice, amount: 10}\n",
            "bad.yaml:6:5: steps[1]: unknown step 'transat' — did you mean 'transact'?",
        ),
        (
            "  - transact: {customer: alcie, amount: 10}\n",
            "bad.yaml:6:26: steps[1].customer: unknown customer 'alcie' — did you mean 'alice'?",
        ),
        (
            "  - transact: {customer: alice, amount: ten}\n",
            "bad.yaml:6:41: steps[1].amount: expected a number, got 'ten'",
        ),
        (
            "  - redeem_points: {customer: alice}\n",
            "bad.yaml:6:20: steps[1].redeem_points: 'redeem_points' needs 'points' (a number)",
        ),
        (
            "  - return: {bill: bil1}\n",
            "bad.yaml:6:20: steps[1].bill: unknown reference 'bil1' — name an earlier step's",
        ),
        ("  - wait: 3 days\n", "bad.yaml:6:11: steps[1].duration: expected a duration like 30d"),
        (
            "  - transact: {customer: alice, amont: 10}\n",
            "bad.yaml:6:33: steps[1].transact: unknown parameter 'amont' for 'transact' — "
            "did you mean 'amount'?",
        ),
        (
            "  - emit: {event: pointIssued}\n",
            "bad.yaml:6:19: steps[1].event: unknown event 'pointIssued' — "
            "did you mean 'pointsIssued'?",
        ),
    ],
)
def test_each_problem_is_reported_precisely(tmp_path: Path, step: str, message: str) -> None:
    code, out = plan(tmp_path, HEAD + step)
    assert code == 2
    assert message in out


def test_reference_before_it_is_named_is_caught(tmp_path: Path) -> None:
    text = HEAD + "  - return: b1\n  - transact: {customer: alice, amount: 5, as: b1}\n"
    code, out = plan(tmp_path, text)
    assert code == 2 and "unknown reference 'b1'" in out


def test_every_problem_is_listed(tmp_path: Path) -> None:
    text = HEAD + "  - transat: {}\n  - wait: soon\n"
    code, out = plan(tmp_path, text)
    assert code == 2
    assert "bad.yaml:6:5" in out and "bad.yaml:7:11" in out


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    code, out = plan(tmp_path, "name: t\nsteps:\n  - enrol: {customer: a\n")
    assert code == 2
    assert "bad.yaml:4:1: bad YAML" in out


def test_unknown_top_level_key_and_missing_file(tmp_path: Path) -> None:
    code, out = plan(tmp_path, HEAD + "step: []\n")
    assert code == 2 and "unknown top-level key 'step' — did you mean 'steps'?" in out
    result = CliRunner().invoke(main, ["plan", "earn-and-redem"])
    assert result.exit_code == 2
    assert (
        "no such scenario file 'earn-and-redem' — did you mean 'earn-and-redeem'?" in result.output
    )


def test_runtime_refusal_is_located(tmp_path: Path) -> None:
    code, out = plan(tmp_path, HEAD + "  - redeem_points: {customer: alice, points: 5}\n")
    assert code == 2
    assert "bad.yaml:6:20: redeem_points: needs 5 points but only 0 are available" in out


def test_include_missing_and_cycle(tmp_path: Path) -> None:
    code, out = plan(tmp_path, "include: nope.yaml\n" + HEAD)
    assert code == 2 and "included file not found: 'nope.yaml'" in out
    (tmp_path / "a.yaml").write_text("include: b.yaml\n")
    (tmp_path / "b.yaml").write_text("include: a.yaml\n")
    code, out = plan(tmp_path, "include: a.yaml\n" + HEAD)
    assert code == 2 and "include cycle" in out


def test_include_shares_org(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text("org: {id: 777, currency: USD}\n")
    path = tmp_path / "s.yaml"
    path.write_text("include: org.yaml\n" + HEAD)
    result = CliRunner().invoke(main, ["plan", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and all(json.loads(line)["orgId"] == 777 for line in lines)


@pytest.mark.parametrize(
    ("org", "message"),
    [
        ("org: {programs: 5}", "bad.yaml:1:17: org.programs: expected a list, got 5"),
        (
            "org: {programs: [{points_per_currency: lots}]}",
            "bad.yaml:1:40: org.programs[0].points_per_currency: expected a number, got 'lots'",
        ),
        (
            "org: {programs: [{tier_basis: points}]}",
            "bad.yaml:1:31: org.programs[0].tier_basis: unknown value 'points' — "
            "one of: lifetime_points, spend",
        ),
        ("org: {targets: [{metric: spend}]}", "org.targets[0]: a target needs 'name' (a string)"),
        (
            "org: {streaks: [{name: s, levels: [0, 2]}]}",
            "bad.yaml:1:36: org.streaks[0].levels[0]: must be at least 1, got 0",
        ),
        (
            "org: {locale: en_GG}",
            "bad.yaml:1:15: org.locale: unknown value 'en_GG' — did you mean 'en_GB'?",
        ),
    ],
)
def test_org_shapes_are_checked(tmp_path: Path, org: str, message: str) -> None:
    code, out = plan(tmp_path, org + "\n" + HEAD)
    assert code == 2
    assert message in out


def test_several_problems_keep_each_message_located_once() -> None:
    from capmock.errors import ScenarioError
    from capmock.scenario.validate import ScenarioProblems

    first = ScenarioError("unknown step 'transactt'", file="a.yaml", line=3, column=5,
                          field="steps[0]", hint="did you mean 'transact'?")  # fmt: skip
    second = ScenarioError("must be a number", file="a.yaml", line=9, column=7, field="amount")
    err = ScenarioProblems([first, second])
    assert err.message == "a.yaml:3:5: steps[0]: unknown step 'transactt'"
    assert (err.file, err.line, err.column, err.field) == ("a.yaml", 3, 5, "steps[0]")
    assert str(err).splitlines() == [
        "a.yaml:3:5: steps[0]: unknown step 'transactt' — did you mean 'transact'?",
        "a.yaml:9:7: amount: must be a number",
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            "  - transact: 5\n    enrol: alice\n",
            "bad.yaml:8:5: steps[1].enrol: one action per step, found transact, enrol",
        ),
        ("  - 5\n", "bad.yaml:7:5: steps[1]: a step is a mapping like `- transact:"),
        ("  - {}\n", "bad.yaml:7:5: steps[1]: a step is a mapping like `- transact:"),
        (
            "  - merge_customers: bob\n",
            "bad.yaml:7:22: steps[1].merge_customers: 'merge_customers'",
        ),
        ("  - transact: lots\n", "bad.yaml:7:15: steps[1].amount: expected a number, got 'lots'"),
        ("  - transact: 5\n    steps: []\n", "bad.yaml:8:5: steps[1]: unknown key 'steps' for"),
        (  # a message for a scalar value does not cover the mapping's own errors
            "  - merge_customers: {victim: alice, bogus: 1}\n",
            "bad.yaml:7:38: steps[1].merge_customers: unknown parameter 'bogus' for "
            "'merge_customers'",
        ),
        (
            "  - for_each: crowds\n    steps: []\n",
            "bad.yaml:7:15: steps[1].customers: unknown crowd 'crowds' — did you mean 'crowd'?",
        ),
        (
            "  - choose: [{weight: 1, stepz: []}]\n",
            "bad.yaml:7:26: steps[1].choose[0]: unknown key 'stepz' for a branch — "
            "did you mean 'steps'?",
        ),
    ],
)
def test_step_shapes_from_the_schema_and_names_from_the_checker(
    tmp_path: Path, steps: str, message: str
) -> None:
    head = "name: t\ncustomers:\n  alice: {}\n  crowd: {crowd: 3}\nsteps:\n"
    code, out = plan(tmp_path, head.replace("steps:\n", "steps:\n  - enrol: alice\n") + steps)
    assert code == 2
    assert message in out, out


def test_a_required_parameter_may_stand_beside_the_action(tmp_path: Path) -> None:
    text = HEAD + "  - transact: 500\n  - redeem_points:\n    points: 5\n"
    code, out = plan(tmp_path, text)
    assert code == 0, out


def test_every_declared_parameter_is_in_the_generated_schema() -> None:
    from capmock.scenario import spec
    from capmock.scenario.format_schema import scenario_schema

    defs = scenario_schema()["$defs"]
    for name, step in spec.STEPS.items():
        args = defs[f"step.{name}"]["properties"][name]["then"]["properties"]
        assert {p.name for p in step.params} <= set(args), name


def test_a_misspelt_required_key_is_told_once_as_the_misspelling(tmp_path: Path) -> None:
    """`poins: 30` is one mistake: the did-you-mean says it, not also "needs 'points'";
    a key that is simply missing is still told."""
    code, out = plan(tmp_path, HEAD + "  - redeem_points: {customer: alice, poins: 30}\n"
                     "  - redeem_points: {customer: alice}\n")
    assert code == 2
    assert out.count("needs 'points'") == 1 and "bad.yaml:7:20:" in out
    assert "unknown parameter 'poins' for 'redeem_points' — did you mean 'points'?" in out
    code, out = plan(tmp_path, "name: t\ncustomers:\n  alice: {}\nstepz:\n  - enrol: alice\n")
    assert code == 2 and "needs 'steps'" not in out
    assert out.strip().endswith("unknown top-level key 'stepz' — did you mean 'steps'?")


def test_steps_inside_a_nesting_action_is_told_where_they_go(tmp_path: Path) -> None:
    """`repeat: {times: 3, steps: […]}` is a natural guess: the hint says `steps:` goes
    beside the action, not "did you mean 'times'"; and without `times` that is still
    told as missing (the misplaced key is not taken for a misspelling of it)."""
    nested = "[{transact: {customer: alice, amount: 10}}]"
    code, out = plan(tmp_path, HEAD + f"  - repeat: {{times: 3, steps: {nested}}}\n")
    assert code == 2 and "did you mean" not in out
    assert ("unknown parameter 'steps' for 'repeat' — 'steps' goes beside 'repeat', not "
            "inside it") in out
    code, out = plan(tmp_path, HEAD + f"  - repeat: {{steps: {nested}}}\n")
    assert code == 2 and "'repeat' needs 'times'" in out and "goes beside 'repeat'" in out
    code, out = plan(tmp_path, HEAD + f"  - repeat: 3\n    steps: {nested}\n")
    assert code == 0, out


def test_a_return_above_what_is_left_of_the_bill_is_refused(tmp_path: Path) -> None:
    """Capillary takes back no more than was bought: 500 of a 100 bill used to become a
    silent return of 100."""
    buy = "  - transact: {customer: alice, amount: 100, as: b}\n"
    code, out = plan(tmp_path, HEAD + buy + "  - return: {bill: b, amount: 500}\n")
    assert code == 2 and "return: a return of 500 is more than is left of bill" in out
    assert out.rstrip().endswith("(100) — add `expect_rejection: true` if the step is meant "
                                 "to be refused")
    code, out = plan(tmp_path, HEAD + buy + "  - return: {bill: b, amount: 60}\n"
                     "  - return: {bill: b, amount: 40.01}\n")
    assert code == 2 and "more than is left of bill" in out and "(40)" in out
    code, out = plan(tmp_path, HEAD + buy + "  - return: {bill: b, amount: 60}\n"
                     "  - return: {bill: b, amount: 40}\n")
    assert code == 0, out


def test_a_refusal_names_the_customer_as_the_scenario_does(tmp_path: Path) -> None:
    code, out = plan(tmp_path, "name: t\ncustomers:\n  alice: {}\n  bob: {}\nsteps:\n"
                     "  - enrol: alice\n  - transact: {customer: bob, amount: 10}\n")
    assert code == 2
    assert "transact: customer 'bob' is not enrolled yet — add an `enrol` step first" in out
    assert "expect_rejection" not in out  # the model's own hint is the one that helps
    code, out = plan(tmp_path, HEAD + "  - enrol: alice\n")
    assert code == 2 and "enrol: customer 'alice' is already enrolled" in out
