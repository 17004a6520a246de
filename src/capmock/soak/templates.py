"""Journey templates: real scenario plays, compiled once, stamped per customer in microseconds.

The scenario engine renders about 3,500 events/s on one core here: too slow to feed a soak
of thousands of events/s on the same cores that send them. So each mix scenario is played
``count`` times up front (every play seeded from the run seed), each play is *one journey*,
and its payloads are serialised and cut at every value that identifies the journey:

* identity values of each customer in the play (customerId, mobile, email, externalId,
  first and last name) are replaced by the identity of a crowd customer;
* the eventId of each event is replaced by an id that encodes (run, worker, customer, lap,
  event), unique by construction (see :mod:`capmock.soak.ids`);
* every other id-like value (transaction, line item, bill number, loyaltyEventId,
  apiRequestId, lineage ids…) gets a fresh random value of the same shape per journey,
  the same everywhere it occurs (so refId, triggeringActivity and entityId keep pointing at
  the right thing);
* everything else (amounts, points, balances, tiers, store, org, program, timestamps) stays
  as the model computed it, so the numbers within a journey stay consistent.

Replacements keep each value's shape (digits for digits, hex for hex, UUID for UUID), so a
stamped payload validates whenever its template does; :func:`build_mix` checks one stamped
copy of every template against the schemas before the run starts.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from capmock.delivery.types import serialise
from capmock.envelope import event_id_of, is_event_object, unwrap
from capmock.errors import UsageError
from capmock.model.fake import Fake
from capmock.scenario.identities import identity_values, need, recipe, shape, shaped_buffers
from capmock.scenario.loader import Scenario, load
from capmock.soak.ids import CUSTOMER_BASE, MASK64, derive
from capmock.soak.settings import MixEntry
from capmock.vendor import VOUCHERIFY, vendor_of

EVENT_ID = -1  # gap index of an event's own eventId
PICK_BYTES = 8  # the first random bytes of a journey pick its scenario and template
ENROL_EVENTS = frozenset({"customerAdded"})
_COORDS = struct.Struct("<QIII")

# Subtrees and keys describing the shared world (org, program, store, till, users): kept.
SHARED_SUBTREES = frozenset({"enteredBy", "loyaltyProgramDetails", "store", "till",
                             "program", "tiers", "org"})
KEEP_KEYS = frozenset({"orgId", "eventLogId", "programId", "loyaltyProgramId",
                       "consumerGroupId", "tierNumber", "storeId", "tillId", "itemCode"})

_IDLIKE = re.compile(r"^[0-9A-Za-z~-]{6,}$")
# Voucherify's per-journey ids (capmock.vendor.voucherify.ids); camp_, ern_, auto_ and ltr_
# name the shared program and stay.
_PREFIXED = re.compile(r"^(?:vtx|v|cust|ord|ordli|evcus|r|rr)_([0-9A-Za-z]{6,})$")
_EVENT_OBJECT_ID = rb"event_[0-9a-f]{24}"
_DIGITS = re.compile(r"^[0-9]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()


@dataclass(frozen=True, slots=True)
class Token:
    """A value cut out of a template: what it was, and how a stamp refills it.

    A fresh value is cut from the journey's random bytes at ``offset`` (``need`` bytes).
    """

    text: str
    kind: str  # cid mobile email external first last | digits hex uuid chars
    who: int = -1  # identity index for identity kinds
    offset: int = 0

    @property
    def need(self) -> int:
        """Random bytes a fresh value of this shape takes."""
        return 0 if self.who >= 0 else need(self.text, self.kind)

    @property
    def quoted(self) -> bool:
        """Replaced as a whole JSON string (names and emails), not inside other text."""
        return self.kind in ("email", "first", "last")


@dataclass(frozen=True, slots=True)
class EventTemplate:
    """One event of a journey: its body as a format with a ``%s`` per piece of a fresh
    value, per identity value and for the eventId, and which of a journey's values
    (:func:`token_values`) fill them, in order."""

    name: str
    who: int  # identity index of the customer the event is about (0 if none)
    form: bytes = b""  # the body, a literal % doubled: one C-level format per event
    pick: Callable[[list[bytes]], Any] | None = None  # itemgetter of the values

    @property
    def enrols(self) -> bool:
        return self.name in ENROL_EVENTS


@dataclass(frozen=True)
class Layout:
    """Where the values that fill a journey's events come from: each fresh token is a few
    pieces of the journey's shaped random bytes (one itemgetter cuts them all), the
    identity values follow, the eventId is last."""

    cut: Callable[[bytes], tuple[bytes, ...]]  # itemgetter of every piece (at least two)
    fills: dict[int, tuple[bytes, tuple[int, ...]]]  # token -> (format, value indexes)
    identity_tokens: tuple[int, ...]
    event_id: int  # the eventId's value index
    size: int  # random bytes a journey takes (with the pick bytes)

    @classmethod
    def of(cls, tokens: list[Token], size: int) -> Layout:
        pieces: list[slice] = []
        fills: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        for i, token in enumerate(tokens):
            if token.who < 0:
                form, cut = recipe(token.text, token.kind, token.offset, size)
                fills[i] = (form, tuple(range(len(pieces), len(pieces) + len(cut))))
                pieces += cut
        pieces += [slice(0, 0)] * (2 - len(pieces))  # unused: an itemgetter of 2+ is a tuple
        idents = tuple(i for i, t in enumerate(tokens) if t.who >= 0)
        for j, i in enumerate(idents):
            fills[i] = (b"%s", (len(pieces) + j,))
        return cls(operator.itemgetter(*pieces), fills, idents, len(pieces) + len(idents), size)

    def event(self, name: str, parts: list[bytes], gaps: list[int], who: int) -> EventTemplate:
        """An event from its body cut at ``gaps`` (token indexes, EVENT_ID for its own id)."""
        form, where = [parts[0].replace(b"%", b"%%")], []
        for gap, part in zip(gaps, parts[1:], strict=True):
            fill, indexes = (b"%s", (self.event_id,)) if gap == EVENT_ID else self.fills[gap]
            form += [fill, part.replace(b"%", b"%%")]
            where += indexes
        pick = operator.itemgetter(*where) if where else None  # picklable, unlike a lambda
        return EventTemplate(name, who, b"".join(form), pick)


@dataclass(frozen=True)
class JourneyTemplate:
    scenario: str
    events: tuple[EventTemplate, ...]
    tokens: tuple[Token, ...]
    identities: int  # customers in the journey (>= 1)
    layout: Layout
    locale: str = "en_IN"

    @property
    def need(self) -> int:
        return self.layout.size


def need_of(tokens: tuple[Token, ...] | list[Token]) -> int:
    """Random bytes a journey of these tokens takes (with the pick bytes)."""
    return max((t.offset + t.need for t in tokens), default=PICK_BYTES)


@dataclass(frozen=True)
class Mix:
    """The templates of every mix scenario, their weights, and name pools for identities."""

    groups: tuple[tuple[JourneyTemplate, ...], ...]
    cumulative: tuple[float, ...]  # cumulative weights, last one is the total
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    names: tuple[str, ...] = field(default=())  # the mix scenarios, for reports

    @property
    def max_identities(self) -> int:
        return max(t.identities for group in self.groups for t in group)

    @property
    def max_need(self) -> int:
        """Random bytes the hungriest template takes per journey (with the pick bytes)."""
        return max(t.need for group in self.groups for t in group)

    def pick(self, random_bytes: bytes) -> JourneyTemplate:
        """A template chosen by weight from the first :data:`PICK_BYTES` of a journey."""
        x = int.from_bytes(random_bytes[:4], "little") / 2**32 * self.cumulative[-1]
        which = int.from_bytes(random_bytes[4:8], "little")
        for group, bound in zip(self.groups, self.cumulative, strict=True):
            if x < bound:
                return group[which % len(group)]
        group = self.groups[-1]
        return group[which % len(group)]


# ---- building ----------------------------------------------------------------------------


def build_mix(
    entries: tuple[MixEntry, ...], *, seed: int, count: int = 16, envelope: str | None = None,
    vendor: str | None = None,
    validate: bool = True, variations: float = 0.0, fields: str | None = None,
) -> Mix:
    """Play every scenario ``count`` times and compile the plays (a few ms each)."""
    groups, cumulative, total = [], [], 0.0
    for index, entry in enumerate(entries):
        scenario = load(entry.scenario, envelope=envelope, vendor=vendor)
        plays = [compile_journey(p, scenario.name, scenario_locale(scenario))
                 for p in play(scenario, derive(seed, 0x5CE, index), count, variations, fields)]
        plays = [t for t in plays if t.events]
        if not plays:
            raise UsageError(f"mix: scenario '{entry.scenario}' emits no events")
        groups.append(tuple(plays))
        total += entry.weight
        cumulative.append(total)
    if all(e.enrols for group in groups for t in group for e in t.events):
        names = ", ".join(e.scenario for e in entries)
        raise UsageError(f"mix: every journey of {names} only enrols customers, and a "
                         "returning customer is not enrolled again: the soak would run out "
                         "of events after one lap of --customers",
                         hint="add a scenario that does more than enrol to --mix, "
                              "e.g. --mix enrol-and-first-purchase")
    fake = Fake(derive(seed, 0xFA4E) & 0xFFFFFFFF, groups[0][0].locale)
    mix = Mix(tuple(groups), tuple(cumulative), tuple(fake.first_names),
              tuple(fake.last_names), tuple(e.scenario for e in entries))
    if validate:
        check_stamps(mix)
    return mix


def scenario_locale(scenario: Scenario) -> str:
    return str((scenario.doc.get("org") or {}).get("locale", "en_IN"))


def play(
    scenario: Scenario, seed: int, count: int, variations: float = 0.0,
    fields: str | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """``count`` plays of ``scenario``, each crowd shrunk to one customer: one journey each
    (with documented shape variants at the rate ``variations``)."""
    from capmock.scenario.player import Player

    for crowd in (scenario.doc.get("customers") or {}).values():
        if isinstance(crowd, dict) and "crowd" in crowd:
            crowd["crowd"] = 1
    for i in range(count):
        scenario.seed = derive(seed, i) & 0x7FFFFFFF
        yield list(Player(scenario, variations=variations, fields=fields).payloads())


def compile_journey(payloads: list[dict[str, Any]], scenario: str, locale: str) -> JourneyTemplate:
    finder = TokenFinder()
    for payload in payloads:
        finder.scan(payload)
    tokens, offset = [], PICK_BYTES
    for token in finder.tokens():
        tokens.append(Token(token.text, token.kind, token.who, offset))
        offset += token.need
    lookup = {t.text: i for i, t in enumerate(tokens)}
    pattern = _pattern(tokens)
    layout = Layout.of(tokens, need_of(tokens))
    events = []
    for payload in payloads:
        body = serialise(payload)
        parts, gaps = _cut(body, event_id_of(payload) or "", pattern, lookup)
        events.append(layout.event(_event_name(payload), parts, gaps, finder.who_of(payload)))
    return JourneyTemplate(scenario, tuple(events), tuple(tokens),
                           max(1, len(finder.identities)), layout, locale)


class TokenFinder:
    """Walks payloads and collects identities and id-like values (see the module doc)."""

    def __init__(self) -> None:
        self.identities: dict[int, int] = {}  # template customerId -> identity index
        self.found: dict[str, Token] = {}
        self.protected: set[str] = set()

    def scan(self, payload: dict[str, Any]) -> None:
        self._identity(payload)
        own = "id" if is_event_object(payload) else "eventId"  # another vendor's event id
        for key, value in payload.items():
            if key != own:
                self._walk(key, value, shared=False)

    def tokens(self) -> list[Token]:
        return [t for text, t in self.found.items()
                if text not in self.protected or t.kind in ("cid", "mobile", "email", "external")]

    def who_of(self, payload: dict[str, Any]) -> int:
        cid = _first_customer_id(payload)
        return self.identities.get(cid, 0) if cid is not None else 0

    def _identity(self, node: Any) -> None:
        for cid, kind, text in identity_values(node):
            self._add(text, kind, self.identities.setdefault(cid, len(self.identities)))

    def _add(self, text: str, kind: str, who: int = -1) -> None:
        if text not in self.found or self.found[text].kind not in ("cid", "mobile", "email",
                                                                   "external", "first", "last"):
            self.found[text] = Token(text, kind, who)

    def _walk(self, key: str, value: Any, shared: bool) -> None:
        shared = shared or key in SHARED_SUBTREES or key in KEEP_KEYS
        if isinstance(value, dict):
            for k, v in value.items():
                self._walk(k, v, shared)
        elif isinstance(value, list):
            for v in value:
                self._walk(key, v, shared)
        else:
            text = _idlike(value)
            if text is None:
                return
            if shared:
                self.protected.add(text)
            elif text not in self.found:
                self.found[text] = Token(text, shape(text))


def _first_customer_id(node: Any) -> int | None:
    if isinstance(node, dict):
        idents = node.get("customerIdentifiers")
        if isinstance(idents, dict) and isinstance(idents.get("customerId"), int):
            return idents["customerId"]
        for value in node.values():
            found = _first_customer_id(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _first_customer_id(value)
            if found is not None:
                return found
    return None


def _idlike(value: Any) -> str | None:
    """The text of an id-like leaf: a long int (not a timestamp) or an id-shaped string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 100_000 <= value < 10**12 else None
    prefixed = _PREFIXED.match(value) if isinstance(value, str) else None
    if prefixed:  # another vendor's prefixed id (cust_…, v_…): a fresh rest, the prefix kept
        return prefixed.group(1)
    if isinstance(value, str) and _IDLIKE.match(value) and any(c.isdigit() for c in value):
        if _DIGITS.match(value) and len(value) >= 12 and value[0] == "1":
            return None  # epoch milliseconds as text
        if _DATE.match(value):
            return None
        return value
    return None


def _pattern(tokens: list[Token]) -> re.Pattern[bytes]:
    quoted = sorted((t for t in tokens if t.quoted), key=lambda t: -len(t.text))
    bare = sorted((t for t in tokens if not t.quoted), key=lambda t: -len(t.text))
    alts = [re.escape(json.dumps(t.text, ensure_ascii=False).encode()) for t in quoted]
    bare_alts = [re.escape(t.text.encode()) for t in bare]
    bare_alts.append(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    bare_alts.append(_EVENT_OBJECT_ID)
    alts.append(rb"(?<![0-9A-Za-z])(?:" + b"|".join(bare_alts) + rb")(?![0-9A-Za-z])")
    return re.compile(b"|".join(alts))


def _cut(
    body: bytes, own_event_id: str, pattern: re.Pattern[bytes], lookup: dict[str, int],
) -> tuple[list[bytes], list[int]]:
    """``body`` cut at every token (and at its own eventId): the literal parts around the
    gaps, and the token index of each gap (EVENT_ID for the eventId)."""
    parts, gaps, last = [], [], 0
    for match in pattern.finditer(body):
        raw = match.group().decode()
        text = json.loads(raw) if raw.startswith('"') else raw
        if text == own_event_id:
            index = EVENT_ID
        elif text in lookup:
            index = lookup[text]
        else:
            continue  # a UUID that is no token (another event's id): keep as is
        parts.append(body[last:match.start()])
        gaps.append(index)
        last = match.end()
    parts.append(body[last:])
    return parts, gaps


def _event_name(payload: dict[str, Any]) -> str:
    if is_event_object(payload):
        return str(unwrap(payload)[0] or "")
    attrs = payload.get("attributes")
    source = attrs if isinstance(attrs, dict) else payload
    return str(source.get("eventName") or "")


# ---- stamping ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """A crowd customer as payload text: the values its identity tokens become."""

    customer_id: int
    first: str
    last: str

    def value(self, token: Token) -> bytes:
        u = self.customer_id - CUSTOMER_BASE
        kind = token.kind
        if kind == "cid":
            return str(self.customer_id).encode()
        if kind == "mobile":
            keep = max(0, len(token.text) - 10)
            return (token.text[:keep] + f"{u:010d}"[-(len(token.text) - keep):]).encode()
        if kind == "external":
            return f"CM{u:010d}".encode()
        if kind == "email":
            domain = token.text.rpartition("@")[2] or "example.com"
            return json.dumps(f"{_local_part(self.first, self.last)}{u}@{domain}").encode()
        return _quoted(self.first if kind == "first" else self.last)


@lru_cache(maxsize=65536)
def _local_part(first: str, last: str) -> str:
    """An email's local part from a name (ASCII letters, digits and dots)."""
    return "".join(c for c in f"{first}.{last}".lower()
                   if c.isascii() and (c.isalnum() or c == ".")) or "user"


@lru_cache(maxsize=4096)
def _quoted(name: str) -> bytes:
    """A name as a JSON string (the names come from the mix's small pools)."""
    return json.dumps(name, ensure_ascii=False).encode()


def journey_bytes(seed: int, worker: int, customer: int, lap: int, n: int) -> bytes:
    """``n`` pseudo-random bytes for one journey: SHAKE-128 of its coordinates (~1 µs)."""
    return hashlib.shake_128(_COORDS.pack(seed & MASK64, worker, customer, lap)).digest(n)


def make_identity(mix: Mix, seed: int, worker: int, local: int, customer_id: int) -> Identity:
    r = journey_bytes(seed ^ 0x1D, worker, local, 0, 8)
    first = mix.first_names[int.from_bytes(r[:4], "little") % len(mix.first_names)]
    last = mix.last_names[int.from_bytes(r[4:], "little") % len(mix.last_names)]
    return Identity(customer_id, first, last)


def token_values(
    template: JourneyTemplate, identities: list[Identity], random_bytes: bytes
) -> list[bytes]:
    """The values that fill ``template``'s events in one journey, laid out as its
    :class:`Layout` says (the eventId's place last: see :func:`render`). The fresh pieces
    are one C-level cut of the shaped random bytes, not a Python step per token."""
    layout = template.layout
    values = list(layout.cut(shaped_buffers(random_bytes[:layout.size])))
    tokens, last = template.tokens, len(identities) - 1
    for i in layout.identity_tokens:
        token = tokens[i]
        values.append(identities[min(token.who, last)].value(token))
    values.append(b"")
    return values


def render(event: EventTemplate, values: list[bytes], event_id: str) -> bytes:
    """One event's body: the template with its gaps filled (``values`` from
    :func:`token_values`; its last item is overwritten with the eventId)."""
    if event.pick is None:
        return event.form.replace(b"%%", b"%")
    values[-1] = event_id.encode()
    return event.form % event.pick(values)  # one gap: itemgetter gives the value itself


def check_stamps(mix: Mix) -> None:
    """Stamp every template once and validate the payloads (before any load is sent)."""
    from capmock.schemas import Validator
    from capmock.soak.ids import encode_event_id

    validator = Validator()
    for n, group in enumerate(mix.groups):
        for template in group:
            idents = [Identity(CUSTOMER_BASE + i, mix.first_names[0], mix.last_names[0])
                      for i in range(template.identities)]
            values = token_values(template, idents, journey_bytes(n, 0, 0, 0, template.need))
            for e, event in enumerate(template.events):
                payload = json.loads(render(event, values, encode_event_id(0, 0, 0, 0, e)))
                problems = _problems(validator, payload)
                if problems:
                    raise UsageError(
                        f"mix: a stamped {event.name} from '{template.scenario}' does not "
                        f"validate: {problems[0][0]}: {problems[0][1]}")


def _problems(validator: Any, payload: Any) -> list[tuple[str, str]]:
    """(path, message) of each problem, by the schema of the payload's vendor."""
    if vendor_of(payload) == VOUCHERIFY:
        from capmock.vendor.voucherify.schema import problems

        return problems(payload)
    return [(p.path, p.message) for p in validator.validate(payload)]
