"""The API reference (chapters/api.md) documents what rdlib exports: all of it, once each.

Read without a build: the page's autodoc and Python-domain directives (in ``{eval-rst}``
blocks or as MyST fences), each name resolved against the ``currentmodule`` in force, as
Sphinx resolves it. Every name in ``rdlib.__all__`` must be documented exactly once, as
``rdlib.<name>`` (never also ``rdlib.solver.<name>``), in the section of the module that
defines it; nothing else may be documented but the public members of an exported class.
"""

import importlib
import inspect
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import rdlib

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "chapters" / "api.md"

# Directives that document an object, with or without autodoc's "auto" and the "py:" domain.
OBJECTS = {
    "function",
    "class",
    "exception",
    "data",
    "attribute",
    "method",
    "property",
    "decorator",
    "classmethod",
    "staticmethod",
    "type",
}
# Options that would pull in what is not exported.
FORBIDDEN_OPTIONS = {"private-members", "special-members", "imported-members", "module"}

_RST = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::[ \t]*(.*)$")
_MYST = re.compile(r"^(\s*)(?:`{3,}|:{3,})\{([\w:-]+)\}[ \t]*(.*)$")
_OPTION = re.compile(r"^\s*:([\w-]+):")
_SECTION = re.compile(r"^##\s+`?(rdlib\.\w+)`?\s*$")


@dataclass(frozen=True)
class Entry:
    name: str  # the name Sphinx documents it under: rdlib.blahut_arimoto
    directive: str  # autofunction, py:class, automodule, ...
    section: str | None  # the module section it sits in: rdlib.solver
    line: int
    options: frozenset[str]


def entries(text: str) -> list[Entry]:
    """Every object the page documents, in order, with its fully qualified name."""
    found = []
    module = None
    section = None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
            continue
        match = _RST.match(line) or _MYST.match(line)
        if not match:
            continue
        directive, argument = match.group(2), match.group(3).strip()
        kind = directive.removeprefix("py:")
        if kind == "currentmodule":
            module = None if argument in ("", "None") else argument
            continue
        options = set()
        for following in lines[number:]:
            option = _OPTION.match(following)
            if not option:
                break
            options.add(option.group(1))
        if kind in ("module", "automodule"):
            # documents a module, and makes it the current one
            module = argument
            found.append(Entry(argument, directive, section, number, frozenset(options)))
            continue
        if kind.removeprefix("auto") not in OBJECTS or not argument:
            continue
        name = argument.split("(")[0].strip()
        if module and not name.startswith("rdlib."):
            name = f"{module}.{name}"
        found.append(Entry(name, directive, section, number, frozenset(options)))
    return found


def problems(text: str, exported: set[str]) -> list[str]:
    """What is wrong with the page's entries, given the names ``rdlib.__all__`` exports."""
    found = entries(text)
    out = []
    classes = {n for n in exported if inspect.isclass(getattr(rdlib, n, None))}
    for e in found:
        where = f"line {e.line}: {e.directive} {e.name}"
        parts = e.name.split(".")
        if e.directive.removeprefix("py:") in ("module", "automodule"):
            out.append(f"{where}: documents a module, which rdlib.__all__ does not export")
        elif any(p.startswith("_") for p in parts):
            out.append(f"{where}: private")
        elif len(parts) == 2 and parts[0] == "rdlib" and parts[1] in exported:
            pass
        elif len(parts) == 3 and parts[0] == "rdlib" and parts[1] in classes:
            pass  # a member of an exported class
        elif parts[-1] in exported:
            out.append(f"{where}: not under its canonical name rdlib.{parts[-1]}")
        else:
            out.append(f"{where}: not in rdlib.__all__")
        bad = sorted(e.options & FORBIDDEN_OPTIONS)
        if bad:
            out.append(f"{where}: option(s) {bad} document what is not exported")
    top = Counter(e.name.split(".")[-1] for e in found if e.name.count(".") == 1)
    for name, count in sorted(top.items()):
        if count > 1:
            out.append(f"rdlib.{name} documented {count} times")
    canonical = {e.name for e in found}
    for name in sorted(exported):
        if f"rdlib.{name}" not in canonical:
            out.append(f"rdlib.{name} (in rdlib.__all__) is not documented")
    return out


def public_modules() -> list[str]:
    """The modules the package's docstring lists, in its order, without the private ones."""
    listed = re.findall(r":mod:`(rdlib\.\w+)`", rdlib.__doc__)
    return [m for m in listed if not m.split(".")[1].startswith("_")]


def defining_module(name: str) -> str:
    """The public module whose ``__all__`` lists ``name`` bound to the exported object."""
    value = getattr(rdlib, name)
    owners = [
        m
        for m in public_modules()
        if name in getattr(importlib.import_module(m), "__all__", ())
        and getattr(importlib.import_module(m), name) is value
    ]
    assert len(owners) == 1, f"rdlib.{name}: defined by {owners or 'no listed module'}"
    return owners[0]


# --- the checker itself ---------------------------------------------------------------

GOOD = """\
## `rdlib.info`

```{eval-rst}
.. currentmodule:: rdlib

.. autofunction:: entropy
.. autoclass:: RDPoint
   :members:
```
"""


def test_the_parser_resolves_names_against_the_current_module():
    text = GOOD + (
        "```{eval-rst}\n.. currentmodule:: rdlib.solver\n.. py:function:: blahut_arimoto(p_x)\n"
        ".. autodata:: rdlib.PALETTE\n```\n"
        "```{autofunction} rdlib.tables.format_table\n:no-index:\n```\n"
    )
    assert [(e.name, e.section) for e in entries(text)] == [
        ("rdlib.entropy", "rdlib.info"),
        ("rdlib.RDPoint", "rdlib.info"),
        ("rdlib.solver.blahut_arimoto", "rdlib.info"),
        ("rdlib.PALETTE", "rdlib.info"),
        ("rdlib.tables.format_table", "rdlib.info"),
    ]
    assert entries(text)[1].options == {"members"}


def test_the_checker_finds_each_kind_of_mistake():
    exported = {"entropy", "RDPoint", "blahut_arimoto"}
    assert problems(GOOD + ".. autofunction:: blahut_arimoto\n", exported) == []
    assert problems(GOOD, exported) == ["rdlib.blahut_arimoto (in rdlib.__all__) is not documented"]
    twice = problems(GOOD + ".. autofunction:: blahut_arimoto\n.. function:: entropy\n", exported)
    assert twice == ["rdlib.entropy documented 2 times"]
    path = problems(GOOD + ".. autofunction:: rdlib.solver.blahut_arimoto\n", exported)
    assert "not under its canonical name rdlib.blahut_arimoto" in path[0]
    assert "rdlib.blahut_arimoto (in rdlib.__all__) is not documented" in path
    extra = GOOD + ".. autofunction:: blahut_arimoto\n"
    assert "private" in problems(extra + ".. autofunction:: _check_source\n", exported)[0]
    assert "private" in problems(extra + ".. autoattribute:: RDPoint._x\n", exported)[0]
    assert "not in rdlib.__all__" in problems(extra + ".. autofunction:: lower_hull\n", exported)[0]
    module = problems(extra + ".. automodule:: rdlib.solver\n   :members:\n", exported)
    assert "documents a module" in module[0]
    hidden = problems(extra.replace(":members:", ":members:\n   :private-members:"), exported)
    assert "private-members" in hidden[0]


# --- the page -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> str:
    return API.read_text(encoding="utf-8")


def test_every_exported_name_is_documented_once_under_its_canonical_name(page):
    found = problems(page, set(rdlib.__all__))
    assert not found, "chapters/api.md:\n" + "\n".join(found)


def test_one_section_per_public_module_in_the_packages_order(page):
    sections = [m.group(1) for m in map(_SECTION.match, page.splitlines()) if m]
    assert sections == public_modules()


def test_each_name_is_in_the_section_of_the_module_that_defines_it(page):
    misplaced = [
        f"line {e.line}: {e.name} in {e.section}, defined in {defining_module(e.name[6:])}"
        for e in entries(page)
        if e.name.count(".") == 1 and e.section != defining_module(e.name[6:])
    ]
    assert not misplaced, "\n".join(misplaced)


def test_the_page_says_how_it_is_made_and_sits_in_the_back_matter(page):
    top = page[: page.index("\n## ")]
    assert "generated from the package's docstrings" in top and "autodoc" in top
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    back = [c["file"] for c in toc["parts"][-1]["chapters"]]
    assert back.index("chapters/glossary") + 1 == back.index("chapters/api")
    assert back.index("chapters/api") + 1 == back.index("chapters/bibliography")
