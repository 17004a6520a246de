"""Packaging beyond what pyproject.toml can say: the top-level scenarios/ and schemas/
folders (the source of truth users and the README see) ship inside the wheel as package
data under capmock/_bundled/, so a non-editable install (`pip install .`, a wheel, an sdist)
has its bundled scenarios and schema files. capmock.bundled finds them there, or in the
checkout (editable install). Every sub-folder is its own data package, so nothing needs
listing by hand when a folder or file is added."""

from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).resolve().parent
BUNDLED = ("scenarios", "schemas")  # which files: package-data "*" in pyproject.toml


def data_packages() -> dict[str, str]:
    """{package: folder} for every folder under scenarios/ and schemas/."""
    dirs: dict[str, str] = {}
    for top in BUNDLED:
        for folder in [HERE / top, *sorted(p for p in (HERE / top).rglob("*") if p.is_dir())]:
            rel = folder.relative_to(HERE)
            dirs[".".join(("capmock", "_bundled", *rel.parts))] = rel.as_posix()
    return dirs


DIRS = data_packages()

CODE = find_namespace_packages("src", include=["capmock*"], exclude=["*__pycache__*"])

setup(packages=[*CODE, *DIRS], package_dir={"": "src", **DIRS})
