"""Catalog, schema and scenario commands: events, generate, validate, schemas, plan, scenarios."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from capmock import bundled, catalog
from capmock.bundled import summary as first_sentence
from capmock.catalog.context import Options
from capmock.cli.base import (
    boundary,
    emit_json,
    fields_option,
    main,
    variations_option,
    vendor_option,
)
from capmock.envelope import STYLES, Envelope
from capmock.errors import InputError
from capmock.generator import Generator
from capmock.scenario.budget import DEFAULT_MAX_EVENTS, BudgetExceeded


@main.command("events")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@boundary
def events_cmd(as_json: bool) -> None:
    """List every event in the catalog."""
    rows = [
        {
            "name": e.name,
            "domain": e.domain,
            "envelopes": list(STYLES),
            "description": e.description,
        }
        for e in catalog.catalog().values()
    ]
    if as_json:
        emit_json(rows, pretty=True)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['domain']:<15} {','.join(r['envelopes'])}")
    click.echo(f"{len(rows)} events")


@main.command("generate")
@click.argument("event")
@click.option("--style", type=click.Choice(STYLES), default="flat", show_default=True)
@click.option("--seed", type=int, help="Same seed, byte-identical output.")
@click.option("--org", "org_id", type=click.IntRange(min=1, max=2**63 - 1),
              help="Org id (default: made up from the seed).")
@click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="Identifier enrichment (instore mobile/email/externalId).",
)
@click.option(
    "--tz-millis/--no-tz-millis",
    default=False,
    show_default=True,
    help="Timezone standardisation: add …InMillis fields.",
)
@click.option("--locale", default="en_IN", show_default=True, help="Faker locale, e.g. id_ID.")
@click.option("--count", type=click.IntRange(min=1), default=1, help="N payloads as JSON Lines.")
@fields_option("typical")
@variations_option
@vendor_option
@boundary
def generate_cmd(
    event: str,
    style: str,
    seed: int | None,
    org_id: int | None,
    enrich: bool,
    tz_millis: bool,
    locale: str,
    count: int,
    fields: str,
    variations: float,
    vendor: str,
) -> None:
    """Print a realistic payload of EVENT (JSON, or JSON Lines with --count).

    With --vendor voucherify, EVENT is a transaction type (POINTS_ACCRUAL…) or the webhook's
    event type, rendered from a short journey through the model."""
    if vendor != "capillary":
        payloads = vendor_samples(event, seed, count)
        for payload in payloads:
            emit_json(payload, pretty=count == 1)
        return
    catalog.get(event)
    options = Options(enrich, tz_millis, locale, fields)
    gen = Generator(
        seed, org_id=org_id, options=options, envelope=Envelope(style), variations=variations
    )
    if count == 1:
        emit_json(gen.one(event), pretty=True)
        return
    for payload in gen.many(event, count):
        emit_json(payload, pretty=False)


def vendor_samples(event: str, seed: int | None, count: int) -> list[dict[str, Any]]:
    """``count`` Voucherify webhooks of transaction type ``event``, from the sample journey
    played with seeds ``seed``, ``seed + 1``…"""
    import random

    from capmock.errors import UsageError, did_you_mean
    from capmock.scenario.loader import Scenario, parse_start
    from capmock.scenario.player import Player
    from capmock.scenario.validate import check
    from capmock.scenario.yamlload import load_text
    from capmock.vendor.voucherify import EVENT_TYPE, TRANSACTION_TYPES
    from capmock.vendor.voucherify.envelope import transaction_type
    from capmock.vendor.voucherify.render import TYPES
    from capmock.vendor.voucherify.sample import SAMPLE_JOURNEY

    kind = "POINTS_ACCRUAL" if event == EVENT_TYPE else event
    if kind not in TRANSACTION_TYPES:
        counterpart = TYPES.get(event)  # a Capillary event name: say what it becomes
        guess = counterpart or did_you_mean(kind, [*TRANSACTION_TYPES, EVENT_TYPE])
        types = ", ".join(TRANSACTION_TYPES)
        hint = (f"Capillary's {event} is Voucherify's {counterpart}" if counterpart
                else f"Capillary's {event} has no Voucherify counterpart: {types}"
                if event in catalog.names()
                else f"did you mean '{guess}'?" if guess else f"one of {types}")
        raise UsageError(f"unknown Voucherify transaction type '{event}'", hint=hint)
    path = "<voucherify sample journey>"
    doc = load_text(SAMPLE_JOURNEY, path)
    check(doc, path)
    start = parse_start(doc["start"], doc, path)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    out: list[dict[str, Any]] = []
    for n in range(count):
        scenario = Scenario(path, doc, "sample", "", seed + n, start, "flat", vendor="voucherify")
        found = [p for p in Player(scenario).payloads() if transaction_type(p) == kind]
        if not found:
            raise UsageError(f"the model produces no {kind} transaction yet", hint=None)
        out.append(found[0])
    return out


def read_payloads(source: str) -> list[tuple[str, Any]]:
    """(label, payload) for a JSON document or each line of a JSON Lines file (- for stdin);
    an InputError when the file cannot be read, is empty or is not strict JSON."""
    from capmock.payloadfile import parse_payloads

    name = "<stdin>" if source == "-" else source
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", file=name) from err
    docs = []
    for label, payload in parse_payloads(data, name):
        items = payload if isinstance(payload, list) else [payload]
        many = len(items) > 1
        docs += [(f"{label}[{i}]" if many else label, doc) for i, doc in enumerate(items)]
    if not docs:
        raise InputError("no payload in it (an empty array)", file=name)
    return docs


@main.command("validate")
@click.argument("files", nargs=-1, required=True)
@boundary
def validate_cmd(files: tuple[str, ...]) -> None:
    """Validate payloads (JSON or JSON Lines; - for stdin).

    Exit 0 when all conform, 1 when one does not, 2 when a file is not readable JSON."""
    from capmock.schemas import default_validator, shown

    payloads = [doc for source in files for doc in read_payloads(source)]  # all read first
    validator = default_validator()
    bad = 0
    for where, doc in payloads:
        problems = _problems(validator, doc)
        name = _name_of(doc)
        name = shown(name) if name is not None else "(no event name)"
        if problems:
            bad += 1
            for path, message in problems:
                click.echo(f"{where}: INVALID {name}: {path}: {message}")
        else:
            click.echo(f"{where}: ok {name}")
    click.echo(f"{len(payloads) - bad} valid, {bad} invalid")
    sys.exit(1 if bad else 0)


def _problems(validator: Any, doc: Any) -> list[tuple[str, str]]:
    """(path, message) of each problem, by the schema of the payload's vendor."""
    from capmock.vendor import VOUCHERIFY, vendor_of

    if vendor_of(doc) == VOUCHERIFY:
        from capmock.vendor.voucherify.schema import problems

        return problems(doc)
    return [(p.path, p.message) for p in validator.validate(doc)]


def _name_of(doc: Any) -> str | None:
    from capmock.envelope import unwrap

    return unwrap(doc)[0] if isinstance(doc, dict) else None


schemas_dir = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
)


@main.group("schemas")
def schemas_group() -> None:
    """Export or check the JSON Schemas in schemas/."""


def schema_documents() -> dict[str, Any]:
    """Every file of schemas/: the catalog's documents, the scenario format's and the other
    vendors' (schemas/voucherify/)."""
    from capmock.scenario.format_schema import scenario_schema
    from capmock.schemas import documents
    from capmock.vendor import schema_documents as vendor_documents

    return documents(extra={"scenario.json": scenario_schema(), **vendor_documents()})


@schemas_group.command("export")
@schemas_dir
@boundary
def schemas_export(directory: Path) -> None:
    """Write every schema file from the catalog declarations."""
    from capmock.schemas import export

    written = export(directory, schema_documents())
    click.echo(f"wrote {len(written)} schema files to {directory}")


@schemas_group.command("check")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: bundled.SCHEMAS,
    show_default="schemas/ as shipped: the checkout's, or the installed package's",
)
@boundary
def schemas_check(directory: Path) -> None:
    """Exit 1 when the schema files differ from what the catalog declares."""
    from capmock.schemas import stale

    out_of_date = stale(directory, schema_documents())
    for rel in out_of_date:
        click.echo(f"out of date: {directory / rel}")
    if out_of_date:
        click.echo("run: capmock schemas export")
        sys.exit(1)
    click.echo("schemas are up to date")


max_events_option = click.option(
    "--max-events",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_EVENTS,
    show_default=True,
    help="Refuse a scenario that would make more events than this (checked before playing).",
)
fresh_ids_option = click.option(
    "--fresh-ids",
    is_flag=True,
    help="New customer and event ids on every run (a random seed, printed on stderr). "
    "Without it a scenario makes the same ids each time.",
)


def pick_seed(seed: int | None, fresh_ids: bool) -> int | None:
    """The seed to play with: ``--seed``, a fresh random one for ``--fresh-ids``, or None."""
    if not fresh_ids:
        return seed
    if seed is not None:
        raise click.UsageError("--fresh-ids picks a new seed: give it or --seed, not both")
    fresh = secrets.randbelow(2**31)
    click.echo(f"capmock: fresh ids: seed {fresh} (--seed {fresh} repeats this run)", err=True)
    return fresh


@contextmanager
def budget_hint() -> Iterator[None]:
    """Name the flag that raises the event budget in the budget's error."""
    try:
        yield
    except BudgetExceeded as err:
        err.hint = "lower the count or repetitions, or raise --max-events"
        raise


@main.command("plan")
@click.argument("scenario")
@click.option("--seed", type=int, help="Override the scenario's seed.")
@click.option("--envelope", type=click.Choice(STYLES), help="Override the scenario's envelope.")
@click.option("--state", "show_state", is_flag=True, help="Print the final model state instead.")
@max_events_option
@fresh_ids_option
@fields_option(None)
@variations_option
@vendor_option
@boundary
def plan_cmd(
    scenario: str,
    seed: int | None,
    envelope: str | None,
    show_state: bool,
    max_events: int,
    fresh_ids: bool,
    fields: str | None,
    variations: float,
    vendor: str,
) -> None:
    """Print the events SCENARIO produces as JSON Lines, without sending anything.

    Each line is the exact body `capmock run` would POST for that event. The same
    scenario and seed give the same bytes, ids included (see --fresh-ids)."""
    from capmock.jsonio import dumps
    from capmock.scenario import load
    from capmock.scenario.player import Player
    from capmock.scenario.state import snapshot
    from capmock.vendor import skipped_note

    seed = pick_seed(seed, fresh_ids)
    with budget_hint():
        loaded = load(scenario, seed=seed, envelope=envelope, max_events=max_events, vendor=vendor)
        player = Player(loaded, variations=variations, fields=fields)
        out = sys.stdout.buffer
        for payload in player.payloads():
            if not show_state:
                out.write(dumps(payload) + b"\n")
    if show_state:
        emit_json(snapshot(player), pretty=True)
    note = skipped_note(player.vendor.skipped, vendor) if player.vendor else None
    if note:
        out.flush()
        click.echo(f"note: {note}", err=True)


@main.command("scenarios")
@click.option("--json", "as_json", is_flag=True)
@boundary
def scenarios_cmd(as_json: bool) -> None:
    """List the bundled scenarios with their descriptions."""
    from capmock.scenario import BUNDLED, load

    rows = []
    for path in sorted(BUNDLED.glob("*.yaml")):
        sc = load(str(path))
        rows.append({"name": path.stem, "path": str(path), "description": sc.description})
    if as_json:
        emit_json(rows, pretty=True)
        return
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {first_sentence(r['description'])}")
