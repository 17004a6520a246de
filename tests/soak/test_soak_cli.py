"""`capmock soak` and `capmock locustfile` through the CLI, against a real loopback sink."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from capmock.cli import main
from capmock.delivery.sink import Sink


def soak(*args: str):
    return CliRunner().invoke(main, ["soak", *args])


def test_soak_sends_at_the_rate_and_reports_json(tmp_path: Path) -> None:
    with Sink.start(record=True) as sink:
        result = soak("--target", sink.url, "--rate", "100/s", "--duration", "1s", "--json",
                      "--journal", str(tmp_path / "j.jsonl"), "--seed", "5")
        assert result.exit_code == 0, result.output
        out = json.loads(result.output[result.output.index("{"):])
        assert out["planned"] == out["sent"] == out["ok"] == 100
        assert out["breaches"] == [] and out["exit_code"] == 0
        ids = [r.event_id for r in sink.received]
    assert len(ids) == 100 and len(set(ids)) == 100


def test_broken_threshold_exits_1_with_the_reason(tmp_path: Path) -> None:
    with Sink.start(record=False, latency="5ms") as sink:
        result = soak("--target", sink.url, "--rate", "50/s", "--duration", "1s",
                      "--max-p99", "1ms", "--journal", str(tmp_path / "j.jsonl"))
    assert result.exit_code == 1, result.output
    assert "p99 latency" in result.output and "> 1 ms" in result.output


def test_bad_soak_flags_are_usage_errors() -> None:
    for args, text in [(("--target", "http://127.0.0.1:9/x", "--rate", "fast"),
                        "Invalid value for '--rate': cannot read rate 'fast'"),
                       (("--target", "http://127.0.0.1:9/x", "--journal-max", "1k"),
                        "Invalid value for '--journal-max': at least 4096 bytes"),
                       (("--target", "http://127.0.0.1:9/x", "--header", "NoColon"),
                        "cannot read header 'NoColon'")]:
        result = soak(*args)
        assert result.exit_code == 2
        assert text in result.output and "Traceback" not in result.output


def test_locustfile_prints_a_path_that_exists() -> None:
    result = CliRunner().invoke(main, ["locustfile"])
    assert result.exit_code == 0
    path = Path(result.output.strip())
    assert path.is_file() and "CapmockUser" in path.read_text()


def test_without_a_target_it_soaks_its_own_sink_as_run_does(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["soak", "--rate", "50/s", "--duration", "1s", "--json",
                                       "--journal-mode", "off"], env={"CAPMOCK_TARGET": ""})
    assert result.exit_code == 0, result.output
    assert "no --target: soaking capmock's own sink at http://127.0.0.1:" in result.stderr
    out = json.loads(result.stdout)
    assert out["planned"] == out["ok"] == 50 and out["failed"] == 0


def test_capmock_target_is_the_default_target() -> None:
    with Sink.start(record=True) as sink:
        result = CliRunner().invoke(main, ["soak", "--rate", "20/s", "--duration", "1s",
                                           "--journal-mode", "off"],
                                    env={"CAPMOCK_TARGET": sink.url + "env"})
        assert result.exit_code == 0, result.output
        assert "own sink" not in result.stderr
        assert len(sink.received) == 20 and {r.path for r in sink.received} == {"/env"}
