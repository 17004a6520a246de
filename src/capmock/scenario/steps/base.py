"""The step registry: a handler per action, registered with ``@handler("name")``.

A handler is ``(session, customer, args) -> (emissions, result)``: it reads its
arguments, calls the model and returns the model's emissions; ``result`` is what
``as: name`` refers to later (a bill, a redemption, a coupon…). The session is the
player, seen through :class:`Session` (this module does not import the player).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from capmock.errors import CapmockError, Rejected
from capmock.model.entities import Customer, Org
from capmock.model.fake import Fake
from capmock.model.world import Emission, World

T = TypeVar("T")

Result = tuple[list[Emission], Any]
Args = dict[str, Any]


class Session(Protocol):
    """What a handler may use of the player."""

    world: World
    fake: Fake
    org: Org
    named: dict[str, Customer]

    def ref(self, name: Any, kind: type[Any] | None = None) -> Any: ...


Handler = Callable[[Session, Customer | None, Args], Result]

HANDLERS: dict[str, Handler] = {}

__all__ = ["HANDLERS", "Args", "Rejected", "Result", "Session", "handler", "need", "ref"]


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of step ``name``."""

    def register(func: Handler) -> Handler:
        HANDLERS[name] = func
        return func

    return register


def need(customer: Customer | None) -> Customer:
    if customer is None:
        raise CapmockError("which customer? add `customer:` (or run the step in a for_each)")
    return customer


def ref(s: Session, name: Any, kind: type[T]) -> T:
    """The result named ``name``, which must be a ``kind``."""
    value: T = s.ref(name, kind)
    return value


def owner(s: Session, customer: Customer | None, customer_id: int) -> Customer:
    """The step's customer, else the owner of what the step names."""
    return customer or s.world.states[customer_id].customer


def named(s: Session, name: Any) -> Customer | None:
    return s.named.get(str(name))
