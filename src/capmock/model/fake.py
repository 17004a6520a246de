"""Seeded, locale-aware fake data, fast enough for bulk generation.

Faker is slow per call, so a ``Fake`` draws small pools of names, streets and companies
from a seeded Faker once and then picks from them with a ``random.Random``.  Numbers that
have a known shape (mobiles, card numbers, hex ids) come straight from the rng.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any

from faker import Faker

POOL = 96


@dataclass(frozen=True)
class LocaleInfo:
    faker: str
    mobile_prefix: str  # country code + leading digits
    mobile_rest: int  # digits after the prefix
    currency: str
    timezone: str
    email_domains: tuple[str, ...]


LOCALES: dict[str, LocaleInfo] = {
    "en_IN": LocaleInfo(
        "en_IN", "91", 10, "INR", "Asia/Kolkata", ("gmail.com", "yahoo.co.in", "rediffmail.com")
    ),
    "id_ID": LocaleInfo("id_ID", "628", 10, "IDR", "Asia/Jakarta", ("gmail.com", "yahoo.co.id")),
    "en_US": LocaleInfo("en_US", "1", 10, "USD", "America/New_York", ("gmail.com", "outlook.com")),
    "vi_VN": LocaleInfo("vi_VN", "849", 8, "VND", "Asia/Ho_Chi_Minh", ("gmail.com",)),
    "en_GB": LocaleInfo("en_GB", "447", 9, "GBP", "Europe/London", ("gmail.com", "btinternet.com")),
    "ar_AE": LocaleInfo("ar_AE", "9715", 8, "AED", "Asia/Dubai", ("gmail.com", "hotmail.com")),
}

_ALNUM = string.ascii_letters + string.digits
# byte value -> an alphabet character, spread evenly (each character gets 4 or 5 values)
_ALNUM_BYTES = bytes.maketrans(
    bytes(range(256)), bytes(ord(_ALNUM[b * len(_ALNUM) // 256]) for b in range(256))
)

# UUIDs and 32-hex ids are made BATCH at a time from one buffer of random bytes, each byte
# mapped to a hex digit (its low 4 bits) in C; Python only pops them off a list.
BATCH = 64
_HEX_DIGITS = b"0123456789abcdef"
_HEX_BYTES = bytes.maketrans(bytes(range(256)), bytes(_HEX_DIGITS[b & 15] for b in range(256)))
# a UUID's variant digit (8, 9, a or b) from a random hex digit
_VARIANT = bytes.maketrans(_HEX_DIGITS, bytes(b"89ab"[i & 3] for i in range(16)))
_DASHES = b"-" * BATCH
_FOURS = b"4" * BATCH


class FastRandom(random.Random):
    """``random.Random`` with ``randint`` and ``choice`` in one frame instead of three.

    Both draw exactly what the stdlib draws (``_randbelow_with_getrandbits``), so a
    seed produces the same values; odd arguments fall back to the stdlib.
    """

    def randint(self, a: int, b: int) -> int:
        n = b - a + 1
        if n.__class__ is not int or n <= 0:  # a float or an empty range: as the stdlib does
            return super().randint(a, b)
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return a + r

    def choice(self, seq: Any) -> Any:
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return seq[r]


class Fake:
    """Random values for one run: deterministic for a given seed and locale."""

    def __init__(self, seed: int, locale: str = "en_IN") -> None:
        if locale not in LOCALES:
            from capmock.errors import UsageError, did_you_mean

            guess = did_you_mean(locale, LOCALES)
            raise UsageError(
                f"unsupported locale '{locale}'",
                hint=f"did you mean '{guess}'?" if guess else f"one of {', '.join(LOCALES)}",
            )
        self.locale = LOCALES[locale]
        self.rng = FastRandom(seed)
        faker = Faker(self.locale.faker)
        faker.seed_instance(seed)
        self.first_names = [faker.first_name() for _ in range(POOL)]
        self.last_names = [faker.last_name() for _ in range(POOL)]
        self.cities = [faker.city() for _ in range(POOL // 4)]
        self.companies = [faker.company() for _ in range(POOL // 4)]
        self.words = [faker.word() for _ in range(POOL)]
        self._uuids: list[str] = []
        self._hex32: list[str] = []

    # ---- identifiers --------------------------------------------------------------
    def uuid(self) -> str:
        """A random (version 4) UUID string."""
        try:
            return self._uuids.pop()
        except IndexError:
            self._uuids = self._uuid_batch()
            return self._uuids.pop()

    def hex(self, n: int = 32) -> str:
        if n == 32:  # request ids: one on every event
            try:
                return self._hex32.pop()
            except IndexError:
                self._hex32 = self._hex_batch(32).decode().split(",")[:-1]
                return self._hex32.pop()
        return "%0*x" % (n, self.rng.getrandbits(4 * n))  # noqa: UP031 (cheaper than f"{:0{n}x}")

    def _hex_batch(self, width: int) -> bytearray:
        """BATCH runs of ``width`` random hex digits, each followed by a comma."""
        size = (width + 1) * BATCH
        raw = self.rng.getrandbits(8 * size).to_bytes(size, "little")
        out = bytearray(raw.translate(_HEX_BYTES))
        out[width :: width + 1] = b"," * BATCH
        return out

    def _uuid_batch(self) -> list[str]:
        out = self._hex_batch(36)  # 8-4-4-4-12 digits and dashes
        out[8::37] = out[13::37] = out[18::37] = out[23::37] = _DASHES
        out[14::37] = _FOURS  # version
        out[19::37] = out[19::37].translate(_VARIANT)
        return out.decode().split(",")[:-1]

    def alnum(self, n: int = 10) -> str:
        """``n`` letters and digits: one random byte each, mapped onto the alphabet."""
        return self.rng.getrandbits(8 * n).to_bytes(n, "little").translate(_ALNUM_BYTES).decode()

    def digits(self, n: int) -> str:
        """``n`` digits, the first not 0."""
        low = 10 ** max(n - 1, 0)
        return str(self.rng.randint(low, 10 * low - 1))

    def mobile(self) -> str:
        """Country prefix, then a mobile number starting 6-9."""
        info = self.locale
        low = 10 ** (info.mobile_rest - 1)
        return info.mobile_prefix + str(self.rng.randint(6 * low, 10 * low - 1))

    # ---- people and places --------------------------------------------------------
    def first_name(self) -> str:
        return self.rng.choice(self.first_names)

    def last_name(self) -> str:
        return self.rng.choice(self.last_names)

    def email(self, first: str, last: str) -> str:
        local = f"{first}.{last}".lower().replace(" ", "")
        local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
        domain = self.rng.choice(self.locale.email_domains)
        return f"{local or 'user'}{self.rng.randint(1, 999)}@{domain}"

    def city(self) -> str:
        return self.rng.choice(self.cities)

    def company(self) -> str:
        return self.rng.choice(self.companies)

    def word(self) -> str:
        return self.rng.choice(self.words)

    def phrase(self, n: int = 3) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(n))

    def money(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 2)
