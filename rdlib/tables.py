"""A small fixed-width table formatter for printing results in the chapters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["format_table"]


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str],
    *,
    rule: str = "=",
    gap: int = 2,
    missing: str = "—",
    align: str | None = None,
) -> str:
    """Lay out rows as a fixed-width text table.

    Parameters
    ----------
    headers : sequence of str
        One header per column; a ``"\\n"`` in a header splits it over several
        lines (the first lines of all headers are printed side by side).
    rows : sequence of sequences
        The table body; every row has one value per column. A value of
        ``None`` marks a cell with nothing to show.
    formats : sequence of str
        One ``str.format`` template per column, such as ``"{:.3f}"`` or
        ``"{:.1f}:1"``.
    rule : str, optional
        A single character drawn as a line under the header; ``""`` for none.
    gap : int, optional
        Spaces between columns, an integer >= 1.
    missing : str, optional
        What a ``None`` cell prints as; a dash by default.
    align : str, optional
        One character per column, ``"<"`` (left) or ``">"`` (right), for the
        header and the cells alike. Default: every column right-aligned.

    Returns
    -------
    str
        The table, one line per row, without a trailing newline. Each column
        is as wide as its widest header line or cell.

    Raises
    ------
    ValueError
        If `headers`, `formats` and a row differ in length, a template does not
        fit its value, `rule` is longer than one character, `gap` < 1, or
        `align` is not one ``<`` or ``>`` per column.

    Examples
    --------
    >>> print(format_table(["x", "x squared"], [[1, 1], [12, 144], [3, None]], ["{:d}", "{:.1f}"]))
     x  x squared
    =============
     1        1.0
    12      144.0
     3          —
    >>> print(format_table(["Name", "Score"], [["ab", 0.5]], ["{}", "{:.2f}"], align="<>"))
    Name  Score
    ===========
    ab     0.50
    """
    ncol = len(headers)
    if ncol == 0:
        raise ValueError("headers must name at least one column")
    if len(formats) != ncol:
        raise ValueError(f"formats must have one template per column ({ncol}); got {len(formats)}")
    if len(rule) > 1:
        raise ValueError(f"rule must be a single character or empty; got {rule!r}")
    if isinstance(gap, bool) or not isinstance(gap, int) or gap < 1:
        raise ValueError(f"gap must be an integer >= 1; got {gap!r}")
    if align is None:
        align = ">" * ncol
    if len(align) != ncol or set(align) - {"<", ">"}:
        raise ValueError(f"align must be one '<' or '>' per column ({ncol}); got {align!r}")

    body = []
    for i, row in enumerate(rows):
        if len(row) != ncol:
            raise ValueError(f"rows[{i}] must have {ncol} values, one per header; got {len(row)}")
        cells = []
        for j, (template, value) in enumerate(zip(formats, row, strict=True)):
            if value is None:
                cells.append(missing)
                continue
            try:
                cells.append(template.format(value))
            except (ValueError, TypeError, IndexError) as exc:
                raise ValueError(
                    f"formats[{j}] = {template!r} cannot format rows[{i}] value {value!r}: {exc}"
                ) from exc
        body.append(cells)

    head = [str(h).split("\n") for h in headers]
    depth = max(len(h) for h in head)
    head = [h + [""] * (depth - len(h)) for h in head]
    widths = [max([len(s) for s in head[j]] + [len(r[j]) for r in body]) for j in range(ncol)]

    def line(cells: list[str]) -> str:
        padded = (
            c.ljust(w) if a == "<" else c.rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        )
        return (" " * gap).join(padded).rstrip()

    lines = [line([h[k] for h in head]) for k in range(depth)]
    if rule:
        lines.append(rule * (sum(widths) + gap * (ncol - 1)))
    lines += [line(cells) for cells in body]
    return "\n".join(lines)
