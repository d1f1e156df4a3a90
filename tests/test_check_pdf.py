"""scripts/check_pdf.py, the check at the end of `make pdf`, on small contents it must accept or
reject (the real book.toc needs TeX Live, which `make test` does not)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_pdf", ROOT / "scripts" / "check_pdf.py")
check_pdf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_pdf)

PARTS = [
    {"caption": "Basics", "numbered": True, "chapters": [{"file": "chapters/01-a"}]},
    {"caption": "More", "numbered": True, "chapters": [{"file": "chapters/02-b.ipynb"}]},
    {
        "caption": "Back matter",
        "chapters": [{"file": "chapters/notation"}, {"file": "chapters/bib"}],
    },
]
TEX = "\n".join(
    f"\\chapter{{{title}}}\n\\label{{\\detokenize{{{doc}:x}}}}\\label{{\\detokenize{{{doc}::doc}}}}"
    for doc, title in [
        ("chapters/01-a", "The first"),
        ("chapters/02-b", "Reverse water\\sphinxhyphen{}filling"),
        ("chapters/notation", "Notation"),
        ("chapters/bib", "Bibliography"),
    ]
)
GOOD = r"""
\contentsline {part}{I\hspace {1em}Basics}{3}{part.1}%
\contentsline {chapter}{\numberline {1}The first}{5}{chapter.1}%
\contentsline {section}{\numberline {1.1}Overview}{5}{section.1.1}%
\contentsline {part}{II\hspace {1em}More}{7}{part.2}%
\contentsline {chapter}{\numberline {2}Reverse water\sphinxhyphen {}filling}{9}{chapter.2}%
\contentsline {part}{Back matter}{11}{section*.3}%
\contentsline {chapter}{Notation}{13}{chapter*.4}%
\contentsline {section}{Symbols}{13}{section*.5}%
\contentsline {chapter}{Bibliography}{15}{chapter*.6}%
\contentsline {chapter}{Proof Index}{17}{section*.7}%
\contentsline {chapter}{Index}{19}{section*.8}%
"""


def test_the_contents_the_book_wants_pass():
    assert check_pdf.problems(GOOD, TEX, PARTS) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # the back matter numbered on from the last chapter, as before _ext/latex_backmatter.py
        (r"{Back matter}", r"{IV\hspace {1em}Back matter}"),
        (r"{Notation}{13}", r"{\numberline {3}Notation}{13}"),
        (r"{Symbols}", r"{\numberline {3.1}Symbols}"),
        # Sphinx's own bibliography chapter after the bibliography page
        (
            r"{Bibliography}{15}{chapter*.6}%",
            r"{Bibliography}{15}{chapter*.6}%"
            "\n"
            r"\contentsline {chapter}{Bibliography}{16}{x}%",
        ),
        # a chapter missing, or numbered out of order
        (r"\contentsline {chapter}{\numberline {1}The first}{5}{chapter.1}%", ""),
        (r"\numberline {2}Reverse", r"\numberline {3}Reverse"),
        # an index twice
        (
            r"{Index}{19}{section*.8}%",
            r"{Index}{19}{section*.8}%\contentsline {chapter}{Index}{}{}",
        ),
    ],
)
def test_contents_that_differ_from_the_toc_fail(old, new):
    assert old in GOOD
    assert check_pdf.problems(GOOD.replace(old, new), TEX, PARTS)


def test_a_page_without_a_chapter_heading_is_an_error():
    with pytest.raises(ValueError, match="chapters/bib has no"):
        check_pdf.problems(GOOD, TEX.replace("chapters/bib::doc", "chapters/bib:y"), PARTS)


def test_undefined_references_are_found_in_the_log():
    log = (
        "LaTeX Warning: Hyper reference `chapters/07-unknown-query:ex-ch7-mismatch' on p\n"
        "age 73 undefined on input line 5320.\n"
        "LaTeX Warning: Reference `eq:one' on page 2 undefined on input line 9.\n"
        "LaTeX Warning: Reference `eq:one' on page 4 undefined on input line 12.\n"
        "LaTeX Warning: There were undefined references.\n"
    )
    assert check_pdf.undefined_references(log) == [
        "chapters/07-unknown-query:ex-ch7-mismatch",
        "eq:one",
    ]
    assert check_pdf.undefined_references("Output written on book.pdf (270 pages).") == []
