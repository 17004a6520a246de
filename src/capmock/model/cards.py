"""The loyalty card: status changes."""

from __future__ import annotations

from capmock.model.entities import Customer
from capmock.model.world import Emission, World


def update(world: World, c: Customer, status: str) -> Emission:
    st = world.state(c)
    previous, st.card_status = st.card_status, status.upper()
    facts = {
        "card_number": c.card_number,
        "previous_status": previous,
        "current_status": st.card_status,
    }
    return world.emission("cardUpdated", c, facts)
