"""Steps: target_progress, target_unachieved; streak_enrol, streak_unenrol, streak_level,
streak_end."""

from __future__ import annotations

from capmock.model import streaks, targets
from capmock.model.entities import Customer
from capmock.scenario.steps.base import Args, Result, Session, handler, need


@handler("target_progress")
def target_progress(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    target = targets.find(s.org.targets, str(args["target"]), "target")
    return targets.progress(s.world, c, target, float(args["value"])), None


@handler("target_unachieved")
def target_unachieved(s: Session, customer: Customer | None, args: Args) -> Result:
    c = need(customer)
    target = targets.find(s.org.targets, str(args["target"]), "target")
    return [targets.unachieved(s.world, c, target)], None


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
