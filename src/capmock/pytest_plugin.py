"""pytest plugin (registered under ``pytest11``): capmock fixtures and scenario collection.

Fixtures::

    def test_earn(capmock, capmock_model):
        result = capmock.run("scenarios/earn.yaml", target=url, time_scale="0.001")
        result.assert_all_delivered()          # every event acknowledged 2xx
        result.assert_ok()                     # every expectation and check held
        assert capmock_model["ravi"]["points"]["current"] == 540

    def test_sink(capmock, capmock_sink):     # a real HTTP server on loopback, per test
        capmock.run("earn-and-redeem", target=capmock_sink.url)
        assert len(capmock_sink.received) == 9

Collection: ``pytest --capmock-target URL --capmock-scenarios DIR`` makes every scenario
file under DIR (a YAML file with top-level ``steps:``) a test item that plays the
scenario against the target and passes when all its expectations and checks hold. The
target may be ``wsgi:package.module:app[/path]``: the app is served on loopback for the
session. Without these options the plugin only offers its fixtures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from capmock.vendor import DEFAULT as DEFAULT_VENDOR
from capmock.vendor import VENDORS

if TYPE_CHECKING:  # imported lazily: the plugin loads in every pytest run
    from capmock.contract.results import Case
    from capmock.runner import RunResult

SCENARIO = re.compile(r"^steps\s*:", re.MULTILINE)
_SERVED = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("capmock", "capmock webhook contract tests")
    group.addoption("--capmock-target", metavar="URL",
                    help="Webhook URL, or wsgi:module:app[/path] served in-process.")
    group.addoption("--capmock-scenarios", metavar="DIR", action="append", default=[],
                    help="Collect every scenario file under DIR as a test (repeatable).")
    group.addoption("--capmock-vendor", choices=VENDORS, default=DEFAULT_VENDOR,
                    help="Whose webhooks the scenarios are rendered as (default capillary).")
    group.addoption("--capmock-state", metavar="TEMPLATE",
                    help="The consumer's state URL with {customerId} (default: each "
                    "scenario's consumer.state).")


def pytest_configure(config: pytest.Config) -> None:
    check_target_option(config.getoption("capmock_target"))
    dirs = [str(Path(d).resolve()) for d in config.getoption("capmock_scenarios") or []]
    if not dirs:
        return
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = dirs  # no paths given: run the scenarios, not the testpaths
    else:
        config.args = [*config.args, *(d for d in dirs if d not in config.args)]


def check_target_option(target: str | None) -> None:
    """A target that is neither an http(s) URL nor ``wsgi:module:app`` stops the session at
    once (pytest's usage error, exit 4), before any test, whether or not one uses it."""
    if not target:
        return
    from capmock.errors import CapmockError

    try:
        if target.startswith("wsgi:"):  # read as the session will serve it (not imported yet)
            from capmock.contract.webhook import parse

            parse(target)
        else:
            from capmock.delivery.sender import check_target

            check_target(target)
    except CapmockError as err:
        raise pytest.UsageError(f"--capmock-target: {err}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    served = config.stash.get(_SERVED, None)
    if served is not None:
        served.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    """A target that refuses connections is said once, before any test runs."""
    target = config.getoption("capmock_target")
    if not target or str(target).startswith("wsgi:"):
        return []
    from capmock.delivery.health import probe
    from capmock.delivery.secrets import redact_url

    problem = probe(str(target))
    return [f"capmock: {problem}" if problem else f"capmock: target {redact_url(str(target))}"]


def target_url(config: pytest.Config) -> str | None:
    """``--capmock-target``; a WSGI target is served once per session."""
    target = config.getoption("capmock_target")
    if not target or not str(target).startswith("wsgi:"):
        return target
    served = config.stash.get(_SERVED, None)
    if served is None:
        from capmock.contract.webhook import Served, load_app

        app, path = load_app(target)
        served = Served.start(app, path)
        config.stash[_SERVED] = served
    return str(served.url)


# ---- collection -----------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    dirs = parent.config.getoption("capmock_scenarios") or []
    if not any(file_path.resolve().is_relative_to(Path(d).resolve()) for d in dirs):
        return None
    try:
        text = file_path.read_text(encoding="utf-8")
    except OSError:
        return None
    if not SCENARIO.search(text):
        return None  # an included fragment (org, customers…), not a scenario
    return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioFailed(Exception):
    def __init__(self, result: RunResult) -> None:
        super().__init__(result.scenario)
        self.result = result


class ScenarioItem(pytest.Item):
    """Play one scenario file against ``--capmock-target``; fail on any failed case."""

    def runtest(self) -> None:
        from capmock.runner import run_scenario

        config = self.config
        result = run_scenario(str(self.path), target=target_url(config),
                              state=config.getoption("capmock_state"), journal=False,
                              vendor=config.getoption("capmock_vendor"))
        for case in result.cases:
            self.user_properties.append((case.name, case.status))
        if not result.ok:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
                     ) -> str:
        from capmock.errors import CapmockError

        if isinstance(excinfo.value, ScenarioFailed):
            return failure_text(excinfo.value.result)
        if isinstance(excinfo.value, CapmockError):
            return f"capmock: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"capmock scenario {self.name}"


def failure_text(result: RunResult) -> str:
    bad = [c for c in result.cases if c.failed]
    lines = [f"scenario {result.scenario} against {result.target}:"]
    if result.summary.pending:
        lines.append(f"{result.summary.pending} events were never sent (interrupted)")
    for case in bad:
        lines += [case.describe(), *(f"    {line}" for line in case.details.splitlines())]
    return "\n".join(lines)


# ---- fixtures -------------------------------------------------------------------------------


class ScenarioResult:
    """A :class:`~capmock.runner.RunResult` with assertion helpers."""

    def __init__(self, result: RunResult, received: list[Any] | None = None) -> None:
        self.result = result
        self.summary = result.summary
        self.cases: list[Case] = result.cases
        self.target = result.target
        self.received = received

    @property
    def ok(self) -> bool:
        return self.result.ok

    def assert_all_delivered(self) -> None:
        """Every event was acknowledged (2xx), none failed or left pending."""
        s = self.summary
        if s.failed_final or s.pending:
            notes = "\n".join(s.notable()[:20])
            raise AssertionError(f"{s.delivered} of {s.planned} events delivered, "
                                 f"{s.failed_final} failed, {s.pending} pending:\n{notes}")

    def assert_ok(self) -> None:
        """Every expectation (``expect:``) and check (``check:``) of the scenario held."""
        if not self.ok:
            raise AssertionError(failure_text(self.result))

    def case(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)

    def model(self) -> dict[str, Any]:
        """The model's final state, as ``capmock plan --state`` prints it."""
        from capmock.scenario.state import snapshot

        assert self.result.player is not None
        return snapshot(self.result.player)

    def customer(self, name: str) -> dict[str, Any]:
        """The model's view of a named customer (what ``{{ name.… }}`` templates read)."""
        player = self.result.player
        assert player is not None
        return player.customer_view(player.named[name])


class Capmock:
    """The ``capmock`` fixture: plays scenarios against the configured target."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.target = target_url(request.config)
        self.state = request.config.getoption("capmock_state")
        self.vendor = request.config.getoption("capmock_vendor")
        self.last: ScenarioResult | None = None

    def run(self, scenario: str, *, target: str | None = None, state: str | None = None,
            seed: int | None = None, envelope: str | None = None, vendor: str | None = None,
            **flags: Any) -> ScenarioResult:
        """Play ``scenario`` (a path or a bundled name) and deliver it. Target: the
        argument, ``--capmock-target``, the scenario's, ``$CAPMOCK_TARGET``, else the
        ``capmock_sink`` fixture; ``vendor``: the argument, else ``--capmock-vendor``.
        ``flags`` are ``capmock run``'s delivery flags with
        underscores (``time_scale="0.001"``, ``duplicates="5%"``, ``bearer=…``)."""
        from capmock.runner import run_scenario

        chosen = target or self.target or self._scenario_target(scenario)
        sink = None
        if chosen is None:
            sink = self.request.getfixturevalue("capmock_sink")
            chosen = sink.url
        result = run_scenario(scenario, target=chosen, state=state or self.state, seed=seed,
                              envelope=envelope, flags=flags, journal=False,
                              vendor=vendor or self.vendor)
        self.last = ScenarioResult(result, sink.received if sink is not None else None)
        return self.last

    @staticmethod
    def _scenario_target(scenario: str) -> str | None:
        import os

        from capmock.runner import TARGET_ENV
        from capmock.scenario import load

        block = load(scenario).doc.get("delivery") or {}
        return block.get("target") or os.environ.get(TARGET_ENV)

    def plan(self, scenario: str, **kw: Any) -> list[dict[str, Any]]:
        from capmock.scenario import plan

        kw.setdefault("vendor", self.vendor)
        return list(plan(scenario, **kw))

    def generate(self, event: str, **kw: Any) -> dict[str, Any]:
        from capmock import generate

        return generate(event, **kw)


class ModelState:
    """The ``capmock_model`` fixture: the model state after the test's last ``capmock.run``;
    ``capmock_model["alice"]`` is a named customer's view, ``.snapshot()`` everything."""

    def __init__(self, emitter: Capmock) -> None:
        self.emitter = emitter

    def _last(self) -> ScenarioResult:
        if self.emitter.last is None:
            raise LookupError("no scenario has run yet: call capmock.run(...) first")
        return self.emitter.last

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self._last().customer(name)

    def snapshot(self) -> dict[str, Any]:
        return self._last().model()


@pytest.fixture
def capmock_sink() -> Iterator[Any]:
    """A real webhook sink on loopback, fresh for each test (``.url``, ``.received``,
    ``.wait_for(n)``, ``.summary()``; ``.behaviour.status = 500`` to fail deliveries)."""
    from capmock.delivery.sink import Sink

    with Sink.start() as sink:
        yield sink


@pytest.fixture
def capmock(request: pytest.FixtureRequest) -> Capmock:
    """An emitter configured from ``--capmock-target`` / ``--capmock-state``."""
    return Capmock(request)


@pytest.fixture
def capmock_model(capmock: Capmock) -> ModelState:
    return ModelState(capmock)
