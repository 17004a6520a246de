"""What users type, found wrong by trying the tool: outputs that cannot be written, header
values that would cut a request in two, bad soak mix weights, bad serve hosts. Each is one
line and exit 2 before any work, never a traceback, and nothing is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from capmock import units
from capmock.cli import main
from capmock.delivery.secrets import headers_from_env, headers_from_file
from capmock.errors import InputError, UsageError
from capmock.outputs import prepare_output
from capmock.soak.settings import parse_mix

NOWHERE = "http://127.0.0.1:9/hook"  # never reached: every case fails before sending
SOAK = ["soak", "--target", NOWHERE, "--rate", "10/s", "--duration", "1s"]


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def one_error(result: Result) -> str:
    """The single error line of a refused command (click's usage lines aside)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(("Usage:", "Try '"))
    ]
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A folder path that cannot be made: its parent is a file."""
    (tmp_path / "a-file").write_text("x")
    return tmp_path / "a-file" / "sub"


# ---- outputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, what",
    [
        (["run", "earn-and-redeem", "--journal", "{out}/j.jsonl"], "the journal"),
        (["run", "earn-and-redeem", "--junit", "{out}/r.xml"], "the JUnit report"),
        (["run", "earn-and-redeem", "--report-json", "{out}/r.json"], "the JSON report"),
        (["check", "--target", NOWHERE, "--summary-md", "{out}/s.md"], "the summary"),
        ([*SOAK, "--metrics", "{out}/m.jsonl"], "the metrics"),
        ([*SOAK, "--plot", "{out}/p.html"], "the plot"),
        ([*SOAK, "--processes", "2", "--journal", "{out}/j.jsonl"], "the journal"),
    ],
)
def test_an_output_that_cannot_be_written_is_said_before_the_work(
    blocked: Path,
    args: list[str],
    what: str,
) -> None:
    line = one_error(invoke(*(a.format(out=blocked) for a in args)))
    assert f"cannot write {what}" in line and "Not a directory" in line, line
    assert str(blocked) in line


def test_a_folder_given_as_an_output_file_is_named_as_such(tmp_path: Path) -> None:
    for flag in ("--journal", "--junit"):
        line = one_error(invoke("run", "earn-and-redeem", flag, str(tmp_path)))
        assert f"{tmp_path}: cannot write" in line and "it is a folder" in line, line


def test_the_check_leaves_no_file_behind_and_an_existing_one_as_it_was(tmp_path: Path) -> None:
    new = tmp_path / "deeper" / "report.xml"
    assert prepare_output(new, "the report") == new
    assert not new.exists() and new.parent.is_dir()  # folders are made, as before
    kept = tmp_path / "summary.md"
    kept.write_text("# earlier steps\n")
    prepare_output(kept, "the summary")
    assert kept.read_text() == "# earlier steps\n"


def test_a_writable_journal_path_still_works(tmp_path: Path) -> None:
    journal = tmp_path / "runs" / "j.jsonl"
    result = invoke("run", "earn-and-redeem", "--journal", str(journal))
    assert result.exit_code == 0, result.output
    assert journal.stat().st_size > 0


# ---- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("X-A: b\r\nInjected: 1", "line break or control character"),
        ("X-A: a\x00b", "line break or control character"),
        ("X-A: \u20ac5", "characters HTTP headers cannot carry"),
        ("X(A): b", "not an HTTP field name"),
    ],
)
def test_a_header_that_would_not_reach_the_server_intact_is_refused(
    typed: str,
    expected: str,
) -> None:
    with pytest.raises(UsageError, match=expected):
        units.header(typed)
    line = one_error(invoke("run", "earn-and-redeem", "--header", typed))
    assert "--header" in line and expected in line
    assert "Injected" not in line and "\u20ac" not in line  # values are never echoed


def test_header_values_pass_as_typed_when_they_are_one_line_of_latin_1() -> None:
    assert units.header("X-Org:  caf\u00e9 42 ") == ("X-Org", "caf\u00e9 42")
    assert units.header(("X-Count", 7)) == ("X-Count", "7")  # a YAML number


def test_every_header_source_checks_values_and_names_itself(tmp_path: Path) -> None:
    file = tmp_path / "headers.txt"
    file.write_text("X-Ok: 1\nX-Bad: a\x01b\n")
    with pytest.raises(InputError) as err:
        headers_from_file(file)
    assert str(err.value).startswith(f"{file}:2: X-Bad: the value holds")
    with pytest.raises(UsageError, match=r"^\$CAPMOCK_HEADER_X_BAD: X-Bad: the value"):
        headers_from_env({"CAPMOCK_HEADER_X_BAD": "a\x0bb"})
    line = one_error(invoke("run", "earn-and-redeem", "--headers-from", str(file)))
    assert f"{file}:2:" in line and "earn-and-redeem.yaml" not in line


@pytest.mark.parametrize(
    "flag, value, expected",
    [
        ("--bearer", "", "empty value"),
        ("--bearer", "tok\nen", "line break"),
        ("--user-agent", "Java\r\nX: 1", "line break"),
    ],
)
def test_credentials_and_user_agent_are_one_non_empty_line(
    flag: str,
    value: str,
    expected: str,
) -> None:
    line = one_error(invoke("run", "earn-and-redeem", flag, value))
    assert flag in line and expected in line


def test_the_soak_client_refuses_a_header_before_it_builds_a_request_head() -> None:
    line = one_error(invoke(*SOAK, "--header", "X-A: b\r\nHost: evil"))
    assert "line break" in line


# ---- soak mix, serve, generate ----------------------------------------------------------


@pytest.mark.parametrize("weight", ["-1", "x", "inf", "nan"])
def test_a_bad_mix_weight_is_said_as_a_weight(weight: str) -> None:
    with pytest.raises(UsageError, match="bad weight in 'earn-and-redeem:"):
        parse_mix(f"earn-and-redeem:{weight}")


def test_mix_weights_and_paths_still_read() -> None:
    entries = parse_mix("earn-and-redeem:2, coupons:0.5,scenarios/coupons.yaml:3")
    assert [(e.scenario, e.weight) for e in entries] == [
        ("earn-and-redeem", 2.0),
        ("coupons", 0.5),
        ("scenarios/coupons.yaml", 3.0),
    ]


def test_serve_on_a_host_that_does_not_resolve_is_one_line() -> None:
    line = one_error(invoke("serve", "--host", "999.1.1.1", "--port", "0"))
    assert "cannot listen on 999.1.1.1:0" in line


def test_an_org_id_is_positive() -> None:
    line = one_error(invoke("generate", "pointsIssued", "--org", "-5"))
    assert "--org" in line


def test_check_says_a_bad_state_template_alone_before_probing_the_target() -> None:
    line = one_error(invoke("check", "--target", NOWHERE, "--state", "notatemplate"))
    assert line == "capmock: error: state URL 'notatemplate' has no {customerId}"
