"""Resume an interrupted run, or replay journaled events, from a delivery journal.

``resume`` appends to the same journal and sends exactly the events not yet finished
(journaled but with no delivered / failed-final outcome), plus duplicates the faults asked
for that were never sent, plus — when ``events`` re-supplies the run's source — every event
the journal never reached. An event that was in flight when the run died is sent again:
its consumer may have seen it once already (at-least-once, as with Capillary).

``replay`` re-sends journaled bytes (failed, all, or given eventIds) into a new journal,
optionally under fresh eventIds (only the ``eventId`` value changes, every other byte stays).
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from capmock.delivery.engine import AttemptHook, JournalArg, Progress, Run, _deliver, as_planned
from capmock.delivery.faults import Faults
from capmock.delivery.journal import JournalEvent, JournalState, JournalWriter, read_journal
from capmock.delivery.options import DeliveryOptions
from capmock.delivery.queue import Job
from capmock.delivery.restore import check_secrets, resumed_options, secret_names
from capmock.delivery.secrets import is_redacted, redact_url
from capmock.delivery.sender import Clock, Sleep, check_target
from capmock.delivery.types import FaultNote, Planned, Summary
from capmock.errors import InputError, UsageError, did_you_mean


def _target(state: JournalState, target: str | None) -> str:
    chosen = target or state.target
    if not chosen:
        raise UsageError("the journal records no target", hint="pass the target URL")
    if is_redacted(chosen):
        raise UsageError("the journaled target had credentials", hint="pass the target URL")
    return check_target(chosen)


def _load(path: Path | str) -> JournalState:
    state = read_journal(path)
    if not state.runs:
        raise InputError("not a capmock delivery journal (no run record)", file=str(path))
    return state


def resume(
    journal_path: Path | str,
    options: DeliveryOptions | None = None,
    *,
    target: str | None = None,
    events: Iterable[Planned | dict[str, Any]] | None = None,
    include_failed: bool = False,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    on_progress: Progress | None = None,
    on_attempt: AttemptHook | None = None,
) -> Summary:
    """Finish the run journaled at ``journal_path``; appends to that journal.

    ``options`` default to the journaled ones (``restore.resumed_options`` overrides some);
    UsageError if the journaled run sent secrets (auth, header values, a signing secret)
    that ``options`` do not supply again. ``events``: the run's source again (same seqs and
    eventIds, e.g. from the same seed); events already in the journal are checked and
    skipped, the rest sent.
    ``include_failed`` also re-sends events that ended failed-final.
    """
    state = _load(journal_path)
    opts = options or resumed_options(state.runs[0], {})
    check_secrets(state.runs[0], opts)
    url = _target(state, target)
    writer = JournalWriter(journal_path)
    writer.run("resume", redact_url(url), opts.redacted(), meta=state.meta,
               secret_headers=secret_names(opts))
    run = Run(url, opts, sleep=sleep, clock=clock, journal=writer, on_progress=on_progress,
              on_attempt=on_attempt)

    def jobs() -> Iterator[Job]:
        for event in state.events.values():
            job = _resume_job(run, event, include_failed)
            if job is not None:
                yield job
        if events is not None:
            for planned, note in run.fault_plan().apply(_unjournaled(events, state)):
                yield Job(planned, note)

    return run.execute(jobs())


def _resume_job(run: Run, event: JournalEvent, include_failed: bool) -> Job | None:
    status = event.state
    dup = event.faults.duplicate_after if event.duplicate_pending else None
    if status == "delivered" or (status == "failed-final" and not include_failed):
        run.summary.already_done += 1
        if dup is not None and status == "delivered":
            run.schedule_duplicate(event.planned, dup)
        return None
    note = FaultNote(duplicate_after=dup)  # no new delay; its order was decided last time
    return Job(event.planned, note, journaled=True, first_attempt=event.sends + 1)


def _unjournaled(
    events: Iterable[Planned | dict[str, Any]], state: JournalState
) -> Iterator[Planned]:
    for planned in as_planned(events):
        known = state.events.get(planned.seq)
        if known is None:
            yield planned
        elif known.planned.event_id != planned.event_id:
            raise UsageError(
                f"the events do not match the journal: #{planned.seq} is "
                f"{planned.event_id} here but {known.planned.event_id} in the journal",
                hint="regenerate them exactly as the journaled run did (same seed)",
            )


SELECTIONS = ("failed", "pending", "all")


def select_events(state: JournalState, select: str | Sequence[str]) -> list[JournalEvent]:
    """``"failed"`` (failed-final), ``"pending"``, ``"all"``, or a list of eventIds."""
    if isinstance(select, str):
        if select == "all":
            return list(state.events.values())
        if select in SELECTIONS[:2]:
            return state.by_state("failed-final" if select == "failed" else "pending")
        raise UsageError(f"replay: unknown selection '{select}'",
                         hint="failed, pending, all, or a list of eventIds")
    by_id = {e.planned.event_id: e for e in state.events.values()}
    unknown = [i for i in select if i not in by_id]
    if unknown:
        guess = did_you_mean(unknown[0], SELECTIONS) if len(select) == 1 else None
        hint = (f"did you mean '{guess}'?" if guess
                else f"{', '.join(SELECTIONS)}, or eventIds of the journal's events")
        raise UsageError(f"replay: eventId not in the journal: {', '.join(unknown[:5])}",
                         hint=hint)
    return [by_id[i] for i in dict.fromkeys(select)]


def rewrite_event_id(body: bytes, old: str, new: str) -> bytes:
    """``body`` with the ``"eventId"`` value ``old`` replaced by ``new`` (an event object's
    ``"id"``, for another vendor's webhook); nothing else."""
    pattern = re.compile(rb'("(?:eventId|id)"\s*:\s*")' + re.escape(old.encode()) + rb'"')
    out, count = pattern.subn(lambda m: m.group(1) + new.encode() + b'"', body, count=1)
    if count != 1:
        raise InputError(f"journaled body of {old} has no eventId to rewrite")
    return out


def replay(
    journal_path: Path | str,
    options: DeliveryOptions | None = None,
    *,
    select: str | Sequence[str] = "failed",
    new_ids: bool = False,
    target: str | None = None,
    journal: JournalArg = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    on_progress: Progress | None = None,
    on_attempt: AttemptHook | None = None,
) -> Summary:
    """Re-deliver journaled bytes of the selected events into a new ``journal``.

    ``options`` default to the journaled ones without faults. ``new_ids`` gives each event a
    fresh eventId (seeded by ``options.seed``), so consumers that de-duplicate accept it.
    """
    state = _load(journal_path)
    opts = options or replace(DeliveryOptions.from_redacted(state.options), faults=Faults())
    url = _target(state, target)
    chosen = [e.planned for e in select_events(state, select)]
    if new_ids:
        rng = random.Random(opts.seed)
        chosen = [_renamed(p, str(uuid.UUID(int=rng.getrandbits(128), version=4)))
                  for p in chosen]
    meta = {"replay_of": str(journal_path), "select": select if isinstance(select, str)
            else list(select), "new_ids": new_ids}
    return _deliver(chosen, url, opts, sleep=sleep, clock=clock, journal=journal, meta=meta,
                    on_progress=on_progress, on_attempt=on_attempt, mode="replay")


def _renamed(planned: Planned, new_id: str) -> Planned:
    body = rewrite_event_id(planned.body, planned.event_id, new_id)
    return replace(planned, event_id=new_id, body=body)
