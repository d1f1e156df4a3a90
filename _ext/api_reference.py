"""Give the constants of the API reference (chapters/api.md) their own docstrings.

The reference documents every name under the package, ``rdlib.DEFAULT_ORDER`` rather than
``rdlib.entropy.DEFAULT_ORDER``. For a function or a class that costs nothing: autodoc
reads the docstring from the object. A constant has no docstring of its own; autodoc looks
for the string after its assignment (or ``#:`` comments before it) in the source of the
module the directive names, here ``rdlib/__init__.py``, which only imports it, and falls
back on the docstring of the value's type (``int``, ``tuple``).

This extension looks the constant up instead in the public submodule that lists it in its
``__all__`` and binds the very same object, and uses the docstring found there. A constant
documented nowhere is an error, so the reference cannot show a built-in type's docstring.

It also turns the ``nitpick_ignore`` entries of ``_config.yml`` into the ``(type, target)``
tuples Sphinx compares with: YAML has no tuples, and a list never equals a tuple.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.pycode import ModuleAnalyzer


def _defining_docstring(package: str, name: str) -> list[str] | None:
    """The docstring of ``package.name`` in the public submodule that defines it."""
    pkg = importlib.import_module(package)
    value = getattr(pkg, name)
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if name not in getattr(module, "__all__", ()) or getattr(module, name) is not value:
            continue
        docs = ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def _constant_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    package, _, attr = name.rpartition(".")
    if what != "data" or not package or not hasattr(importlib.import_module(package), "__path__"):
        return
    doc = _defining_docstring(package, attr)
    if doc is None:
        raise ExtensionError(f"{name}: no docstring in the submodule that defines it")
    lines[:] = doc


def _nitpick_pairs(app: Sphinx, config: Config) -> None:
    pairs = set()
    for entry in config.nitpick_ignore:
        if len(entry) != 2:
            raise ExtensionError(f"nitpick_ignore: expected [type, target], got {entry!r}")
        pairs.add(tuple(entry))
    config.nitpick_ignore = pairs


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _nitpick_pairs)
    # After napoleon (priority 500), which would read "Name (1978): text" as a type and text.
    app.connect("autodoc-process-docstring", _constant_docstring, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
