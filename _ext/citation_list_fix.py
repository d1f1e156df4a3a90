"""Mark the bibliography's entries up as list items.

docutils (0.21) writes a run of citations as ``<div role="list">`` holding one
``<div role="doc-biblioentry">`` per entry. DPUB-ARIA 1.1 deprecates
``doc-biblioentry``, and assistive technology (and axe-core's
``aria-required-children`` rule, a critical violation) then finds a list without
list items: a screen reader cannot announce the bibliography as a list of so many
entries. sphinxcontrib-bibtex's ``{bibliography}`` directive produces exactly
such a run.

Fix: the HTML visitor for ``citation`` nodes keeps docutils' markup and gives each
entry the role ``listitem`` in place of ``doc-biblioentry``, the role DPUB-ARIA
1.1 recommends instead. Only the HTML output changes; the LaTeX one is untouched.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

DEPRECATED = 'role="doc-biblioentry"'


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    start = len(self.body)
    type(self).visit_citation(self, node)  # the translator's own visitor
    tags = self.body[start:]
    if sum(tag.count(DEPRECATED) for tag in tags) != 1:
        raise RuntimeError(f"citation_list_fix: docutils no longer writes {DEPRECATED}: {tags}")
    self.body[start:] = [tag.replace(DEPRECATED, 'role="listitem"') for tag in tags]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(
        nodes.citation, override=True, html=(visit_citation, HTML5Translator.depart_citation)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
