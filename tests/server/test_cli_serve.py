"""``capmock serve`` on the command line: options, errors, and a real start and stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from capmock.cli import main

from .conftest import PROMOS, wait_until


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in ("--port", "--host", "--target", "--scenario", "--ui-password", "--api-user",
                 "--api-password", "--allow-target"):
        assert flag in result.output


def test_usage_errors_exit_2() -> None:
    runner = CliRunner()
    half = runner.invoke(main, ["serve", "--api-user", "u", "--port", "0"])
    assert half.exit_code == 2 and "go together" in half.output
    bad = runner.invoke(main, ["serve", "--target", "nope", "--port", "0"])
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.output
    missing = runner.invoke(main, ["serve", "--scenario", "no-such", "--port", "0"])
    assert missing.exit_code == 2 and "no such scenario" in missing.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = runner.invoke(main, ["serve", "--port", port])
    assert busy.exit_code == 2 and "cannot listen" in busy.output


def test_a_scenario_the_model_refuses_stops_the_start(tmp_path: Path) -> None:
    """--scenario is played into the model at start: a step it refuses used to be swallowed
    there (the server started with half a model and said nothing)."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ncustomers: {alice: {}}\nsteps:\n  - enrol: alice\n"
                      "  - redeem_points: {customer: alice, points: 50}\n")
    result = CliRunner().invoke(main, ["serve", "--scenario", str(broken), "--port", "0"])
    assert result.exit_code == 2
    assert "broken.yaml:5:" in result.stderr and "needs 50 points" in result.stderr
    assert "serving on" not in result.output


def test_serve_starts_answers_and_stops(tmp_path: Path) -> None:
    env = {**os.environ, "CAPMOCK_API_USER": "u", "CAPMOCK_API_PASSWORD": "p"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "capmock", "serve", "--port", "0", "--scenario", str(PROMOS)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(5)]
        page = next(line for line in lines if line.strip().startswith("page"))
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", page).group(1)  # type: ignore[union-attr]
        assert "(credentials required)" in "".join(lines)
        assert requests.get(f"{url}/healthz", timeout=5).json()["ok"] is True
        assert requests.get(f"{url}/api/config", timeout=5).json()["scenario"] == "promos"
        lookup = f"{url}/v2/customers/lookup?source=INSTORE&identifierName=mobile" \
                 "&identifierValue=919800000001"
        assert requests.get(lookup, timeout=5).status_code == 401
        # the --scenario is played into the model at start: its customers answer
        found = wait_until(lambda: requests.get(lookup, auth=("u", "p"), timeout=5).ok)
        assert found
    finally:
        proc.send_signal(signal.SIGTERM)  # what `docker stop` sends
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopped" in out
