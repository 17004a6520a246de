"""Extract and repair the JSON sample payloads in the scraped seed pages.

The seed pages (``/work/shared/seeds/*.txt``, see its README.md) are scraped
documentation with JSON samples embedded in prose.  The scrape damaged them:
stray spaces in keys and identifier values, ``//`` comments, missing or
trailing commas, unquoted values, Cloudflare-obfuscated e-mails, glued
samples (``}{``), a missing opening brace, a truncated sample.

This module finds every sample, repairs it by rule (never by hand), records
each change, classifies the envelope (``flat`` / ``wrapped`` / ``other``) and
writes the repaired samples plus a manifest, a repair log and an event index::

    python tests/seedrepair.py /work/shared/seeds tests/seed_samples

Standard library only; the output is deterministic.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = Any

PLACEHOLDER_EMAIL = "user@example.com"
CF_EMAIL = "[email protected]"
SKIPPED_FILES = ("002_",)  # Voucherify: a different vendor, not Capillary
OWN_FILES = ("manifest.json", "REPAIRS.txt", "EVENTS.txt")

# Names the project brief expects (checked against the seeds in EVENTS.txt).
REFERENCE_EVENTS = (
    "customerAdded customerUpdated transactionAdded transactionUpdated "
    "notInterestedBillAdded transactionRejected rejectedTransactionRetrigger "
    "retroBillAdded pointsIssued pointsRedeemed "
    "promisedToCurrentPointsConversion pointsExpired pointsExpiryReminder "
    "pointsTransferredInitiated pointsTransferredReceived "
    "redeemedPointsReversed singlePointsExpiryUpdated issuedPointsReversed "
    "CouponIssue CouponRedeem tierUpgraded tierRenewed tierDowngraded "
    "tierDowngradeReminder partnerProgramLinked partnerProgramUpdated "
    "partnerProgramDelinked supplementaryMembershipExpiryReminder "
    "rewardCreated rewardIssued rewardUpdated issueRewardFailure "
    "rewardExpiryReminder cardUpdated requestUpdated requestWorkflowEvent "
    "loyaltyCustomerMerge targetAchievedValueUpdated targetValueAchieved "
    "unifiedTargetsAchieved unifiedTargetsUnAchieved streakLevelAchieved "
    "streakLevelUnAchieved streakCustomerEnrolment streakCustomerUnEnrolment "
    "streakStart streakEnd badgeEarned alternateCurrenciesIssued "
    "issuedAlternateCurrenciesReversed promotionCreated promotionUpdated "
    "promotionIssued promotionEarned revokeIssuedPromotion "
    "revokeEarnedPromotion cartPromotionIssued cartPromotionRedeemed "
    "cartPromotionRevoked cartPromotionEarned"
).split()


class RepairError(ValueError):
    """A sample that cannot be parsed even tolerantly."""


# --------------------------------------------------------------------------
# 1. Finding sample regions in a page
# --------------------------------------------------------------------------

HEADLESS_RE = re.compile(r'^\s*"[^"]*"\s*:')
MEMBER_PREFIX_RE = re.compile(r'^\s*"?[A-Za-z_]\w*"?\s*:\s*$')
JSONISH_RE = re.compile(
    r"""^\s*(?:$|[{}\[\]"\d]|-\d|\.\.\.|//|(?:true|false|null)\b"""
    r"""|[A-Za-z_$][\w$]*"?\s*:|[A-Za-z_$][\w$.]*\s*,\s*$)"""
)


@dataclass
class Region:
    """Raw text of one candidate sample."""

    file: str
    line: int
    lines: list[str]
    headless: bool = False
    prefix: str = ""
    depth: int = 0
    closed: bool = False
    indented: bool = False
    problem: str = ""

    @property
    def text(self) -> str:
        body = "\n".join(self.lines)
        return "{\n" + body if self.headless else body


def comment_at(text: str, i: int) -> bool:
    """``//`` at ``i`` starts a comment (and is not the ``//`` of a URL)."""
    return text.startswith("//", i) and (i == 0 or text[i - 1] != ":")


def advance(region: Region, seg: str) -> int:
    """Track bracket depth over ``seg``; index where depth hits 0, or -1."""
    in_str, esc = False, False
    for i, ch in enumerate(seg):
        if in_str:
            in_str = esc or ch != '"'
            esc = not esc and ch == "\\"
            continue
        if ch == '"':
            in_str = True
        elif comment_at(seg, i):
            return -1
        elif ch in "{[":
            region.depth += 1
        elif ch in "}]":
            region.depth -= 1
            if region.depth == 0:
                return i
    return -1


def maybe_start(file: str, no: int, line: str) -> tuple[Region, str] | None:
    """A region opening on this line, with the part of the line it owns."""
    stripped = line.rstrip()
    if HEADLESS_RE.match(line):
        return Region(file, no, [], headless=True, depth=1), line
    if stripped.endswith("{") or stripped.strip() == "[":
        cut = len(stripped) - 1
        return Region(file, no, [], prefix=stripped[:cut].strip()), line[cut:]
    return None


def interrupts(region: Region, line: str) -> str:
    """Why ``line`` cannot belong to the open region ('' if it can)."""
    if not line.strip():
        return "blank line" if region.headless else ""
    if not JSONISH_RE.match(line):
        return "prose line"
    if region.headless and region.depth == 1 and line.strip() == "{":
        return "new sample"
    starts_flush = not line[:1].isspace() and line.lstrip()[:1] in '"{'
    if region.headless and region.indented and starts_flush:
        return "new unindented excerpt"
    return ""


def feed(region: Region, no: int, line: str) -> str | None:
    """Add a line to the region; return the unconsumed rest if it closed."""
    region.indented = region.indented or (no > region.line and line[:1].isspace())
    end = advance(region, line)
    if end < 0:
        region.lines.append(line)
        return None
    region.lines.append(line[: end + 1])
    region.closed = True
    return line[end + 1 :]


def find_regions(file: str, text: str) -> list[Region]:
    """All candidate sample regions of one page, in order."""
    regions: list[Region] = []
    cur: Region | None = None
    for no, line in enumerate(text.splitlines(), 1):
        cur = scan_line(file, no, line, cur, regions)
    if cur is not None:
        cur.problem = f"truncated: {cur.depth} bracket(s) still open at end of page"
        regions.append(cur)
    return regions


def scan_line(
    file: str, no: int, line: str, cur: Region | None, out: list[Region]
) -> Region | None:
    """Process one line; return the region still open after it."""
    rest: str | None = line
    while rest is not None:
        if cur is not None and (why := interrupts(cur, rest)):
            cur.problem = f"interrupted at line {no} by a {why}"
            out.append(cur)
            cur = None
        if cur is None:
            started = maybe_start(file, no, rest)
            if started is None:
                return None
            cur, rest = started
        rest = feed(cur, no, rest)
        if rest is not None:
            out.append(cur)
            cur, rest = None, (rest if rest.strip() else None)
    return cur


# --------------------------------------------------------------------------
# 2. Tolerant parsing (syntactic repairs)
# --------------------------------------------------------------------------

NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
BARE_KEY_RE = re.compile(r"[A-Za-z_$][\w$-]*")
DELIMS = " \t\r\n,}]/"
ELLIPSIS = object()


class Parser:
    """Recursive-descent JSON parser that repairs scraping damage.

    Accepts ``//`` comments, missing and trailing commas, bare keys,
    unquoted values (kept as strings), ``...`` placeholders (dropped) and a
    keyless ``{...}`` inside an object (its members are merged).  Every
    accepted deviation is logged in ``self.log``.
    """

    def __init__(self, text: str, first_line: int, line_shift: int = 0) -> None:
        self.text, self.pos = text, 0
        self.first_line, self.shift = first_line, line_shift
        self.log: list[str] = []

    def line(self, pos: int | None = None) -> int:
        at = self.pos if pos is None else pos
        return self.first_line + self.text.count("\n", 0, at) - self.shift

    def note(self, msg: str, pos: int | None = None) -> None:
        self.log.append(f"L{self.line(pos)}: {msg}")

    def fail(self, msg: str) -> RepairError:
        return RepairError(f"line {self.line()}: {msg}")

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def skip_ws(self) -> None:
        while self.pos < len(self.text):
            if self.text[self.pos].isspace():
                self.pos += 1
            elif comment_at(self.text, self.pos):
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        self.note(f"removed comment {self.text[self.pos:end].strip()!r}")
        self.pos = end

    def parse_document(self) -> Json:
        self.skip_ws()
        value = self.value()
        self.skip_ws()
        if self.pos < len(self.text):
            raise self.fail(f"unexpected text after the sample: {self.peek()!r}")
        return value

    def value(self) -> Json:
        self.skip_ws()
        ch = self.peek()
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.arr()
        if ch == '"':
            return self.string()
        if not ch:
            raise self.fail("unexpected end of sample")
        return self.scalar()

    # -- containers ---------------------------------------------------------

    def obj(self) -> dict[str, Json]:
        self.pos += 1
        out: dict[str, Json] = {}
        while True:
            self.skip_ws()
            ch = self.peek()
            if ch == "}":
                self.pos += 1
                return out
            if not self.member(out, ch):
                continue
            self.separator("}")

    def member(self, out: dict[str, Json], ch: str) -> bool:
        """Parse one member into ``out``; False if nothing was parsed."""
        if ch == ",":
            self.note("removed stray comma")
            self.pos += 1
            return False
        if ch == "{":
            self.note("merged a keyless {...} into the enclosing object")
            out.update(self.obj())
            return True
        if self.text.startswith("...", self.pos):
            self.note("dropped '...' placeholder")
            self.pos += 3
            return True
        key = self.key()
        self.expect_colon(key)
        val = self.value()
        if val is not ELLIPSIS:
            out[key] = val
        return True

    def key(self) -> str:
        if self.peek() == '"':
            return self.string(is_key=True)
        m = BARE_KEY_RE.match(self.text, self.pos)
        if not m:
            raise self.fail(f"expected a key, found {self.peek()!r}")
        self.note(f"quoted bare key {m.group()!r}")
        self.pos = m.end()
        return m.group()

    def expect_colon(self, key: str) -> None:
        self.skip_ws()
        if self.peek() != ":":
            raise self.fail(f"expected ':' after key {key!r}, found {self.peek()!r}")
        self.pos += 1

    def arr(self) -> list[Json]:
        self.pos += 1
        out: list[Json] = []
        while True:
            self.skip_ws()
            ch = self.peek()
            if ch == "]":
                self.pos += 1
                return out
            if ch == ",":
                self.note("removed stray comma")
                self.pos += 1
                continue
            val = self.value()
            if val is not ELLIPSIS:
                out.append(val)
            self.separator("]")

    def separator(self, closer: str) -> None:
        """Consume ',' (noting a trailing one) or accept a missing comma."""
        self.skip_ws()
        ch = self.peek()
        if ch == ",":
            at = self.pos
            self.pos += 1
            self.skip_ws()
            if self.peek() == closer:
                self.note(f"removed trailing comma before {closer!r}", at)
        elif ch != closer:
            if not ch:
                raise self.fail(f"unexpected end of sample, expected {closer!r}")
            self.note("inserted missing comma")

    # -- scalars ------------------------------------------------------------

    def string(self, is_key: bool = False) -> str:
        start = self.pos
        m = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(self.text, start)
        if not m:
            raise self.fail("unterminated string")
        self.pos = m.end()
        val = json.loads(m.group())
        return val if is_key else self.unmask(val, start)

    def unmask(self, val: str, pos: int) -> str:
        if CF_EMAIL not in val:
            return val
        self.note(f"replaced Cloudflare-obfuscated e-mail with {PLACEHOLDER_EMAIL!r}", pos)
        return val.replace(CF_EMAIL, PLACEHOLDER_EMAIL)

    def scalar(self) -> Json:
        if self.text.startswith("...", self.pos):
            self.note("dropped '...' placeholder")
            self.pos += 3
            return ELLIPSIS
        for word, val in (("true", True), ("false", False), ("null", None)):
            if self.delimited(self.pos + len(word)) and self.text.startswith(word, self.pos):
                self.pos += len(word)
                return val
        m = NUMBER_RE.match(self.text, self.pos)
        if m and self.delimited(m.end()):
            self.pos = m.end()
            return json.loads(m.group())
        return self.bare_text()

    def delimited(self, end: int) -> bool:
        return end >= len(self.text) or self.text[end] in DELIMS

    def bare_text(self) -> str:
        start = self.pos
        eol = self.text.find("\n", start)
        eol = len(self.text) if eol < 0 else eol
        raw = self.text[start:eol]
        cut = next((i for i in range(len(raw)) if comment_at(raw, i)), len(raw))
        val = raw[:cut].rstrip().rstrip(",").rstrip("}]").rstrip().rstrip(",")
        if not val:
            raise self.fail(f"expected a value, found {self.peek()!r}")
        self.pos = start + len(val)
        out = PLACEHOLDER_EMAIL if val == CF_EMAIL else val
        self.note(f"quoted unquoted value {val!r} as {out!r}")
        return out


def parse_region(region: Region) -> tuple[Json, list[str]]:
    """Parse a region tolerantly; returns the value and the repair log."""
    parser = Parser(region.text, region.line, 1 if region.headless else 0)
    if region.headless:
        parser.log.append(f"L{region.line}: inserted missing opening '{{'")
    value = parser.parse_document()
    return value, parser.log
