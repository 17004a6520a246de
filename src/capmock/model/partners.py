"""Partner programs a customer links to (supplementary memberships)."""

from __future__ import annotations

from capmock.clock import date_str
from capmock.errors import Rejected
from capmock.model.entities import Customer
from capmock.model.records import PartnerLink
from capmock.model.world import Emission, World

LINKED, UPDATED, DELINKED, REMINDED = (
    "partnerProgramLinked",
    "partnerProgramUpdated",
    "partnerProgramDelinked",
    "supplementaryMembershipExpiryReminder",
)


def change(world: World, c: Customer, name: str, event: str) -> Emission:
    """Link (LINKED), delink (DELINKED) or tell of (UPDATED, REMINDED) a partner program."""
    held = world.state(c).partners
    if event == LINKED and name in held:
        raise Rejected(f"already linked to partner program '{name}'")
    if event != LINKED and name not in held:
        raise Rejected(f"not linked to partner program '{name}'")
    pid = world.ids.stable("partner", name)
    link = PartnerLink(pid, name, "SUPPLEMENTARY", date_str(world.date(365)))
    if event == LINKED:
        held[name] = link
    elif event == DELINKED:
        del held[name]
    facts = link.view()
    if event == DELINKED:
        del facts["expiry"]  # gone with the link
    return world.emission(event, c, facts)
