"""A loyalty webhook consumer written the way a hurried team writes its first version.

It works on the happy path: every event delivered once, in order, with exactly the fields
the team saw in the documentation. It is here as a target that capmock's contract checks
must catch. Its bugs, on purpose (see ../README.md):

* no dedupe: a redelivered event is applied again (points are *added* as deltas, so a
  duplicate pointsIssued double-counts, a duplicate transactionAdded counts twice);
* arrival order is trusted: each tier event overwrites the tier, so a late, older
  tierUpgraded undoes a newer tierDowngraded;
* a strict reader: keys outside the documented envelope, and eventNames it has no handler
  for, raise, and the sender gets a 500 (and retries, forever);
* ids decoded like a typed model (Go's encoding/json into an int64): a customerId written
  ``379499720.0``, as Capillary's docs show it, is refused.

Run it: ``python examples/consumers/naive/app.py --port 9002``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request

DB_ENV = "NAIVE_CONSUMER_DB"

FLAT_KEYS = {
    "eventName",
    "eventId",
    "orgId",
    "refId",
    "apiRequestId",
    "createdAt",
    "data",
    "loyaltyEventId",
    "eventLogId",
    "eventSearchKey",
    "traceAttributes",
}
WRAPPED_KEYS = {"eventId", "eventType", "consumerGroupId", "actionType", "timeStamp", "attributes"}
ATTRIBUTE_KEYS = {
    "createdAt",
    "data",
    "eventName",
    "refId",
    "apiRequestId",
    "orgId",
    "loyaltyEventId",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    customer_id INTEGER PRIMARY KEY,
    current_points REAL NOT NULL DEFAULT 0,
    lifetime_points REAL NOT NULL DEFAULT 0,
    tier INTEGER NOT NULL DEFAULT 1,
    transactions INTEGER NOT NULL DEFAULT 0
);
"""


class BadPayload(ValueError):
    """The payload is not what the documentation showed us."""


def check_keys(payload: dict[str, Any], allowed: set[str]) -> None:
    unexpected = set(payload) - allowed
    if unexpected:
        raise BadPayload(f"unexpected fields: {sorted(unexpected)}")


def unpack(payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if "attributes" in payload:
        check_keys(payload, WRAPPED_KEYS)
        check_keys(payload["attributes"], ATTRIBUTE_KEYS)
        payload = payload["attributes"]
    else:
        check_keys(payload, FLAT_KEYS)
    return payload["eventName"], payload["data"]


# ---- handlers: one per event we subscribed to --------------------------------------------


def customer_id(data: dict[str, Any]) -> int:
    cid = data["customerIdentifiers"]["customerId"]
    if not isinstance(cid, int):  # a typed decoder's int64: 379499720.0 does not fit
        raise BadPayload(f"customerId is not an integer: {cid!r}")
    return cid


def add_points(
    db: sqlite3.Connection, data: dict[str, Any], current: float, lifetime: float = 0.0
) -> None:
    cid = customer_id(data)
    db.execute("INSERT OR IGNORE INTO customers (customer_id) VALUES (?)", (cid,))
    db.execute(
        "UPDATE customers SET current_points = current_points + ?,"
        " lifetime_points = lifetime_points + ? WHERE customer_id = ?",
        (current, lifetime, cid),
    )


def set_tier(db: sqlite3.Connection, data: dict[str, Any], tier: int) -> None:
    cid = customer_id(data)
    db.execute("INSERT OR IGNORE INTO customers (customer_id) VALUES (?)", (cid,))
    db.execute("UPDATE customers SET tier = ? WHERE customer_id = ?", (tier, cid))


def on_customer(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    db.execute("INSERT OR IGNORE INTO customers (customer_id) VALUES (?)", (customer_id(data),))


def on_transaction(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    if data["billType"] == "RETURN":  # returns come through as transactionAdded too
        return
    on_customer(db, data)
    db.execute(
        "UPDATE customers SET transactions = transactions + 1 WHERE customer_id = ?",
        (customer_id(data),),
    )


def on_points_issued(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, data["totalPointsIssued"], data["totalPointsIssued"])


def on_points_reversed(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    points = data["totalIssuedPointsReversed"]
    add_points(db, data, -points, -points)


def on_points_redeemed(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, -data["totalPointsRedeemed"])


def on_redemption_reversed(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, data["redeemedPointsReversed"])


def on_points_expired(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, -data["pointsExpired"])


def on_transfer_out(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, -data["totalPointsTransferred"])


def on_transfer_in(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    add_points(db, data, data["totalPointsTransferred"], data["totalPointsTransferred"])


HANDLERS: dict[str, Callable[[sqlite3.Connection, dict[str, Any]], None]] = {
    "customerAdded": on_customer,
    "customerUpdated": on_customer,
    "transactionAdded": on_transaction,
    "pointsIssued": on_points_issued,
    "issuedPointsReversed": on_points_reversed,
    "pointsRedeemed": on_points_redeemed,
    "redeemedPointsReversed": on_redemption_reversed,
    "pointsExpired": on_points_expired,
    "pointsTransferredInitiated": on_transfer_out,
    "pointsTransferredReceived": on_transfer_in,
    "tierUpgraded": lambda db, data: set_tier(db, data, data["upgradedTierNumber"]),
    "tierDowngraded": lambda db, data: set_tier(db, data, data["downgradedTierNumber"]),
    "tierRenewed": lambda db, data: set_tier(db, data, data["currentTierNumber"]),
}


def handle(db: sqlite3.Connection, payload: dict[str, Any]) -> None:
    name, data = unpack(payload)
    if name not in HANDLERS:
        raise BadPayload(f"unsupported event {name}")
    HANDLERS[name](db, data)
    db.commit()


# ---- app ---------------------------------------------------------------------------------


def create_app(db_path: str | None = None) -> Flask:
    app = Flask(__name__)
    path = (
        db_path
        or os.environ.get(DB_ENV)
        or f"file:naive-{uuid.uuid4().hex}?mode=memory&cache=shared"
    )
    keeper = sqlite3.connect(path, uri=True)  # keeps a shared in-memory database alive
    keeper.executescript(SCHEMA)
    app.extensions["naive_db"] = keeper

    def db() -> sqlite3.Connection:
        if "db" not in g:
            g.db = sqlite3.connect(path, uri=True)
        return g.db

    @app.teardown_appcontext
    def close_db(_: BaseException | None) -> None:
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        handle(db(), request.get_json())
        return jsonify(status="ok"), 200

    @app.get("/customers/<int:cid>")
    def customer(cid: int) -> tuple[Response, int]:
        row = (
            db()
            .execute(
                "SELECT current_points, lifetime_points, tier, transactions FROM customers"
                " WHERE customer_id = ?",
                (cid,),
            )
            .fetchone()
        )
        if row is None:
            return jsonify(error="not found"), 404
        return jsonify(
            customerId=cid,
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
    parser.add_argument("--port", type=int, default=9002)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    create_app(args.db).run(port=args.port, threaded=True)
