"""Everything one ``capmock serve`` holds: configuration, model, scenarios, sinks, the
delivery log, credentials; and the actions the page and the API share (fire an event, run a
scenario), so both do exactly the same thing."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from capmock.delivery import DeliveryOptions, Planned
from capmock.delivery.options import SETTINGS
from capmock.delivery.sender import check_target, redact_url
from capmock.errors import CapmockError, UsageError, did_you_mean
from capmock.runner import options_for
from capmock.scenario import load
from capmock.scenario.player import Player
from capmock.server.auth import ApiAuth, UiAuth
from capmock.server.checker import Budget
from capmock.server.deliveries import DeliveryLog, RunInfo
from capmock.server.exposure import allowed_places, permitted, place
from capmock.server.scenarios import Entry, Scenarios
from capmock.server.sinks import SinkRegistry
from capmock.server.world_registry import Source, WorldRegistry
from capmock.vendor import check_vendor

# every delivery setting but signing (the server holds no signing secrets)
OPTION_KEYS = tuple(k for k in SETTINGS if k not in ("sign", "secret"))
MAX_CONNECTIONS = 64
MAX_URL = 2048


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    target: str | None = None  # default webhook URL; else the built-in sink
    scenario: str | None = None  # offered first and played into the model at start
    ui_password: str | None = None
    api_user: str | None = None
    api_password: str | None = None
    allow_targets: tuple[str, ...] = ()  # where deliveries may go (exposure.py); () = any
    seed: int | None = None  # of the single-event generator
    max_upload_bytes: int = 256 * 1024
    max_events: int = 1_000_000  # the plan budget of a checked or fired scenario
    check_seconds: float = 30.0  # CPU and wall-clock budget of checking an upload
    check_memory_mb: int = 1536  # memory budget of the worker that checks it
    max_checks: int = 2  # uploads checked at once (429 beyond)
    keep_deliveries: int = 5000
    max_active_runs: int = 32
    max_sink_latency: float = 30.0  # seconds a sink may be told to take
    max_sink_bytes: int = 64 * 1024 * 1024  # of requests all sinks keep together
    token_ttl: int = 1800
    threads: int = 16
    variations: float = 0.0  # default rate of documented shape variants (page and API)
    fields: str | None = None  # optional members: all|typical|required (None: typical, or
    # a scenario's own options: fields)


def self_host(host: str) -> str:
    """How the server reaches itself: a wildcard bind address means loopback."""
    if host in ("", "0.0.0.0", "*"):
        return "127.0.0.1"
    if ":" in host:
        return "[::1]" if host in ("::", "[::]") else f"[{host.strip('[]')}]"
    return host


def _flag_value(name: str, value: Any) -> str | list[str] | None:
    if value is None or value == "":
        return None
    if name == "header":
        items = [value] if isinstance(value, str) else (
            [f"{k}: {v}" for k, v in value.items()] if isinstance(value, dict) else value)
        if not isinstance(items, list) or not all(isinstance(h, str) for h in items):
            raise UsageError("options.header: 'Name: value' strings")
        if any("\r" in h or "\n" in h for h in items):
            raise UsageError("options.header: no line breaks in headers")
        return items
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UsageError(f"options.{name}: a string or a number, got {type(value).__name__}")
    text = str(value).strip()
    if "\r" in text or "\n" in text or len(text) > 200:
        raise UsageError(f"options.{name}: one short line, please")
    try:
        if not math.isfinite(float(text)):
            raise UsageError(f"options.{name}: must be finite, got {text}")
    except ValueError:
        pass
    return text


def flags_from_json(raw: Any) -> dict[str, Any]:
    """Delivery options as JSON (named like ``capmock run``'s flags) → the values of
    ``DeliveryOptions.from_settings``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise UsageError("options: a JSON object of delivery options")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        name = "header" if name == "headers" else name
        if name not in OPTION_KEYS:
            guess = did_you_mean(name, OPTION_KEYS)
            raise UsageError(f"unknown delivery option '{key}'",
                             hint=f"did you mean '{guess}'?" if guess else None)
        flag = _flag_value(name, value)
        if flag is not None:
            out[name] = flag
    connections = str(out.get("connections", "1"))
    if connections.isdigit() and int(connections) > MAX_CONNECTIONS:
        raise UsageError(f"options.connections: at most {MAX_CONNECTIONS}")
    return out


def locked_events(src: Source, player: Player) -> Iterator[Planned]:
    """The scenario's events, each rendered under the source's lock (readers see whole
    steps), serialised outside it."""
    payloads = player.payloads()
    for seq in itertools.count():
        with src.lock:
            payload = next(payloads, None)
        if payload is None:
            return
        yield Planned.from_payload(seq, payload)


class Hub:
    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.port = config.port
        self.worlds = WorldRegistry(config.seed, config.variations, config.fields or "typical")
        budget = Budget(config.max_events, config.check_seconds, config.check_memory_mb)
        self.scenarios = Scenarios(config.max_upload_bytes, budget, config.max_checks)
        self.sinks = SinkRegistry(config.max_sink_latency, config.max_sink_bytes)
        self.log = DeliveryLog(config.keep_deliveries, config.max_active_runs)
        allowed_places(config.allow_targets)  # a bad --allow-target stops the start
        self.ui_auth = UiAuth(config.ui_password)
        self.api_auth = ApiAuth(config.api_user, config.api_password, config.token_ttl)
        self.preselected: str | None = None
        if config.scenario:
            entry = self.scenarios.add_file(config.scenario)
            self.preselected = entry.name
            threading.Thread(target=self._preload, args=(entry,), daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://{self_host(self.config.host)}:{self.port}"

    @property
    def default_target(self) -> str:
        return self.config.target or f"{self.base_url}/sink/default"

    def choose_target(self, requested: str | None) -> str:
        url = (requested or "").strip() or self.default_target
        if len(url) > MAX_URL:
            raise UsageError(f"target: at most {MAX_URL} characters")
        check_target(url)
        places = allowed_places(self.config.allow_targets)
        if places and not permitted(url, (*places, place(f"{self.base_url}/sink/"))):
            allowed = ", ".join(map(redact_url, self.config.allow_targets))
            raise UsageError(f"target '{redact_url(url)}' is not allowed here",
                             hint=f"allowed: {allowed} (scheme, host and port as given)")
        return url

    def fire_event(self, payload: dict[str, Any], target: str | None,
                   flags: dict[str, Any]) -> RunInfo:
        url = self.choose_target(target)
        options = DeliveryOptions.from_settings(flags, where="options.")
        planned = Planned.from_payload(0, payload)
        return self.log.start("event", planned.event_name or "event", url, options, [planned])

    def entry(self, name: str) -> Entry:
        entry = self.scenarios.get(name)
        if entry is None:
            names = [e["name"] for e in self.scenarios.list()]
            guess = did_you_mean(name, names)
            raise UsageError(f"no scenario '{name}'",
                             hint=f"did you mean '{guess}'?" if guess else "see /api/scenarios")
        return entry

    def fire_scenario(self, name: str, target: str | None, flags: dict[str, Any],
                      seed: int | None = None, envelope: str | None = None,
                      variations: float | None = None,
                      vendor: str | None = None, fields: str | None = None) -> RunInfo:
        entry = self.entry(name)
        scenario = self.scenarios.load(entry, seed, envelope, self.config.max_events)
        self.scenarios.ensure_checked(entry, seed, envelope)
        scenario = replace(scenario, vendor=check_vendor(vendor))
        options, scenario_target = options_for(scenario, flags)
        url = self.choose_target(target or scenario_target)
        rate = self.config.variations if variations is None else variations
        player = Player(scenario, variations=rate, fields=fields or self.config.fields)
        src = self.worlds.add_player(f"scenario:{entry.name}", entry.name, player)
        events = locked_events(src, player)  # the player stops past the budget too
        return self.log.start("scenario", entry.name, url, options, events)

    def _preload(self, entry: Entry) -> None:
        """Play the start-up scenario into the model (nothing is sent)."""
        try:
            player = Player(load(entry.path), variations=self.config.variations,
                            fields=self.config.fields)
            src = self.worlds.add_player(f"scenario:{entry.name}", entry.name, player)
            for _ in locked_events(src, player):
                pass
        except CapmockError:
            pass  # it was checked at start; running it reports any error
