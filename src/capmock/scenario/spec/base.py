"""The declaration types of the scenario language (a step, a parameter, the kinds of
values) and the parameters many steps share."""

from __future__ import annotations

from dataclasses import dataclass

# Parameter kinds: what a value must look like.
KINDS = {
    "customer": "a customer name from `customers:` (or the loop's customer)",
    "int": "a whole number",
    "number": "a number",
    "string": "a string",
    "bool": "true or false",
    "duration": "a duration like 30d, 12h, 15m, 90s",
    "ref": "a name given earlier with `as:`",
    "tier": "a tier name or number",
    "mapping": "a mapping",
    "list": "a list",
    "event": "a catalog event name",
    "date": "a date YYYY-MM-DD",
    "expect": "2xx (default), reject (a 4xx), 4xx, a status code, or a list of codes",
}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    doc: str = ""
    low: float | None = None  # bounds of a number (None: the kind's, see format_schema)
    high: float | None = None


@dataclass(frozen=True)
class StepSpec:
    name: str
    doc: str
    params: tuple[Param, ...] = ()
    primary: str | None = None  # the param a scalar shorthand fills: `- enrol: alice`
    nested: bool = False  # takes `steps:`
    emits: tuple[str, ...] = ()  # events this step can produce (docs and coverage)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


MAX_ADJUSTMENT = 1e12  # the largest debit by hand (format_schema.MAX_NUMBER, negated)


def P(
    name: str,
    kind: str,
    required: bool = False,
    doc: str = "",
    *,
    low: float | None = None,
    high: float | None = None,
) -> Param:
    return Param(name, kind, required, doc, low, high)


MAX_BULK = 10_000  # one step's events are held at once: a bulk issue stays small
CUST = P("customer", "customer", doc="who; default: the loop's customer or the only one")
AS = P("as", "string", doc="name this step's result for later steps")

# Keys every step may carry besides its own parameters.
COMMON = (
    P("envelope", "string", doc="flat or wrapped for the events of this step"),
    P("expect_rejection", "bool", doc="the model must refuse this step (e.g. overdraw)"),
    P("note", "string", doc="free text, ignored"),
    P("expect", "expect", doc="what the consumer must answer to this step's events"),
)
