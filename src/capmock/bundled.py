"""Where the bundled scenarios and JSON Schema files are.

An installed wheel (or sdist) carries the top-level ``scenarios/`` and ``schemas/`` folders
as package data under ``capmock/_bundled/`` (see setup.py); an editable install or a
checkout has them beside ``src/``. ``$CAPMOCK_SCENARIOS`` overrides the scenarios' folder
(read by the scenario loader).
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGED = Path(__file__).resolve().parent / "_bundled"
CHECKOUT = Path(__file__).resolve().parents[2]


def folder(name: str) -> Path:
    """The bundled ``scenarios`` or ``schemas`` folder: the packaged copy, else the checkout's."""
    packaged = PACKAGED / name
    return packaged if packaged.is_dir() else CHECKOUT / name


SCENARIOS = folder("scenarios")
SCHEMAS = folder("schemas")


def summary(description: str) -> str:
    """A scenario description's first sentence, whole (its first paragraph's lines joined):
    what ``capmock scenarios`` and ``GET /api/scenarios`` show for it."""
    paragraph = " ".join(description.strip().split("\n\n", 1)[0].split())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(])", paragraph, maxsplit=1)[0]
    return sentence
