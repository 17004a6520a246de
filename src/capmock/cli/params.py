"""Click parameter types for the values of :mod:`capmock.units`, and the delivery flags.

Each type reads a flag's text with the one grammar in :mod:`capmock.units`, so ``--help``
shows what a flag takes (``--delay MIN..MAX``) and a bad value is click's usage error
(``Invalid value for '--delay': …``, exit 2). :func:`delivery_flags` declares one click
option per entry of :data:`capmock.delivery.options.SETTINGS`: add a setting there and every
command that takes delivery flags has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import click

from capmock import units
from capmock.delivery.options import SETTINGS, Setting
from capmock.errors import CapmockError
from capmock.outputs import prepare_output

F = TypeVar("F", bound=Callable[..., Any])


class UnitParam(click.ParamType):
    """A value read by a :mod:`capmock.units` reader; its error becomes click's."""

    def __init__(self, name: str, read: Callable[[Any], Any], metavar: str) -> None:
        self.name = name
        self.read = read
        self.metavar = metavar

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value  # a default, or already read
        try:
            return self.read(value)
        except CapmockError as err:
            self.fail(str(err), param, ctx)


DURATION = UnitParam("duration", units.duration, "DURATION")
POSITIVE_DURATION = UnitParam("duration", units.positive_duration, "DURATION")
RANGE = UnitParam("range", units.duration_range, "MIN..MAX")
RATE = UnitParam("rate", units.rate, "RATE")
PERCENTAGE = UnitParam("percentage", units.probability, "SHARE")
SIZE = UnitParam("size", units.size, "SIZE")
HEADER = UnitParam("header", units.header, "'NAME: VALUE'")
COUNT = UnitParam("count", units.count, "N")
WHOLE = UnitParam("count", units.whole, "N")


def output_file(what: str) -> UnitParam:
    """A file the command will write: checked when the flag is read, before any work."""
    return UnitParam("file", lambda value: str(prepare_output(value, what)), "FILE")


def option_for(setting: Setting, help: str | None = None) -> Callable[[F], F]:
    """The click option of one setting (``help``: a command's own wording of it)."""
    flag = "--" + setting.name.replace("_", "-")
    metavar = f"[{'|'.join(setting.choices)}]" if setting.choices else setting.metavar
    kind = UnitParam(setting.name, setting.read, metavar)  # choices too: with did-you-mean
    return click.option(
        flag,
        setting.name,
        type=kind,
        multiple=setting.multiple,
        help=help or setting.help,
        required=setting.required,
    )


def setting_flags(
    settings: Mapping[str, Setting],
    only: Iterable[str] | None = None,
    helps: Mapping[str, str] | None = None,
) -> Callable[[F], F]:
    """A decorator adding one option per setting (all, or ``only`` these), in order; the
    values arrive as keyword arguments named like the settings, None (or ``()``) when not
    given. ``helps`` rewords some (a command whose defaults differ)."""
    names = list(settings) if only is None else list(only)

    def decorate(f: F) -> F:
        for name in reversed(names):
            f = option_for(settings[name], (helps or {}).get(name))(f)
        return f

    return decorate


def delivery_flags(
    func: F | None = None,
    *,
    only: Iterable[str] | None = None,
    helps: Mapping[str, str] | None = None,
) -> Any:
    """Add the delivery flags (all, or ``only`` these settings) to a command."""
    decorate = setting_flags(SETTINGS, only, helps)
    return decorate if func is None else decorate(func)


def pop_settings(kwargs: dict[str, Any], only: Iterable[str] | None = None) -> dict[str, Any]:
    """Take the delivery flags' values out of a command's keyword arguments."""
    names = list(SETTINGS) if only is None else list(only)
    return {name: kwargs.pop(name) for name in names if name in kwargs}
