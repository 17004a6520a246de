"""`capmock validate` on input that is not (strict) JSON: one line naming the file (and the
line and column), exit 2, never a traceback; valid JSON that does not conform: exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from capmock.cli import main
from capmock.generator import Generator


def validate(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["validate", *args], input=stdin)


def one_error(result: Result) -> str:
    """The single error line of a result that must have exited 2 with no other output."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("capmock: error: ")
    return lines[0].removeprefix("capmock: error: ")


def payload_bytes(seed: int = 1) -> bytes:
    return json.dumps(Generator(seed).one("pointsIssued")).encode()


@pytest.fixture
def write(tmp_path: Path):
    def write(content: bytes, name: str = "in.json") -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


@pytest.mark.parametrize("content", [b"", b"   ", b"\n\n  \t\r\n"], ids=repr)
def test_an_empty_file_is_an_error(write, content: bytes) -> None:
    path = write(content)
    assert one_error(validate(path)).startswith(f"{path}: empty: no JSON document")


def test_empty_stdin_is_an_error() -> None:
    assert one_error(validate("-", stdin=b"")).startswith("<stdin>: empty")


def test_an_empty_array_has_no_payload(write) -> None:
    path = write(b"[]")
    assert one_error(validate(path)) == f"{path}: no payload in it (an empty array)"


def test_invalid_utf8_names_the_byte_and_where(write) -> None:
    path = write(payload_bytes() + b"\n" + b'{"eventName": "caf\xe9"}\n')
    assert one_error(validate(path)).startswith(f"{path}:2:19: not UTF-8: byte 0xe9")


def test_utf16_is_not_utf8(write) -> None:
    path = write('{"a": 1}'.encode("utf-16"))
    assert one_error(validate(path)).startswith(f"{path}:1:1: not UTF-8: byte 0xff")


def test_a_utf8_byte_order_mark_is_ignored(write) -> None:
    result = validate(write(b"\xef\xbb\xbf" + payload_bytes()))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("depth", [1_100, 5_000, 100_000])
def test_deep_nesting_is_refused(write, depth: int) -> None:
    path = write(b"[" * depth + b"]" * depth)
    message = one_error(validate(path))
    assert message.startswith(f"{path}:1:1026: not JSON: nested more than 1024 levels deep")


def test_deep_nesting_within_the_bound_is_read(write) -> None:
    """A deep value in a field the schema leaves open conforms; no recursion error."""
    deep = b"[" * 1000 + b"]" * 1000
    result = validate(write(payload_bytes()[:-1] + b', "zzExtra": ' + deep + b"}"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "number", ["1" * 5000, "1e400", "-1e400", "2e308"], ids=["5000 digits", "", "", ""]
)
def test_numbers_beyond_a_double_are_refused(write, number: str) -> None:
    path = write(b'{"eventName": "x", "a": ' + number.encode() + b"}")
    message = one_error(validate(path))
    assert message == f"{path}:1:25: not JSON: a number too large for JSON (beyond ±1.8e308)"


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity", "nan", "inf", "-nan"])
def test_nan_and_infinity_are_not_json(write, word: str) -> None:
    path = write(b'{"a": ' + word.encode() + b"}")
    column = 8 if word.startswith("-") else 7  # orjson points past the sign
    message = one_error(validate(path))
    assert message == f"{path}:1:{column}: not JSON: {word} is not a JSON number"


def test_a_broken_pretty_document_is_located_in_the_document(write) -> None:
    path = write(b'{\n  "eventName": "pointsIssued",\n  "orgId": 1,,\n}\n')
    message = one_error(validate(path))
    assert message.startswith(f"{path}:3:14: not JSON: ")
    assert message.endswith("give one JSON document, or JSON Lines (one document per line)")


def test_a_broken_json_line_is_located_by_line(write) -> None:
    path = write(payload_bytes() + b"\n\n" + payload_bytes(2) + b"\n{oops\n")
    assert one_error(validate(path)).startswith(f"{path}:4:2: not JSON: ")


def test_two_documents_on_one_line(write) -> None:
    path = write(b'{"a": 1} {"b": 2}')
    assert "unexpected content after document" in one_error(validate(path))


def test_every_file_is_read_before_any_is_validated(write) -> None:
    good = write(payload_bytes(), "good.json")
    bad = write(b"NaN", "bad.json")
    assert one_error(validate(good, bad)) == f"{bad}:1:1: not JSON: NaN is not a JSON number"


def test_an_unreadable_path(tmp_path: Path) -> None:
    assert one_error(validate(str(tmp_path / "missing.json"))).startswith(
        f"{tmp_path / 'missing.json'}: cannot read: "
    )
    assert one_error(validate(str(tmp_path))).startswith(f"{tmp_path}: cannot read: ")


@pytest.mark.parametrize("content", [b"5", b'"x"', b"null", b"{}", b"[1, {}]"])
def test_valid_json_that_does_not_conform_exits_1(write, content: bytes) -> None:
    result = validate(write(content))
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].endswith("invalid")


def test_big_integers_within_a_double_are_json(write) -> None:
    """Integers beyond 64 bits are valid JSON: read (as a double), then checked."""
    payload = json.loads(payload_bytes())
    payload["orgId"] = 10**30
    result = validate(write(json.dumps(payload).encode()))
    assert result.exit_code == 0, result.output
    payload["orgId"] = 1.5
    result = validate(write(json.dumps(payload).encode()))
    assert result.exit_code == 1
    assert '$.orgId: 1.5 is not of type "integer"' in result.stdout


def test_an_array_of_payloads_is_labelled_by_index(write) -> None:
    path = write(b"[" + payload_bytes() + b", 7]")
    result = validate(path)
    assert result.exit_code == 1
    assert f"{path}[0]: ok pointsIssued" in result.stdout
    want = f"{path}[1]: INVALID (no event name): $: expected a JSON object, got number"
    assert want in result.stdout
