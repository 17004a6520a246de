"""The floor plan holds: layers point one way, no cycles, and the plugin loads light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("faker", "jsonschema", "jsonschema_rs", "fastjsonschema", "flask", "gevent", "locust",
         "requests", "yaml", "waitress")


def test_import_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """import-linter's contracts in pyproject.toml (layers, acyclic packages) hold."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(out.stdout)}


@pytest.mark.parametrize("statement", ["import capmock.pytest_plugin", "import capmock"])
def test_importing_the_plugin_loads_no_heavy_dependency(statement: str) -> None:
    """pytest imports the plugin in every project that has capmock installed."""
    assert loaded_after(statement) & set(HEAVY) == set()


def test_the_package_names_load_on_first_use() -> None:
    import capmock

    payload = capmock.generate("pointsIssued", seed=1)
    assert capmock.validate(payload) == []
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        capmock.nothing  # noqa: B018


def test_soak_without_the_load_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import capmock.cli.soak as soak_cli
    from capmock.cli import main

    monkeypatch.setattr(soak_cli, "find_spec", lambda name: None if name == "gevent" else name)
    result = CliRunner().invoke(main, ["soak", "--duration", "1s"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "capmock: error: capmock soak needs gevent, from the load extra"
        " — pip install 'capmock[load]'"
    ]
