"""Real-world shape variations of Capillary payloads, emitted on purpose (``--variations``).

Capillary's payloads vary more than one sample shows, and its docs show how: enum values
in lower case, ``null`` for members that are not set, integral numbers written ``1676.0``,
ids as strings in one place and numbers in another, optional blocks left out, ``eventType``
with or without the org prefix, ``loyaltyEventId`` as ``""``, ``null`` or a value, and the
flat or the wrapped envelope.  Each is a :class:`Variant` here, named, with the seed line
that shows it (listed in docs/variations.md).  :class:`Variations` applies them to rendered
payloads at a rate, deterministically from a seed; every variant payload still validates
against ``schemas/`` (``tests/test_variations.py``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from capmock import catalog
from capmock.catalog.fields import Arr, Defs, Node, Nullable, Obj, resolve
from capmock.catalog.shape import prune
from capmock.errors import UnknownEventError, UsageError, check_choice

Payload = dict[str, Any]


def _core(payload: Payload) -> Payload:
    """The part of a payload holding eventName, refId, loyaltyEventId…"""
    attrs = payload.get("attributes")
    return attrs if isinstance(attrs, dict) else payload


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON value, outermost first."""
    if isinstance(value, dict):
        yield value
        for sub in value.values():
            yield from _walk(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from _walk(sub)


def _declaration(core: Payload) -> Obj | None:
    """The declared ``data`` body of the payload's event; None for an event capmock does
    not know (a tolerant-reader probe), whose data is left as it is."""
    try:
        return catalog.get(str(core.get("eventName"))).data
    except UnknownEventError:
        return None


class Variant:
    """One documented shape variation. ``apply`` changes a payload in place and says
    whether it changed anything (a variant that finds nothing to vary is a no-op)."""

    name: ClassVar[str]
    summary: ClassVar[str]
    seen: ClassVar[str]  # where the seed pages show it, file:line

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        raise NotImplementedError


class LowerCaseEnums(Variant):
    name = "lower-case-enums"
    summary = "enum values spelled in lower case (loyaltyType 'loyalty', billType 'regular')"
    seen = "000_c3b51063dd888844.txt:168"
    KEYS = ("loyaltyType", "billType")

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        changed = False
        for obj in _walk(_core(payload).get("data")):
            for key in self.KEYS:
                value = obj.get(key)
                if isinstance(value, str) and value != value.lower():
                    obj[key] = value.lower()
                    changed = True
        return changed


class NullOptionals(Variant):
    name = "null-optionals"
    summary = "null for optional members (triggeringActivity's, loyaltyProgramDetails', "
    "loyaltyEventId) instead of a value or no key"
    seen = "000_c3b51063dd888844.txt:1621"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        core = _core(payload)
        body = _declaration(core)
        changed = body is not None and _null(body, core.get("data"), catalog.shared_defs())
        if core.get("loyaltyEventId", "") is not None:
            core["loyaltyEventId"] = None
            changed = True
        return changed


def _null(node: Node, value: Any, defs: Defs) -> bool:
    node, _ = resolve(node, defs)
    if isinstance(node, Nullable):
        return _null(node.inner, value, defs)
    if isinstance(node, Arr) and node.items is not None and isinstance(value, list):
        return any([_null(node.items, item, defs) for item in value])
    if not isinstance(node, Obj) or not isinstance(value, dict):
        return False
    changed = False
    for name, f in node.fields.items():
        if not f.required and isinstance(f.node, Nullable) and value.get(name, 0) is not None:
            value[name] = None
            changed = True
        elif name in value:
            changed = _null(f.node, value[name], defs) or changed
    return changed


class IntegralFloats(Variant):
    name = "integral-floats"
    summary = "integral numbers written with a fraction: ids and timestamps as 1676.0"
    seen = "000_c3b51063dd888844.txt:1605"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        return _floats(payload)


def _floats(value: Any) -> bool:
    changed = False
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return False
    for key, sub in list(items):
        if type(sub) is int and abs(sub) < 2**53:
            value[key] = float(sub)
            changed = True
        else:
            changed = _floats(sub) or changed
    return changed


class IdsAsNumbers(Variant):
    name = "ids-as-numbers"
    summary = "numeric ids the field tables type Integer sent as numbers, not strings "
    "(linkedEventId, mobile, card numbers)"
    seen = "001_1f6e18df8dfd4f08.txt:207"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        data = _core(payload).get("data")
        spots = [(data, "linkedEventId")] if isinstance(data, dict) else []
        for obj in _walk(data):
            instore = obj.get("instore")
            if isinstance(instore, dict):  # customerIdentifiers, wherever they are
                spots += [(instore, "mobile"), (instore, "cardnumber")]
        changed = False
        for obj, key in spots:
            value = obj.get(key)
            if isinstance(value, str) and value.isdigit() and value[0] != "0":
                obj[key] = int(value)
                changed = True
        return changed


class OptionalAbsent(Variant):
    name = "optional-absent"
    summary = "optional blocks and envelope fields left out (only what is always sent)"
    seen = "000_c3b51063dd888844.txt:754"
    ENVELOPE = ("apiRequestId", "loyaltyEventId", "eventLogId", "eventSearchKey", "traceAttributes")

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        core = _core(payload)
        before = repr(payload)
        body = _declaration(core)
        if body is not None:
            prune(body, core.get("data"), catalog.shared_defs(), frozenset())
        for key in self.ENVELOPE:
            core.pop(key, None)
            payload.pop(key, None)
        return repr(payload) != before


class EventTypeForm(Variant):
    name = "event-type-form"
    summary = "wrapped eventType as the plain event name or '<orgId>_<eventName>', "
    "whichever it was not"
    seen = "000_c3b51063dd888844.txt:76"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        attrs = payload.get("attributes")
        if not isinstance(attrs, dict):
            return False
        name, etype = attrs["eventName"], payload.get("eventType")
        plain = etype == name
        payload["eventType"] = f"{int(attrs['orgId'])}_{name}" if plain else name
        return True


class LoyaltyEventIdForm(Variant):
    name = "loyalty-event-id-form"
    summary = "loyaltyEventId as an empty string or null instead of a value (or no key)"
    seen = "000_c3b51063dd888844.txt:2406"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        core = _core(payload)
        core["loyaltyEventId"] = "" if rng.random() < 0.5 else None
        return True


class OtherEnvelope(Variant):
    name = "other-envelope"
    summary = "the flat payload wrapped ('enriched payload'), or the wrapped one flat"
    seen = "000_c3b51063dd888844.txt:547"

    def apply(self, payload: Payload, rng: random.Random) -> bool:
        if isinstance(payload.get("attributes"), dict):
            outer = {k: payload.pop(k) for k in list(payload)}
            attrs = outer["attributes"]
            payload.update({"eventName": attrs.pop("eventName"), "eventId": outer["eventId"]})
            payload.update(attrs)
            return True
        flat = {k: payload.pop(k) for k in list(payload)}
        name, org = flat.pop("eventName"), int(flat["orgId"])
        keep = ("createdAt", "data", "refId", "apiRequestId", "orgId", "loyaltyEventId")
        attrs = {"eventName": name, **{k: flat[k] for k in keep if k in flat}}
        payload.update(
            {
                "eventId": flat["eventId"],
                "eventType": f"{org}_{name}",
                "consumerGroupId": None,
                "actionType": "START",
                "timeStamp": int(flat.get("createdAt", 0)) + rng.randint(5, 40),
                "attributes": attrs,
            }
        )
        return True


# In the order they are applied: the envelope swap before the variants that read the
# envelope it makes, integral floats last (they would turn the orgId of eventType into
# "150698.0").
VARIANTS: tuple[Variant, ...] = (
    LowerCaseEnums(),
    IdsAsNumbers(),
    NullOptionals(),
    OptionalAbsent(),
    LoyaltyEventIdForm(),
    OtherEnvelope(),
    EventTypeForm(),
    IntegralFloats(),
)
NAMES = tuple(v.name for v in VARIANTS)


def variant(name: str) -> Variant:
    return VARIANTS[NAMES.index(check_choice(name, NAMES, "variation"))]


def check_rate(rate: float) -> float:
    if not 0.0 <= rate <= 1.0:
        raise UsageError(f"variation rate {rate} is not between 0 and 1", hint="e.g. 0.1")
    return rate


class Variations:
    """Applies each variant to a payload with probability ``rate`` (drawn from its own
    seeded rng, so the payloads' own values do not change with the rate)."""

    def __init__(self, rate: float, seed: int, only: Iterable[str] | None = None) -> None:
        self.rate = check_rate(rate)
        self.rng = random.Random(f"capmock-variations-{seed}")
        names = set(only) if only is not None else None
        self.variants = [v for v in VARIANTS if names is None or v.name in names]
        self.applied: dict[str, int] = dict.fromkeys(NAMES, 0)

    def __call__(self, payload: Payload) -> Payload:
        rng, rate = self.rng, self.rate
        for v in self.variants:
            if rng.random() < rate and v.apply(payload, rng):
                self.applied[v.name] += 1
        return payload


def maybe(rate: float, seed: int) -> Variations | None:
    """Variations at ``rate``, or None for rate 0 (nothing to do, nothing drawn)."""
    return Variations(rate, seed) if check_rate(rate) > 0 else None
