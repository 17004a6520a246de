"""Steps: streak_enrol, streak_unenrol, streak_level, streak_end."""

from __future__ import annotations

from capmock.model import streaks
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


def _streak(s: Session, args: Args) -> streaks.Streak:
    name = args.get("streak")
    return streaks.named(s.world, str(name) if name else None)


@handler("streak_enrol")
def streak_enrol(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return streaks.enrol(s.world, c, _streak(s, args)), None


@handler("streak_unenrol")
def streak_unenrol(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [streaks.unenrol(s.world, c, _streak(s, args))], None


@handler("streak_level")
def streak_level(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    lost = bool(args.get("lost"))
    return [streaks.level(s.world, c, _streak(s, args), lost=lost)], None


@handler("streak_end")
def streak_end(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    return [streaks.end(s.world, c, _streak(s, args))], None
