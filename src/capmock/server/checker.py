"""Checking a scenario the server did not write (an upload, or an upload fired with another
seed) in a worker process under a budget: at most ``max_events`` events, ``seconds`` of CPU
and of wall clock, ``memory_mb`` of address space. The server's own threads never play an
untrusted scenario's first event: an alias bomb or ``issue_coupon: {count: 20000000}`` costs
the worker its budget and the uploader a 4xx with the reason, nothing more.

    description, events = check_scenario(Path("up/mine.yaml"), budget)   # or BudgetError

The worker is ``python -m capmock.server.checker``: JSON in on stdin, JSON out on stdout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from capmock.errors import CapmockError

# How the worker ends when its CPU limit strikes (POSIX; elsewhere only the deadline holds).
KILLED = {-getattr(signal, name) for name in ("SIGXCPU", "SIGKILL") if hasattr(signal, name)}


@dataclass(frozen=True)
class Budget:
    max_events: int = 1_000_000
    seconds: float = 30.0  # of CPU in the worker, and of wall clock for the whole check
    memory_mb: int = 1536


class BudgetError(CapmockError):
    """The scenario is not usable within the budget (or at all): ``message`` says why."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_scenario(
    path: Path, budget: Budget, seed: int | None = None, envelope: str | None = None
) -> tuple[str, int]:
    """(description, events) of the scenario played whole in a worker; BudgetError says
    what is wrong (its messages name the file as given)."""
    request = {"path": str(path), "seed": seed, "envelope": envelope, **asdict(budget)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "capmock.server.checker"],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=budget.seconds + 5,
            check=False,
            env=os.environ.copy(),
        )
    except subprocess.TimeoutExpired:
        raise BudgetError(_over_time(budget)) from None
    if done.returncode in KILLED:
        raise BudgetError(_over_time(budget))
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BudgetError(
            f"the scenario could not be checked (worker exit {done.returncode})", status=500
        ) from None
    if not answer.get("ok"):
        raise BudgetError(str(answer.get("error")))
    return str(answer["description"]), int(answer["events"])


def _over_time(budget: Budget) -> str:
    return (
        f"the scenario took more than {budget.seconds:g} s to play (a YAML alias bomb, or "
        "steps that make too many events?)"
    )


# ---- the worker ------------------------------------------------------------------------


def _limit(budget: Budget) -> None:
    """CPU and memory limits of this (worker) process, where the platform has them."""
    try:
        import resource
    except ImportError:  # not on this platform: the wall-clock deadline still holds
        return
    cpu = max(1, int(budget.seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    memory = budget.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def play(path: str, seed: int | None, envelope: str | None, max_events: int) -> dict[str, Any]:
    """Load (weighed against ``max_events`` before anything is built) and play the whole
    scenario; the player stops past the budget too. BudgetExceeded names the step."""
    from capmock.scenario import load, rehearse

    scenario = load(path, seed=seed, envelope=envelope, max_events=max_events)
    return {"ok": True, "description": scenario.description, "events": rehearse(scenario)}


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    budget = Budget(request["max_events"], request["seconds"], request["memory_mb"])
    _limit(budget)
    try:
        return play(request["path"], request["seed"], request["envelope"], budget.max_events)
    except CapmockError as err:
        return {"ok": False, "error": str(err)}
    except MemoryError:
        return {
            "ok": False,
            "error": f"the scenario needs more than {budget.memory_mb} MB to "
            "play (a YAML alias bomb, or steps that make too many events?)",
        }
    except SystemError as err:  # what a C extension raises when its allocation is refused
        return {
            "ok": False,
            "error": f"the scenario needs more than {budget.memory_mb} MB to "
            f"play, or broke the player ({type(err).__name__}: {err})",
        }
    except RecursionError:
        return {"ok": False, "error": "the scenario nests too deeply"}
    except Exception as err:  # a malformed scenario is the uploader's problem, never a 500
        return {"ok": False, "error": f"cannot play the scenario: {type(err).__name__}: {err}"}


def main() -> None:
    answer = _answer(json.loads(sys.stdin.read()))
    sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
