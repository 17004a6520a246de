"""Vendors: whose webhook shape a journey is rendered in.

The loyalty model plays a journey once and returns emissions (``model.world.Emission``);
a vendor turns each into zero or more payloads. ``capillary`` (the default) is the
catalog + envelope rendering the player has always done; ``voucherify`` renders the
points-moving emissions as Voucherify's ``voucher.loyalty_card.transaction.created``
webhook (``capmock.vendor.voucherify``) and skips the rest, counting what it skipped.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol

from capmock.errors import UsageError, did_you_mean

if TYPE_CHECKING:  # the plugin reads VENDORS: importing this package stays light
    from capmock.model.world import Emission

CAPILLARY = "capillary"
VOUCHERIFY = "voucherify"
VENDORS = (CAPILLARY, VOUCHERIFY)
DEFAULT = CAPILLARY


class Renderer(Protocol):
    """A vendor's rendering of one journey: state (cards, ids) lives as long as the play."""

    skipped: Counter[str]  # Capillary event name -> emissions with no counterpart

    def render(self, emission: Emission, capillary: dict[str, Any]) -> list[dict[str, Any]]:
        """The vendor's payloads for ``emission`` (``capillary``: the Capillary payload the
        player rendered for it, which keeps the model's random draws the same)."""
        ...


def check_vendor(name: str | None) -> str:
    """``name`` if it is a vendor (None: the default), else a UsageError with a hint."""
    if name is None:
        return DEFAULT
    if name not in VENDORS:
        guess = did_you_mean(name, VENDORS)
        raise UsageError(
            f"unknown vendor '{name}'",
            hint=f"did you mean '{guess}'?" if guess else f"one of {', '.join(VENDORS)}",
        )
    return name


def renderer(name: str | None, seed: int, world: Any) -> Renderer | None:
    """A renderer of ``name`` for one journey; None for Capillary (the player's own)."""
    if check_vendor(name) == CAPILLARY:
        return None
    from capmock.vendor.voucherify.render import VoucherifyRenderer

    return VoucherifyRenderer(seed, world)


def vendor_of(payload: Any) -> str:
    """Which vendor's webhook ``payload`` is (Capillary unless it is Voucherify's)."""
    from capmock.vendor.voucherify.envelope import is_voucherify

    return VOUCHERIFY if is_voucherify(payload) else CAPILLARY


def schema_documents() -> dict[str, Any]:
    """The vendors' schema files (beside the Capillary catalog's), by path under schemas/."""
    from capmock.vendor.voucherify.schema import documents

    return documents()


def skipped_note(skipped: Counter[str], vendor: str) -> str | None:
    """One line saying which events had no counterpart for ``vendor`` (None: none did)."""
    if not skipped:
        return None
    parts = ", ".join(f"{name} x{n}" for name, n in sorted(skipped.items()))
    total = sum(skipped.values())
    return f"{total} events have no {vendor} counterpart and were skipped: {parts}"


__all__ = [
    "CAPILLARY",
    "DEFAULT",
    "VENDORS",
    "VOUCHERIFY",
    "Renderer",
    "check_vendor",
    "renderer",
    "schema_documents",
    "skipped_note",
    "vendor_of",
]
