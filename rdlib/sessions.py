"""A synthetic coding-agent session with planted facts and probes, and an exact reader.

Chapter 13 compacts a long coding-agent session and scores each compactor against limits
computed for that very session, so every quantity the bounds need must be known exactly.
:func:`generate_session` writes such a session; :func:`answer` reads a compacted context.

**The session.** A user hands an agent tickets (``RQ-4821`` ...) against the source of
``requests`` 2.32.3 (chapter 12's pinned code corpus, :func:`rdlib.code_corpus`). Most of
the transcript is bulk no probe needs, as in real sessions: slices of the real source files
read with a ``read_file`` tool (docstrings included), ``pydoc`` output, searches whose hits
are the corpus's own lines, test runs with failures and tracebacks through real frames,
shell output (git, pip, configuration listings), the agent's reasoning and plans, the
user's chatter. Into it are planted *facts*, each a key bound to a value drawn uniformly
from a known finite set, so each fact's information is exactly ``log2`` of that set's size
(:attr:`Fact.bits`):

- **recall** ``"<env> <service> <attribute>"`` (8 environments, 40 services): by
  attribute, ``port`` 8000..8999 (log2 1000 bits), ``timeout seconds`` 1..120,
  ``retry limit`` 1..16 (4 bits), ``pool size`` 1..64 (6 bits), ``max body kilobytes``
  1..1024 (10 bits), ``rate limit per minute`` 1..600, ``error code`` E1000..E9999
  (log2 9000), ``handler module`` one of the corpus's 18 files (log2 18), ``log level``
  (5 values), ``auth scheme`` (4), ``tls version`` (2), ``compression`` (5);
- **preference** ``"preferred <x>"``: ``line length`` 72..120 (log2 49), ``test
  command`` (6), ``quote style`` (2), ``docstring style`` (4);
- **decision** ``"<ticket> <topic> choice"``: one of the 4 options discussed (2 bits),
  and its reason ``"<ticket> <topic> rationale"``: one of 16 reasons (4 bits);
- **edit** ``"<ticket> change to <path>"``: the ticket's j-th edit (j = 0, 1, 2) names a
  file uniform among the 10 - j *editable* files (those defining at least 3 functions)
  not yet edited for the ticket, and changes it in one of 16 ways: log2(10 - j) + 4 bits;
- **next step** ``"<ticket> next step"``: one of 12 actions on one of the 10 editable
  files (log2 120 bits).

The catalogues are in ``rdlib._session_templates``. Distractors abound: files read but
never edited, options discussed and ruled out, configuration lines of keys no fact uses,
and values overwritten later: every ticket's next step is updated once or twice before
the open one, and one decision in three is revisited (a first choice and reason, both
stale). :attr:`Fact.line` is always the *last* line that binds the key.

**Probes** (:class:`Probe`), in the four kinds of the Factory evaluation (chapter 5), each
with one correct answer: *recall* (a fact stated once; the user's preferences are stated
in the first message and recalled at the end), *artifact* (which files a ticket changed,
and how: every edit line is needed), *continuation* (a ticket's open next step) and
*decision* (what was chosen for a ticket, and why: the decision line and the reason line).

**Phrasings.** Every statement that binds a fact, and every probe question, is drawn from
a pool of templates split into a development part and a held-out part;
``held_out=True`` draws only from the held-out part, whose phrasings a compactor was not
developed against. Every binding line, in either part, holds the fact's key verbatim and
its value after it on the same line.

**Determinism.** A session depends only on its arguments: every random choice is an
integer draw from ``numpy.random.default_rng(seed)``, identical on every CPU.
"""

from __future__ import annotations

import ast
import functools
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _session_templates as T

__all__ = [
    "DEFAULT_FACT_DENSITY",
    "MAX_FACT_DENSITY",
    "MIN_TOKENS",
    "PROBE_KINDS",
    "Fact",
    "Message",
    "Probe",
    "Session",
    "answer",
    "generate_session",
    "render_lines",
]

ROLES = ("user", "assistant", "tool")
"""The roles a :class:`Message` may have."""

PROBE_KINDS = ("recall", "artifact", "continuation", "decision")
"""The four kinds of probe (the Factory evaluation's four dimensions, chapter 5)."""

DEFAULT_FACT_DENSITY = 1.0
"""Planted facts per 1,000 tokens of session, by default (50 facts in 50,000 tokens)."""

MAX_FACT_DENSITY = 60.0
"""The largest ``fact_density`` accepted; the facts must also fit in ``n_tokens``."""

MIN_TOKENS = 2_000
"""The shortest session :func:`generate_session` writes."""

MAX_TOKENS = 2_000_000
"""The longest session :func:`generate_session` writes."""

FACTS_PER_TICKET = 10
"""About how many facts one ticket carries: ``n_facts // 10`` tickets (at least one, and at
most one per :data:`MIN_TICKET_TOKENS` tokens)."""

MIN_TICKET_TOKENS = 2_500
"""The fewest tokens a ticket spans: at high fact densities the extra facts are recall
facts, listed many to a message, rather than more tickets."""

RECALL_GROUP = 3
"""Recall facts are planted 1 to ``max(3, m // 4)`` to a message, ``m`` the ticket's
recall facts."""

TICKET_FACTS = 3 + T.EDITS_PER_TICKET
"""Facts every ticket has: its decision, the decision's reason, its next step, its edits."""

PREFERENCES_STATED = 2
"""User preferences stated in the first message (taken from the recall facts)."""

REVISE_ONE_IN = 3
"""A ticket's decision is revisited (its first choice goes stale) in one ticket in this many."""

TOKEN_TOLERANCE = 30
"""A gap of bulk is closed when fewer tokens than this are left to fill: a session's
length is within this many tokens of ``n_tokens`` (well inside 3 % from 2,000 tokens)."""

ENCODING = "cl100k_base"
"""The tokenizer that measures a session's length (chapter 12's)."""

# The bulk's mix: integer weights out of BULK_WEIGHT_TOTAL.
BULK_WEIGHTS = (
    ("read_file", 30),
    ("search", 10),
    ("tests", 14),
    ("shell", 10),
    ("pydoc", 8),
    ("reasoning", 22),
    ("chatter", 6),
)
BULK_WEIGHT_TOTAL = sum(weight for _, weight in BULK_WEIGHTS)
READ_LINES = (15, 80)
"""A file read shows between 15 and 80 lines (fewer at the end of a file or a gap)."""
SEARCH_HITS_SHOWN = 12
EDITABLE_MIN_FUNCTIONS = 3
"""A file of the corpus is *editable* (a ticket may edit it, a next step may name it) if it
defines at least this many functions: 10 of the 18 files of ``requests`` 2.32.3."""
GAP_WEIGHTS = (1, 8)
"""A gap of bulk between two planted events gets a share of the bulk with an integer weight
drawn from 1 to 8."""


# ---------------------------------------------------------------------------------------
# Data model


@dataclass(frozen=True)
class Message:
    """One turn of a session.

    Attributes
    ----------
    role : str
        ``"user"``, ``"assistant"`` or ``"tool"``.
    text : str
        The turn's text; may span several lines (file contents, a traceback); no
        trailing newline.
    tool : str
        For a ``"tool"`` message, the tool's name (``"read_file"``, ``"run_tests"``,
        ``"search"``, ``"shell"``, ``"edit_file"``); empty otherwise.
    """

    role: str
    text: str
    tool: str = ""

    @property
    def tag(self) -> str:
        """The role tag that starts the message's first line, e.g. ``[user]`` or
        ``[tool:read_file]``."""
        return f"[{self.role}:{self.tool}]" if self.tool else f"[{self.role}]"

    @property
    def lines(self) -> tuple[str, ...]:
        """The message rendered as transcript lines (the tag, a space and the first line of
        the text, then the text's other lines unchanged)."""
        first, *rest = self.text.split("\n")
        return (f"{self.tag} {first}", *rest)


def render_lines(messages: Sequence[Message]) -> tuple[str, ...]:
    """The transcript of ``messages`` as lines, in order (what :attr:`Session.lines` holds).

    Parameters
    ----------
    messages : sequence of Message
        The turns.

    Returns
    -------
    tuple of str
        Each message's :attr:`Message.lines`, one after the other.

    Examples
    --------
    >>> render_lines([Message("user", "Fix the bug."), Message("tool", "a\\nb", "shell")])
    ('[user] Fix the bug.', '[tool:shell] a', 'b')
    """
    return tuple(line for message in messages for line in message.lines)


@dataclass(frozen=True)
class Fact:
    """A planted fact: a key bound to a value drawn uniformly from a known finite set.

    Attributes
    ----------
    key : str
        The canonical key, e.g. ``"staging auth-proxy port"``; every line that binds the
        fact holds it verbatim, followed on the same line by the value.
    value : str
        The correct (last) value.
    bits : float
        Its information, ``log2`` of the number of equally likely values it was drawn
        from (for an edit, the file named in the key was drawn too, and is counted).
    line : int
        The index into :attr:`Session.lines` of the last line that binds ``key`` to a
        value (the one a probe needs).
    """

    key: str
    value: str
    bits: float
    line: int


@dataclass(frozen=True)
class Probe:
    """A question about a session with one correct answer.

    Attributes
    ----------
    question : str
        The question in natural language (from a template).
    answer : str
        The one correct answer: the value (recall, continuation),
        ``"<option>, because <reason>"`` (decision) or
        ``"<path>: <change>; <path>: <change>; ..."`` in the order of the edits (artifact).
    kind : str
        ``"recall"``, ``"artifact"``, ``"continuation"`` or ``"decision"``.
    key : str
        The fact's key (recall, continuation), ``"<ticket> <topic>"`` (decision) or
        ``"<ticket> changes"`` (artifact).
    support : tuple of int
        The :attr:`Session.lines` indices, increasing, that must all be kept for the reader
        to answer.
    """

    question: str
    answer: str
    kind: str
    key: str
    support: tuple[int, ...]


@dataclass(frozen=True)
class Session:
    """A generated agent session: its messages, planted facts and probes.

    Attributes
    ----------
    seed : int
        The seed it was generated from.
    messages : tuple of Message
        The turns, in order.
    facts : tuple of Fact
        The planted facts, in the order of their lines.
    probes : tuple of Probe
        The probes, each answerable from the full transcript, in the order of their last
        support line.
    generator_bits : float or None
        The information the generator drew to write the session: the sum, over every
        random draw :func:`generate_session` made, of ``log2`` of the number of equally
        likely outcomes of that draw, outcomes that differ only in an order the
        generator then discards counting as one (an integer below ``k``: ``log2 k``; an
        ordered sample of ``k`` from ``n`` without replacement: ``log2 n + ... +
        log2(n - k + 1)``, less ``log2 k!`` where the sample is sorted; a shuffle of a
        test run's marks: ``log2`` of the number of distinct orders of its dots, ``F``
        and ``s``). The session is a function of
        these draws, the templates and the fixed code corpus, so this is an upper bound
        on its information content for a reader who knows the corpus and the templates
        (exact as a count of the randomness used; a draw whose outcome is later
        overwritten still counts). ``None`` for a session built by hand.
    """

    seed: int
    messages: tuple[Message, ...]
    facts: tuple[Fact, ...]
    probes: tuple[Probe, ...]
    generator_bits: float | None = None

    @functools.cached_property
    def lines(self) -> tuple[str, ...]:
        """The rendered transcript, one string per line, in order (:func:`render_lines`)."""
        return render_lines(self.messages)

    @property
    def text(self) -> str:
        """The rendered transcript, ``"\\n".join(self.lines)``."""
        return "\n".join(self.lines)


# ---------------------------------------------------------------------------------------
# Values: what a key is bound to, and how the reader recognises one

_B = r"(?<![\w-])"  # no word character or hyphen just before
_E = r"(?![\w-])"  # nor just after
_PATH = r"requests/\w+\.py"


def _alternation(phrases: Sequence[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)  # the longest first
    return "(?:" + "|".join(re.escape(phrase) for phrase in ordered) + ")"


@functools.cache
def _value_pattern(spec: tuple) -> re.Pattern[str]:
    """The regular expression that finds a value of a specification on a line."""
    kind = spec[0]
    if kind == "int":
        body = r"(?<![\w.-])\d+(?!\w|\.\d)"
    elif kind == "code":
        body = _B + r"E\d{4}(?!\w)"
    elif kind == "path":
        body = r"(?<![\w/.-])" + _PATH + r"(?!\w)"
    elif kind == "choice":
        body = _B + _alternation(spec[1]) + _E
    elif kind == "step":
        body = _B + "(" + _alternation(T.ACTIONS) + r")\s+(" + _PATH + r")(?!\w)"
    else:  # pragma: no cover - the specifications are this module's own
        raise AssertionError(spec)
    return re.compile(body, flags=re.IGNORECASE)


def _normalised(match: re.Match[str], spec: tuple) -> str:
    if spec[0] == "step":
        return f"{match.group(1)} {match.group(2)}".lower()
    return match.group(0).lower()


_STEP: tuple = ("step",)
_REASON: tuple = ("choice", T.REASONS)
_EDIT: tuple = ("choice", tuple(T.EDITS))


def _domain_size(spec: tuple, n_files: int = 18) -> int:
    kind = spec[0]
    if kind == "int":
        return spec[2] - spec[1] + 1
    if kind == "code":
        return T.ERROR_CODE_RANGE[1] - T.ERROR_CODE_RANGE[0] + 1
    if kind == "path":
        return n_files
    if kind == "choice":
        return len(spec[1])
    return len(T.ACTIONS) * n_files  # "step"


@functools.lru_cache(maxsize=8192)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(_B + re.escape(key) + _E, flags=re.IGNORECASE)


@functools.lru_cache(maxsize=4)
def _lowered(text: str) -> str | None:
    """``text.lower()`` if it keeps every offset (it does unless a rare character such as
    "İ" lowers to two), else None. Cached: a reader asks several keys of one context."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _is_word(character: str) -> bool:
    return character.isalnum() or character in "_-"


def _occurrences(text: str, key: str) -> tuple[str, list[int]]:
    """Where ``key`` occurs whole in ``text`` in any letter case: (the text searched, the
    offsets just after each occurrence). A fast path for the usual case, by ``str.find``
    on the lowered text; a regular expression otherwise."""
    lowered = _lowered(text)
    if lowered is None:
        return text, [match.end() for match in _key_pattern(key).finditer(text)]
    needle, ends = key.lower(), []
    start = lowered.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not _is_word(lowered[start - 1])) and (
            end == len(lowered) or not _is_word(lowered[end])
        ):
            ends.append(end)
        start = lowered.find(needle, start + 1)
    return lowered, ends


def _bindings(text: str, key: str, spec: tuple) -> list[tuple[int, str]]:
    """Every binding of ``key`` in ``text``: (offset just after the key, value), in order.

    An occurrence of the key (whole, any letter case) binds the first value of ``spec``
    that follows it on the same line; an occurrence with no value after it binds nothing.
    Values are returned in lower case.
    """
    values = _value_pattern(spec)
    searched, ends = _occurrences(text, key)
    found = []
    for start in ends:
        stop = searched.find("\n", start)
        value = values.search(searched, start, len(searched) if stop < 0 else stop)
        if value is not None:
            found.append((start, _normalised(value, spec)))
    return found


_TICKET = re.compile(r"RQ-\d{4}")


def _requirements(probe: Probe) -> list[tuple[str, tuple, str]]:
    """The bindings ``(key, value specification, value)`` a probe needs, from the probe."""
    key, kind, text = probe.key, probe.kind, probe.answer
    if kind in ("recall", "continuation"):
        spec = _recall_spec(key) if kind == "recall" else _STEP
        if kind == "continuation" and not key.endswith(" next step"):
            spec = None
        if spec is None:
            raise ValueError(f"probe.key {key!r} is not a {kind} key of rdlib.sessions")
        return [(key, spec, text)]
    ticket, _, rest = key.partition(" ")
    if not _TICKET.fullmatch(ticket):
        raise ValueError(f"probe.key {key!r} does not start with a ticket (RQ-dddd)")
    if kind == "decision":
        option, sep, reason = text.partition(", because ")
        if rest not in T.TOPICS or not sep:
            raise ValueError(f"probe {key!r}: not a decision key and answer of rdlib.sessions")
        return [
            (f"{key} choice", ("choice", T.TOPICS[rest]), option),
            (f"{key} rationale", _REASON, reason),
        ]
    if kind == "artifact":
        if rest != "changes":
            raise ValueError(f"probe.key {key!r} is not an artifact key (<ticket> changes)")
        needed = []
        for item in text.split("; "):
            path, sep, how = item.partition(": ")
            if not sep:
                raise ValueError(f"probe.answer {text!r} is not a list of <path>: <change>")
            needed.append((f"{ticket} change to {path}", _EDIT, how))
        return needed
    raise ValueError(f"probe.kind must be one of {', '.join(PROBE_KINDS)}; got {kind!r}")


def _recall_spec(key: str) -> tuple | None:
    if key in T.PREFERENCES:
        return T.PREFERENCES[key]
    for attribute in sorted(T.ATTRIBUTES, key=len, reverse=True):
        if key.endswith(" " + attribute):
            return T.ATTRIBUTES[attribute]
    return None


def answer(probe: Probe, context: str) -> bool:
    """Whether ``context`` lets an exact, idealised reader answer ``probe``.

    The reader is a rule, not a language model. A probe needs one or more *bindings*
    ``(key, value)``, read off the probe alone: a recall or continuation probe its key and
    answer; a decision probe ``("<ticket> <topic> choice", option)`` and
    ``("<ticket> <topic> rationale", reason)``; an artifact probe
    ``("<ticket> change to <path>", change)`` for every edit in its answer. In the context,

    1. an occurrence of a key is the key, whole (not preceded or followed by a letter,
       digit, underscore or hyphen), in any letter case;
    2. it *binds* the first value of the key's kind (an integer, an error code
       ``Edddd``, a path ``requests/<name>.py``, or one phrase of the key's catalogue)
       that follows it on the same line; an occurrence with nothing of that kind after it
       on its line binds nothing;
    3. the **last** binding of the key in the context is the one that counts (a value
       overwritten later is stale);

    and the probe is answered if and only if, for every binding it needs, that last
    binding exists and its value is the needed one (letter case aside). So a context of
    values without their keys fails, and so does one that keeps only a stale binding, a
    rejected option, or a key with a wrong value. Where the context is a subset of a
    session's lines, this is exactly ``set(probe.support) <= kept``.

    Against a language-model reader it **overstates** what a context allows in that it
    never misses a binding however long the context (no lost-in-the-middle), always
    applies last-wins (a model may repeat a stale value), accepts an edit line without
    the lines around it that say which ticket it served, and would accept a line that
    lists keys first and values after them. It **understates** in that it cannot use a
    paraphrase that drops or reorders the key's words (an abstractive summary must keep
    ``key ... value`` on one line), cannot infer a value from indirect evidence (a diff,
    or an option left standing after the others were ruled out), and never guesses (a
    model guessing among four options is right a quarter of the time).

    Parameters
    ----------
    probe : Probe
        A probe of a session from :func:`generate_session`.
    context : str
        Any text: a compacted transcript, extractive or not.

    Returns
    -------
    bool
        Whether the context answers the probe.

    Raises
    ------
    ValueError
        If ``probe`` is not a :class:`Probe` whose key, kind and answer have the forms
        :func:`generate_session` writes, or ``context`` is not a ``str``.

    Examples
    --------
    >>> probe = Probe("What is the dev cart-service port?", "8443", "recall",
    ...               "dev cart-service port", (0,))
    >>> answer(probe, "[tool:shell] dev cart-service port: 8443")
    True
    >>> answer(probe, "dev cart-service port: 8443\\ndev cart-service port: 8080")
    False
    >>> answer(probe, "ports seen: 8443, 8080")
    False
    """
    if not isinstance(probe, Probe):
        raise ValueError(f"probe must be a Probe; got {type(probe).__name__}")
    if not isinstance(context, str):
        raise ValueError(f"context must be a str; got {type(context).__name__}")
    for key, spec, value in _requirements(probe):
        found = _bindings(context, key, spec)
        if not found or found[-1][1] != value.lower():
            return False
    return True


# ---------------------------------------------------------------------------------------
# The code corpus, as files the agent reads


@dataclass(frozen=True)
class _File:
    path: str  # "requests/adapters.py"
    lines: tuple[str, ...]
    owner: tuple[str, ...]  # the function each line is in ("" outside any)
    defs: tuple[int, ...]  # the lines that start a function
    body: tuple[int, ...]  # code lines inside a function (traceback frames)
    docs: tuple[tuple[str, str, str], ...]  # (qualified name, signature, docstring)
    names: tuple[str, ...]  # the functions it defines, dunder methods left out

    @property
    def module(self) -> str:
        return self.path[: -len(".py")].replace("/", ".")


_DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")


def _parse_file(path: str, source: str) -> _File:
    lines = tuple(source.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    owner, defs, body = [], [], []
    stack: list[tuple[int, str, bool]] = []  # (indent, name, is a function)
    for index, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped and not stripped.startswith(("#", ")", "]", "}", '"', "'")):
            while stack and indent <= stack[-1][0]:
                stack.pop()
        match = _DEF.match(line)
        functions = [name for _, name, is_function in stack if is_function]
        owner.append(functions[-1] if functions else "")
        if match:
            stack.append((len(match.group(1)), match.group(3), match.group(2) == "def"))
            if match.group(2) == "def":
                defs.append(index)
        elif functions and stripped and not stripped.startswith(("#", '"', "'")):
            body.append(index)
    docs = []
    for node in ast.walk(ast.parse(source, filename=path)):
        children = getattr(node, "body", [])
        for child in children if isinstance(children, list) else []:
            if isinstance(child, ast.FunctionDef) and (doc := ast.get_docstring(child)):
                qualname = child.name
                if isinstance(node, ast.ClassDef):
                    qualname = f"{node.name}.{child.name}"
                docs.append((qualname, f"({ast.unparse(child.args)})", doc))
    docs.sort()
    names = tuple(
        name for name in (_DEF.match(lines[i]).group(3) for i in defs) if not name.startswith("__")
    )
    return _File(path, lines, tuple(owner), tuple(defs), tuple(body), tuple(docs), names)


@functools.cache
def _corpus() -> tuple[_File, ...]:
    from .corpora import _code_files  # the corpus split at its "# ==> <path> <==" headers

    return tuple(_parse_file(path, source) for path, source in _code_files())


@functools.cache
def _functions() -> tuple[str, ...]:
    names = {f.owner[i] for f in _corpus() for i in f.defs if f.owner[i]}
    names |= {_DEF.match(f.lines[i]).group(3) for f in _corpus() for i in f.defs}
    return tuple(sorted(name for name in names if not name.startswith("__")))


@functools.cache
def _editable() -> tuple[int, ...]:
    """The indices of the editable files (:data:`EDITABLE_MIN_FUNCTIONS`)."""
    return tuple(i for i, f in enumerate(_corpus()) if len(f.defs) >= EDITABLE_MIN_FUNCTIONS)


@functools.lru_cache(maxsize=1024)
def _search_hits(name: str) -> tuple[tuple[str, int, str], ...]:
    return tuple(
        (f.path, index + 1, line.strip())
        for f in _corpus()
        for index, line in enumerate(f.lines)
        if name in line
    )


_LINE_COSTS: dict[str, int] = {}


def _line_cost(line: str) -> int:
    """``len(rdlib.tokenize(line))``, cached for the process."""
    cost = _LINE_COSTS.get(line)
    if cost is None:
        from .tokens import tiktoken_encoding

        cost = len(tiktoken_encoding(ENCODING).encode_ordinary(line)) if line else 0
        if len(_LINE_COSTS) < 1_000_000:
            _LINE_COSTS[line] = cost
    return cost


# ---------------------------------------------------------------------------------------
# Drafting: messages with marks on the lines that bind facts


@dataclass
class _Draft:
    """A message being written: its lines (the first without the tag) and its bindings."""

    role: str
    lines: list[str]
    tool: str = ""
    marks: list[tuple[int, int]] = field(default_factory=list)  # (line offset, binding id)

    @property
    def tag(self) -> str:
        return f"[{self.role}:{self.tool}]" if self.tool else f"[{self.role}]"

    def cost(self) -> int:
        head = f"{self.tag} {self.lines[0]}"
        return _line_cost(head) + sum(_line_cost(line) for line in self.lines[1:])


@dataclass
class _Event:
    """Planted messages that stay together, and what the bulk after them may refer to."""

    drafts: list[_Draft]
    ticket: int  # index of the ticket
    edited: str = ""  # a path this event edits


@dataclass
class _Ticket:
    name: str
    focus: tuple[int, ...]  # indices of the files it edits, in order
    topic: str


class _CountingGenerator:
    """A NumPy generator that counts the information of its draws (:attr:`Session.generator_bits`).

    It forwards each call to the generator it wraps, so the draws, and the session, are
    those of the generator alone; it also records the size of each draw's range of
    equally likely outcomes, to be summed as ``log2`` at the end (:meth:`bits`), in a
    fixed order, with ``math.fsum``. Orders the caller discards (a sorted sample, the
    order of identical items in a shuffle) are taken off, as ``log2 k!``.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._ranges: dict[int, int] = {}  # range size -> how many draws had it

    def _count(self, size: int, times: int = 1) -> None:
        if size > 1 and times > 0:
            self._ranges[size] = self._ranges.get(size, 0) + times

    def integers(self, low: int, high: int | None = None, size: int | None = None):
        span = low if high is None else high - low
        self._count(int(span), 1 if size is None else int(size))
        return self._rng.integers(low, high, size)

    def choice(self, a: int, size: int, replace: bool = True, ordered: bool = True):
        """``Generator.choice(a, size, replace=False)``; with ``ordered=False`` the caller
        discards the order (sorts the sample), and only the set is counted."""
        if not isinstance(a, numbers.Integral) or replace:  # pragma: no cover - not used
            raise NotImplementedError("only samples of range(a) without replacement are counted")
        for taken in range(int(size)):
            self._count(int(a) - taken)
        if not ordered:
            self._uncount_factorial(int(size))
        return self._rng.choice(a, size, replace=False)

    def permutation(self, n: int, repeats: Sequence[int] = ()):
        """``Generator.permutation(n)``; ``repeats`` are the sizes of groups of identical
        items among the ``n`` permuted, whose order among themselves is not counted."""
        for remaining in range(2, int(n) + 1):
            self._count(remaining)
        for group in repeats:
            self._uncount_factorial(int(group))
        return self._rng.permutation(n)

    def _uncount_factorial(self, k: int) -> None:
        """Take ``log2 k!`` off the count (outcomes that differ only in an order that is
        then discarded): recorded as negative counts of the sizes 2..k."""
        for size in range(2, k + 1):
            self._ranges[size] = self._ranges.get(size, 0) - 1

    def bits(self) -> float:
        """The sum of ``log2`` of every draw's range size."""
        return math.fsum(times * math.log2(size) for size, times in sorted(self._ranges.items()))


class _Writer:
    """Draws every part of one session from one generator, in a fixed order."""

    def __init__(self, rng: _CountingGenerator, held_out: bool) -> None:
        self.rng = rng
        self.part = 1 if held_out else 0
        self.files = _corpus()
        self.functions = _functions()
        self.editable = _editable()
        self.bindings: list[tuple[str, str]] = []  # binding id -> (key, value)

    # -- draws ---------------------------------------------------------------------------

    def below(self, n: int) -> int:
        return int(self.rng.integers(n))

    def pick(self, options: Sequence):
        return options[self.below(len(options))]

    def phrase(self, name: str, **slots: str) -> str:
        return self.pick(T.STATEMENTS[name][self.part]).format(**slots)

    def draw(self, spec: tuple) -> str:
        kind = spec[0]
        if kind == "int":
            return str(spec[1] + self.below(spec[2] - spec[1] + 1))
        if kind == "code":
            low, high = T.ERROR_CODE_RANGE
            return f"E{low + self.below(high - low + 1)}"
        if kind == "path":
            return self.pick(self.files).path
        return self.pick(spec[1])  # "choice"

    def other(self, n: int, than: int) -> int:
        """An index below ``n``, uniform among those other than ``than``."""
        return (than + 1 + self.below(n - 1)) % n

    def bind(self, draft: _Draft, offset: int, key: str, value: str) -> int:
        self.bindings.append((key, value))
        draft.marks.append((offset, len(self.bindings) - 1))
        return len(self.bindings) - 1

    # -- bulk slot values ----------------------------------------------------------------

    def function_in(self, file: _File) -> str:
        return self.pick(file.names) if file.names else self.pick(self.functions)

    def slots(self, focus: Sequence[int]) -> dict[str, str]:
        file = self.files[self.pick(focus)] if focus and self.below(2) else self.pick(self.files)
        other = self.pick(self.files)
        return {
            "func": self.function_in(file),
            "func2": self.function_in(other),
            "path": file.path,
            "path2": other.path,
            "noun": self.pick(T.NOUNS),
        }


# ---------------------------------------------------------------------------------------
# The planted skeleton: tickets, their facts and probes


@dataclass
class _Plan:
    """Facts and probes by binding id, before line numbers are known."""

    facts: list[tuple[int, float]] = field(default_factory=list)  # (final binding id, bits)
    probes: list[tuple[str, str, str, str, tuple[int, ...]]] = field(default_factory=list)


def _question(w: _Writer, kind: str, **slots: str) -> str:
    return w.pick(T.QUESTIONS[kind][w.part]).format(**slots)


def _recall_events(w: _Writer, plan: _Plan, keys: list[str], ticket: int) -> list[_Event]:
    """The recall facts of one ticket, one or more to a message (:data:`RECALL_GROUP`)."""
    events = []
    start = 0
    while start < len(keys):
        group = keys[start : start + 1 + w.below(max(RECALL_GROUP, len(keys) // 4))]
        start += len(group)
        values = [w.draw(_recall_spec(key)) for key in group]
        carrier = "tool" if len(group) > 1 else w.pick(("user", "tool", "note"))
        if carrier == "tool":
            draft = _Draft("tool", [w.pick(("$ ./scripts/show-config --changed", "$ make env"))])
            draft.tool = "shell"
            for key, value in zip(group, values, strict=True):
                if w.below(2):
                    attribute, choices = w.pick(T.CONFIG_ATTRIBUTES)
                    prefix = " ".join(key.split(" ")[:2])
                    draft.lines.append(f"{prefix} {attribute}: {w.pick(choices)}")
                draft.lines.append(w.phrase("recall_tool", key=key, value=value))
                final = w.bind(draft, len(draft.lines) - 1, key, value)
                _recall_probe(w, plan, key, value, final)
        else:
            name = "recall_user" if carrier == "user" else "recall_note"
            draft = _Draft("user" if carrier == "user" else "assistant", [])
            draft.lines.append(w.phrase(name, key=group[0], value=values[0]))
            final = w.bind(draft, 0, group[0], values[0])
            _recall_probe(w, plan, group[0], values[0], final)
        events.append(_Event([draft], ticket))
    return events


def _recall_probe(w: _Writer, plan: _Plan, key: str, value: str, final: int) -> None:
    bits = math.log2(_domain_size(_recall_spec(key), len(w.files)))
    plan.facts.append((final, bits))
    plan.probes.append((_question(w, "recall", key=key), value, "recall", key, (final,)))


def _ticket_events(
    w: _Writer, plan: _Plan, index: int, ticket: _Ticket, opening: list[str]
) -> list[_Event]:
    """The planted events of one ticket, in order (recall facts are added later)."""
    files, name, topic = w.files, ticket.name, ticket.topic
    editable = [files[i] for i in w.editable]
    n_files = len(editable)
    events: list[_Event] = []

    focus = files[ticket.focus[0]]
    request = w.pick(T.REQUESTS).format(
        ticket=name, func=w.function_in(focus), path=focus.path, symptom=w.pick(T.SYMPTOMS)
    )
    events.append(_Event([_Draft("user", [*opening, request])], index))

    # the open next step, and one or two stale ones before it
    step_key = f"{name} next step"
    n_steps = len(T.ACTIONS) * n_files
    final_step = w.below(n_steps)
    steps = [w.other(n_steps, final_step) for _ in range(1 + w.below(2))] + [final_step]

    def step_value(code: int) -> str:
        return f"{T.ACTIONS[code // n_files]} {editable[code % n_files].path}"

    plan_draft = _Draft("assistant", [w.pick(T.PLANS)])
    for number in range(1, 3):
        plan_draft.lines.append(
            f"{number}. " + w.pick(T.PLAN_STEPS).format(**w.slots(ticket.focus))
        )
    plan_draft.lines.append(w.phrase("next_step", key=step_key, value=step_value(steps[0])))
    w.bind(plan_draft, len(plan_draft.lines) - 1, step_key, step_value(steps[0]))
    events.append(_Event([plan_draft], index))

    # the decision: four options discussed, one chosen, maybe revisited later
    options = T.TOPICS[topic]
    discussed = [options[i] for i in w.rng.choice(len(options), T.OPTIONS_DISCUSSED, replace=False)]
    chosen = w.below(T.OPTIONS_DISCUSSED)
    reason = w.below(len(T.REASONS))
    revised = w.below(REVISE_ONE_IN) == 0
    first = w.other(T.OPTIONS_DISCUSSED, chosen) if revised else chosen
    first_reason = w.other(len(T.REASONS), reason) if revised else reason
    choice_key, rationale_key = f"{name} {topic} choice", f"{name} {topic} rationale"
    listed = ", ".join(discussed[:-1]) + " or " + discussed[-1]
    draft = _Draft("assistant", [w.phrase("options", topic=topic, ticket=name, options=listed)])
    ruled_out = [i for i in range(T.OPTIONS_DISCUSSED) if i not in (first, chosen)]
    for i in ruled_out[:2]:
        draft.lines.append(w.phrase("rejection", option=discussed[i], con=w.pick(T.CONS)))
    draft.lines.append(w.phrase("choice", key=choice_key, value=discussed[first]))
    choice_id = w.bind(draft, len(draft.lines) - 1, choice_key, discussed[first])
    draft.lines.append(w.phrase("rationale", key=rationale_key, value=T.REASONS[first_reason]))
    rationale_id = w.bind(draft, len(draft.lines) - 1, rationale_key, T.REASONS[first_reason])
    events.append(_Event([draft], index))

    # the edits, with the later next steps and the revision between them
    edits: list[tuple[str, str, int, float]] = []  # (path, how, binding id, bits)
    for j, file_index in enumerate(ticket.focus):
        file = files[file_index]
        how = w.pick(tuple(T.EDITS))
        lead = _Draft("assistant", [f"Making the change in {file.path} now."])
        edit = _Draft("tool", [], tool="edit_file")
        edit_key = f"{name} change to {file.path}"
        added, removed = 1 + w.below(12), w.below(6)
        edit.lines.append(
            w.phrase("edit", key=edit_key, value=how, added=str(added), removed=str(removed))
        )
        edit_id = w.bind(edit, 0, edit_key, how)
        edit.lines.extend(_diff_lines(w, file, T.EDITS[how]))
        bits = math.log2(n_files - j) + math.log2(len(T.EDITS))
        edits.append((file.path, how, edit_id, bits))
        events.append(_Event([lead, edit], index, edited=file.path))
        if j == 0 and revised:
            test = f"test_{w.function_in(file).lstrip('_')}_{w.pick(T.TEST_SUFFIXES)}"
            draft = _Draft(
                "assistant",
                [w.phrase("revisit", topic=topic, ticket=name, old=discussed[first], test=test)],
            )
            draft.lines.append(w.phrase("choice", key=choice_key, value=discussed[chosen]))
            choice_id = w.bind(draft, len(draft.lines) - 1, choice_key, discussed[chosen])
            draft.lines.append(w.phrase("rationale", key=rationale_key, value=T.REASONS[reason]))
            rationale_id = w.bind(draft, len(draft.lines) - 1, rationale_key, T.REASONS[reason])
            events.append(_Event([draft], index))
        if j == 1 and len(steps) == 3:
            draft = _Draft("assistant", [w.pick(T.REASONING).format(**w.slots(ticket.focus))])
            draft.lines.append(w.phrase("next_step", key=step_key, value=step_value(steps[1])))
            w.bind(draft, 1, step_key, step_value(steps[1]))
            events.append(_Event([draft], index))

    closing = f"That is as far as {name} goes in this session."
    draft = _Draft("assistant", [closing])
    draft.lines.append(w.phrase("next_step", key=step_key, value=step_value(final_step)))
    step_id = w.bind(draft, 1, step_key, step_value(final_step))
    events.append(_Event([draft], index))

    # facts and probes
    decision_bits = math.log2(T.OPTIONS_DISCUSSED)
    plan.facts += [(choice_id, decision_bits), (rationale_id, math.log2(len(T.REASONS)))]
    plan.facts += [(edit_id, bits) for _, _, edit_id, bits in edits]
    plan.facts.append((step_id, math.log2(n_steps)))
    plan.probes.append(
        (
            _question(w, "decision", topic=topic, ticket=name),
            f"{discussed[chosen]}, because {T.REASONS[reason]}",
            "decision",
            f"{name} {topic}",
            (choice_id, rationale_id),
        )
    )
    plan.probes.append(
        (
            _question(w, "artifact", ticket=name),
            "; ".join(f"{path}: {how}" for path, how, _, _ in edits),
            "artifact",
            f"{name} changes",
            tuple(edit_id for _, _, edit_id, _ in edits),
        )
    )
    plan.probes.append(
        (
            _question(w, "continuation", ticket=name),
            step_value(final_step),
            "continuation",
            step_key,
            (step_id,),
        )
    )
    return events


def _diff_lines(w: _Writer, file: _File, snippet: str) -> list[str]:
    start = w.pick(file.defs) if file.defs else w.below(len(file.lines))
    context = file.lines[start : start + 2]
    added = snippet.split("\n")
    header = f"@@ -{start + 1},{len(context)} +{start + 1},{len(context) + len(added)} @@"
    return [header, *(" " + line for line in context), *("+" + line for line in added)]


# ---------------------------------------------------------------------------------------
# The bulk


def _bulk_kind(draw: int) -> str:
    """The kind of bulk message an integer draw below :data:`BULK_WEIGHT_TOTAL` picks."""
    for name, weight in BULK_WEIGHTS:
        if draw < weight:
            return name
        draw -= weight
    raise AssertionError(draw)  # pragma: no cover


class _Bulk:
    """Writes bulk messages of a given size or less, about the current ticket."""

    def __init__(self, w: _Writer, tickets: list[_Ticket]) -> None:
        self.w = w
        self.tickets = tickets
        self.ticket = 0
        self.edited: list[str] = []

    def fill(self, budget: int) -> tuple[list[_Draft], int]:
        """Bulk messages costing at most ``budget`` tokens, and their cost."""
        w, drafts, used = self.w, [], 0
        while budget - used >= TOKEN_TOLERANCE:
            cap = budget - used
            draft = getattr(self, _bulk_kind(w.below(BULK_WEIGHT_TOTAL)))()
            cost = draft.cost()
            if cost > cap:
                draft = self.read_file(cap)
                cost = draft.cost() if draft else 0
                if draft is None or cost > cap:
                    break
            drafts.append(draft)
            used += cost
        return drafts, used

    @property
    def focus(self) -> tuple[int, ...]:
        return self.tickets[self.ticket].focus

    def file(self):
        w = self.w
        return w.files[w.pick(self.focus)] if w.below(2) else w.pick(w.files)

    def read_file(self, cap: int | None = None) -> _Draft | None:
        w = self.w
        file = self.file()
        n = len(file.lines)
        if file.defs and w.below(3):
            start = max(0, w.pick(file.defs) - w.below(3))
        else:
            start = w.below(max(1, n - READ_LINES[0]))
        stop = min(n, start + READ_LINES[0] + w.below(READ_LINES[1] - READ_LINES[0] + 1))
        while True:
            header = f"{file.path} (lines {start + 1}-{stop} of {n})"
            draft = _Draft("tool", [header, *file.lines[start:stop]], tool="read_file")
            if cap is None or stop == start + 1 or draft.cost() <= cap:
                return draft if cap is None or draft.cost() <= cap else None
            # drop lines from the end, as many as the excess roughly needs
            excess = draft.cost() - cap
            while stop > start + 1 and excess > 0:
                stop -= 1
                excess -= _line_cost(file.lines[stop])

    def search(self) -> _Draft:
        names = [n for n in map(self.w.function_in, [self.file()] * 3) if len(n) >= 6]
        name = names[0] if names else "Session"
        hits = _search_hits(name)
        lines = [f'rg -n "{name}" src/requests   ({len(hits)} matches)']
        lines += [f"src/{path}:{number}:{text}" for path, number, text in hits[:SEARCH_HITS_SHOWN]]
        if len(hits) > SEARCH_HITS_SHOWN:
            lines.append(f"... {len(hits) - SEARCH_HITS_SHOWN} more")
        return _Draft("tool", lines, tool="search")

    def tests(self) -> _Draft:
        w = self.w
        module = self.file().path.split("/")[-1][: -len(".py")].strip("_") or "requests"
        test_file = f"tests/test_{module}.py"
        n_tests = 20 + w.below(100)
        failed = w.below(2)
        skipped = w.below(3)
        passed = n_tests - failed - skipped
        marks = ["."] * passed + ["F"] * failed + ["s"] * skipped
        order = w.rng.permutation(len(marks), repeats=(passed, failed, skipped))
        marks = [marks[i] for i in order]
        lines = [f"$ python -m pytest {test_file} -q"]
        for start in range(0, len(marks), 60):
            done = min(len(marks), start + 60)
            lines.append("".join(marks[start:done]).ljust(62) + f"[{100 * done // len(marks):3d}%]")
        seconds = f"{w.below(9)}.{w.below(100):02d}s"
        if failed:
            file = self.file()
            test = f"test_{w.function_in(file).lstrip('_')}_{w.pick(T.TEST_SUFFIXES)}"
            error = w.pick(T.EXCEPTIONS).format(n=str(30000 + w.below(30000)), m=str(w.below(99)))
            lines += ["=" * 35 + " FAILURES " + "=" * 35, f"{'_' * 20} {test} {'_' * 20}"]
            lines.append("Traceback (most recent call last):")
            for _ in range(2 + w.below(3)):
                frame_file = self.file()
                if not frame_file.body:
                    continue
                at = w.pick(frame_file.body)
                lines.append(
                    f'  File "src/{frame_file.path}", line {at + 1}, in {frame_file.owner[at]}'
                )
                lines.append("    " + frame_file.lines[at].strip())
            lines.append(error)
            lines.append("=" * 27 + " short test summary info " + "=" * 28)
            lines.append(f"FAILED {test_file}::{test} - {error.split(':')[0]}")
            summary = f"{failed} failed, {passed} passed"
        else:
            summary = f"{passed} passed"
        if skipped:
            summary += f", {skipped} skipped"
        lines.append(f"{'=' * 30} {summary} in {seconds} {'=' * 30}")
        return _Draft("tool", lines, tool="run_tests")

    def shell(self) -> _Draft:
        w = self.w
        ticket = self.tickets[self.ticket].name
        what = w.below(6)
        if what == 0:
            lines = ["$ git status --short", f"## fix/{ticket.lower()}"]
            lines += [f" M src/{path}" for path in self.edited] or ["(clean)"]
        elif what == 1:
            lines = ["$ git log --oneline -5"]
            for _ in range(5):
                digest = "".join("0123456789abcdef"[w.below(16)] for _ in range(7))
                message = w.pick(T.COMMITS).format(**w.slots(self.focus))
                lines.append(f"{digest} {message}")
        elif what == 2:
            lines = ["$ ls -l src/requests"]
            lines += [
                f"-rw-r--r-- 1 dev dev {sum(map(len, f.lines)) + len(f.lines):>6} "
                f"Jun 29 10:{w.below(60):02d} {f.path.split('/')[-1]}"
                for f in w.files
            ]
        elif what == 3:
            lines = ["$ pip list", *T.PIP_LIST]
        elif what == 4:
            env, component = w.pick(T.ENVIRONMENTS), w.pick(T.COMPONENTS)
            lines = [f"$ ./scripts/show-config {env} {component}"]
            for attribute, choices in T.CONFIG_ATTRIBUTES:
                if w.below(3):
                    lines.append(f"{env} {component} {attribute}: {w.pick(choices)}")
        else:
            lines = ["$ git diff --stat"]
            for path in self.edited:
                lines.append(f" src/{path} | {1 + w.below(20)} " + "+" * (1 + w.below(8)))
            lines.append(f" {len(self.edited)} files changed" if self.edited else "(no changes)")
        return _Draft("tool", lines, tool="shell")

    def pydoc(self) -> _Draft:
        w = self.w
        file = self.file()
        if not file.docs:
            file = next(f for f in w.files if f.docs)
        qualname, signature, doc = w.pick(file.docs)
        name = qualname.split(".")[-1]
        lines = [
            f"$ python -m pydoc {file.module}.{qualname}",
            f"Help on function {name} in module {file.module}:",
            "",
            f"{name}{signature}",
        ]
        lines += [f"    {line}".rstrip() for line in doc.split("\n")]
        return _Draft("tool", lines, tool="shell")

    def reasoning(self) -> _Draft:
        w = self.w
        lines = [
            " ".join(
                w.pick(T.REASONING).format(**w.slots(self.focus)) for _ in range(1 + w.below(3))
            )
        ]
        if w.below(3) == 0:
            lines.append(w.pick(T.PLANS))
            for number in range(1, 2 + w.below(4)):
                step = w.pick(T.PLAN_STEPS).format(**w.slots(self.focus))
                lines.append(f"{number}. {step}")
        return _Draft("assistant", lines)

    def chatter(self) -> _Draft:
        return _Draft("user", [self.w.pick(T.CHATTER)])


# ---------------------------------------------------------------------------------------
# The generator


def _check_arguments(seed: int, n_tokens: int, fact_density: float, held_out: bool) -> None:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    if (
        isinstance(n_tokens, bool)
        or not isinstance(n_tokens, numbers.Integral)
        or not MIN_TOKENS <= n_tokens <= MAX_TOKENS
    ):
        raise ValueError(
            f"n_tokens must be an integer in [{MIN_TOKENS}, {MAX_TOKENS}]; got {n_tokens!r}"
        )
    if (
        isinstance(fact_density, bool)
        or not isinstance(fact_density, numbers.Real)
        or not 0 < fact_density <= MAX_FACT_DENSITY
    ):
        raise ValueError(
            f"fact_density must be a real number in (0, {MAX_FACT_DENSITY:g}] (facts per "
            f"1,000 tokens); got {fact_density!r}"
        )
    if not isinstance(held_out, bool):
        raise ValueError(f"held_out must be a bool; got {held_out!r}")


def generate_session(
    seed: int,
    n_tokens: int = 50_000,
    fact_density: float = DEFAULT_FACT_DENSITY,
    held_out: bool = False,
) -> Session:
    """A synthetic coding-agent session of about ``n_tokens`` tokens, with facts and probes.

    The session works through ``max(1, min(n_facts // 10, n_tokens // 2500))`` tickets in
    turn, where ``n_facts = round(fact_density * n_tokens / 1000)``. Each ticket opens
    with the user's request and plants 6 facts: a decision and its reason (after four options are
    discussed and some ruled out; revisited in one ticket in three), three edits of
    distinct files, and a next step (updated once or twice before the open one). The
    other facts are recall facts, spread over the tickets and planted at random points
    in them, by the user, by the agent or in a tool's output (several to a configuration
    listing when they are many); the first two are the
    user's preferences, stated in the first message and recalled near the end. Bulk, text
    no probe needs (slices of the source of ``requests`` read with a ``read_file`` tool,
    ``pydoc`` output, searches, test runs, shell output, the agent's reasoning, the user's
    chatter), fills the gaps between planted events, in shares drawn at random, so that
    the session's length, the sum over its lines of their ``cl100k_base`` token counts
    (:func:`~rdlib.token_cost` of its text), is within 30 tokens
    (``rdlib.sessions.TOKEN_TOLERANCE``) of ``n_tokens``.

    Every fact has one probe (artifact and decision probes take several facts each):
    recall per recall fact, and artifact, decision and continuation per ticket.

    Parameters
    ----------
    seed : int
        The seed (>= 0) of ``numpy.random.default_rng``; the session depends on nothing
        else than the four arguments, on every machine.
    n_tokens : int, optional
        The session's length in tokens, from 2,000 (``rdlib.sessions.MIN_TOKENS``) to
        2,000,000 (default 50,000).
    fact_density : float, optional
        Planted facts per 1,000 tokens, in (0, 60] (60 is
        ``rdlib.sessions.MAX_FACT_DENSITY``; default :data:`DEFAULT_FACT_DENSITY`, 1.0).
        There must be at least 6 facts (one ticket), at most 3,840 recall facts (8
        environments x 40 services x 12 attributes), and the planted lines must fit in
        ``n_tokens``.
    held_out : bool, optional
        Phrase every binding statement and every probe question with the held-out
        templates only (default: the development templates only).

    Returns
    -------
    Session
        The messages, the facts (by line) and the probes (each answered by
        :func:`answer` on the full text).

    Raises
    ------
    ValueError
        If an argument is outside the ranges above, or the facts do not fit.

    Examples
    --------
    >>> session = generate_session(1, n_tokens=5_000, fact_density=2.0)
    >>> len(session.facts), sorted({probe.kind for probe in session.probes})
    (10, ['artifact', 'continuation', 'decision', 'recall'])
    >>> all(answer(probe, session.text) for probe in session.probes)
    True
    >>> any(answer(probe, "") for probe in session.probes)
    False
    """
    _check_arguments(seed, n_tokens, fact_density, held_out)
    n_facts = round(fact_density * n_tokens / 1000)
    n_tickets = max(1, min(n_facts // FACTS_PER_TICKET, n_tokens // MIN_TICKET_TOKENS))
    n_recall = n_facts - TICKET_FACTS * n_tickets
    if n_recall < 0:
        raise ValueError(
            f"fact_density * n_tokens / 1000 must be at least {TICKET_FACTS} facts (one "
            f"ticket); got {fact_density!r} * {n_tokens} / 1000 = {n_facts} facts"
        )
    n_preferences = min(PREFERENCES_STATED, n_recall)
    n_keyed = n_recall - n_preferences
    key_space = len(T.ENVIRONMENTS) * len(T.COMPONENTS) * len(T.ATTRIBUTES)
    if n_keyed > key_space:
        raise ValueError(
            f"fact_density too high for n_tokens: {n_keyed} recall facts asked for, but only "
            f"{key_space} distinct keys exist"
        )

    rng = _CountingGenerator(np.random.default_rng(seed))
    w = _Writer(rng, held_out)
    plan = _Plan()

    # draw the tickets, the recall keys and the preferences
    drawn = rng.choice(9000, size=n_tickets, replace=False, ordered=False)
    numbers_ = sorted(int(n) for n in drawn + 1000)
    topics = tuple(T.TOPICS)
    tickets = [
        _Ticket(
            f"RQ-{number}",
            tuple(
                w.editable[int(i)]
                for i in rng.choice(len(w.editable), T.EDITS_PER_TICKET, replace=False)
            ),
            w.pick(topics),
        )
        for number in numbers_
    ]
    attributes = tuple(T.ATTRIBUTES)
    keys = []
    for code in rng.choice(key_space, size=n_keyed, replace=False):
        code = int(code)
        env, rest = divmod(code, len(T.COMPONENTS) * len(attributes))
        component, attribute = divmod(rest, len(attributes))
        keys.append(f"{T.ENVIRONMENTS[env]} {T.COMPONENTS[component]} {attributes[attribute]}")
    preferences = [
        tuple(T.PREFERENCES)[int(i)]
        for i in rng.choice(len(T.PREFERENCES), n_preferences, replace=False)
    ]

    # the first message: the opener and the user's preferences
    opening, stated = [], []
    if preferences:
        opening.append(w.pick(T.OPENERS))
        for key in preferences:
            stated.append((len(opening), key, w.draw(T.PREFERENCES[key])))
            opening.append(w.phrase("preference", key=key, value=stated[-1][2]))

    # the planted events, ticket by ticket
    events: list[_Event] = []
    for index, ticket in enumerate(tickets):
        ticket_events = _ticket_events(w, plan, index, ticket, opening if index == 0 else [])
        if index == 0:
            for line, key, value in stated:
                final = w.bind(ticket_events[0].drafts[0], line, key, value)
                _recall_probe(w, plan, key, value, final)
        share = keys[index::n_tickets]
        for event in _recall_events(w, plan, share, index):
            position = 1 + w.below(len(ticket_events))
            ticket_events.insert(position, event)
        if index == n_tickets - 1 and preferences:
            reminder = w.pick(T.REMINDERS).format(key=w.pick(preferences))
            position = max(1, len(ticket_events) - 1 - w.below(3))
            ticket_events.insert(position, _Event([_Draft("user", [reminder])], index))
        events += ticket_events

    # the bulk, in gaps after each planted event, in random integer shares
    planted = sum(draft.cost() for event in events for draft in event.drafts)
    bulk = n_tokens - planted
    if bulk < 0:
        raise ValueError(
            f"fact_density too high for n_tokens: the planted lines alone take {planted} "
            f"tokens of the {n_tokens}"
        )
    weights = [int(x) for x in rng.integers(GAP_WEIGHTS[0], GAP_WEIGHTS[1] + 1, len(events))]
    shares = [bulk * weight // sum(weights) for weight in weights]
    shares[-1] += bulk - sum(shares)
    writer = _Bulk(w, tickets)
    drafts: list[_Draft] = []
    carry = 0
    for event, share in zip(events, shares, strict=True):
        if writer.ticket != event.ticket:
            writer.ticket, writer.edited = event.ticket, []
        drafts += event.drafts
        if event.edited:
            writer.edited.append(event.edited)
        filled, used = writer.fill(share + carry)
        drafts += filled
        carry = share + carry - used

    return _assemble(seed, drafts, w.bindings, plan, rng.bits())


def _assemble(
    seed: int,
    drafts: list[_Draft],
    bindings: list[tuple[str, str]],
    plan: _Plan,
    generator_bits: float | None = None,
) -> Session:
    """Turn drafts into messages, binding ids into line numbers, and check every fact."""
    messages, where = [], {}
    line = 0
    for draft in drafts:
        while len(draft.lines) > 1 and not draft.lines[-1]:
            draft.lines.pop()  # no trailing newline (an empty line costs no token)
        messages.append(Message(draft.role, "\n".join(draft.lines), draft.tool))
        for offset, binding in draft.marks:
            where[binding] = line + offset
        line += len(draft.lines)
    facts = []
    for binding, bits in plan.facts:
        key, value = bindings[binding]
        facts.append(Fact(key, value, bits, where[binding]))
    facts.sort(key=lambda fact: fact.line)
    probes = [
        Probe(question, text, kind, key, tuple(sorted(where[b] for b in support)))
        for question, text, kind, key, support in plan.probes
    ]
    probes.sort(key=lambda probe: (probe.support[-1], probe.kind))
    session = Session(seed, tuple(messages), tuple(facts), tuple(probes), generator_bits)
    _check_bindings(session, bindings, where)
    return session


_WORDS = re.compile(r"[\w-]+")


def _check_bindings(session: Session, bindings: list[tuple[str, str]], where: dict) -> None:
    """Every key is bound, in the whole transcript, exactly where it was planted.

    This is what makes the reader consistent with the supports: for each fact, the last
    binding of its key is its line, and no other binding of the key carries its value.
    Lines are looked up by the words of the key (an index), then read as :func:`answer`
    reads them.
    """
    lines = session.lines
    index: dict[str, set[int]] = {}
    for number, line in enumerate(lines):
        for word in set(_WORDS.findall(line.lower())):
            index.setdefault(word, set()).add(number)
    planted: dict[str, list[tuple[int, str]]] = {}
    for binding, (key, value) in enumerate(bindings):
        planted.setdefault(key, []).append((where[binding], value.lower()))
    for probe in session.probes:
        for key, spec, value in _requirements(probe):
            candidates = set.intersection(
                *(index.get(w, set()) for w in _WORDS.findall(key.lower()))
            )
            found = [
                (number, found_value)
                for number in sorted(candidates)
                for _, found_value in _bindings(lines[number], key, spec)
            ]
            if found != sorted(planted[key]) or found[-1][1] != value.lower():
                raise RuntimeError(  # pragma: no cover - a bug in the generator
                    f"key {key!r} is bound at {found}, planted at {sorted(planted[key])}"
                )
            if any(v == value.lower() for _, v in found[:-1]):
                raise RuntimeError(  # pragma: no cover
                    f"key {key!r} is bound to its final value {value!r} before its last line"
                )
