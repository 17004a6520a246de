"""`capmock run` / `replay` end to end, against real sinks on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from capmock.cli import main
from capmock.delivery import read_journal
from capmock.delivery.sink import Sink
from capmock.scenario import load
from capmock.scenario.player import Player


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_run_without_target_uses_an_embedded_sink(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    result = run("run", "earn-and-redeem", "--journal", str(journal), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["planned"] == out["delivered"] == out["sink_received"] == 9
    assert out["target"].startswith("http://127.0.0.1:")
    state = read_journal(journal)
    assert len(state.events) == 9


def test_run_reports_what_the_sink_received() -> None:
    result = run("run", "enrol-and-first-purchase", "--quiet")
    assert result.exit_code == 0
    assert "the embedded sink received 3 requests" in result.output
    assert "customerAdded" in result.output and "delivered 3" in result.output


def test_target_from_env_and_flag_wins(tmp_path: Path) -> None:
    with Sink.start() as env_sink, Sink.start() as flag_sink:
        env = {"CAPMOCK_TARGET": env_sink.url}
        assert (
            run(
                "run",
                "enrol-and-first-purchase",
                "--quiet",
                "--journal",
                str(tmp_path / "a"),
                env=env,
            ).exit_code
            == 0
        )
        assert env_sink.count == 3
        assert (
            run(
                "run",
                "enrol-and-first-purchase",
                "--quiet",
                "--target",
                flag_sink.url,
                "--journal",
                str(tmp_path / "b"),
                env=env,
            ).exit_code
            == 0
        )
        assert (env_sink.count, flag_sink.count) == (3, 3)


def test_final_4xx_exits_1_and_is_journaled(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    with Sink.start(status=400) as sink:
        result = run(
            "run",
            "enrol-and-first-purchase",
            "--target",
            sink.url,
            "--journal",
            str(journal),
            "--quiet",
        )
        assert result.exit_code == 1
        assert sink.count == 3  # 4xx is final: no retry
    assert "failed-final 3" in result.output
    outcomes = [e.state for e in read_journal(journal).events.values()]
    assert outcomes == ["failed-final"] * 3


def test_scenario_delivery_block_and_auth_headers(tmp_path: Path) -> None:
    with Sink.start() as sink:
        scenario = tmp_path / "s.yaml"
        scenario.write_text(
            "name: s\ncustomers: {a: {}}\nsteps:\n  - enrol: a\n"
            f"delivery:\n  target: {sink.url}\n  headers: {{X-Api-Key: k3y}}\n"
        )
        result = run(
            "run", str(scenario), "--bearer", "s3cret", "--journal", str(tmp_path / "j"), "--quiet"
        )
        assert result.exit_code == 0, result.output
        got = sink.wait_for(1)[0]
        assert got.headers.get("X-Api-Key") == "k3y"
        assert got.headers.get("Authorization") == "Bearer s3cret"
        assert got.headers.get("User-Agent") == "Java/1.8.0_272"
    assert "s3cret" not in result.output and "k3y" not in result.output
    text = (tmp_path / "j").read_text()
    assert "s3cret" not in text and "k3y" not in text


def test_bad_flag_values_are_usage_errors() -> None:
    for args, text in [
        (("--connections", "0"), "--connections"),
        (("--retry", "capilary"), "did you mean 'capillary'?"),
        (("--duplicates", "lots"), "--duplicates"),
        (("--on-retry", "contnue"), "did you mean 'continue'?"),
    ]:
        result = run("run", "earn-and-redeem", *args)
        assert result.exit_code == 2, args
        assert text in result.output
        assert "Traceback" not in result.output


def test_replay_resends_failed_events_byte_exact(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    with Sink.start(status=400) as bad:
        run("run", "enrol-and-first-purchase", "--target", bad.url, "--journal", str(journal))
        first = [r.body for r in bad.received]
    with Sink.start() as good:
        result = run("replay", str(journal), "--target", good.url, "--json")
        assert result.exit_code == 0, result.output
        assert [r.body for r in good.received] == first


def test_replay_only_takes_comma_separated_ids_and_hints_a_misspelt_selection(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "j.jsonl"
    with Sink.start(status=400) as bad:
        run("run", "enrol-and-first-purchase", "--target", bad.url, "--journal", str(journal))
        ids = [r.event_id for r in bad.received]
    with Sink.start() as good:
        result = run("replay", str(journal), "--target", good.url, "--only",
                     f"{ids[0]}, {ids[2]}")
        assert result.exit_code == 0, result.output
        assert [r.event_id for r in good.received] == [ids[0], ids[2]]
    result = run("replay", str(journal), "--only", "faild")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("capmock: error: replay: eventId not in the journal: "
                                     "faild — did you mean 'failed'?")


def test_killed_run_resumes_with_nothing_lost(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    planned = all_events()
    with Sink.start(latency="20ms") as sink:
        cmd = [
            sys.executable,
            "-m",
            "capmock",
            "run",
            "all-events",
            "--target",
            sink.url,
            "--journal",
            str(journal),
            "--quiet",
        ]
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        sink.wait_for(20, timeout=30)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        seen_before = sink.count
        assert seen_before < planned, "the run finished before it could be killed"
        result = run("run", "--resume", str(journal), "--target", sink.url, "--json")
        assert result.exit_code == 0, result.output
        ids = [r.event_id for r in sink.received]
    assert len(set(ids)) == planned, (seen_before, len(ids), result.output[-500:])
    # at most the one event in flight at the kill arrives twice
    assert len(ids) - len(set(ids)) <= 1, (seen_before, len(ids), result.output[-500:])


def all_events() -> int:
    """How many events the all-events scenario plays (it grows with the catalog)."""
    return sum(1 for _ in Player(load("all-events")).payloads())


def start_run(*args: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "capmock", "run", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("CAPMOCK_HEADER_")}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def interrupt_after(proc: subprocess.Popen[str], arrived: Callable[[], bool]) -> tuple[str, str]:
    """SIGINT ``proc`` once ``arrived()`` holds (polled with a deadline); its output."""
    deadline = time.monotonic() + 60
    while not arrived():
        assert proc.poll() is None, "the run finished before it could be interrupted"
        assert time.monotonic() < deadline, "nothing arrived in 60 s"
        time.sleep(0.02)  # polling a condition, with a deadline
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    return out, err


def test_ctrl_c_prints_the_summary_and_the_resume_command_then_resume_needs_the_secrets(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "j.jsonl"
    with Sink.start(latency="20ms") as sink:
        proc = start_run(
            "all-events", "--target", sink.url, "--journal", str(journal), "--quiet",
            "--bearer", "s3cret", "--header", "X-Api-Key: k3y", "--connections", "2",
            "--time-scale", "0.001", "--duplicates", "5%",
        )
        out, err = interrupt_after(proc, lambda: sink.count >= 10)
        assert "Aborted!" not in out + err and "Traceback" not in err
        assert "interrupted" in err and "planned " in out and "pending" in out
        assert f"resume     capmock run --resume {journal}" in out
        assert "(and the values of X-Api-Key, Authorization again)" in out
        assert "s3cret" not in out + err + journal.read_text()

        refused = run("run", "--resume", str(journal))
        assert refused.exit_code == 2 and "Traceback" not in refused.output
        assert "sent X-Api-Key, Authorization" in refused.output
        assert "CAPMOCK_HEADER_X_API_KEY" in refused.output

        headers = tmp_path / "secrets.txt"
        headers.write_text("X-Api-Key: k3y\n")
        before = sink.count
        done = run("run", "--resume", str(journal), "--headers-from", str(headers), "--json",
                   env={"CAPMOCK_HEADER_AUTHORIZATION": "Bearer s3cret"})
        assert done.exit_code == 0, done.output
        resent = sink.received[before:]
        ids = {r.event_id for r in sink.received}
    assert len(ids) == all_events() and resent
    assert all(r.header("Authorization") == "Bearer s3cret" for r in resent)
    assert all(r.header("X-Api-Key") == "k3y" for r in resent)
    resumed = read_journal(journal).runs[1]["options"]  # the run's options, restored
    assert resumed["connections"] == 2 and resumed["policy"]["time_scale"] == 0.001
    assert resumed["faults"]["duplicate"] == 0.05


def test_resume_flags_override_the_journaled_options(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    with Sink.start(status=400) as sink:
        first = run("run", "enrol-and-first-purchase", "--target", sink.url, "--journal",
                    str(journal), "--connections", "3", "--quiet")
        assert first.exit_code == 1
    with Sink.start() as sink:
        again = run("run", "--resume", str(journal), "--target", sink.url, "--timeout", "5s",
                    "--quiet")
    assert again.exit_code == 0  # nothing pending: the failed-final events stay failed
    resumed = read_journal(journal).runs[1]["options"]
    assert (resumed["connections"], resumed["timeout"]) == (3, 5.0)


def test_resuming_an_embedded_sink_run_starts_a_fresh_sink(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"

    def attempts() -> int:
        text = journal.read_text() if journal.exists() else ""
        return text.count('"type":"attempt"')

    proc = start_run("all-events", "--journal", str(journal), "--quiet", "--delay", "30ms")
    interrupt_after(proc, lambda: attempts() >= 5)
    sent = attempts()
    result = run("run", "--resume", str(journal), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["target"].startswith("http://127.0.0.1:")
    total = all_events()
    assert out["sink_received"] == out["delivered"] and out["delivered"] >= total - sent
    assert out["delivered"] + out["already_done"] == total
    text = run("run", "--resume", str(journal), "--quiet")  # nothing left: all already done
    assert text.exit_code == 0 and f"pending 0    already done {total}" in text.output


def test_a_closed_port_is_said_at_once_a_line_per_change(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("run", "enrol-and-first-purchase", "--target", f"http://127.0.0.1:{port}/h",
                 "--journal", str(tmp_path / "j"), "--time-scale", "0.001",
                 "--give-up-after", "1m")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("target refuses connections (1 attempt, next in ")
    assert lines[0].endswith("— is your consumer running?")
    assert sum("refuses connections" in line for line in lines) == 1  # one per change


def test_summary_and_json_never_show_credentials(tmp_path: Path) -> None:
    with Sink.start() as sink:
        url = sink.url.replace("http://", "http://user:pa55@") + "?token=t0k&org=1"
        text = run("run", "enrol-and-first-purchase", "--target", url, "--quiet",
                   "--journal", str(tmp_path / "a"))
        as_json = run("run", "enrol-and-first-purchase", "--target", url, "--json",
                      "--journal", str(tmp_path / "b"))
        assert sink.count == 6
    for result in (text, as_json):
        assert result.exit_code == 0, result.output
        assert "pa55" not in result.output and "t0k" not in result.output
        assert "***@127.0.0.1" in result.output and "token=***&org=1" in result.output
    for name in ("a", "b"):
        assert "pa55" not in (tmp_path / name).read_text()


def test_plain_progress_ends_with_the_summary_counts(tmp_path: Path) -> None:
    with Sink.start() as sink:
        result = run("run", "all-events", "--target", sink.url, "--journal",
                     str(tmp_path / "j"))
    assert result.exit_code == 0
    progress = [line for line in result.output.splitlines() if line.startswith("…")]
    total = all_events()
    assert progress[-1] == f"… {total} events finished: delivered {total}"
    assert f"planned    {total}    delivered {total}" in result.output


def test_check_on_a_dead_target_says_so_first(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("check", "--target", f"http://127.0.0.1:{port}/hook", "--only", "acceptance",
                 "--time-scale", "0.0001", "--give-up-after", "1s")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"capmock: target http://127.0.0.1:{port}/hook refuses connections — is your "
        "consumer running?")
