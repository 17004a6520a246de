"""Seed streams and identities that are disjoint by construction across workers.

Every random choice of a soak is drawn from a stream derived from ``(run seed, worker,
customer, lap)`` with splitmix64, so two workers never share a stream, and every eventId
*encodes* ``(run tag, worker, customer, lap, event)`` in the 122 free bits of a version-4
UUID: two events of one run can only share an eventId if they are the same event (a
deliberate duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass

MASK64 = (1 << 64) - 1

# Bit widths of the fields packed into an eventId (122 bits available; 110 used).
TAG_BITS, WORKER_BITS, CUSTOMER_BITS, LAP_BITS, EVENT_BITS = 32, 10, 28, 24, 16
MAX_WORKERS = 1 << WORKER_BITS
MAX_CUSTOMERS = 1 << CUSTOMER_BITS
MAX_EVENTS = 1 << EVENT_BITS

# customerId space: 200,000,000 + worker * SPAN + local index, kept below 2**31 so that
# consumers holding it in a 32-bit int do not overflow.
CUSTOMER_BASE = 200_000_000
CUSTOMER_SPAN = 60_000_000
MAX_ID_WORKERS = (2**31 - 1 - CUSTOMER_BASE) // CUSTOMER_SPAN  # 32


def splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def derive(seed: int, *parts: int) -> int:
    """A 64-bit seed for the stream named by ``parts`` under ``seed``."""
    x = splitmix64(seed & MASK64)
    for part in parts:
        x = splitmix64(x ^ (part & MASK64))
    return x


def run_tag(seed: int) -> int:
    return derive(seed, 0x7A6) & ((1 << TAG_BITS) - 1)


# A bijection on 110-bit values so that ids look random (and spread over hash shards)
# while staying decodable: rounds of multiply-by-odd and xor-shift, both invertible.
_BITS = 110
_MOD = 1 << _BITS
_ROUNDS = (
    (0x9E3779B97F4A7C15F39CC0605CED | 1, 55),
    (0xBF58476D1CE4E5B994D049BB1331 | 1, 37),
    (0xD6E8FEB86659FD93C2B2AE3D27D4 | 1, 55),
)
_INVERSES = tuple((pow(odd, -1, _MOD), shift) for odd, shift in reversed(_ROUNDS))


def _mix(x: int) -> int:
    for odd, shift in _ROUNDS:
        x = (x * odd) % _MOD
        x ^= x >> shift
    return x


def _unmix(x: int) -> int:
    for inverse, shift in _INVERSES:
        y, s = x, shift
        while s < _BITS:  # undo x ^= x >> shift
            y = x ^ (y >> shift)
            s += shift
        x = (y * inverse) % _MOD
    return x


def encode_event_id(tag: int, worker: int, customer: int, lap: int, event: int) -> str:
    """A version-4-shaped UUID carrying the five fields (see :func:`decode_event_id`)."""
    value = (
        ((((tag & 0xFFFFFFFF) << WORKER_BITS | worker & 0x3FF) << CUSTOMER_BITS
          | customer & 0xFFFFFFF) << LAP_BITS | lap & 0xFFFFFF) << EVENT_BITS | event & 0xFFFF
    )
    m = _mix(value)
    # 48 bits | version 4 | 12 bits | variant 10 | 50 bits + 12 filler bits
    u = ((m >> 62) << 80 | 0x4000 << 64 | ((m >> 50) & 0xFFF) << 64 | 0b10 << 62
         | (m & 0x3FFFFFFFFFFFF) << 12 | (m >> 31 ^ m >> 77) & 0xFFF)
    h = f"{u:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True, slots=True)
class EventIdFields:
    tag: int
    worker: int
    customer: int
    lap: int
    event: int


def decode_event_id(event_id: str) -> EventIdFields:
    """The fields :func:`encode_event_id` packed (garbage for other UUIDs)."""
    u = int(event_id.replace("-", ""), 16)
    m = (u >> 80) << 62 | ((u >> 64) & 0xFFF) << 50 | (u >> 12) & 0x3FFFFFFFFFFFF
    value = _unmix(m)
    out = []
    for bits in (EVENT_BITS, LAP_BITS, CUSTOMER_BITS, WORKER_BITS, TAG_BITS):
        out.append(value & ((1 << bits) - 1))
        value >>= bits
    event, lap, customer, worker, tag = out
    return EventIdFields(tag, worker, customer, lap, event)


def customer_id(worker: int, local: int) -> int:
    """The customerId of a worker's ``local``-th identity (crowd members, then companions)."""
    if not 0 <= worker < MAX_ID_WORKERS:
        raise ValueError(f"at most {MAX_ID_WORKERS} workers have disjoint customer ids")
    if not 0 <= local < CUSTOMER_SPAN:
        raise ValueError("customer index beyond the worker's id span")
    return CUSTOMER_BASE + worker * CUSTOMER_SPAN + local
