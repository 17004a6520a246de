"""The Dockerfile: lint-clean (hadolint) and shaped as the README promises."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"


def test_dockerfile_is_minimal_and_unprivileged() -> None:
    text = DOCKERFILE.read_text()
    assert text.startswith("# capmock") and "FROM python:3.11-slim" in text
    assert 'ENTRYPOINT ["capmock"]' in text
    user_lines = [line for line in text.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1] != "USER root"


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint is not installed")
def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(["hadolint", str(DOCKERFILE)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
