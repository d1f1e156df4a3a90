"""rdlib as a package: what pyproject.toml declares it needs at run time.

Each run-time dependency has a lower bound and nothing else, and
``tests/lowest-constraints.txt``, which ``make test-unpinned LOWEST=1`` installs rdlib
with, pins exactly those bounds: so every bound is a version the rdlib tests have passed
at. And every package that rdlib imports is one that it declares.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from rdlib.tokens import VOCABULARY_PACKAGE

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONSTRAINTS = ROOT / "tests" / "lowest-constraints.txt"

# Imported only inside ``try: ... except ImportError`` (rdlib.plotting: a notebook's display).
OPTIONAL_IMPORTS = {"IPython"}


def _lower_bounds(requirements: list[str]) -> dict[str, str]:
    bounds = {}
    for text in requirements:
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        if [s.operator for s in specifiers] != [">="]:
            raise ValueError(f"{text!r}: give a lower bound (>=) and nothing else")
        bounds[canonicalize_name(requirement.name)] = specifiers[0].version
    return bounds


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if [s.operator for s in specifiers] != ["=="]:
            raise ValueError(f"{line!r}: pin one version (==)")
        pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def test_every_run_time_dependency_has_a_lower_bound_only() -> None:
    bounds = _lower_bounds(PYPROJECT["project"]["dependencies"])
    assert {"numpy", "matplotlib", "scipy", "tiktoken"} <= set(bounds)


def test_the_lowest_constraints_are_the_lower_bounds() -> None:
    bounds = _lower_bounds(PYPROJECT["project"]["dependencies"])
    pins = _pins(CONSTRAINTS.read_text(encoding="utf-8").splitlines())
    assert pins == bounds


def test_the_checks_reject_what_they_should() -> None:
    import pytest

    with pytest.raises(ValueError, match="lower bound"):
        _lower_bounds(["numpy==2.0.0"])
    with pytest.raises(ValueError, match="lower bound"):
        _lower_bounds(["numpy>=2.0,<3"])
    with pytest.raises(ValueError, match="pin one version"):
        _pins(["numpy>=2.0.0"])
    assert _pins(["# a comment", "", "Brotli==1.1.0  # why"]) == {"brotli": "1.1.0"}


def _imported_top_level_modules() -> set[str]:
    names = set()
    for path in (ROOT / "rdlib").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "rdlib"}


def test_every_imported_package_is_declared() -> None:
    declared = set(_lower_bounds(PYPROJECT["project"]["dependencies"]))
    providers = importlib.metadata.packages_distributions()
    needed = (_imported_top_level_modules() - OPTIONAL_IMPORTS) | {VOCABULARY_PACKAGE}
    assert {"numpy", "matplotlib", "scipy", "tiktoken", "tiktoken_ext"} <= needed
    for module in sorted(needed):
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        assert distributions & declared, f"rdlib imports {module}; declare its package"
