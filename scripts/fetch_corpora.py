"""Fetch the book's text corpora from PyPI into the cache, once, hash-checked.

The Canterbury texts (from the sdist brotli-1.2.1.tar.gz) and the code corpus (from
requests-2.32.3.tar.gz): each sdist is pinned by URL and by the SHA-256 PyPI publishes,
and each text taken out of it by its own SHA-256 (the constants in rdlib/corpora.py,
which does the work). Only the texts are stored, in rdlib.corpora.data_dir(): _data/ of
this repository (git-ignored) unless RDLIB_DATA names another folder. Run by ``make``
before the chapters execute, so a fresh clone proves the fetch; safe to re-run (what is
already stored is only checked against its SHA-256, and a corrupt file is reported,
not replaced).

Usage: python scripts/fetch_corpora.py [destination]   (default: rdlib.corpora.data_dir())
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this repository's rdlib, installed or not

from rdlib.corpora import CorpusError, data_dir, fetch_corpora  # noqa: E402


def main() -> None:
    destination = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else data_dir()
    try:
        status = fetch_corpora(destination)
    except CorpusError as exc:
        sys.exit(f"fetch_corpora: {exc}")
    fetched = [path for path, new in status.items() if new]
    for path in fetched:
        print(f"fetched {path.relative_to(destination)}")
    print(
        f"corpora ready in {destination}: {len(status)} files, SHA-256 checked"
        f" ({len(fetched)} fetched now)"
    )


if __name__ == "__main__":
    main()
