"""Voucherify-style ids (``vtx_…``, ``v_…``, ``camp_…``, ``cust_…``, ``ord_…``, ``evcus_…``),
deterministic from the journey's seed and the model's own ids: the same journey played
twice gets the same ids, and two customers never share one."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# prefix -> (alphabet, length), as the seed's sample shows them
SHAPES: dict[str, tuple[str, int]] = {
    "vtx": ("hex", 18),
    "v": ("b62", 32),
    "camp": ("b62", 24),
    "cust": ("b62", 24),
    "ord": ("hex", 18),
    "ordli": ("hex", 18),
    "evcus": ("hex", 18),
    "ern": ("b62", 24),
    "ltr": ("hex", 18),
    "auto": ("b62", 24),
    "r": ("hex", 18),
    "rr": ("hex", 18),
    "event": ("hex", 24),
    "wh": ("b62", 24),
    "proj": ("b62", 24),
}


# The program's own objects (campaign, earning rule, its automation, tiers) are the same in
# every journey of that program: their ids do not depend on the seed.
PROGRAM_PREFIXES = frozenset({"camp", "ern", "auto", "ltr"})


class VoucherifyIds:
    """Ids for one journey: ``make("cust", customer_id)`` is the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._made: dict[tuple[object, ...], str] = {}  # campaigns, cards, customers recur

    def _digest(self, *parts: object) -> bytes:
        seed = "program" if parts and parts[0] in PROGRAM_PREFIXES else self.seed
        text = "|".join(str(p) for p in (seed, *parts))
        return hashlib.blake2b(text.encode(), digest_size=32).digest()

    def make(self, prefix: str, *parts: object) -> str:
        key = (prefix, *parts)
        made = self._made.get(key)
        if made is None:
            alphabet, length = SHAPES[prefix]
            digest = self._digest(prefix, *parts)
            text = digest.hex()[:length] if alphabet == "hex" else _encode(digest, BASE62, length)
            made = f"{prefix}_{text}"
            if len(self._made) < 100_000:
                self._made[key] = made
        return made

    def code(self, *parts: object) -> str:
        """A loyalty card's 8-character code (the seed's ``8KBUE0M6``)."""
        return _encode(self._digest("code", *parts), CODE_CHARS, 8)

    def uuid(self, *parts: object) -> str:
        h = self._digest("uuid", *parts).hex()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _encode(digest: bytes, alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet`` from the digest's bytes (length <= 32)."""
    size = len(alphabet)
    return "".join([alphabet[b % size] for b in digest[:length]])


def iso_ms(ms: int) -> str:
    """``2024-07-24T10:51:30.608Z``: ISO-8601 in UTC with milliseconds and ``Z``."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")
