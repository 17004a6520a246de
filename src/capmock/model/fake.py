"""Seeded, locale-aware fake data, fast enough for bulk generation.

Faker is slow per call, so a ``Fake`` draws small pools of names, streets and companies
from a seeded Faker once and then picks from them with a ``random.Random``.  Numbers that
have a known shape (mobiles, card numbers, hex ids) come straight from the rng.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass

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
        self.rng = random.Random(seed)
        faker = Faker(self.locale.faker)
        faker.seed_instance(seed)
        self.first_names = [faker.first_name() for _ in range(POOL)]
        self.last_names = [faker.last_name() for _ in range(POOL)]
        self.cities = [faker.city() for _ in range(POOL // 4)]
        self.companies = [faker.company() for _ in range(POOL // 4)]
        self.words = [faker.word() for _ in range(POOL)]

    # ---- identifiers --------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, n: int = 32) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def alnum(self, n: int = 10) -> str:
        return "".join(self.rng.choices(_ALNUM, k=n))

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(self.rng.choices(string.digits, k=n - 1))

    def mobile(self) -> str:
        info = self.locale
        return (
            info.mobile_prefix
            + str(self.rng.randint(6, 9))
            + "".join(self.rng.choices(string.digits, k=info.mobile_rest - 1))
        )

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
