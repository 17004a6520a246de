"""Extract and repair the JSON sample payloads in the scraped seed pages.

The seed pages (``/work/shared/seeds/*.txt``, see its README.md) are scraped
documentation with JSON samples embedded in prose.  The scrape damaged them:
stray spaces in keys and identifier values, ``//`` comments, missing or
trailing commas, unquoted values, Cloudflare-obfuscated e-mails, glued
samples (``}{``), a missing opening brace, a truncated sample.

This module finds every sample, repairs it by rule (never by hand), records
each change, classifies the envelope (``flat`` / ``wrapped`` / ``other``) and
writes the repaired samples plus a manifest, a repair log and an event index::

    python tools/seedrepair.py /work/shared/seeds tests/seed_samples

Standard library only; the output is deterministic.
"""

from __future__ import annotations

import difflib
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
KEPT_FILES = ("excluded.json",)  # written by hand (the schema tests' list), never removed

# Names the project brief expects (checked against the seeds in EVENTS.txt).
# fmt: off
REFERENCE_EVENTS = (
    "customerAdded", "customerUpdated", "transactionAdded", "transactionUpdated",
    "notInterestedBillAdded", "transactionRejected", "rejectedTransactionRetrigger",
    "retroBillAdded", "pointsIssued", "pointsRedeemed", "promisedToCurrentPointsConversion",
    "pointsExpired", "pointsExpiryReminder", "pointsTransferredInitiated",
    "pointsTransferredReceived", "redeemedPointsReversed", "singlePointsExpiryUpdated",
    "issuedPointsReversed", "CouponIssue", "CouponRedeem", "tierUpgraded", "tierRenewed",
    "tierDowngraded", "tierDowngradeReminder", "partnerProgramLinked", "partnerProgramUpdated",
    "partnerProgramDelinked", "supplementaryMembershipExpiryReminder", "rewardCreated",
    "rewardIssued", "rewardUpdated", "issueRewardFailure", "rewardExpiryReminder",
    "cardUpdated", "requestUpdated", "requestWorkflowEvent", "loyaltyCustomerMerge",
    "targetAchievedValueUpdated", "targetValueAchieved", "unifiedTargetsAchieved",
    "unifiedTargetsUnAchieved", "streakLevelAchieved", "streakLevelUnAchieved",
    "streakCustomerEnrolment", "streakCustomerUnEnrolment", "streakStart", "streakEnd",
    "badgeEarned", "alternateCurrenciesIssued", "issuedAlternateCurrenciesReversed",
    "promotionCreated", "promotionUpdated", "promotionIssued", "promotionEarned",
    "revokeIssuedPromotion", "revokeEarnedPromotion", "cartPromotionIssued",
    "cartPromotionRedeemed", "cartPromotionRevoked", "cartPromotionEarned",
)
# fmt: on


class RepairError(ValueError):
    """A sample that cannot be parsed even tolerantly."""


# --------------------------------------------------------------------------
# 1. Finding sample regions in a page
# --------------------------------------------------------------------------

STRING_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"')
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


def code_chars(seg: str) -> list[tuple[int, str]]:
    """Characters of one line outside strings and comments.

    A quote without a partner on the same line is scraping debris, not the
    start of a string (JSON strings never span lines).
    """
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(seg):
        m = STRING_RE.match(seg, i) if seg[i] == '"' else None
        if m:
            i = m.end()
            continue
        if comment_at(seg, i):
            break
        out.append((i, seg[i]))
        i += 1
    return out


def advance(region: Region, seg: str) -> int:
    """Track bracket depth over ``seg``; index where depth hits 0, or -1."""
    for i, ch in code_chars(seg):
        if ch in "{[":
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
        self.note(f"removed comment {self.text[self.pos : end].strip()!r}")
        self.pos = end

    def parse_document(self) -> Json:
        self.skip_ws()
        value = self.value()
        self.skip_ws()
        if self.pos < len(self.text):
            raise self.fail(
                f"the value closed before the excerpt ended (next: {self.peek()!r}); "
                "brackets are unbalanced"
            )
        return value

    def value(self) -> Json:
        self.skip_ws()
        ch = self.peek()
        if self.text.startswith(CF_EMAIL, self.pos):
            self.note(f"replaced unquoted Cloudflare-obfuscated e-mail with {PLACEHOLDER_EMAIL!r}")
            self.pos += len(CF_EMAIL)
            return PLACEHOLDER_EMAIL
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
        if self.peek() == '"':
            self.note(f"removed stray '\"' after bare key {m.group()!r}")
            self.pos += 1
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
        at = self.pos
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
            self.note("inserted missing comma after this line's value", at)

    # -- scalars ------------------------------------------------------------

    def string(self, is_key: bool = False) -> str:
        start = self.pos
        m = STRING_RE.match(self.text, start)
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
        self.note(f"quoted unquoted value {val!r}")
        return val


def parse_region(region: Region) -> tuple[Json, list[str]]:
    """Parse a region tolerantly; returns the value and the repair log."""
    parser = Parser(region.text, region.line, 1 if region.headless else 0)
    if region.headless:
        parser.log.append(f"L{region.line}: inserted missing opening '{{'")
    value = parser.parse_document()
    return value, parser.log


# --------------------------------------------------------------------------
# 3. Semantic repairs (keys and values)
# --------------------------------------------------------------------------


def join_path(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key


def fix_keys(node: Json, log: list[str], path: str = "") -> Json:
    """Remove every whitespace character inside object keys."""
    if isinstance(node, list):
        return [fix_keys(v, log, join_path(path, i)) for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out: dict[str, Json] = {}
    for key, val in node.items():
        new = re.sub(r"\s+", "", key)
        if new != key:
            log.append(f"{join_path(path, new)}: key {key!r} -> {new!r}")
        if new in out:
            log.append(f"{join_path(path, new)}: WARNING duplicate key after repair")
        out[new] = fix_keys(val, log, join_path(path, new))
    return out


ID_KEYS = frozenset(
    {
        "actionType",
        "eventType",
        "eventName",
        "eventId",
        "refId",
        "apiRequestId",
        "loyaltyEventId",
        "requestId",
    }
)
ID_SUFFIX_RE = re.compile(r"(?:Id|Type|Status|Code|^code)$")
TOKEN_RE = re.compile(r"^[\w.:~+@/=%&?-]+$")
IDLIKE_RE = re.compile(r"^(?:.*[\d_.-].*|[A-Z]+)$")
URL_RE = re.compile(r"^https?://\S+$")
PHONE_RE = re.compile(r"^\+?\d+$")
MIDWORD_GAP_RE = re.compile(r"(?<=[a-z])\s+(?=[a-z])")
IDENTIFIER_PAIR_RE = re.compile(r"identifiers\[\d+\]\.key$")


def squeeze_rule(path: str, key: str, joined: str) -> str:
    """Name of the rule allowing inner whitespace removal ('' if none).

    ``joined`` is the value with all whitespace removed.  Human text (names,
    descriptions, comments) never matches: only URLs, phone numbers and
    identifier/enum tokens under identifier-like keys do.
    """
    if URL_RE.match(joined):
        return "URLs contain no spaces"
    if key == "mobile" and PHONE_RE.match(joined):
        return "phone numbers contain no spaces"
    if not TOKEN_RE.match(joined):
        return ""
    if key in ID_KEYS:
        return f"{key} is an identifier/enum"
    if IDENTIFIER_PAIR_RE.search(path):
        return "identifiers[].key names an identifier"
    if ID_SUFFIX_RE.search(key) and IDLIKE_RE.match(joined):
        return "id/enum token under an *Id/*Type/*Status/*Code key"
    return ""


def corroborated(value: str, quoted: frozenset[str]) -> str | None:
    """The unique page string equal to ``value`` minus some mid-word spaces.

    Only spaces between two lowercase letters are candidates (a scrape split
    inside a word, as in ``n ewshard``); spaces between words are kept.
    """
    gaps = [m.span() for m in MIDWORD_GAP_RE.finditer(value)]
    if not gaps or len(gaps) > 5:
        return None
    found = set()
    for mask in range(1, 2 ** len(gaps)):
        cand, last = [], 0
        for bit, (a, b) in enumerate(gaps):
            cand.append(value[last:a] + ("" if mask >> bit & 1 else value[a:b]))
            last = b
        text = "".join(cand) + value[last:]
        if text in quoted:
            found.add(text)
    return found.pop() if len(found) == 1 else None


def describe(old: str, new: str) -> str:
    """Readable before/after; long strings are shown around each change."""
    if len(old) <= 100:
        return f"{old!r} -> {new!r}"
    spots = [old[max(0, m.start() - 12) : m.end() + 12] for m in re.finditer(r"\s+", old)]
    shown = ", ".join(repr(s) for s in spots[:6])
    return f"<{len(old)} chars> whitespace removed at {len(spots)} place(s): {shown}"


def fix_string(path: str, key: str, value: str, quoted: frozenset[str]) -> tuple[str, str]:
    """Repaired value and the rule applied ('' if unchanged)."""
    new = value.strip()
    rule = "stripped leading/trailing whitespace" if new != value else ""
    joined = re.sub(r"\s+", "", new)
    if joined != new and (why := squeeze_rule(path, key, joined)):
        return joined, f"removed inner whitespace: {why}"
    if joined != new and (alt := corroborated(new, quoted)):
        return alt, "removed mid-word whitespace: repaired spelling is quoted elsewhere on the page"
    return new, rule


def fix_values(
    node: Json, log: list[str], quoted: frozenset[str], path: str = "", key: str = ""
) -> Json:
    """Apply :func:`fix_string` to every string value, logging changes."""
    if isinstance(node, dict):
        return {k: fix_values(v, log, quoted, join_path(path, k), k) for k, v in node.items()}
    if isinstance(node, list):
        return [fix_values(v, log, quoted, join_path(path, i), key) for i, v in enumerate(node)]
    if not isinstance(node, str):
        return node
    new, rule = fix_string(path, key, node, quoted)
    if new != node:
        log.append(f"{path}: {describe(node, new)} ({rule})")
    return new


def unwrap_capture(payload: Json, log: list[str]) -> Json:
    """A request-bin capture ``{"event": {"body": ...}}`` holds the payload."""
    event = payload.get("event") if isinstance(payload, dict) else None
    if list(payload or {}) != ["event"] or not isinstance(event, dict) or "body" not in event:
        return payload
    dropped = ", ".join(k for k in event if k != "body")
    log.append(f"unwrapped a webhook request capture: payload = event.body (dropped {dropped})")
    return event["body"]


RESPONSE_KEYS = {"data", "errors", "warnings"}


def unwrap_response(payload: Json, log: list[str]) -> Json:
    """An API response ``{"data": <event>, "errors": …, "warnings": …}`` holds the
    payload (seed 005 labels one "Enriched payload")."""
    if not isinstance(payload, dict) or set(payload) != RESPONSE_KEYS:
        return payload
    inner = payload["data"]
    if not isinstance(inner, dict) or "eventName" not in inner:
        return payload
    log.append("unwrapped an API response {data, errors, warnings}: payload = data")
    return inner


# --------------------------------------------------------------------------
# 4. Classification and samples
# --------------------------------------------------------------------------

ORG_PREFIX_RE = re.compile(r"^\d+_")
ENVELOPE_KEYS = ("eventId", "eventName", "orgId", "refId", "apiRequestId", "loyaltyEventId")


def event_of_type(event_type: Json) -> str | None:
    return ORG_PREFIX_RE.sub("", event_type) if isinstance(event_type, str) else None


def classify(payload: Json) -> tuple[str, str | None]:
    """Envelope style ('flat' | 'wrapped' | 'other') and the event name."""
    if not isinstance(payload, dict):
        return "other", None
    attrs = payload.get("attributes")
    if isinstance(attrs, dict) and ("eventType" in payload or "actionType" in payload):
        name = attrs.get("eventName") or event_of_type(payload.get("eventType"))
        return "wrapped", name if isinstance(name, str) else None
    name = payload.get("eventName")
    if isinstance(name, str) and ("data" in payload or "orgId" in payload):
        return "flat", name
    return "other", None


def envelope_notes(payload: Json, style: str, event: str | None) -> list[str]:
    """Inconsistencies inside one envelope worth a reviewer's look."""
    if style != "wrapped":
        return []
    typed = event_of_type(payload.get("eventType"))
    if typed and event and typed != event:
        return [f"eventType names {typed!r} but attributes.eventName is {event!r}"]
    return []


def describe_other(payload: Json) -> str:
    keys = list(payload) if isinstance(payload, dict) else []
    if "$schema" in keys:
        return "a JSON Schema of the event (Capillary's own fragment), not a sample payload"
    if "pageDetails" in keys or "errors" in keys:
        return "API response (GET /v2/customers/lookup/promotionData), not an event payload"
    return f"no event envelope (top-level keys: {', '.join(keys[:8])})"


@dataclass
class Sample:
    """One sample found in a seed page, with its repair outcome."""

    file: str
    line: int
    status: str
    style: str = "other"
    event: str | None = None
    reason: str = ""
    payload: Json = None
    repairs: list[str] = field(default_factory=list)
    end_line: int = 0

    @property
    def sample_name(self) -> str | None:
        if self.status != "ok" or self.style not in ("flat", "wrapped") or not self.event:
            return None
        safe = re.sub(r"\W", "", self.event)
        return f"{self.file.split('_', 1)[0]}_L{self.line}_{safe}_{self.style}.json"

    def manifest_row(self) -> dict[str, Json]:
        return {
            "file": self.file,
            "line": self.line,
            "event": self.event,
            "style": self.style,
            "sample": self.sample_name,
            "status": self.status,
            "reason": self.reason,
        }


HEADING_RE = re.compile(r"^[^|{}\"]*\(([A-Za-z][a-z]+[A-Z]\w*)\)\s*$")
EVENT_TEXT_RE = re.compile(r'"?event(?:Name|Type)"?\s*:\s*"?(\w+)')


def page_strings(text: str) -> frozenset[str]:
    """Every double-quoted string on a page (for corroborating repairs)."""
    return frozenset(m.group()[1:-1] for m in STRING_RE.finditer(text))


def heading_note(lines: list[str], region: Region, floor: int, event: str | None) -> str:
    """Note when the nearest heading above names a different event."""
    for no in range(region.line - 1, floor, -1):
        m = HEADING_RE.match(lines[no - 1])
        if m:
            name = m.group(1)
            return "" if name == event else f"heading at L{no} names {name!r}"
    return ""


def guess_event(region: Region, lines: list[str]) -> str | None:
    """Best-effort event name of an unparseable region: the first
    eventName/eventType in it or in the JSON-like lines right after it."""
    tail = []
    for line in lines[region_end(region) :]:
        if not line.strip() or not JSONISH_RE.match(line):
            break
        tail.append(line)
    m = EVENT_TEXT_RE.search("\n".join([region.text, *tail]))
    return event_of_type(m.group(1)) if m else None


def region_end(region: Region) -> int:
    return region.line + max(len(region.lines), 1) - 1


def unparsed_sample(region: Region, lines: list[str]) -> Sample | None:
    """Samples decided before parsing: open excerpts and truncated text."""
    base = Sample(region.file, region.line, "fragment", end_line=region_end(region))
    if region.headless and not region.closed:
        base.reason = (
            "single member line in prose (a list of allowed values), not a sample"
            if len(region.lines) == 1
            else f"headless excerpt (no opening brace, never closed); {region.problem}"
        )
        return base
    if not region.closed:
        base.status, base.reason = "unparseable", region.problem
        base.event = guess_event(region, lines)
        return base
    return None


def parsed_sample(region: Region, lines: list[str], quoted: frozenset[str]) -> Sample:
    """Parse and repair a closed region into a Sample."""
    sample = Sample(region.file, region.line, "ok", end_line=region_end(region))
    try:
        payload, sample.repairs = parse_region(region)
    except RepairError as exc:
        sample.status, sample.event = "unparseable", guess_event(region, lines)
        sample.reason = f"parse error at {exc}"
        if MEMBER_PREFIX_RE.match(region.prefix):
            sample.reason += f" (excerpt opening at member {region.prefix!r}, no envelope)"
        return sample
    payload = unwrap_capture(payload, sample.repairs)
    payload = unwrap_response(payload, sample.repairs)
    payload = fix_keys(payload, sample.repairs)
    sample.payload = fix_values(payload, sample.repairs, quoted)
    return sample


def judge(sample: Sample, region: Region) -> None:
    """Set style, event, status and reason of a parsed sample."""
    sample.style, sample.event = classify(sample.payload)
    if MEMBER_PREFIX_RE.match(region.prefix):
        sample.status, sample.style = "fragment", "other"
        inner = sample.payload if isinstance(sample.payload, dict) else {}
        sample.event = sample.event or inner.get("eventName")
        nested = [k for k in ENVELOPE_KEYS if k in inner]
        sample.reason = f"excerpt opening at member {region.prefix!r}, no envelope braces"
        if nested:
            sample.reason += f"; envelope keys {', '.join(nested)} are nested inside it"
    elif sample.style == "other":
        sample.status, sample.reason = "other", describe_other(sample.payload)


def notes_for(sample: Sample, region: Region, lines: list[str], floor: int) -> None:
    """Attach reviewer notes to an ok sample's reason."""
    notes = envelope_notes(sample.payload, sample.style, sample.event)
    if region.headless:
        notes.append("opening '{' was missing and was inserted")
    if any("unwrapped a webhook request capture" in r for r in sample.repairs):
        notes.append("payload taken from a request capture (event.body)")
    if any("unwrapped an API response" in r for r in sample.repairs):
        notes.append("payload taken from an API response (data)")
    if note := heading_note(lines, region, floor, sample.event):
        notes.append(note)
    sample.reason = "; ".join(notes)


def build_sample(region: Region, lines: list[str], floor: int, quoted: frozenset[str]) -> Sample:
    sample = unparsed_sample(region, lines)
    if sample is not None:
        return sample
    sample = parsed_sample(region, lines, quoted)
    if sample.status == "ok":
        judge(sample, region)
    if sample.status == "ok":
        notes_for(sample, region, lines, floor)
    return sample


def page_samples(path: Path) -> list[Sample]:
    text = path.read_text(encoding="utf-8")
    lines, quoted = text.splitlines(), page_strings(text)
    out: list[Sample] = []
    floor = 0
    for region in find_regions(path.name, text):
        out.append(build_sample(region, lines, floor, quoted))
        floor = out[-1].end_line
    return out


SEED_SUFFIXES = (".txt", ".md")  # scraped pages; 005 is Markdown
NOT_PAGES = ("README.md",)


def seed_pages(seeds_dir: Path) -> list[Path]:
    pages = sorted(
        p for p in seeds_dir.iterdir() if p.suffix in SEED_SUFFIXES and p.name not in NOT_PAGES
    )
    return [p for p in pages if not p.name.startswith(SKIPPED_FILES)]


def extract(seeds_dir: Path) -> list[Sample]:
    """Every sample of every Capillary seed page, repaired and classified."""
    return [s for page in seed_pages(seeds_dir) for s in page_samples(page)]


# --------------------------------------------------------------------------
# 5. Event names mentioned in the page text
# --------------------------------------------------------------------------

TABLE_EG_RE = re.compile(r'^[-\s|]*event(?:Name|Type)\s*\|.*?e\.g\.,?\s*"([^"]+)"')
PROSE_TYPE_RE = re.compile(r"\beventType\s+([A-Za-z]\w+)\b")
TITLE_RE = re.compile(r"^(?:-\s+)?([A-Z][A-Za-z -]{3,60}?)\s*$")
TITLE_WORDS_RE = re.compile(r"(?i)\b(event|target|streak|unified)\b")


@dataclass(frozen=True)
class Mention:
    """An event name (or human title) seen in a page, outside a sample."""

    name: str
    file: str
    line: int
    how: str


def line_mentions(file: str, no: int, line: str) -> list[Mention]:
    """Event names a single text line mentions (headings, tables, prose)."""
    out = []
    if m := HEADING_RE.match(line.lstrip("}")):
        out.append(Mention(m.group(1), file, no, "heading"))
    if m := TABLE_EG_RE.match(line):
        out.append(Mention(event_of_type(m.group(1)) or "", file, no, "table example"))
    if '"' not in line and (m := PROSE_TYPE_RE.search(line)):
        out.append(Mention(m.group(1), file, no, "prose"))
    return out


def covered_lines(samples: list[Sample]) -> set[tuple[str, int]]:
    """Lines inside samples that parsed (their nested names are not mentions)."""
    return {
        (s.file, no)
        for s in samples
        if s.payload is not None
        for no in range(s.line, s.end_line + 1)
    }


def stray_mentions(file: str, no: int, line: str) -> list[Mention]:
    """``eventName: x`` left outside any parsed sample (broken excerpts)."""
    m = EVENT_TEXT_RE.search(line)
    return [Mention(event_of_type(m.group(1)) or "", file, no, "unparsed text")] if m else []


def page_mentions(page: Path, covered: set[tuple[str, int]]) -> list[Mention]:
    out: list[Mention] = []
    for no, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        out += line_mentions(page.name, no, line)
        if (page.name, no) not in covered:
            out += stray_mentions(page.name, no, line)
    return out


def find_mentions(seeds_dir: Path, samples: list[Sample]) -> list[Mention]:
    covered = covered_lines(samples)
    return [m for page in seed_pages(seeds_dir) for m in page_mentions(page, covered)]


def title_key(title: str) -> str:
    """'Unified target un-achieved' == 'Unified Target Unachieved Event'."""
    return re.sub(r"[^a-z]", "", re.sub(r"\s+event$", "", title.lower().strip()))


def is_title(line: str) -> bool:
    return bool(TITLE_RE.match(line) and TITLE_WORDS_RE.search(line))


def section_event(page: list[str], no: int, starts: dict[int, Sample]) -> str | None:
    """Event of the first ok sample in the section that starts at line ``no``."""
    for nxt in range(no + 1, len(page) + 1):
        if nxt in starts:
            return starts[nxt].event if starts[nxt].status == "ok" else None
        if is_title(page[nxt - 1]) or HEADING_RE.match(page[nxt - 1].lstrip("}")):
            return None
    return None


def page_titles(page: Path, samples: list[Sample]) -> list[tuple[Mention, str | None]]:
    lines = page.read_text(encoding="utf-8").splitlines()
    starts = {s.line: s for s in samples if s.file == page.name}
    return [
        (
            Mention(TITLE_RE.match(line).group(1), page.name, no, "title"),
            section_event(lines, no, starts),
        )
        for no, line in enumerate(lines, 1)
        if is_title(line)
    ]


def title_mentions(seeds_dir: Path, samples: list[Sample]) -> list[tuple[Mention, str | None]]:
    """Human titles naming an event in words, each with the event sampled
    under it or under another title of the same wording (None if neither)."""
    found = [t for page in seed_pages(seeds_dir) for t in page_titles(page, samples)]
    by_key = {title_key(m.name): ev for m, ev in found if ev}
    return [(m, ev or by_key.get(title_key(m.name))) for m, ev in found]


# --------------------------------------------------------------------------
# 6. Outputs
# --------------------------------------------------------------------------

STYLES = ("flat", "wrapped")
STATUSES = ("ok", "unparseable", "fragment", "other")


def short(file: str) -> str:
    return file.split("_", 1)[0]


def dump_json(value: Json) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def clean_dir(out_dir: Path) -> None:
    """Remove what a previous run wrote (and nothing else)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in out_dir.iterdir():
        if path.name in KEPT_FILES:
            continue
        if path.is_file() and (path.suffix == ".json" or path.name in OWN_FILES):
            path.unlink()


def repairs_text(samples: list[Sample]) -> str:
    out = [
        "# Every change made while repairing the seed samples, per sample.",
        "# 'Lnnn:' = syntactic repair at that seed line; 'a.b[0].c:' = value/key repair.",
        "",
    ]
    for s in samples:
        if not s.repairs:
            continue
        target = s.sample_name or f"(manifest only: {s.status})"
        out.append(f"== {s.file}:L{s.line} {s.event or '-'} [{s.style}] -> {target}")
        out += [f"   {r}" for r in s.repairs]
        out.append("")
    return "\n".join(out)


def write_outputs(samples: list[Sample], events_txt: str, out_dir: Path) -> None:
    clean_dir(out_dir)
    for s in samples:
        if s.sample_name:
            (out_dir / s.sample_name).write_text(dump_json(s.payload), encoding="utf-8")
    rows = [s.manifest_row() for s in samples]
    (out_dir / "manifest.json").write_text(dump_json(rows), encoding="utf-8")
    (out_dir / "REPAIRS.txt").write_text(repairs_text(samples), encoding="utf-8")
    (out_dir / "EVENTS.txt").write_text(events_txt, encoding="utf-8")


@dataclass
class EventInfo:
    """Everything known about one event name (grouped case-insensitively)."""

    spellings: set[str] = field(default_factory=set)
    samples: list[Sample] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def name(self) -> str:
        ok = [s.event for s in self.samples if s.status == "ok" and s.event]
        pool = ok or [s.event for s in self.samples if s.event] or sorted(self.spellings)
        return max(sorted(set(pool)), key=pool.count)

    def count(self, status: str, style: str | None = None) -> int:
        return sum(s.status == status and style in (None, s.style) for s in self.samples)

    @property
    def sampled(self) -> bool:
        return any(self.count("ok", style) for style in STYLES)

    def counts(self) -> str:
        parts = [f"{st}={self.count('ok', st)}" for st in STYLES]
        parts += [f"{st}={self.count(st)}" for st in ("fragment", "unparseable")]
        return " ".join(parts)

    def where(self) -> list[str]:
        spots = [(s.file, s.line, f"sample {s.style}/{s.status}") for s in self.samples]
        spots += [(m.file, m.line, m.how) for m in self.mentions]
        files = sorted({f for f, _, _ in spots})
        return [
            f"{f}: " + ", ".join(f"L{n} {how}" for ff, n, how in sorted(spots) if ff == f)
            for f in files
        ]


def build_index(samples: list[Sample], mentions: list[Mention]) -> dict[str, EventInfo]:
    index: dict[str, EventInfo] = {}
    for s in samples:
        if s.event:
            info = index.setdefault(s.event.lower(), EventInfo())
            info.spellings.add(s.event)
            info.samples.append(s)
    for m in mentions:
        info = index.setdefault(m.name.lower(), EventInfo())
        info.spellings.add(m.name)
        info.mentions.append(m)
    return index


def event_block(info: EventInfo, sampled_names: list[str]) -> list[str]:
    head = f"{info.name}  [{info.counts()}]"
    others = sorted(info.spellings - {info.name})
    if others:
        head += f"  (also written: {', '.join(others)})"
    if not info.sampled and (near := close_names(info.name, sampled_names)):
        head += f"  (similar sampled name: {', '.join(near)})"
    return [head] + [f"    {w}" for w in info.where()]


def close_names(name: str, names: list[str]) -> list[str]:
    return difflib.get_close_matches(name, names, n=2, cutoff=0.85)


def titles_block(titles: list[tuple[Mention, str | None]]) -> list[str]:
    out = ["## Events named only in words (titles/bullets) that have NO sample", ""]
    out += [f"{m.file}: L{m.line} {m.name!r}" for m, ev in titles if ev is None]
    return [*out, ""]


def reference_block(index: dict[str, EventInfo]) -> list[str]:
    missing = [n for n in REFERENCE_EVENTS if not (i := index.get(n.lower())) or not i.sampled]
    known = {n.lower() for n in REFERENCE_EVENTS}
    extra = sorted(i.name for k, i in index.items() if k not in known)
    return [
        "## Cross-check against the project brief's list of expected event names",
        "",
        f"expected but without a flat/wrapped sample: {', '.join(missing) or '-'}",
        f"found in the seeds but not in the expected list: {', '.join(extra) or '-'}",
        "",
    ]


def events_text(index: dict[str, EventInfo], titles: list[tuple[Mention, str | None]]) -> str:
    infos = sorted(index.values(), key=lambda i: i.name.lower())
    sampled = [i.name for i in infos if i.sampled]
    out = [
        "# Event names in the Capillary seed pages (002_* skipped: Voucherify).",
        "# [flat/wrapped = repaired samples written to files; fragment/unparseable =",
        "#  manifest only]; names are grouped case-insensitively.",
        "",
        f"## Events with at least one flat/wrapped sample ({len(sampled)})",
        "",
    ]
    for info in infos:
        if info.sampled:
            out += event_block(info, sampled)
    out += ["", "## Event names mentioned in the seeds that have NO flat/wrapped sample", ""]
    for info in infos:
        if not info.sampled:
            out += event_block(info, sampled)
    out.append("")
    return "\n".join(out + titles_block(titles) + reference_block(index))


# --------------------------------------------------------------------------
# 7. Command line
# --------------------------------------------------------------------------


def summary(samples: list[Sample], index: dict[str, EventInfo], titles: list) -> str:
    counts = ", ".join(f"{st}={sum(s.status == st for s in samples)}" for st in STATUSES)
    names = sorted((i.name for i in index.values() if i.sampled), key=str.lower)
    unsampled = sorted((i.name for i in index.values() if not i.sampled), key=str.lower)
    worded = [f"{m.name!r} ({short(m.file)}:L{m.line})" for m, ev in titles if ev is None]
    return "\n".join(
        [
            f"samples: {len(samples)} ({counts}); files written: "
            f"{sum(bool(s.sample_name) for s in samples)}",
            f"event names with flat/wrapped samples ({len(names)}): {', '.join(names)}",
            f"event names mentioned without a sample ({len(unsampled)}): {', '.join(unsampled)}",
            f"events named only in words without a sample: {', '.join(worded)}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: seedrepair.py SEEDS_DIR OUT_DIR", file=sys.stderr)
        return 2
    seeds_dir, out_dir = Path(args[0]), Path(args[1])
    samples = extract(seeds_dir)
    titles = title_mentions(seeds_dir, samples)
    named = [Mention(ev, m.file, m.line, f"title {m.name!r}") for m, ev in titles if ev]
    index = build_index(samples, find_mentions(seeds_dir, samples) + named)
    write_outputs(samples, events_text(index, titles), out_dir)
    print(summary(samples, index, titles))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
