"""Re-execute chapter notebooks in place, so their committed outputs are current.

Usage: python scripts/execute_chapters.py [chapters/NN-name.ipynb ...]
(no arguments: every notebook in chapters/). Run through ``make outputs``.

Each notebook runs top to bottom in a fresh kernel from its own folder. No timing
metadata is recorded, so re-running an unchanged chapter leaves its file unchanged.
A cell that raises or writes to stderr stops the script with an error. Cells tagged
``widget`` (sliders) are run but their outputs are not stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if "widget" in cell.metadata.get("tags", []):
            # Interactive cells (sliders) are for Jupyter, Binder and Colab; their output
            # is a live widget with a fresh model id on every run, so none is stored.
            cell.outputs = []
            cell.execution_count = None
            continue
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                sys.exit(f"{path}: cell {cell.get('id')} wrote to stderr:\n{out.text}")
    # Widget state (model ids change on every run) is not stored with the chapter.
    nb.metadata.pop("widgets", None)
    # Keep notebook metadata minimal and the same on every machine.
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nbformat.write(nb, path)
    print(f"executed {path.relative_to(ROOT)}")


def main(args: list[str]) -> None:
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
