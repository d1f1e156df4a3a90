r"""Check the contents of the PDF that ``make pdf`` built against ``_toc.yml``.

Usage:
    python scripts/check_pdf.py [_build/latex]

Reads LaTeX's record of the contents (``book.toc``) and the chapter headings in ``book.tex``,
and fails unless the contents list, in order:

- each numbered part of ``_toc.yml`` once, numbered I, II, ..., with each of its pages once as a
  chapter numbered 1, 2, ... across the book;
- each unnumbered part (the back matter) once, with each of its pages once as a chapter, all
  without numbers, and no numbered section under them;
- after those, nothing but the indices Sphinx generates (``GENERATED``), each at most once.

It also fails if LaTeX's log (``book.log``) reports a reference it could not resolve.

So a back-matter page that gets a number again, or a second "Bibliography" (Sphinx's own
bibliography chapter), fails ``make pdf``. ``_ext/latex_backmatter.py`` is what makes the
contents look like this.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Indices Sphinx appends after the last page: the general index (here, the glossary's terms),
# sphinx-proof's index of theorems and definitions, and the Python module index.
GENERATED = ("Index", "Proof Index", "Python Module Index")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class Entry(NamedTuple):
    """One line of the contents: level (part, chapter, section), number or None, title."""

    level: str
    number: str | None
    title: str


def _group(text: str, start: int) -> tuple[str, int]:
    """The balanced ``{...}`` group opening at ``text[start]``, and the index after it."""
    if text[start] != "{":
        raise ValueError(f"expected '{{' at {start}: {text[start : start + 30]!r}")
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    raise ValueError(f"unbalanced braces from {start}: {text[start : start + 30]!r}")


def _normal(title: str) -> str:
    """A title without the spaces LaTeX adds after control words when it writes the .toc."""
    return re.sub(r"(\\[A-Za-z]+)\s+", r"\1", title).strip()


def read_toc(toc: str) -> list[Entry]:
    """The part, chapter and section lines of a ``book.toc``."""
    entries = []
    for match in re.finditer(r"\\contentsline\s*\{(part|chapter|section)\}", toc):
        text, _ = _group(toc, match.end())
        level = match.group(1)
        number = None
        if level == "part":
            numbered = re.match(r"([IVXLC]+)\\hspace\s*\{1em\}", text)
            if numbered:
                number, text = numbered.group(1), text[numbered.end() :]
        elif text.startswith("\\numberline"):
            start = text.index("{")
            number, end = _group(text, start)
            text = text[end:]
        entries.append(Entry(level, number, _normal(text)))
    return entries


def chapter_titles(tex: str) -> dict[str, str]:
    """Each page's ``\\chapter`` title in ``book.tex``, by docname."""
    titles = {}
    for match in re.finditer(r"\\chapter\{(.*)\}\n((?:\\label\{\\detokenize\{[^}]*\}\})+)", tex):
        for docname in re.findall(r"\\detokenize\{([^}]*)::doc\}", match.group(2)):
            titles[docname] = _normal(match.group(1))
    return titles


def expected(parts: list[dict], titles: dict[str, str]) -> list[Entry]:
    """The part and chapter lines the contents must have, in order."""
    lines = []
    part_number = chapter_number = 0
    for part in parts:
        numbered = bool(part.get("numbered"))
        number = None
        if numbered:
            number = ROMAN[part_number]
            part_number += 1
        lines.append(Entry("part", number, _normal(part["caption"])))
        for chapter in part["chapters"]:
            docname = str(Path(chapter["file"]).with_suffix(""))
            if docname not in titles:
                raise ValueError(f"{docname} has no \\chapter heading in book.tex")
            number = None
            if numbered:
                chapter_number += 1
                number = str(chapter_number)
            lines.append(Entry("chapter", number, titles[docname]))
    return lines


def problems(toc: str, tex: str, parts: list[dict]) -> list[str]:
    """Every way the contents in ``toc`` differ from what ``parts`` (``_toc.yml``) asks for."""
    found = read_toc(toc)
    want = expected(parts, chapter_titles(tex))
    heads = [entry for entry in found if entry.level != "section"]
    issues = []
    for i, entry in enumerate(want):
        got = heads[i] if i < len(heads) else None
        if got != entry:
            issues.append(f"contents line {i + 1}: expected {entry}, found {got}")
    seen = set()
    for extra in heads[len(want) :]:
        if extra.level != "chapter" or extra.number or extra.title not in GENERATED:
            issues.append(f"unexpected contents line after the last page: {extra}")
        elif extra.title in seen:
            issues.append(f"{extra.title} listed twice")
        seen.add(extra.title)
    chapter = None
    for entry in found:
        if entry.level != "section":
            chapter = entry
        elif entry.number and chapter is not None and chapter.number is None:
            issues.append(f"numbered section {entry} under unnumbered {chapter.title}")
    return issues


#: LaTeX's warnings for a reference it could not resolve (it prints "??" in their place).
UNDEFINED = re.compile(r"(?:Hyper r|R)eference `([^']+)' on page \d+ undefined")


def undefined_references(log: str) -> list[str]:
    """Every reference that LaTeX's ``log`` reports undefined, once each, in order.

    TeX breaks the log's lines at a fixed width, inside words too, so the lines are joined
    back first.
    """
    return list(dict.fromkeys(m[1] for m in UNDEFINED.finditer(log.replace("\n", ""))))


def main(argv: list[str]) -> int:
    latex = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "latex"
    if not (latex / "book.pdf").is_file():
        print(f"no book.pdf in {latex}", file=sys.stderr)
        return 1
    parts = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    toc = (latex / "book.toc").read_text(encoding="utf-8")
    tex = (latex / "book.tex").read_text(encoding="utf-8")
    issues = problems(toc, tex, parts)
    log = (latex / "book.log").read_text(encoding="utf-8", errors="replace")
    issues += [f"undefined reference (?? in the PDF): {r}" for r in undefined_references(log)]
    if issues:
        print("book.pdf's contents or references are wrong:", *issues, sep="\n  ", file=sys.stderr)
        return 1
    numbered = [p for p in parts if p.get("numbered")]
    back = [c["file"] for p in parts if not p.get("numbered") for c in p["chapters"]]
    chapters = sum(len(p["chapters"]) for p in numbered)
    print(
        f"book.pdf's contents: {len(numbered)} numbered parts, chapters 1-{chapters} once each; "
        f"back matter unnumbered, each page once: {', '.join(Path(f).stem for f in back)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
