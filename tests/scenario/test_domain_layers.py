"""The model owns the domain and sits below everything that renders or plays it: no model
module imports the catalog, the scenario layer or anything above (clock, ids and errors
are below it); and no step module imports the player (handlers see it through the
Session protocol), so player -> steps is one way. Read from the source's imports (the
whole package is loaded by ``import capmock`` today, so sys.modules cannot tell)."""

from __future__ import annotations

import ast
from pathlib import Path

import capmock

SRC = Path(capmock.__file__).parent


def imports(path: Path) -> set[str]:
    """Every capmock module ``path`` imports, at the top or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("capmock.")}


def test_the_model_imports_nothing_above_it() -> None:
    below = ("capmock.model", "capmock.clock", "capmock.ids", "capmock.errors")
    files = sorted((SRC / "model").glob("*.py"))
    assert len(files) > 10
    wrong = {(f.name, m) for f in files for m in imports(f) if not m.startswith(below)}
    assert wrong == set()


def test_no_step_module_imports_the_player() -> None:
    files = sorted((SRC / "scenario" / "steps").glob("*.py"))
    assert any(f.name == "transactions.py" for f in files)
    wrong = {
        f.name for f in files if any(m.startswith("capmock.scenario.player") for m in imports(f))
    }
    assert wrong == set()
