"""Play a scenario and deliver its events: the library behind ``capmock run`` and the
pytest plugin. With no target anywhere, a local sink is started and receives them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capmock import units
from capmock.contract.results import Case
from capmock.contract.scenario_run import consumer_state, has_checks, play
from capmock.delivery import DeliveryOptions, Planned, Summary, read_journal, resume
from capmock.delivery.options import given, setting_values
from capmock.delivery.restore import resumed_options
from capmock.delivery.secrets import (
    headers_from_env,
    headers_from_file,
    merge_headers,
    redact_url,
)
from capmock.delivery.sink import Received, Sink
from capmock.delivery.types import EventOutcome
from capmock.errors import UsageError
from capmock.scenario import load, rehearse
from capmock.scenario.budget import DEFAULT_MAX_EVENTS
from capmock.scenario.loader import Scenario
from capmock.scenario.player import Player

DEFAULT_SCENARIO = "all-events"
TARGET_ENV = "CAPMOCK_TARGET"



@dataclass
class RunResult:
    summary: Summary
    target: str
    scenario: str
    sink: list[Received] | None = None  # what the embedded sink received, when one ran
    player: Player | None = field(default=None, repr=False)
    cases: list[Case] = field(default_factory=list)  # expectations and checks

    @property
    def ok(self) -> bool:
        """Every expectation and check held (by default: every event acknowledged 2xx)."""
        if not self.cases:
            return self.summary.ok
        return self.summary.pending == 0 and not any(c.failed for c in self.cases)


def scenario_delivery(scenario: Scenario) -> dict[str, Any]:
    """The scenario's `delivery:` block keyed by setting names (see DeliveryOptions)."""
    raw = scenario.doc.get("delivery") or {}
    return setting_values(raw, where=f"{scenario.path}: delivery: ", extra=("target",))


def merged_flags(
    scenario: Scenario, flags: dict[str, Any], headers_from: str | Path | None = None
) -> tuple[dict[str, Any], str | None]:
    """Delivery setting values and the target: the flags given win over the scenario's
    delivery block. Headers come, each later source replacing an earlier one's same name,
    from the block, ``CAPMOCK_HEADER_<NAME>`` variables, ``headers_from``, the flags."""
    block = scenario_delivery(scenario)
    merged = {**block, **given(flags)}
    headers = merge_headers(
        _parsed(block.get("header") or ()),
        headers_from_env(),
        headers_from_file(headers_from) if headers_from else (),
        _parsed(flags.get("header") or ()),
    )
    if headers:
        merged["header"] = tuple(headers)
    return merged, merged.pop("target", None)


def _parsed(values: Any) -> list[tuple[str, str]]:
    return [units.within("header", units.header, v) for v in values]


def options_for(
    scenario: Scenario, flags: dict[str, Any], headers_from: str | Path | None = None
) -> tuple[DeliveryOptions, str | None]:
    """Delivery options (see :func:`merged_flags`) and the scenario's target."""
    merged, target = merged_flags(scenario, flags, headers_from)
    merged.setdefault("seed", scenario.seed)
    options = DeliveryOptions.from_settings(merged, where=f"{scenario.path}: delivery: ")
    return options, target


def planned(player: Player) -> Iterator[Planned]:
    for seq, payload in enumerate(player.payloads()):
        yield Planned.from_payload(seq, payload)


def run_scenario(
    name: str = DEFAULT_SCENARIO,
    *,
    target: str | None = None,
    flags: dict[str, Any] | None = None,
    seed: int | None = None,
    envelope: str | None = None,
    journal: str | Path | bool | None = None,
    on_progress: Callable[[EventOutcome], None] | None = None,
    state: str | None = None,
    state_headers: tuple[str, ...] = (),
    headers_from: str | Path | None = None,
    max_events: int | None = DEFAULT_MAX_EVENTS,
    variations: float = 0.0,
    fields: str | None = None,
    vendor: str | None = None,
    **hooks: Any,
) -> RunResult:
    """Play ``name`` and deliver every event; target: argument, scenario, env, or a sink.

    The scenario's expectations (``expect:``) and ``check:`` steps become ``cases``; checks
    read the consumer's state from ``state`` (a URL template) or the scenario's
    ``consumer.state``."""
    scenario = load(name, seed=seed, envelope=envelope, max_events=max_events, vendor=vendor)
    player = Player(scenario, variations=variations, fields=fields)  # checks its options
    options, scenario_target = options_for(scenario, dict(flags or {}), headers_from)
    rehearse(scenario, variations=variations, fields=fields)  # errors before the first POST
    chosen = target or scenario_target or os.environ.get(TARGET_ENV)
    meta = {"scenario": scenario.path, "seed": scenario.seed, "envelope": scenario.envelope}
    if variations:
        meta["variations"] = variations  # resume regenerates the same variants
    if fields:
        meta["fields"] = fields  # and the same members
    if scenario.vendor != "capillary":  # journals of Capillary runs stay as they were
        meta["vendor"] = scenario.vendor
    if chosen:
        endpoint = consumer_state(scenario, chosen, state, state_headers)
        played = play(
            player,
            chosen,
            options,
            state=endpoint,
            journal=_journal(journal),
            meta=meta,
            on_progress=on_progress,
            **hooks,
        )
        return RunResult(played.summary, redact_url(chosen), scenario.path, player=player,
                         cases=played.cases)
    if has_checks(scenario.steps):
        raise UsageError(
            f"{scenario.path}: check steps need a consumer to read state from",
            hint="pass --target (or set the scenario's delivery.target or $CAPMOCK_TARGET)",
        )
    with Sink.start() as sink:
        played = play(
            player,
            sink.url,
            options,
            journal=_journal(journal),
            meta={**meta, "sink": True},
            on_progress=on_progress,
            **hooks,
        )
        return RunResult(
            played.summary,
            sink.url,
            scenario.path,
            sink=sink.received,
            player=player,
            cases=played.cases,
        )


def _journal(journal: str | Path | bool | None) -> str | Path | bool | None:
    return False if journal is False else journal


def resume_run(
    journal: str | Path,
    *,
    target: str | None = None,
    flags: dict[str, Any] | None = None,
    headers_from: str | Path | None = None,
    on_progress: Callable[[EventOutcome], None] | None = None,
    **hooks: Any,
) -> RunResult:
    """Continue a killed run: regenerate its events from the journal's meta and send what
    was not acknowledged, with the journaled delivery options (``flags`` override them;
    journaled secrets must be given again). A run that used the embedded sink resumes
    into a fresh one unless a target is given."""
    state = read_journal(journal)
    meta = state.meta or {}
    if "scenario" not in meta or not state.runs:
        raise UsageError(
            f"{journal}: the journal does not say which scenario it ran",
            hint="use `capmock replay` to re-send its events",
        )
    scenario = load(
        str(meta["scenario"]),
        seed=meta.get("seed"),
        envelope=meta.get("envelope"),
        vendor=meta.get("vendor"),
    )
    if has_checks(scenario.steps):
        raise UsageError(
            f"{journal}: its scenario has check steps, which resume cannot repeat",
            hint="run the scenario again, or `capmock replay` the journal",
        )
    given, scenario_target = merged_flags(scenario, dict(flags or {}), headers_from)
    options = resumed_options(state.runs[0], given)
    player = Player(scenario, variations=float(meta.get("variations", 0.0)),
                    fields=meta.get("fields"))
    chosen = target or scenario_target
    if chosen or not meta.get("sink"):
        summary = resume(journal, options, target=chosen, events=planned(player),
                         on_progress=on_progress, **hooks)
        shown = redact_url(chosen or state.target or "")
        return RunResult(summary, shown, scenario.path, player=player)
    with Sink.start() as sink:  # the journaled run's embedded sink died with it
        summary = resume(journal, options, target=sink.url, events=planned(player),
                         on_progress=on_progress, **hooks)
        return RunResult(summary, sink.url, scenario.path, sink=sink.received, player=player)
