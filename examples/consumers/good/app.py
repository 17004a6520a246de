"""A reference Capillary loyalty webhook consumer that gets the hard parts right.

It keeps, per customer, the points balance (current and lifetime), the tier number and a
count of purchases, from the events Capillary (or capmock) POSTs to ``/webhook``:

* **Idempotent by eventId.** Every eventId is recorded in ``processed_events`` in the same
  transaction as its effects; a redelivery answers 200 and changes nothing.
* **Order tolerant.** Balances and tiers are taken from the values the events *state*
  (``programCurrentPoints``, ``upgradedTierNumber``...), and each (customer, field) keeps a
  high-water mark ``(createdAt, eventId)``: a stated value older than the mark is ignored.
  The few events that only carry a change (``pointsExpired``, ``pointsTransferredReceived``,
  ``manualPointsAdjustment``, purchases) are kept as deltas, and a field reads as its latest
  stated value plus the deltas newer than it, so any delivery order folds to the same state.
* **Tolerant reader.** Both envelopes (flat and wrapped), unknown fields and unknown
  eventNames are accepted (2xx); only a body that is not an event with an eventId is a 400.
* **Concurrency safe.** One SQLite connection per app, used under a lock, each delivery in a
  ``BEGIN IMMEDIATE`` transaction (which also serialises several processes on one DB file).

Run it: ``python examples/consumers/good/app.py --port 9001 [--db state.db]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, request

DB_ENV = "GOOD_CONSUMER_DB"
ENTRY_TIER = 1  # Capillary sends no event for the tier a member starts in
DEFAULTS = {"current": 0.0, "lifetime": 0.0, "tier": float(ENTRY_TIER), "transactions": 0.0}

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_events (
    event_id TEXT PRIMARY KEY, event_name TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS customers (customer_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS stated (
    customer_id TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL,
    at INTEGER NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (customer_id, field));
CREATE TABLE IF NOT EXISTS deltas (
    customer_id TEXT NOT NULL, field TEXT NOT NULL, amount REAL NOT NULL,
    at INTEGER NOT NULL, event_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deltas_by_field ON deltas (customer_id, field, at, event_id);
"""

# A stated value replaces the stored one only when it is newer: (createdAt, eventId) wins.
UPSERT_STATED = """
INSERT INTO stated (customer_id, field, value, at, event_id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (customer_id, field) DO UPDATE
SET value = excluded.value, at = excluded.at, event_id = excluded.event_id
WHERE (excluded.at, excluded.event_id) > (stated.at, stated.event_id)
"""


# ---- reading a payload -----------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    event_id: str
    name: str | None
    created_at: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Change:
    op: str  # "set": a value the event states; "add": a change it carries
    field: str
    value: float


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def first(value: Any) -> dict[str, Any]:
    return obj(value[0]) if isinstance(value, list) and value else {}


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


def millis(*candidates: Any) -> int:
    """The first usable epoch-millis value; 0 (older than anything) when there is none."""
    for value in candidates:
        n = number(value)
        if n is not None:
            return int(n)
    return 0


def parse_event(payload: Any) -> Event | None:
    """An Event from either envelope, or None when the body is not an event at all."""
    if not isinstance(payload, dict) or not isinstance(payload.get("eventId"), str):
        return None
    attrs = payload.get("attributes")
    body = attrs if isinstance(attrs, dict) else payload  # wrapped vs flat
    name = body.get("eventName")
    if not isinstance(name, str) and isinstance(payload.get("eventType"), str):
        name = payload["eventType"].split("_", 1)[-1]  # "<orgId>_<eventName>" or the name
    created = millis(body.get("createdAt"), payload.get("timeStamp"))
    return Event(
        payload["eventId"], name if isinstance(name, str) else None, created, obj(body.get("data"))
    )


def customer_key(value: Any) -> str | None:
    n = number(value)
    if n is not None and n.is_integer():
        return str(int(n))  # 379499720 and 379499720.0 are the same customer
    return value if isinstance(value, str) and value else None


def customer_of(data: dict[str, Any]) -> str | None:
    """customerIdentifiers, a merge's survivor, else the USER the event is about."""
    for key in ("customerIdentifiers", "survivorCustomerIdentifiers"):
        cid = customer_key(obj(data.get(key)).get("customerId"))
        if cid:
            return cid
    for entity in (
        obj(data.get("entityInformation")),
        obj(obj(data.get("triggeringActivity")).get("entityInformation")),
    ):
        if entity.get("entityType") == "USER" and customer_key(entity.get("entityId")):
            return customer_key(entity.get("entityId"))
    return None


# ---- what each event means -------------------------------------------------------------


def stated(field: str, value: Any) -> list[Change]:
    n = number(value)
    return [Change("set", field, n)] if n is not None else []


def added(field: str, value: Any, sign: float = 1.0) -> list[Change]:
    n = number(value)
    return [Change("add", field, sign * n)] if n is not None else []


def program_balances(data: dict[str, Any]) -> list[Change]:
    return stated("current", data.get("programCurrentPoints")) + stated(
        "lifetime", data.get("programLifetimePoints")
    )


def balance_in(key: str) -> Callable[[dict[str, Any]], list[Change]]:
    """pointsRedeemed & co. state the new balance per earning program, not at the top."""
    return lambda data: stated("current", first(data.get(key)).get("programCurrentPoints"))


def merge_summary(data: dict[str, Any]) -> list[Change]:
    summary = first(data.get("survivorCustomerLoyaltySummary"))
    return (
        stated("current", summary.get("currentPoints"))
        + stated("lifetime", summary.get("lifetimePoints"))
        + stated("tier", summary.get("tierNumber"))
    )


def tier_from(key: str) -> Callable[[dict[str, Any]], list[Change]]:
    return lambda data: stated("tier", data.get(key))


def purchase(data: dict[str, Any]) -> list[Change]:
    return [] if data.get("billType") == "RETURN" else [Change("add", "transactions", 1.0)]


def retrigger(data: dict[str, Any]) -> list[Change]:
    passed = not data.get("rejectionDetailsOnRetrigger")  # empty: the retry went through
    return [Change("add", "transactions", 1.0)] if passed else []


def transfer_in(data: dict[str, Any]) -> list[Change]:
    # The receiver's event carries no balance: only the points that arrived.
    points = data.get("totalPointsTransferred")
    return added("current", points) + added("lifetime", points)


def adjustment(data: dict[str, Any]) -> list[Change]:
    # A manual adjustment states the points deducted (negative for a credit), no balance.
    deducted = data.get("totalPoinstDeducted")
    return added("current", deducted, -1.0) + added("lifetime", deducted, -1.0)


def nothing(data: dict[str, Any]) -> list[Change]:
    return []


RULES: dict[str, Callable[[dict[str, Any]], list[Change]]] = {
    "customerAdded": nothing,
    "customerUpdated": nothing,
    "transactionAdded": purchase,
    "retroBillAdded": purchase,
    "rejectedTransactionRetrigger": retrigger,
    "pointsIssued": program_balances,
    "issuedPointsReversed": program_balances,
    "promisedToCurrentPointsConversion": program_balances,
    "pointsRedeemed": balance_in("redemptionFromEarningPrograms"),
    "pointsTransferredInitiated": balance_in("redemptionFromEarningPrograms"),
    "redeemedPointsReversed": balance_in("redemptionReversalToEarningPrograms"),
    "pointsTransferredReceived": transfer_in,
    "pointsExpired": lambda data: added("current", data.get("pointsExpired"), -1.0),
    "manualPointsAdjustment": adjustment,
    "loyaltyCustomerMerge": merge_summary,
    "tierUpgraded": tier_from("upgradedTierNumber"),
    "tierDowngraded": tier_from("downgradedTierNumber"),
    "tierRenewed": tier_from("currentTierNumber"),
    "tierDowngradeReminder": tier_from("currentTierNumber"),
}


# ---- storage ---------------------------------------------------------------------------


class Store:
    """One SQLite connection shared by Flask's threads, one delivery at a time."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def record(self, event: Event) -> str:
        """Apply one event exactly once: 'applied', 'duplicate' or 'ignored'."""
        rule = RULES.get(event.name or "")
        customer = customer_of(event.data) if rule else None
        with self.transaction() as db:
            if not first_time(db, event):
                return "duplicate"
            if rule is None or customer is None:
                return "ignored"
            db.execute("INSERT OR IGNORE INTO customers VALUES (?)", (customer,))
            for change in rule(event.data):
                apply_change(db, customer, event, change)
        return "applied"

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        with self.transaction() as db:
            known = db.execute(
                "SELECT 1 FROM customers WHERE customer_id = ?", (customer_id,)
            ).fetchone()
            if not known:
                return None
            return {name: read_field(db, customer_id, name) for name in DEFAULTS}


def first_time(db: sqlite3.Connection, event: Event) -> bool:
    cur = db.execute(
        "INSERT OR IGNORE INTO processed_events VALUES (?, ?, ?)",
        (event.event_id, event.name, event.created_at),
    )
    return cur.rowcount == 1


def apply_change(db: sqlite3.Connection, customer: str, event: Event, change: Change) -> None:
    row = (customer, change.field, change.value, event.created_at, event.event_id)
    if change.op == "set":
        db.execute(UPSERT_STATED, row)
    else:
        db.execute("INSERT INTO deltas VALUES (?, ?, ?, ?, ?)", row)


def read_field(db: sqlite3.Connection, customer: str, field: str) -> float:
    """The latest stated value plus every change newer than it."""
    row = db.execute(
        "SELECT value, at, event_id FROM stated WHERE customer_id = ? AND field = ?",
        (customer, field),
    ).fetchone()
    base, at, event_id = row if row else (DEFAULTS[field], -1, "")
    (later,) = db.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM deltas WHERE customer_id = ? AND field = ?"
        " AND (at, event_id) > (?, ?)",
        (customer, field, at, event_id),
    ).fetchone()
    return float(base) + float(later)


# ---- HTTP ------------------------------------------------------------------------------


def customer_json(customer_id: str, values: dict[str, float]) -> dict[str, Any]:
    return {
        "customerId": int(customer_id) if customer_id.isdigit() else customer_id,
        "points": {
            "current": round(values["current"], 2),
            "lifetime": round(values["lifetime"], 2),
        },
        "tier": int(values["tier"]),
        "transactions": int(values["transactions"]),
    }


def create_app(db_path: str | None = None) -> Flask:
    app = Flask(__name__)
    store = Store(db_path or os.environ.get(DB_ENV) or ":memory:")
    app.extensions["consumer_store"] = store

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        event = parse_event(request.get_json(silent=True))
        if event is None:
            return jsonify(error="expected a JSON event with an eventId"), 400
        return jsonify(status=store.record(event), eventId=event.event_id), 200

    @app.get("/customers/<customer_id>")
    def customer(customer_id: str) -> tuple[Response, int]:
        values = store.customer(customer_id)
        if values is None:
            return jsonify(error=f"unknown customer {customer_id}"), 404
        return jsonify(customer_json(customer_id, values)), 200

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--db", default=None, help=f"SQLite file (default ${DB_ENV} or memory)")
    args = parser.parse_args()
    create_app(args.db).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
