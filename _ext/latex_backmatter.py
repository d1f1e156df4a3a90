r"""Give the PDF the back matter the website has: unnumbered, with one bibliography.

Jupyter Book's LaTeX builder (sphinx-jupyterbook-latex) turns each part of ``_toc.yml`` into a
``\part`` and each page into a ``\chapter``, and LaTeX numbers them all. So the back matter
(notation, glossary, bibliography) came out of ``make pdf`` as chapters numbered after Part III's,
although ``_toc.yml`` does not number it and the website shows it without numbers. And Sphinx
gathers every citation of the book into one ``thebibliography`` node at the end of the document,
whose LaTeX environment opens a page, an unnumbered "Bibliography" chapter and a contents line of
its own: the contents listed "Bibliography" twice, the page's own heading and this one.

This extension changes only the LaTeX output; the website is untouched.

1. ``_BackMatter``: from the first part of ``_toc.yml`` that is not ``numbered`` to the end of
   the book, LaTeX numbers no part, chapter or section (``\bookbackmatter`` sets ``secnumdepth``
   to -2, what ``\backmatter`` does in LaTeX's book class, which Sphinx's report-based class
   lacks). The part and its pages stay in the contents, without numbers.
2. ``_OneBibliography``: the ``thebibliography`` node goes back to the end of the page that holds
   the ``{bibliography}`` directive (Sphinx leaves it after whichever page comes last), and
   ``sphinxthebibliography`` is redefined to print the list only: no new page, no heading, no
   contents line (the page's title is the heading). Entries keep their labels and every citation
   in the text still links to its entry.

``scripts/check_pdf.py``, run by ``make pdf``, fails if the contents stop looking like this.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform

PREAMBLE = r"""
% _ext/latex_backmatter.py: the back matter is unnumbered, as on the website.
\newcommand{\bookbackmatter}{\setcounter{secnumdepth}{-2}}
% The bibliography page brings its own heading: print the list only (thebibliography's
% \chapter*{\bibname} is swallowed), with no page break and no second contents line.
\renewenvironment{sphinxthebibliography}[1]
  {\renewcommand{\chapter}[2]{}\begin{thebibliography}{#1}}
  {\end{thebibliography}}
"""


class _BackMatter(SphinxPostTransform):
    """Insert ``\\bookbackmatter`` before the first part (or page) of an unnumbered toctree."""

    default_priority = 800  # after sphinx-jupyterbook-latex has made the parts (700)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        root = self.env.get_doctree(self.config.root_doc)
        unnumbered: set[str] = set()
        for toctree in root.findall(addnodes.toctree):
            if not toctree.get("numbered"):
                if toctree.get("caption"):
                    unnumbered.add(toctree["caption"])
                unnumbered.update(docname for _, docname in toctree["entries"])
        for start in self.document.findall(addnodes.start_of_file):
            # A part made from a caption carries the caption as its docname.
            if start.get("docname") in unnumbered:
                start.insert(0, nodes.raw("", "\\bookbackmatter\n", format="latex"))
                return


class _OneBibliography(SphinxPostTransform):
    """Move the gathered citations back to the page whose ``{bibliography}`` made them."""

    default_priority = 800  # after Sphinx has gathered them (750)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for bibliography in list(self.document.findall(thebibliography)):
            pages = {citation.get("docname") for citation in bibliography.children}
            if len(pages) != 1:
                continue
            (page,) = pages
            for start in self.document.findall(addnodes.start_of_file):
                if start.get("docname") == page:
                    section = next(start.findall(nodes.section))
                    bibliography.parent.remove(bibliography)
                    section.append(bibliography)
                    break


def _add_preamble(app: Sphinx, config: Config) -> None:
    elements = config.latex_elements
    elements["preamble"] = elements.get("preamble", "") + PREAMBLE


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _add_preamble)
    app.add_post_transform(_BackMatter)
    app.add_post_transform(_OneBibliography)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
