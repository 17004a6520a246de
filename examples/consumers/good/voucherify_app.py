"""The good reference consumer, reading Voucherify's loyalty-card webhooks instead.

Voucherify sends ``voucher.loyalty_card.transaction.created`` for every points move on a
loyalty card (``capmock run --vendor voucherify``). Per card holder it keeps the balance,
the total points, the tier's name and the paid orders it earned on:

* **Idempotent by the event's id.** ``processed_events`` holds every id, written in the
  same transaction as the event's effects; a redelivery answers 200 and changes nothing.
* **Order tolerant.** Every event states the balance after it
  (``transaction.details.balance.balance``) and the holder's tier: each (holder, field)
  keeps the value of the newest transaction, by ``(transaction.created_at, id)``; purchases
  are a set of order ids, which any order of arrival fills the same.
* **Tolerant reader.** Unknown fields and event types are accepted (2xx); only a body that
  is not an event object with an id is a 400.

Run it: ``python examples/consumers/good/voucherify_app.py --port 9003 [--db state.db]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import threading
from typing import Any

from flask import Flask, Response, jsonify, request

DB_ENV = "GOOD_VOUCHERIFY_CONSUMER_DB"
EVENT_TYPE = "voucher.loyalty_card.transaction.created"
SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_events (event_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS holders (holder_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS stated (
    holder_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
    at TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (holder_id, field));
CREATE TABLE IF NOT EXISTS orders (
    holder_id TEXT NOT NULL, order_id TEXT NOT NULL, PRIMARY KEY (holder_id, order_id));
"""
UPSERT_STATED = """
INSERT INTO stated VALUES (?, ?, ?, ?, ?)
ON CONFLICT (holder_id, field) DO UPDATE
SET value = excluded.value, at = excluded.at, event_id = excluded.event_id
WHERE (excluded.at, excluded.event_id) > (stated.at, stated.event_id)
"""


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def changes(data: dict[str, Any]) -> tuple[str | None, dict[str, Any], str | None]:
    """(holder id, stated fields, paid order id) of one transaction event."""
    tx = obj(data.get("transaction"))
    balance = obj(obj(tx.get("details")).get("balance"))
    holder = obj(data.get("holder")).get("id") or obj(data.get("voucher")).get("holder_id")
    fields = {"current": balance.get("balance"), "lifetime": balance.get("total"),
              "tier": obj(data.get("holder_loyalty_tier")).get("name")}  # fmt: skip
    order = obj(data.get("order"))
    paid = (
        order.get("id")
        if tx.get("type") == "POINTS_ACCRUAL" and order.get("status") == "PAID"
        else None
    )
    return (holder if isinstance(holder, str) else None), fields, paid


class Store:
    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)

    def record(self, event_id: str, kind: Any, data: dict[str, Any]) -> str:
        holder, fields, paid = changes(data)
        at = str(obj(data.get("transaction")).get("created_at") or "")
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("INSERT OR IGNORE INTO processed_events VALUES (?)",
                              (event_id,)).rowcount == 0:  # fmt: skip
                    db.execute("COMMIT")
                    return "duplicate"
                if kind != EVENT_TYPE or holder is None:
                    db.execute("COMMIT")
                    return "ignored"
                db.execute("INSERT OR IGNORE INTO holders VALUES (?)", (holder,))
                for field, value in fields.items():
                    if value is not None:
                        db.execute(UPSERT_STATED, (holder, field, str(value), at, event_id))
                if paid:
                    db.execute("INSERT OR IGNORE INTO orders VALUES (?, ?)", (holder, paid))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return "applied"

    def holder(self, holder_id: str) -> dict[str, Any] | None:
        with self._lock:
            db = self._db
            if not db.execute("SELECT 1 FROM holders WHERE holder_id = ?", (holder_id,)).fetchone():
                return None
            values = dict(
                db.execute(
                    "SELECT field, value FROM stated WHERE holder_id = ?", (holder_id,)
                ).fetchall()
            )
            (orders,) = db.execute(
                "SELECT COUNT(*) FROM orders WHERE holder_id = ?", (holder_id,)
            ).fetchone()
        return {
            "customerId": holder_id,
            "points": {"current": float(values.get("current", 0)),
                       "lifetime": float(values.get("lifetime", 0))},
            "tier": values.get("tier"),
            "transactions": orders,
        }  # fmt: skip


def create_app(db_path: str | None = None) -> Flask:
    app = Flask(__name__)
    store = Store(db_path or os.environ.get(DB_ENV) or ":memory:")

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            return jsonify(error="expected a JSON event object with an id"), 400
        status = store.record(payload["id"], payload.get("type"), obj(payload.get("data")))
        return jsonify(status=status, id=payload["id"]), 200

    @app.get("/customers/<holder_id>")
    def customer(holder_id: str) -> tuple[Response, int]:
        doc = store.holder(holder_id)
        if doc is None:
            return jsonify(error=f"unknown holder {holder_id}"), 404
        return jsonify(doc), 200

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9003)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    create_app(args.db).run(port=args.port, threaded=True)
