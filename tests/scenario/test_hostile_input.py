"""Hostile or nonsensical scenarios: one located line with a hint, exit 2, never a
traceback, never silently accepted, never unbounded work (issue 13, items 7-10, 12, 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from capmock.cli import main

HEAD = "name: t\ncustomers:\n  alice: {}\nsteps:\n  - enrol: alice\n"
LOCATED = re.compile(r"^capmock: error: [^\s:]+\.yaml:\d+(:\d+)?: ")


def plan_file(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["plan", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def plan_bytes(tmp_path: Path, data: bytes | str, *args: str) -> tuple[int, str]:
    path = tmp_path / "bad.yaml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    code, out = plan_file(path, *args)
    return code, out.replace(str(tmp_path) + "/", "")


def one_located_line(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("capmock: error:")]
    assert len(lines) == 1, out
    assert LOCATED.match(lines[0]), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # item 7: tracebacks before
        (HEAD + "  - transact: {amount: .inf}\n", "bad.yaml:6:24: '.inf' is not a finite number"),
        (HEAD + "  - transact: {amount: .nan}\n", "bad.yaml:6:24: '.nan' is not a finite number"),
        (
            HEAD + "  - transact: {amount: 1.0e+308}\n",
            "bad.yaml:6:24: steps[1].amount: must be at most 1,000,000,000,000, got 1e+308",
        ),
        (
            "start: '9999-06-01T00:00:00Z'\n" + HEAD + "  - wait: 400d\n",
            "bad.yaml:1:8: start: '9999-06-01T00:00:00Z' is outside the calendar",
        ),
        (
            HEAD + "  - wait: 99999999999d\n  - transact: 5\n",
            "bad.yaml:6:11: steps[1].wait: the waits carry the clock past the year 9000",
        ),
        ("seed: abc\n" + HEAD, "bad.yaml:1:7: seed: expected a whole number, got 'abc'"),
        (
            HEAD + "  - transact: 100\n  - update_points_expiry: {date: 2026-02-30}\n",
            "bad.yaml:7:34: steps[2].date: expected a date YYYY-MM-DD, got '2026-02-30' — "
            "no such day in the calendar",
        ),
        # item 8: silently accepted before
        (
            "org: {programs: [{expiry: 0d}]}\n" + HEAD,
            "bad.yaml:1:27: org.programs[0].expiry: expiry must be from 1d to 36500d, got '0d'",
        ),
        (
            "org: {programs: [{points_per_currency: -1}]}\n" + HEAD,
            "bad.yaml:1:40: org.programs[0].points_per_currency: must be at least 0, got -1",
        ),
        (
            HEAD + "  - repeat: -1\n    steps: [{transact: 5}]\n",
            "bad.yaml:6:13: steps[1].times: must be at least 0, got -1",
        ),
        (
            "name: t\ncustomers:\n  c: {crowd: -5}\nsteps:\n  - for_each: c\n    steps: []\n",
            "bad.yaml:3:14: customers.c.crowd: must be at least 0, got -5",
        ),
        (
            HEAD + "  - transact: {amount: 5, items: 100000000}\n",
            "bad.yaml:6:34: steps[1].items: must be at most 20, got 100000000",
        ),
        (
            HEAD + "  - transact: {amount: 1.0e+38}\n",
            "bad.yaml:6:24: steps[1].amount: must be at most 1,000,000,000,000, got 1e+38",
        ),
        (
            HEAD + "  - repeat: 1000000\n    steps: [{wait: 3650d}]\n",
            "bad.yaml:7:20: steps[1].steps[0].wait: the waits carry the clock past the year 9000",
        ),
        # item 10: the locale is located
        ("org: {locale: xx_XX}\n" + HEAD, "bad.yaml:1:15: org.locale: unknown value 'xx_XX'"),
    ],
)
def test_bad_values_are_one_located_line(tmp_path: Path, text: str, expected: str) -> None:
    code, out = plan_bytes(tmp_path, text)
    assert code == 2, out
    line = one_located_line(out)
    assert expected in line


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"name: t\nsteps:\n  - \xff\xfe: 1\n", "bad.yaml:3: not UTF-8 text (byte 0xff)"),
        (b"name: t\x00\nsteps: []\n", "bad.yaml:1: NUL byte: this is not a text file"),
        (bytes(range(256)) * 4, "bad.yaml:2: not UTF-8 text (byte 0x80)"),
        (b"\x89PNG\r\n\x1a\n" + b"\x9b" * 50, "bad.yaml:1: not UTF-8 text"),
        (b"name: t\nsteps: [\x07]\n", "bad.yaml:2: bad YAML: character U+0007 is not allowed"),
    ],
)
def test_binary_and_undecodable_files(tmp_path: Path, data: bytes, expected: str) -> None:
    code, out = plan_bytes(tmp_path, data)
    assert code == 2
    assert expected in one_located_line(out)


def nested_repeats(levels: int) -> str:
    text, indent = "name: t\ncustomers:\n  alice: {}\nsteps:\n", "  "
    for _ in range(levels):
        text += f"{indent}- repeat: 1\n{indent}  steps:\n"
        indent += "    "
    return text + f"{indent}- enrol: alice\n"


@pytest.mark.parametrize("levels", [150, 1000])
def test_deep_nesting_is_refused_where_it_gets_too_deep(tmp_path: Path, levels: int) -> None:
    code, out = plan_bytes(tmp_path, nested_repeats(levels))
    assert code == 2
    assert "nested more than 100 levels deep" in one_located_line(out)


def test_flow_style_nesting_is_refused_too(tmp_path: Path) -> None:
    text = "steps: " + "[{repeat: 1, steps: " * 2000 + "[]" + "}]" * 2000 + "\n"
    code, out = plan_bytes(tmp_path, text)
    assert code == 2 and "bad.yaml:1:" in one_located_line(out)


def test_alias_bomb_is_refused_before_it_is_built(tmp_path: Path) -> None:
    lines = ["name: t", "customers: {alice: {}}", "a0: &a0 [{enrol: alice}]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines += ["steps:", "  - repeat: 1", "    steps: *a9"]
    code, out = plan_bytes(tmp_path, "\n".join(lines) + "\n")
    assert code == 2
    assert "aliases expand beyond 100,000 nodes" in one_located_line(out)


def test_an_alias_inside_itself_is_refused(tmp_path: Path) -> None:
    code, out = plan_bytes(tmp_path, "name: t\nsteps: &s [{repeat: 1, steps: *s}]\n")
    assert code == 2
    assert "bad.yaml:2:8: an alias refers to the mapping or list that contains it" in out


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    text = "name: t\ncustomers: {alice: {}}\nbuy: &buy {transact: 10}\n"
    code, out = plan_bytes(tmp_path, text.replace("buy: &buy", "x: &buy") + "steps:\n"
                           "  - enrol: alice\n  - *buy\n  - *buy\n")  # fmt: skip
    assert code == 2 and "unknown top-level key 'x'" in out  # aliases load; the key is checked
    ok = "name: t\ncustomers: {alice: {}}\nsteps:\n  - enrol: alice\n  - &buy {transact: 10}\n"
    code, out = plan_bytes(tmp_path, ok + "  - *buy\n")
    assert code == 0, out
    assert (
        sum(json.loads(line)["eventName"] == "transactionAdded" for line in out.splitlines()) == 2
    )


# ---- item 9: the budget -----------------------------------------------------------------


def test_bulk_coupons_over_the_budget_are_refused_before_anything_is_built(
    tmp_path: Path,
) -> None:
    code, out = plan_bytes(tmp_path, HEAD + "  - issue_coupon: {count: 100000000}\n")
    assert code == 2  # one step's events are held at once: a bulk issue stays small
    assert "bad.yaml:6:27: steps[1].count: must be at most 10,000" in one_located_line(out)
    text = HEAD + "  - repeat: 1000\n    steps: [{issue_coupon: {count: 10000}}]\n"
    code, out = plan_bytes(tmp_path, text)
    assert code == 2
    line = one_located_line(out)
    assert (
        "bad.yaml:7:28: steps[1].steps[0].issue_coupon: "
        "the plan would exceed its budget of 5,000,000 events" in line
    )
    assert "raise --max-events" in line
    assert '"eventName"' not in out  # refused before the first event, not after


def test_crowds_are_bounded_by_the_customers_they_make(tmp_path: Path) -> None:
    text = (
        "name: t\ncustomers:\n  c: {crowd: 600000}\nsteps:\n"
        "  - for_each: c\n    steps: []\n  - for_each: c\n    steps: []\n"
    )  # each for_each over a crowd makes new customers, kept to the end
    code, out = plan_bytes(tmp_path, text)
    assert code == 2
    assert (
        "bad.yaml:7:15: steps[1].for_each: the plan would make more than 1,000,000 crowd "
        "customers here" in one_located_line(out)
    )


def test_max_events_counts_repeats_and_crowds(tmp_path: Path) -> None:
    text = (
        "name: t\ncustomers:\n  c: {crowd: 100}\nsteps:\n  - for_each: c\n"
        "    steps:\n      - enrol: {}\n      - repeat: 10\n"
        "        steps: [{transact: 5}, {transact: 6}]\n"
    )  # 100 enrolments and 2,000 purchases, in 1,100 rounds
    code, out = plan_bytes(tmp_path, text, "--max-events", "1500")
    assert code == 2
    assert (
        "bad.yaml:9:43: steps[0].steps[1].steps[1].transact: "
        "the plan would exceed its budget of 1,500 events" in out
    )
    code, out = plan_bytes(tmp_path, text, "--max-events", "5000")
    assert code == 0


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("customers: {a: {}}\nsteps:\n  - repeat: 1000000000000\n    steps: []\n",
         "bad.yaml:3:13: steps[0].repeat"),
        ("customers: {c: {crowd: 1000000000000}}\nsteps:\n  - for_each: c\n    steps: []\n",
         "bad.yaml:3:15: steps[0].for_each"),
    ],
)  # fmt: skip
def test_empty_loops_are_work_too(tmp_path: Path, text: str, where: str) -> None:
    code, out = plan_bytes(tmp_path, text)  # before: ran for hours, emitting nothing
    assert code == 2
    line = one_located_line(out)
    assert f"{where}: the plan would exceed its budget of 5,000,000 rounds" in line


def test_the_player_counts_the_events_themselves(tmp_path: Path) -> None:
    # three steps weigh 3, but a purchase emits transactionAdded and pointsIssued
    text = HEAD + "  - transact: 500\n  - transact: 500\n"
    code, out = plan_bytes(tmp_path, text, "--max-events", "3")
    assert code == 2
    assert "bad.yaml:7:15: transact: the plan would exceed its budget of 3 events" in out


def test_library_error_does_not_name_the_flag(tmp_path: Path) -> None:
    from capmock.scenario import load
    from capmock.scenario.budget import BudgetExceeded

    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "  - issue_coupon: {count: 50}\n")
    with pytest.raises(BudgetExceeded) as err:
        load(str(path), max_events=10)
    assert "--" not in str(err.value) and err.value.limit == 10
    assert load(str(path), max_events=None).max_events is None


# ---- item 10: every error is located ----------------------------------------------------


def test_include_cycle_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\ninclude: b.yaml\n")
    (tmp_path / "b.yaml").write_text("include: [a.yaml]\n")
    code, out = plan_file(tmp_path / "a.yaml")
    assert code == 2
    line = one_located_line(out.replace(str(tmp_path) + "/", ""))
    assert "b.yaml:1:11: include cycle: a.yaml -> b.yaml -> a.yaml" in line


# ---- item 12: includes beside the file, then the bundled scenarios ----------------------


def readme_scenario() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Write scenarios", 1)[1]
    return re.search(r"```yaml\n(.*?)\n```", section, re.S).group(1) + "\n"  # type: ignore[union-attr]


def test_readme_example_works_verbatim_from_any_folder(tmp_path: Path) -> None:
    path = tmp_path / "my-journey.yaml"
    path.write_text(readme_scenario())
    code, out = plan_file(path)
    assert code == 0, out
    names = [json.loads(line)["eventName"] for line in out.splitlines()]
    assert names[0] == "customerAdded" and "pointsExpired" in names


def test_a_local_include_wins_over_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "org.yaml").write_text("org: {id: 4711}\n")
    path = tmp_path / "s.yaml"
    path.write_text("include: common/org.yaml\n" + HEAD)
    code, out = plan_file(path)
    assert code == 0 and json.loads(out.splitlines()[0])["orgId"] == 4711


def test_capmock_scenarios_is_searched_for_includes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "acme.yaml").write_text("org: {id: 5150}\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "s.yaml").write_text("include: acme.yaml\n" + HEAD)
    code, out = plan_file(work / "s.yaml")
    assert code == 2 and "included file not found: 'acme.yaml'" in out
    monkeypatch.setenv("CAPMOCK_SCENARIOS", str(shared))
    code, out = plan_file(work / "s.yaml")
    assert code == 0, out
    assert json.loads(out.splitlines()[0])["orgId"] == 5150


# ---- fresh ids --------------------------------------------------------------------------


def ids(out: str) -> set[str]:
    return {json.loads(line)["eventId"] for line in out.splitlines() if line.startswith("{")}


def test_fresh_ids_give_new_ids_and_say_how_to_repeat(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "  - transact: 100\n")
    same = [CliRunner().invoke(main, ["plan", str(path)]).output for _ in range(2)]
    assert same[0] == same[1]  # by default a re-run repeats every id
    runner = CliRunner()
    fresh = runner.invoke(main, ["plan", str(path), "--fresh-ids"])
    assert fresh.exit_code == 0
    assert not ids(fresh.stdout) & ids(same[0])
    seed = re.search(r"--seed (\d+) repeats this run", fresh.stderr).group(1)  # type: ignore[union-attr]
    again = runner.invoke(main, ["plan", str(path), "--seed", seed])
    assert again.stdout == fresh.stdout
    both = runner.invoke(main, ["plan", str(path), "--seed", "1", "--fresh-ids"])
    assert both.exit_code == 2 and "not both" in both.output


# ---- item 13: nothing is sent before the whole scenario is known to play ---------------


def test_a_scenario_error_mid_play_comes_before_the_first_post(
    tmp_path: Path, httpserver: Any
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "  - transact: 100\n  - transact: 100\n  - redeem_points: 5000\n")
    result = CliRunner().invoke(
        main, ["run", str(path), "--target", httpserver.url_for("/hook"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert "s.yaml:8:20: redeem_points: needs 5000 points" in result.output
    assert httpserver.log == []  # before: 5 events were delivered, then exit 2


def test_scenarios_lists_whole_first_sentences() -> None:
    from capmock.cli.catalog import first_sentence

    assert first_sentence("Reaches every event, through the model where\nit can. Then more.") == (
        "Reaches every event, through the model where it can."
    )
    out = CliRunner().invoke(main, ["scenarios"]).output
    line = next(row for row in out.splitlines() if row.startswith("all-events"))
    assert line.endswith(".")  # before: cut at the description's first line break
