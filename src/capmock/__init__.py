"""capmock: a mock Capillary event emitter and webhook contract-test harness.

The names below load on first use (PEP 562), so importing ``capmock`` — as pytest does for
the plugin of every project that has capmock installed — costs nothing until it is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capmock.errors import CapmockError
    from capmock.generator import Generator, generate
    from capmock.schemas import Problem, validate

__version__ = "0.1.0"

_LAZY = {
    "CapmockError": "capmock.errors",
    "Generator": "capmock.generator",
    "generate": "capmock.generator",
    "Problem": "capmock.schemas",
    "validate": "capmock.schemas",
}

__all__ = ["CapmockError", "Generator", "Problem", "__version__", "generate", "validate"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'capmock' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
