"""Stop Sphinx 7.4 from emitting some inline scripts twice.

Cause: an extension that calls ``app.add_js_file(None, body=...)`` after the
HTML builder exists (sphinx-thebe does, in ``env-before-read-docs``;
sphinx-togglebutton too, in ``builder-inited``) reaches the builder twice:

1. ``Sphinx.add_js_file`` passes ``filename=None`` straight to
   ``builder.add_js_file``;
2. ``StandaloneHTMLBuilder.prepare_writing`` re-adds every asset in the
   registry "registered after Builder.init()", normalising the filename with
   ``filename or ''``.

``_JavaScript(None, ...)`` and ``_JavaScript('', ...)`` compare unequal, so the
builder's de-duplication keeps both. For sphinx-thebe the body is
``const THEBE_JS_URL = ...``; declaring a ``const`` twice is a SyntaxError,
logged on every page of a default Jupyter Book 1.x site.

Fix: just before ``prepare_writing`` (the ``env-updated`` event comes after
reading and before writing), give such inline scripts the ``''`` filename the
registry copy will have, so the second add is recognised as a duplicate.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript


def _normalise_inline_scripts(app: Sphinx, env: Any) -> None:
    scripts = getattr(app.builder, "_js_files", None)
    if scripts is None:  # not an HTML builder
        return
    unique: list[_JavaScript] = []
    for script in scripts:
        if script.filename is None:
            script = _JavaScript("", priority=script.priority, **script.attributes)
        if script not in unique:
            unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-updated", _normalise_inline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
