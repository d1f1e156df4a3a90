"""One symbol, one meaning: the chapters' mathematics against chapters/notation.md.

Three places carry symbols: the LaTeX of the chapters' markdown, the labels a code cell
draws on a figure (any string literal holding ``$...$``), and the docstrings and labels
of ``rdlib``. Every symbol found in them must be listed on the notation page, each
listed row must name a symbol no other row names, and each symbol whose meaning the book
once overloaded has a rule below saying where and in what form it may appear.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
MODULES = sorted((ROOT / "rdlib").glob("*.py"))
NOTATION = ROOT / "chapters" / "notation.md"

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell"
).split()
DECORATIONS = ("hat", "bar", "tilde", "mathcal", "mathbb", "widehat", "overline")

# Commands whose braced argument is words, not symbols; and \mathsf T (a transpose).
_WORDS = re.compile(
    r"\\(?:text\w*|mathrm|operatorname|mathsf|texttt|label|tag|begin|end)\s*\{[^{}]*\}"
)
_SANS = re.compile(r"\\mathsf\s*[A-Za-z]")
# The b of H_b names the binary case of H, not the bits-per-number b.
_BINARY_ENTROPY = re.compile(r"H_\s*(?:b|\{\s*b\s*\})(?![A-Za-z])")
_TOKEN = re.compile(
    r"((?:\\(?:" + "|".join(DECORATIONS) + r")(?![A-Za-z])\s*\{?\s*)*)(\\[A-Za-z]+|[A-Za-z])"
)


def strip_words(tex: str) -> str:
    """The LaTeX with its words (\\text{...}, \\mathrm{...}, \\mathsf T) blanked."""
    tex = _WORDS.sub(" ", tex)
    tex = _BINARY_ENTROPY.sub("H", tex)
    return _SANS.sub(" ", tex)


def symbols(tex: str) -> list[str]:
    """The symbols of a LaTeX fragment in order, decorated ones whole: ``\\hat X``, ``\\bar h``."""
    found = []
    for match in _TOKEN.finditer(strip_words(tex)):
        decorations, base = match.group(1), match.group(2)
        if decorations:
            found.append(" ".join([*re.findall(r"\\\w+", decorations), base]))
        elif not base.startswith("\\") or base[1:] in GREEK:
            found.append(base)
    return found


# --- where the mathematics is -------------------------------------------------------


@dataclass(frozen=True)
class Span:
    where: str  # "chapters/04-context-bounds.ipynb cell 3" or "rdlib/info.py"
    chapter: int | None  # the chapter number, None for rdlib
    module: str | None  # the rdlib module's stem, None for a chapter
    tex: str


_FENCE = re.compile(r"```\{math\}[^\n]*\n(.*?)```", re.S)
# Code, not prose: fences of a language or a code directive, and inline code. Fences of
# other directives ({prf:theorem}, {exercise}, {admonition}, ...) are prose and are read.
_CODE = re.compile(r"```(?:[A-Za-z]\w*|\{code(?:-cell|-block)?\}[^\n]*)?\n.*?```|`[^`\n]*`", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+?)\$", re.S)
_ROLE = re.compile(r":math:`([^`]*)`")


def markdown_math(text: str) -> list[str]:
    """Display, inline and ``{math}``-fenced LaTeX of a markdown cell."""
    spans = _FENCE.findall(text)
    text = _FENCE.sub(" ", text)
    text = _CODE.sub(" ", text)
    spans += _DISPLAY.findall(text)
    text = _DISPLAY.sub(" ", text)
    return spans + _INLINE.findall(text)


def string_literals(source: str) -> list[str]:
    """Every string literal of Python source; an f-string's fields become ``0``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell with IPython magics
        lines = [
            ln[: len(ln) - len(ln.lstrip())] + "pass" if ln.lstrip().startswith(("%", "!")) else ln
            for ln in source.splitlines()
        ]
        tree = ast.parse("\n".join(lines))
    out = []
    inner = {  # the pieces of an f-string (and its format specs), read whole below
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
        if part is not node
    }
    for node in ast.walk(tree):
        if id(node) in inner:
            continue
        if isinstance(node, ast.JoinedStr):
            out.append(
                "".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


def chapter_spans() -> list[Span]:
    spans = []
    for path in CHAPTERS:
        number = int(path.name[:2])
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            where = f"chapters/{path.name} cell {i}"
            caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")
            texts = markdown_math(caption)
            if cell.cell_type == "markdown":
                texts += markdown_math(cell.source)
            elif cell.cell_type == "code":
                texts += [m for s in string_literals(cell.source) for m in _INLINE.findall(s)]
            spans += [Span(where, number, None, t) for t in texts]
    return spans


def rdlib_spans() -> list[Span]:
    spans = []
    for path in MODULES:
        for s in string_literals(path.read_text()):
            texts = _ROLE.findall(s) + _INLINE.findall(_ROLE.sub(" ", s))
            spans += [Span(f"rdlib/{path.name}", None, path.stem, t) for t in texts]
    return spans


def glossary_spans() -> list[Span]:
    text = (ROOT / "chapters" / "glossary.md").read_text()
    return [Span("chapters/glossary.md", None, None, t) for t in markdown_math(text)]


ALL_SPANS = chapter_spans() + rdlib_spans() + glossary_spans()


# --- the notation page ----------------------------------------------------------------


def notation_rows() -> list[list[str]]:
    """Each table row of the notation page: the symbols it names, its own symbol first.

    The first column names the symbol; the meaning column may name its variants
    (a subscript, an argument, a star), which count as listed too.
    """
    rows = []
    for line in NOTATION.read_text().splitlines():
        if not line.startswith("| $"):
            continue
        first, meaning = line.split("|")[1:3]
        rows.append([s for t in _INLINE.findall(first + " " + meaning) for s in symbols(t)])
    return rows


def test_the_extractor_reads_decorations_words_and_greek():
    assert symbols(r"\bar h_S + \hat{\tilde X}_i") == ["\\bar h", "S", "\\hat \\tilde X", "i"]
    assert symbols(r"R_{\mathrm{WZ}}(D) \le \log_2 \lvert V \rvert") == ["R", "D", "V"]
    assert symbols(r"K^{\mathsf T}(p/Z) + \lambda\,\mu") == ["K", "p", "Z", "\\lambda", "\\mu"]
    assert symbols(r"H_b(p) - H_{b}(D) + 2^{-2b}") == ["H", "p", "H", "D", "b"]
    assert string_literals('ax.set_xlabel(f"$h = {h:.0f}$")') == ["$h = 0$"]
    assert markdown_math("cost `$x$`, $a$ and\n$$ b $$") == [" b ", "a"]
    assert markdown_math("```python\nx = '$a$'\n```\n```{prf:theorem}\n$b$\n```") == ["b"]


def test_the_extractor_finds_the_books_mathematics():
    """A guard against a parser that silently finds nothing."""
    chapters = {s.chapter for s in ALL_SPANS if s.chapter is not None}
    assert chapters == {int(p.name[:2]) for p in CHAPTERS}
    assert any(s.module == "info" for s in ALL_SPANS)
    assert len(ALL_SPANS) > 500


def test_each_symbol_is_listed_once():
    heads = [row[0] for row in notation_rows() if row]
    repeated = sorted({h for h in heads if heads.count(h) > 1})
    assert not repeated, f"listed on more than one row of notation.md: {repeated}"


def test_every_symbol_used_is_on_the_notation_page():
    listed = {s for row in notation_rows() for s in row}
    missing: dict[str, list[str]] = {}
    for span in ALL_SPANS:
        for sym in symbols(span.tex):
            if sym not in listed:
                missing.setdefault(sym, []).append(f"{span.where}: ${span.tex.strip()}$")
    report = "\n".join(f"{sym}: {uses[:3]}" for sym, uses in sorted(missing.items()))
    assert not missing, "symbols not on chapters/notation.md:\n" + report


# --- the retired meanings ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    symbol: str  # as symbols() spells it
    meaning: str
    chapters: frozenset[int] | None = None  # None: any chapter
    modules: frozenset[str] | None = None  # None: any rdlib module
    form: str | None = None  # a regex every occurrence must match at its position

    def allows(self, span: Span) -> bool:
        if span.chapter is not None and self.chapters is not None:
            return span.chapter in self.chapters
        if span.module is not None and self.modules is not None:
            return span.module in self.modules
        return True


def _rule(symbol, meaning, chapters=None, modules=None, form=None):
    return Rule(
        symbol,
        meaning,
        None if chapters is None else frozenset(chapters),
        None if modules is None else frozenset(modules),
        form,
    )


BLAHUT_ARIMOTO = {"solver", "_ba_equations", "_acceleration", "discrete"}
TOKENS = {4, 5, 6, 7, 8}
MEASURED = {12, 13}  # Part III measures what Part I assumed

RULES = [
    # h: once binary entropy (ch2), differential entropy (ch3) and entropy rate (ch4-8).
    _rule(
        "h",
        "differential entropy only, always with a random variable as its argument: "
        "h(X), h(X | Y); binary entropy is H_b(p), the entropy rate is \\bar h",
        form=r"h\s*\(\s*(?:\\(?:hat|tilde|bar)\s*\{?\s*)*[NQSTXY](?![A-Za-z])",
    ),
    _rule(
        "\\bar h",
        "the entropy rate in bits per token",
        chapters=TOKENS | MEASURED,
        modules={"context", "entropy"},
    ),
    # q: once a kept share (ch6), query probabilities (ch7), a question (ch11).
    _rule("q", "Blahut-Arimoto's output distribution q(x-hat)", {9}, BLAHUT_ARIMOTO),
    # m: once the alphabet size (ch9) and the compressed prompt (ch11).
    _rule(
        "m",
        "the length after compaction",
        {1} | TOKENS | MEASURED,
        {"context", "tables", "evidence"},
    ),
    _rule("M", "the size of the reconstruction alphabet", {9}, BLAHUT_ARIMOTO),
    # lambda: once a mixing weight (ch2) and a dual multiplier (ch11).
    _rule("\\lambda", "the water level of reverse water-filling", {10}, {"gaussian"}),
    _rule("\\mu", "a Lagrange multiplier (never a mean)", {10, 11}, {"gaussian", "pruning"}),
    # S: once a set of kept positions (ch11) and Erokhin's partial sums (ch9).
    _rule("S", "a summary, S = f(X)", TOKENS | {13}, {"context"}),
    _rule(
        "\\mathcal K",
        "a set of kept positions (facts, prompt positions or a session's lines)",
        {7, 11, 13},
        {"pruning", "limits", "compaction"},
    ),
    # b: once a channel parameter (ch2).
    _rule("b", "bits stored per number", {1, 4, 5}, {"context"}),
    # Letters Blahut-Arimoto owns; once also a reconstruction level (ch1, c), Shannon's
    # characters per token (ch4, c), the Gaussian noise (ch3, Z) and a decoder (ch7, g).
    _rule("c", "Blahut-Arimoto's update factor", {9}, BLAHUT_ARIMOTO),
    _rule("Z", "Blahut-Arimoto's normaliser", {9}, BLAHUT_ARIMOTO),
    _rule("g", "the certified gap of Blahut-Arimoto", {9}, BLAHUT_ARIMOTO),
    _rule("K", "the kernel of Blahut-Arimoto", {9}, BLAHUT_ARIMOTO),
    _rule("\\tau", "the mass of the k most likely symbols (Erokhin)", {9}, {"discrete"}),
    _rule("\\delta", 'the distortion of "don\'t know"', {9}, set()),
    # varepsilon: once Erokhin's error probability among the kept symbols (now D_k).
    _rule("\\varepsilon", "a small positive slack", form=r"\\varepsilon(?!\s*_)"),
    _rule("N", "the noise of a backward test channel", {2, 3, 9}, set()),
    # Y: once the rescaled components of chapter 10.
    _rule("Y", "side information", {7}, set()),
    # s: once a variance (ch3) and a share removed (ch5). L: once a loss (ch7).
    _rule("s", "the stay probability of the Markov prompt source", {11}, {"pruning"}),
    _rule("L", "the length of a prompt", {11}, {"pruning"}),
    _rule(
        "r",
        "the compression ratio",
        TOKENS | MEASURED,
        {"context", "tables", "evidence", "entropy"},
    ),
    _rule("\\rho", "the share of a conversation's bits a task needs", {6, 13}, set()),
    _rule(
        "\\gamma", "characters per token", {4, 5, 8} | MEASURED, {"context", "tokens", "entropy"}
    ),
    _rule("W", "the width of a model's vectors", {4, 5}, {"context"}),
    _rule("\\theta", "an error probability of a binary test channel", {2}, set()),
    _rule("\\pi", "the circle constant, never a policy", form=r"\\pi(?!\s*\()"),
    # a: once a channel parameter (ch2) and a scale factor (ch3).
    _rule("a", "the correct answer to a question, a(x, j)", {7, 11}, set(), form=r"a\s*\("),
    # t: once a mixing weight (ch2).
    _rule("t", "a time step or an iteration count", {9, 11}, {"solver", "pruning"}),
]


def _occurrences(tex: str, symbol: str):
    """Positions in the word-stripped tex where ``symbol`` starts, undecorated."""
    tex = strip_words(tex)
    if symbol.startswith("\\") and " " in symbol:  # a decorated symbol
        return tex, []
    if symbol.startswith("\\"):
        pattern = re.escape(symbol) + r"(?![A-Za-z])"
    else:
        pattern = r"(?<![\\A-Za-z])" + symbol + r"(?![A-Za-z])"
    hits = []
    for m in re.finditer(pattern, tex):
        before = tex[: m.start()]
        # skip the letter if a decoration governs it (\hat X, \mathcal K, \bar h)
        if re.search(r"\\(?:" + "|".join(DECORATIONS) + r")\s*\{?\s*$", before):
            continue
        hits.append(m.start())
    return tex, hits


@pytest.mark.parametrize("rule", RULES, ids=[r.symbol for r in RULES])
def test_symbol_keeps_its_one_meaning(rule):
    bad = []
    for span in ALL_SPANS:
        if rule.symbol not in symbols(span.tex):
            continue
        if not rule.allows(span):
            bad.append(f"{span.where}: ${span.tex.strip()}$ (outside its chapters)")
            continue
        if rule.form is None:
            continue
        tex, hits = _occurrences(span.tex, rule.symbol)
        for pos in hits:
            if not re.match(rule.form, tex[pos:]):
                bad.append(f"{span.where}: ${span.tex.strip()}$ (wrong form)")
    assert not bad, f"{rule.symbol} means {rule.meaning}; other uses:\n" + "\n".join(bad)


def test_every_rule_names_a_listed_symbol():
    listed = {s for row in notation_rows() for s in row}
    assert {r.symbol for r in RULES} <= listed
