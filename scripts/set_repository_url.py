"""Point the book at a repository: _config.yml and every chapter's install cell.

Usage:
    python scripts/set_repository_url.py https://github.com/you/your-fork [branch]
    python scripts/set_repository_url.py          # only re-sync chapters from _config.yml

The repository URL lives in one place, ``repository.url`` in ``_config.yml``; the
launch buttons are built from it. Colab, however, opens a chapter on its own, so the
first cell of every chapter (hidden on the website) carries the install command for
``rdlib`` with the URL written into it; CITATION.cff and the BibTeX entry on the landing
page carry it too. This script writes all of them from ``_config.yml``, and
``tests/test_book.py`` fails if they drift apart.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
CELL_ID = "install-rdlib"


def install_cell_source(url: str, branch: str) -> str:
    return (
        "# Colab and other hosts without rdlib: install it from the book's repository.\n"
        "# This cell is hidden on the website and does nothing where rdlib is installed.\n"
        "try:\n"
        "    import rdlib  # noqa: F401\n"
        "except ImportError:\n"
        f'    %pip install --quiet "rdlib @ git+{url}@{branch}"'
    )


def read_repository() -> tuple[str, str]:
    text = CONFIG.read_text(encoding="utf-8")
    block = re.search(r"^repository:\n((?:[ \t]+.*\n)+)", text, re.M)
    if not block:
        sys.exit("_config.yml has no repository: block")
    url = re.search(r"^\s+url:\s*(\S+)", block.group(1), re.M)
    branch = re.search(r"^\s+branch:\s*(\S+)", block.group(1), re.M)
    if not url:
        sys.exit("_config.yml: repository.url is missing")
    return url.group(1), branch.group(1) if branch else "main"


def write_repository(url: str, branch: str | None) -> None:
    text = CONFIG.read_text(encoding="utf-8")
    text = re.sub(
        r"(^repository:\n(?:[ \t]+.*\n)*?[ \t]+url:\s*)\S+",
        rf"\g<1>{url}",
        text,
        count=1,
        flags=re.M,
    )
    if branch:
        text = re.sub(
            r"(^repository:\n(?:[ \t]+.*\n)*?[ \t]+branch:\s*)\S+",
            rf"\g<1>{branch}",
            text,
            count=1,
            flags=re.M,
        )
    CONFIG.write_text(text, encoding="utf-8")


def sync_chapters(url: str, branch: str) -> None:
    source = install_cell_source(url, branch)
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0] if nb.cells else None
        if first is not None and first.get("id") == CELL_ID:
            if first.source == source:
                continue
            first.source = source
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell["id"] = CELL_ID
            cell.metadata = {"tags": ["remove-cell"]}
            nb.cells.insert(0, cell)
        nbformat.write(nb, path)
        print(f"updated {path.relative_to(ROOT)}")


def sync_citation(url: str) -> None:
    """The repository URL in CITATION.cff and in the BibTeX on the landing page."""
    cff = ROOT / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    new = re.sub(r'^(\s*(?:repository-code|url): )"[^"]*"', rf'\g<1>"{url}"', text, flags=re.M)
    if new != text:
        cff.write_text(new, encoding="utf-8")
        print("updated CITATION.cff")
    intro = ROOT / "chapters" / "intro.md"
    text = intro.read_text(encoding="utf-8")
    new = re.sub(r"^(\s*url\s*=\s*)\{[^}]*\}", rf"\g<1>{{{url}}}", text, flags=re.M)
    if new != text:
        intro.write_text(new, encoding="utf-8")
        print("updated chapters/intro.md")


def main() -> None:
    if len(sys.argv) > 1:
        write_repository(sys.argv[1].rstrip("/"), sys.argv[2] if len(sys.argv) > 2 else None)
    url, branch = read_repository()
    sync_chapters(url, branch)
    sync_citation(url)


if __name__ == "__main__":
    main()
