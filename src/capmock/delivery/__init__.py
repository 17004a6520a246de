"""Deliver events to a webhook like Capillary does: retries, timeouts, parallel connections,
deliberate faults, and a journal to resume or replay from.

    from capmock.delivery import DeliveryOptions, Planned, deliver, replay, resume

    options = DeliveryOptions.from_settings(connections=4, duplicates="5%", time_scale=0.001)
    events = (Planned.from_payload(i, p) for i, p in enumerate(payloads))  # streamed
    summary = deliver(events, "http://localhost:8080/hook", options, journal=path,
                      meta={"seed": 7})            # -> Summary (to_dict(), notable())
    resume(path, options, events=same_events_again)  # finish a killed run
    replay(path, select="failed", new_ids=True)      # re-send journaled bytes

With no target, ``capmock.delivery.sink.Sink.start()`` gives a local one (``.url``,
``.received``, ``.summary()``). A retried event holds back its connection's later events
(``on_retry`` block, Capillary's way; ``Summary.longest_hold``); Ctrl-C raises
:class:`Interrupted` (a KeyboardInterrupt) carrying the summary so far.
"""

from capmock.delivery.engine import deliver
from capmock.delivery.faults import Faults
from capmock.delivery.journal import default_journal_path, read_journal
from capmock.delivery.options import DeliveryOptions
from capmock.delivery.policy import Decision, Policy, Result, make_policy
from capmock.delivery.recovery import replay, resume, rewrite_event_id
from capmock.delivery.types import (
    Attempt,
    EventOutcome,
    FaultNote,
    Hold,
    Interrupted,
    Planned,
    Summary,
)

__all__ = [
    "Attempt",
    "Decision",
    "DeliveryOptions",
    "EventOutcome",
    "FaultNote",
    "Faults",
    "Hold",
    "Interrupted",
    "Planned",
    "Policy",
    "Result",
    "Summary",
    "default_journal_path",
    "deliver",
    "make_policy",
    "read_journal",
    "replay",
    "resume",
    "rewrite_event_id",
]
