"""A customer's state in the world: ledgers, spend, and what promotions, coupons… they hold.

A scenario may have tens of thousands of customers alive at once (a crowd), so the state
is kept small: slots, and the containers most customers never use (coupons, badges,
partners…) kept together in an :class:`Extras` made on first use — nine empty containers
would cost ~700 bytes a customer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from capmock.model.entities import Customer
from capmock.model.ledger import Account
from capmock.model.records import (
    CartPromotion,
    Coupon,
    Issual,
    IssuedReward,
    PartnerLink,
)

T = TypeVar("T")

LISTS = ("badges", "rewards")
EXTRAS = (
    "active_promotions",
    "coupons",
    "cart_promotions",
    "targets",
    "streaks",
    *LISTS,
    "partners",
    "alternate",
)


class Extras:
    """The containers most customers never use, made together on first use of one."""

    __slots__ = EXTRAS

    def __init__(self) -> None:
        for name in EXTRAS:
            setattr(self, name, [] if name in LISTS else {})


class Extra(Generic[T]):
    """A CustomerState attribute that lives in its Extras (made on first access)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot: Any = Extras.__dict__[name]  # the Extras slot's own descriptor

    def __get__(self, obj: Any, objtype: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        return self.slot.__get__(obj.extras or obj.make_extras())  # type: ignore[no-any-return]

    def __set__(self, obj: Any, value: T) -> None:
        self.slot.__set__(obj.extras or obj.make_extras(), value)


class Accounts(Mapping[int, Account]):
    """A customer's ledgers by program id. The ids are one tuple shared by every customer
    of a world; the first program's ledger is held directly, any others in a tuple (empty
    and shared when there is one program): a dict per customer costs ~230 bytes."""

    __slots__ = ("first", "ids", "others")

    def __init__(self, ids: tuple[int, ...]) -> None:
        """New, empty ledgers for the programs ``ids``."""
        self.ids = ids
        self.first = Account() if ids else None
        self.others = tuple([Account() for _ in ids[1:]]) if len(ids) > 1 else ()

    def __getitem__(self, program_id: int) -> Account:
        ids = self.ids
        if ids and ids[0] == program_id:  # the default program, nearly always
            return self.first  # type: ignore[return-value]
        for i, pid in enumerate(ids[1:]):
            if pid == program_id:
                return self.others[i]
        raise KeyError(program_id)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class CustomerState:
    """What the model knows of one customer beyond the Customer record itself."""

    __slots__ = (
        "accounts",
        "card_status",
        "customer",
        "due_ms",  # the next due moment indexed in World.due (None: none)
        "enrolled",
        "extras",  # Extras, or None while none of them was used
        "merged_into",
        "spend",
        "touched",  # listed in World.touched (its ledgers may have changed since)
        "visits",
    )

    active_promotions: Extra[dict[int, Issual]] = Extra()  # promotion id -> issual
    coupons: Extra[dict[int, Coupon]] = Extra()  # coupon id -> coupon
    cart_promotions: Extra[dict[int, CartPromotion]] = Extra()  # promotion id -> it
    targets: Extra[dict[str, float]] = Extra()  # target name -> achieved
    streaks: Extra[dict[str, int]] = Extra()  # streak name -> value
    badges: Extra[list[str]] = Extra()
    rewards: Extra[list[IssuedReward]] = Extra()
    partners: Extra[dict[str, PartnerLink]] = Extra()  # partner name -> link
    alternate: Extra[dict[str, float]] = Extra()  # currency name -> balance

    def __init__(
        self,
        customer: Customer,
        accounts: Mapping[int, Account] | None = None,  # program id -> ledger
        spend: float = 0.0,
        visits: int = 0,
        enrolled: bool = False,
    ) -> None:
        self.customer = customer
        self.accounts: Mapping[int, Account] = {} if accounts is None else accounts
        self.spend = spend
        self.visits = visits
        self.enrolled = enrolled
        self.card_status = "ACTIVE"
        self.merged_into: int | None = None
        self.touched = False
        self.due_ms: int | None = None
        self.extras: Extras | None = None

    def make_extras(self) -> Extras:
        self.extras = Extras()
        return self.extras

    def peek(self, name: str) -> Any:
        """One of the extras as it is, without making them: empty when none was used."""
        return getattr(self.extras or Extras(), name)
