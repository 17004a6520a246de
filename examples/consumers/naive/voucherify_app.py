"""The naive reference consumer, reading Voucherify's loyalty-card webhooks instead.

Written from the one sample in Voucherify's documentation, it has the same bugs on
purpose as its Capillary sibling (see ../README.md):

* no dedupe: every delivery *adds* ``transaction.details.balance.points`` to the balance,
  so a redelivered event counts twice;
* arrival order is trusted: the tier is overwritten by each event's
  ``holder_loyalty_tier``, so a late, older event undoes a newer one;
* a strict reader: keys outside the documented envelope, or another event type, raise and
  the sender gets a 500.

Run it: ``python examples/consumers/naive/voucherify_app.py --port 9004``.
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
from typing import Any

from flask import Flask, Response, jsonify, request

ENVELOPE_KEYS = {"id", "object", "type", "created_at", "data"}
SCHEMA = """
CREATE TABLE holders (
    holder_id TEXT PRIMARY KEY, current_points REAL NOT NULL DEFAULT 0,
    lifetime_points REAL NOT NULL DEFAULT 0, tier TEXT, transactions INTEGER NOT NULL DEFAULT 0
);
"""


class BadPayload(ValueError):
    """The payload is not what the documentation showed us."""


def handle(db: sqlite3.Connection, payload: dict[str, Any]) -> None:
    unexpected = set(payload) - ENVELOPE_KEYS
    if unexpected:
        raise BadPayload(f"unexpected fields: {sorted(unexpected)}")
    if payload["type"] != "voucher.loyalty_card.transaction.created":
        raise BadPayload(f"unsupported event {payload['type']}")
    data = payload["data"]
    tx = data["transaction"]
    points = tx["details"]["balance"]["points"]
    holder = data["holder"]["id"]
    purchase = 1 if tx["type"] == "POINTS_ACCRUAL" and data["order"] else 0
    db.execute("INSERT OR IGNORE INTO holders (holder_id) VALUES (?)", (holder,))
    db.execute(
        "UPDATE holders SET current_points = current_points + ?,"
        " lifetime_points = lifetime_points + ?, tier = ?, transactions = transactions + ?"
        " WHERE holder_id = ?",
        (points, max(points, 0), data["holder_loyalty_tier"]["name"], purchase, holder),
    )
    db.commit()


def create_app(db_path: str | None = None) -> Flask:
    app = Flask(__name__)
    lock = threading.Lock()
    db = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
    db.executescript(SCHEMA)

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        with lock:
            handle(db, request.get_json())
        return jsonify(status="ok"), 200

    @app.get("/customers/<holder_id>")
    def customer(holder_id: str) -> tuple[Response, int]:
        with lock:
            row = db.execute(
                "SELECT current_points, lifetime_points, tier, transactions FROM holders"
                " WHERE holder_id = ?",
                (holder_id,),
            ).fetchone()
        if row is None:
            return jsonify(error="not found"), 404
        return jsonify(
            customerId=holder_id,
            points={"current": row[0], "lifetime": row[1]},
            tier=row[2],
            transactions=row[3],
        ), 200

    @app.get("/health")
    def health() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9004)
    args = parser.parse_args()
    create_app().run(port=args.port, threaded=True)
