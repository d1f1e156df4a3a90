"""The book's structure: configuration, install cells, exercises, table of contents."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def test_launch_buttons_come_from_the_repository_setting(config):
    assert config["repository"]["url"].startswith("https://github.com/")
    buttons = config["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert buttons["thebe"] is True
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_first_cell_installs_rdlib_where_it_is_missing(path, config):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.get("id") == "install-rdlib"
    assert "remove-cell" in first.metadata.get("tags", [])
    repo = config["repository"]
    target = f'"rdlib @ git+{repo["url"]}@{repo["branch"]}"'
    assert "import rdlib" in first.source and target in first.source, (
        "install cell out of step with _config.yml: run scripts/set_repository_url.py"
    )
    assert not first.outputs


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_exercises_and_hidden_solutions(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    exercises = re.findall(r"```\{exercise\}\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)\n:class: dropdown", text)
    assert len(exercises) >= 2
    assert sorted(exercises) == sorted(solutions)
    assert text.count("{solution-end}") == len(exercises)
    # the exercises come last
    assert text.rfind("## Exercises") > text.rfind("\n## ", 0, text.rfind("## Exercises"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_object_repr_in_stored_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert "<Figure size" not in text and not re.search(r"at 0x[0-9a-f]+>", text)


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    listed = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed
    for page in ("chapters/notation", "chapters/glossary", "chapters/bibliography"):
        assert page in listed


def _figures(nb):
    """(index, name) of every cell that makes a numbered figure."""
    return [
        (i, c.metadata["mystnb"]["figure"]["name"])
        for i, c in enumerate(nb.cells)
        if "figure" in c.metadata.get("mystnb", {})
    ]


def _draws(cell) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_is_named_and_led_in(path):
    """A figure has a number, and the text before it refers to it by that number.

    The lead-in is a sentence in the markdown between the previous figure and this one
    that says {numref}`name`; what it should say (what to see) is for a reader to judge.
    """
    nb = nbformat.read(path, as_version=4)
    named = {i for i, _ in _figures(nb)}
    unnamed = [i for i, c in enumerate(nb.cells) if _draws(c) and i not in named]
    assert not unnamed, f"cells {unnamed} draw a figure without a name (mystnb.figure.name)"
    start = 0
    for i, name in _figures(nb):
        before = "\n".join(c.source for c in nb.cells[start:i] if c.cell_type == "markdown")
        assert f"{{numref}}`{name}`" in before, f"no lead-in citing {{numref}}`{name}` (cell {i})"
        start = i + 1


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_figure_cells_fold_their_plotting_code(path):
    """The code that only draws a figure is folded (hide-input); computation stays visible."""
    nb = nbformat.read(path, as_version=4)
    unfolded = [
        i for i, _ in _figures(nb) if "hide-input" not in nb.cells[i].metadata.get("tags", [])
    ]
    assert not unfolded, f"figure cells {unfolded} are not tagged hide-input"
