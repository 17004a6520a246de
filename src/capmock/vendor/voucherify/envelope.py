"""The outer envelope of a Voucherify webhook, as far as seed 002 tells and the rest
assumed (docs/vendors.md): ``{id, object: "event", type, created_at, data}``."""

from __future__ import annotations

from typing import Any

from capmock.vendor.voucherify import EVENT_TYPE


def wrap(event_id: str, created_at: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": EVENT_TYPE,
        "created_at": created_at,
        "data": data,
    }


def is_voucherify(payload: Any) -> bool:
    return (
        isinstance(payload, dict)
        and payload.get("object") == "event"
        and isinstance(payload.get("type"), str)
        and "eventId" not in payload
    )


def transaction_type(payload: dict[str, Any]) -> str | None:
    """The transaction's type (POINTS_ACCRUAL…) of a Voucherify webhook, if it says."""
    data = payload.get("data")
    tx = data.get("transaction") if isinstance(data, dict) else None
    kind = tx.get("type") if isinstance(tx, dict) else None
    return kind if isinstance(kind, str) else None
