"""make pdf: a reference to an exercise in another chapter gets its number.

sphinx-exercise (1.2) labels each numbered exercise ``exercise:<label>`` in LaTeX and
turns a reference to it into ``\\hyperref[exercise:<label>]{Exercise N.M}``, but only a
reference within the same chapter (a ``refid``). A reference from another chapter (after
Sphinx has resolved it, a ``refuri`` ``%<docname>#<label>``) still points at
``<docname>:<label>``, a label nothing defines: the PDF prints "??" there (chapter 8 cites
an exercise of chapter 7).

Fix: in LaTeX output only (one document, so a reference anywhere in the book is a
reference within it), such a ``refuri`` becomes the ``refid`` sphinx-exercise handles,
just before its own post-transform (priority 22) runs. The website is untouched.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_enumerable_node

#: After Sphinx resolves cross-references (10), before sphinx-exercise rewrites them (22).
PRIORITY = 21


class ExerciseRefsAcrossChapters(SphinxPostTransform):
    default_priority = PRIORITY
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(nodes.reference):
            uri = node.get("refuri", "")
            if not uri.startswith("%") or "#" not in uri:
                continue
            label = uri.split("#", 1)[1]
            if isinstance(registry.get(label, {}).get("node"), exercise_enumerable_node):
                del node["refuri"]
                node["refid"] = label


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(ExerciseRefsAcrossChapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
