"""A non-editable install (sdist -> wheel -> a fresh venv) carries the bundled scenarios and
schema files: `capmock scenarios`, `capmock plan <bundled name>` and `capmock schemas check`
work there exactly as in the checkout, and $CAPMOCK_SCENARIOS still overrides the folder.

No network: the wheel is built with the current environment's setuptools (PEP 517 hooks
called directly), installed with `pip --no-index --no-deps`, and the venv then sees this
environment's site-packages (after its own) for the dependencies. Takes ~30 s (marked
slow); CI runs it (.ci/run runs the whole suite)."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = "import sys; from setuptools import build_meta as b; print(b.{hook}(sys.argv[1]))"

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp: Path) -> Path:
    """An sdist of a clean copy of the project, then a wheel built from that sdist."""
    tree = tmp / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", "scenarios", "schemas"):
        shutil.copytree(ROOT / name, tree / name, ignore=junk)
    dist = tmp / "dist"
    sdist = run(sys.executable, "-c", BUILD.format(hook="build_sdist"), dist, cwd=tree)
    with tarfile.open(dist / sdist.strip().splitlines()[-1]) as tar:
        tar.extractall(tmp / "unpacked", filter="data")
    (unpacked,) = (tmp / "unpacked").iterdir()
    wheel = run(sys.executable, "-c", BUILD.format(hook="build_wheel"), dist, cwd=unpacked)
    return dist / wheel.strip().splitlines()[-1]


def install(wheel: Path, venv: Path, cwd: Path) -> Path:
    """The wheel in a fresh venv; returns the venv's site-packages."""
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=cwd)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-cache-dir",
        wheel,
        cwd=cwd,
    )
    purelib = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=cwd).strip()
    )
    # The dependencies: this environment's site-packages, after the venv's own (a path in
    # a .pth file is appended to sys.path; its own .pth files, such as this checkout's
    # editable install, are not read).
    deps = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    (purelib / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    return purelib


def files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(venv, its site-packages, an environment that runs it from outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    venv = tmp / "venv"
    purelib = install(build_wheel(tmp), venv, tmp)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAPMOCK_SCENARIOS", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv, purelib, env


def capmock(
    installed: tuple[Path, Path, dict[str, str]],
    *args: str | Path,
    env: dict[str, str] | None = None,
) -> str:
    venv, _, base = installed
    return run(venv / "bin" / "capmock", *args, cwd=venv.parent, env=env or base)


def test_the_wheel_is_what_runs(installed: tuple[Path, Path, dict[str, str]]) -> None:
    venv, purelib, env = installed
    where = run(
        venv / "bin" / "python",
        "-c",
        "import capmock; print(capmock.__file__)",
        cwd=venv.parent,
        env=env,
    )
    assert Path(where.strip()).is_relative_to(purelib)


def test_it_carries_every_bundled_file(installed: tuple[Path, Path, dict[str, str]]) -> None:
    _, purelib, _ = installed
    for name in ("scenarios", "schemas"):
        assert files(purelib / "capmock" / "_bundled" / name) == files(ROOT / name)


def test_scenarios_and_plan_work_as_in_the_checkout(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    listed = capmock(installed, "scenarios")
    names = [line.split()[0] for line in listed.splitlines() if not line.startswith(" ")]
    assert names == sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    planned = capmock(installed, "plan", "earn-and-redeem")
    here = run(
        sys.executable,
        "-c",
        "from capmock.cli import main; main()",
        "plan",
        "earn-and-redeem",
        cwd=ROOT,
    )
    assert planned == here and planned.count("\n") > 5


def test_schemas_check_finds_the_installed_files_current(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    _, purelib, _ = installed
    schemas = purelib / "capmock" / "_bundled" / "schemas"
    assert "schemas are up to date" in capmock(installed, "schemas", "check", "--dir", schemas)
    assert "schemas are up to date" in capmock(installed, "schemas", "check")


def test_capmock_scenarios_overrides_the_bundled_folder(
    installed: tuple[Path, Path, dict[str, str]],
    tmp_path: Path,
) -> None:
    (tmp_path / "mine.yaml").write_text(
        "name: mine\ndescription: Only mine. More text.\n"
        "customers: {a: {}}\nsteps:\n  - enrol: {customer: a}\n"
    )
    env = {**installed[2], "CAPMOCK_SCENARIOS": str(tmp_path)}
    assert capmock(installed, "scenarios", env=env).split() == ["mine", "Only", "mine."]
    assert "customerAdded" in capmock(installed, "plan", "mine", env=env)
