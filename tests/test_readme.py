"""The README's two set-up commands and CI stay in step."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shell_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", setup, re.S)


def test_readme_has_exactly_two_setup_commands() -> None:
    blocks = shell_blocks()
    assert len(blocks) == 2
    assert all(len(b.strip().splitlines()) == 1 for b in blocks)
    assert "pip install" in blocks[0] and "capmock" in blocks[0]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = shell_blocks()[1].split("&&")[-1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text()
