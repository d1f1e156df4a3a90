"""Compactors for an agent session, and the token count that measures their budgets.

A compactor turns a session's messages into a shorter context: a string of lines whose
:func:`token_cost` is at most a budget. Every compactor of :data:`COMPACTORS` has the
signature ``(messages, budget_tokens, question=None) -> str`` and sees the messages only,
never a session's planted facts or probes; ``query_aware`` alone also gets the question
text (never its answer). Each carries an ``extractive`` attribute: ``True`` if it returns
a subset of the transcript's lines (:func:`rdlib.sessions.render_lines`), unchanged and
in their original order, joined by newlines.

The seven compactors, in the order of :data:`COMPACTORS`:

- ``keep_recent``: the longest run of last lines that fits (a plain context window);
- ``head_and_tail``: the longest run of first lines within half the budget, then the
  longest run of last lines in what is left;
- ``random_lines``: lines in a random order (seeded by :data:`RANDOM_LINES_SEED` plus the
  budget, so deterministic), each kept if it still fits;
- ``self_information``: the lines that chapter 12's adaptive n-gram model finds least
  predictable, by mean surprisal per token, in the spirit of Selective Context and
  LLMLingua;
- ``centrality``: the lines whose TF-IDF vectors are closest (cosine) to the whole
  session's, the centroid extractive summariser of Radev et al. (2004);
- ``structured_state``: an explicit state (files touched and how, errors, decisions with
  reasons, open steps, stated preferences), extracted by generic patterns and written as
  labelled lines, then the most recent lines; it writes new lines, so it is not
  extractive;
- ``query_aware``: the lines that share the most content words with the question, then
  the most recent ones (LongLLMLingua's and QuerySelect's setting: the question is known).

Every extractive compactor ranks the lines and keeps them greedily in that order, each
line kept if it still fits in the budget that is left (first fit); the kept lines are
written in their original order. So the budget holds by construction.

Budgets are counted per line: :func:`token_cost` is the sum of the ``cl100k_base`` token
counts of the text's lines. BPE merges across newlines, so counting the joined text would
differ by a few tokens and make budgets and limits (:mod:`rdlib.limits`) disagree.

Speed. Line costs are cached per distinct line; what a compactor computes once per
session (the n-gram surprisals, the TF-IDF scores, the word index, the state) is cached
per messages tuple, for the last :data:`SESSION_CACHE_SIZE` sessions. On a 50,000-token
session the first call of a compactor takes up to 70 ms (``self_information``'s n-gram
pass) and every later call under a millisecond, on a 2-core machine.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from .entropy import DEFAULT_ORDER, ngram_costs
from .tokens import tiktoken_encoding, vocabulary_size

if TYPE_CHECKING:
    from .sessions import Message

__all__ = [
    "COMPACTORS",
    "RANDOM_LINES_SEED",
    "SESSION_CACHE_SIZE",
    "Compactor",
    "centrality",
    "compact",
    "head_and_tail",
    "keep_recent",
    "query_aware",
    "random_lines",
    "self_information",
    "structured_state",
    "token_cost",
]

ENCODING = "cl100k_base"
"""The tokenizer that counts budgets (chapter 12's, GPT-4's)."""

LINE_CACHE_SIZE = 1 << 20
"""Distinct lines whose token counts :func:`token_cost` remembers (least recently used)."""

SESSION_CACHE_SIZE = 8
"""Sessions (messages tuples) whose per-session work the compactors remember."""

RANDOM_LINES_SEED = 13
"""``random_lines`` draws its order with NumPy's PCG64 seeded by this plus the budget."""

SCORE_DECIMALS = 9
"""Scores are rounded to this many decimals before ranking, ties going to the earlier line.

NumPy's ``log2``, ``log`` and ``sqrt`` may differ in the last bit between CPUs (SIMD code
paths); rounding first makes the ranking, and so the output, the same on every machine."""

HEAD_SHARE = 0.5
"""``head_and_tail`` gives the first lines at most this share of the budget."""

STATE_SHARE = 1.0
"""``structured_state`` gives its state section at most this share of the budget: all of
it, so recent turns fill only what the state leaves (on sessions with the development
phrasings, shares of 0.6, 0.75 and 0.9 answered as many probes up to 20:1 and fewer
beyond)."""

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours yourself""".split()
)
"""Function words that neither TF-IDF nor the question overlap count."""


# --------------------------------------------------------------------------- budgets


@functools.lru_cache(maxsize=LINE_CACHE_SIZE)
def _line_cost(line: str) -> int:
    """Tokens of one line (no newline in it): ``len(rdlib.tokenize(line))``."""
    if not line:
        return 0
    return len(tiktoken_encoding(ENCODING).encode(line, disallowed_special=()))


def token_cost(text: str) -> int:
    """The budget a text uses: the sum of the ``cl100k_base`` token counts of its lines.

    The text is split at ``"\\n"``, each line is tokenized alone (exactly as
    :func:`rdlib.tokenize`) and the counts are added; an empty line costs 0. Counting
    lines one at a time makes the cost of a set of lines the sum of their costs, which
    is what the extractive limits of ``rdlib.limits`` need. Each distinct line is
    tokenized once per process (a cache of 2**20 lines, ``rdlib.compaction.LINE_CACHE_SIZE``).

    Parameters
    ----------
    text : str
        Any text, possibly of several lines (may be empty).

    Returns
    -------
    int
        Tokens, >= 0.

    Raises
    ------
    ValueError
        If ``text`` is not a ``str``.

    Examples
    --------
    >>> token_cost("hello world")
    2
    >>> token_cost("hello world\\n\\nhello world")
    4
    >>> token_cost("")
    0
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    return sum(map(_line_cost, text.split("\n")))


# ---------------------------------------------------------------- argument checks


def _check_budget(budget_tokens: int) -> int:
    if (
        isinstance(budget_tokens, bool)
        or not isinstance(budget_tokens, numbers.Integral)
        or budget_tokens < 0
    ):
        raise ValueError(f"budget_tokens must be an integer >= 0; got {budget_tokens!r}")
    return int(budget_tokens)


def _check_messages(messages: Sequence[Message]) -> tuple[Message, ...]:
    from .sessions import Message  # here, not at the top: rdlib.sessions imports token_cost

    if isinstance(messages, str | bytes) or not isinstance(messages, Sequence):
        raise ValueError(f"messages must be a sequence of Message; got {type(messages).__name__}")
    messages = tuple(messages)
    for i, message in enumerate(messages):
        if not isinstance(message, Message):
            raise ValueError(f"messages must hold Message objects; item {i} is {message!r}")
    return messages


def _check_question(question: str | None, required: bool) -> str | None:
    if question is None and not required:
        return None
    if not isinstance(question, str):
        raise ValueError(f"question must be a str (the probe's question); got {question!r}")
    return question


# ------------------------------------------------------------- per-session caches


class _Transcript(NamedTuple):
    """A session's lines, their token costs and the message each line belongs to."""

    lines: tuple[str, ...]
    costs: tuple[int, ...]
    message_of: tuple[int, ...]


@functools.lru_cache(maxsize=SESSION_CACHE_SIZE)
def _transcript(messages: tuple[Message, ...]) -> _Transcript:
    lines: list[str] = []
    message_of: list[int] = []
    for m, message in enumerate(messages):
        rendered = message.lines
        lines.extend(rendered)
        message_of.extend([m] * len(rendered))
    return _Transcript(tuple(lines), tuple(map(_line_cost, lines)), tuple(message_of))


def _words(line: str) -> list[str]:
    """The line's content words: lower-case runs of letters and digits, no function words."""
    return [w for w in _WORD.findall(line.lower()) if w not in STOPWORDS]


def _stem(word: str) -> str:
    """A light suffix stripper, so that *edits*, *edited* and *editing* meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# ---------------------------------------------------------------- selection helpers


def _join(lines: Sequence[str], kept: Sequence[int]) -> str:
    return "\n".join(lines[i] for i in sorted(kept))


def _first_fit(order: Sequence[int], costs: Sequence[int], budget: int) -> list[int]:
    """The lines of ``order`` kept in turn while each still fits; empty lines are skipped."""
    kept = []
    room = budget
    for i in order:
        cost = costs[i]
        if 0 < cost <= room:
            kept.append(i)
            room -= cost
            if room == 0:
                break
    return kept


def _prefix(costs: Sequence[int], budget: int, start: int, stop: int, step: int) -> list[int]:
    """The longest run ``start, start + step, ...`` (before ``stop``) that fits in ``budget``."""
    kept = []
    room = budget
    for i in range(start, stop, step):
        if costs[i] > room:
            break
        kept.append(i)
        room -= costs[i]
    return kept


def _extractive(order: Sequence[int], messages: tuple[Message, ...], budget: int) -> str:
    t = _transcript(messages)
    return _join(t.lines, _first_fit(order, t.costs, budget))


# --------------------------------------------------------------------- compactors


class Compactor(Protocol):
    """A compactor: ``(messages, budget_tokens, question=None) -> str``, with ``extractive``."""

    extractive: bool

    def __call__(
        self, messages: Sequence[Message], budget_tokens: int, question: str | None = None
    ) -> str: ...


def _compactor(extractive: bool) -> Callable[[Callable[..., str]], Compactor]:
    def mark(function: Callable[..., str]) -> Compactor:
        function.extractive = extractive  # type: ignore[attr-defined]
        return function  # type: ignore[return-value]

    return mark


@_compactor(extractive=True)
def keep_recent(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """The last lines of the transcript, as many as fit: what a plain context window keeps.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored (the compactor does not know the question).

    Returns
    -------
    str
        The longest run of last lines whose costs add up to at most the budget.

    Raises
    ------
    ValueError
        If ``messages`` is not a sequence of :class:`~rdlib.sessions.Message` or
        ``budget_tokens`` is not an integer >= 0.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> keep_recent([Message("user", "one two"), Message("assistant", "three four")], 6)
    '[assistant] three four'
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    t = _transcript(messages)
    return _join(t.lines, _prefix(t.costs, budget, len(t.lines) - 1, -1, -1))


@_compactor(extractive=True)
def head_and_tail(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """The first lines within half the budget, then the last lines within what is left.

    The head is the longest run of first lines whose cost is at most
    ``floor(HEAD_SHARE * budget_tokens)`` (:data:`HEAD_SHARE`); the tail is the longest run
    of last lines, not overlapping the head, that fits in the rest of the budget.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored.

    Returns
    -------
    str
        The kept lines, in order.

    Raises
    ------
    ValueError
        As :func:`keep_recent`.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("user", "a\\nb\\nc\\nd\\ne\\nf")]
    >>> head_and_tail(turns, 6)
    '[user] a\\nd\\ne\\nf'
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    t = _transcript(messages)
    head = _prefix(t.costs, math.floor(HEAD_SHARE * budget), 0, len(t.lines), 1)
    room = budget - sum(t.costs[i] for i in head)
    tail = _prefix(t.costs, room, len(t.lines) - 1, len(head) - 1, -1)
    return _join(t.lines, head + tail)


@_compactor(extractive=True)
def random_lines(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """Lines in a random order, each kept if it still fits; deterministic for a budget.

    The order is a permutation drawn by ``numpy.random.default_rng(RANDOM_LINES_SEED +
    budget_tokens)`` (:data:`RANDOM_LINES_SEED`): PCG64, the same on every machine.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored.

    Returns
    -------
    str
        The kept lines, in their original order.

    Raises
    ------
    ValueError
        As :func:`keep_recent`.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("user", "alpha\\nbeta\\ngamma")]
    >>> random_lines(turns, 4) == random_lines(turns, 4)
    True
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    n = len(_transcript(messages).lines)
    order = np.random.default_rng(RANDOM_LINES_SEED + budget).permutation(n)
    return _extractive(order.tolist(), messages, budget)


@functools.lru_cache(maxsize=SESSION_CACHE_SIZE)
def _surprisal_order(messages: tuple[Message, ...]) -> tuple[int, ...]:
    """Line indices by mean n-gram surprisal per token, highest first (ties: earlier first)."""
    lines = _transcript(messages).lines
    enc = tiktoken_encoding(ENCODING)
    newline = enc.encode("\n")
    tokens: list[int] = []
    owner: list[int] = []
    for i, line in enumerate(lines):
        ids = enc.encode(line, disallowed_special=()) if line else []
        tokens.extend(ids)
        owner.extend([i] * len(ids))
        tokens.extend(newline)  # the line break is coded, and charged to no line
        owner.extend([-1] * len(newline))
    costs = ngram_costs(tokens, DEFAULT_ORDER, alphabet_size=vocabulary_size(ENCODING))
    owner_arr = np.asarray(owner)
    charged = owner_arr >= 0
    counts = np.bincount(owner_arr[charged], minlength=len(lines))
    totals = np.bincount(owner_arr[charged], weights=costs[charged], minlength=len(lines))
    mean = np.divide(totals, counts, out=np.zeros(len(lines)), where=counts > 0)
    return tuple(np.argsort(-np.round(mean, SCORE_DECIMALS), kind="stable").tolist())


@_compactor(extractive=True)
def self_information(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """The least predictable lines: highest mean surprisal per token under an n-gram model.

    The generic pruning of Selective Context and LLMLingua, with chapter 12's model in
    place of a language model: the transcript's lines are tokenized
    (``cl100k_base``) and joined by newline tokens, and the adaptive n-gram model of
    :func:`rdlib.ngram_costs` (order :data:`rdlib.DEFAULT_ORDER`, alphabet the whole
    vocabulary) codes the sequence prequentially. A line's score is the mean cost of its
    tokens in bits; lines are kept in decreasing score while they fit. Prequential coding
    means a line is scored by what came before it only, so a line repeated later is
    cheap there: the compactor keeps first occurrences. The costs are computed once per
    session and cached.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored.

    Returns
    -------
    str
        The kept lines, in their original order.

    Raises
    ------
    ValueError
        As :func:`keep_recent`.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("tool", "x = 1\\nx = 1\\nx = 1\\nzebra quokka", "shell")]
    >>> self_information(turns, 14)
    '[tool:shell] x = 1\\nzebra quokka'
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    return _extractive(_surprisal_order(messages), messages, budget)


def _tfidf_rows(lines: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """(line, term) pairs with a count each, as arrays: rows, terms, counts; and #terms."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    terms: list[int] = []
    for i, line in enumerate(lines):
        for word in _words(line):
            rows.append(i)
            terms.append(vocabulary.setdefault(word, len(vocabulary)))
    return np.asarray(rows, dtype=np.int64), np.asarray(terms, dtype=np.int64), len(vocabulary)


@functools.lru_cache(maxsize=SESSION_CACHE_SIZE)
def _centrality_order(messages: tuple[Message, ...]) -> tuple[int, ...]:
    """Line indices by TF-IDF cosine similarity to the whole session, highest first."""
    lines = _transcript(messages).lines
    n = len(lines)
    rows, terms, n_terms = _tfidf_rows(lines)
    if n_terms == 0:
        return tuple(range(n))
    pairs, counts = np.unique(rows * n_terms + terms, return_counts=True)
    row, term = pairs // n_terms, pairs % n_terms
    document_frequency = np.bincount(term, minlength=n_terms)
    idf = np.log((1 + n) / (1 + document_frequency)) + 1.0  # smoothed, always > 0
    weight = (1.0 + np.log(counts)) * idf[term]  # sublinear term frequency
    session_counts = np.bincount(term, weights=counts, minlength=n_terms)
    session = (1.0 + np.log(session_counts)) * idf
    dot = np.bincount(row, weights=weight * session[term], minlength=n)
    norm = np.sqrt(np.bincount(row, weights=weight**2, minlength=n))
    cosine = np.divide(dot, norm * np.linalg.norm(session), out=np.zeros(n), where=norm > 0)
    return tuple(np.argsort(-np.round(cosine, SCORE_DECIMALS), kind="stable").tolist())


@_compactor(extractive=True)
def centrality(messages: Sequence[Message], budget_tokens: int, question: str | None = None) -> str:
    """The most central lines: highest TF-IDF cosine similarity to the whole session.

    A generic extractive summariser (the centroid method of Radev et al., 2004). Each line
    is a bag of its content words (lower-case letters and digits, function words of
    :data:`STOPWORDS` removed), weighted ``(1 + ln tf) * idf`` with the smoothed
    ``idf = ln((1 + lines) / (1 + lines containing the word)) + 1``; the session is one
    bag of all its words, weighted the same way. Lines are kept in decreasing cosine
    similarity to the session while they fit. NumPy only; scores cached per session.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored.

    Returns
    -------
    str
        The kept lines, in their original order.

    Raises
    ------
    ValueError
        As :func:`keep_recent`.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("user", "cache the tests\\ncache tests again\\nzebra")]
    >>> centrality(turns, 4)
    'cache tests again'
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    return _extractive(_centrality_order(messages), messages, budget)


# ------------------------------------------------------------------ structured state

# The state's categories, highest priority first. Each names the turns it reads (roles,
# or the edit tool's first line) and the generic cues that put a line in it. The cues
# were written from what agent transcripts say in general and then checked on sessions
# generated with the development phrasings only (held_out=False), never on held-out ones.
_PATH = r"[\w.-]+(?:/[\w.-]+)*\.(?:py|pyi|md|rst|txt|toml|cfg|ini|json|ya?ml|sh|js|ts|c|h)\b"
_EDITED = (
    r"(?:edited|modified|changed|updated|created|deleted|renamed|added|removed|patched|"
    r"rewrote|rewritten|wrote|fixed|refactored|saved|applied)"
)


class StateCategory(NamedTuple):
    """One kind of state entry: which turns it reads, its cues, how many it keeps."""

    name: str
    roles: tuple[str, ...]  # "user", "assistant", "tool:<name>" (that tool's first line)
    # or "tool:<name>:*" (all of that tool's output)
    cue: re.Pattern[str]
    keep: int | None  # the most entries kept (the newest), None for no limit


STATE_CATEGORIES = (
    StateCategory(
        "preference",
        ("user",),
        re.compile(
            r"\b(?:prefer\w*|always|never|please (?:always|never|use|keep|avoid)|"
            r"i(?:'d| would) like|make sure|avoid|convention)\b",
            re.I,
        ),
        None,
    ),
    StateCategory(
        "decision",
        ("user", "assistant"),
        re.compile(
            r"\b(?:decid\w*|decision|chose|chosen|choice|go(?:ing)? with|went with|"
            r"opt(?:ed|ing)? for|settled? on|picked|selected|because|reason\w*|rationale|"
            r"due to|so that)\b",
            re.I,
        ),
        None,
    ),
    StateCategory(
        "open step",
        ("user", "assistant"),
        re.compile(
            r"\b(?:next step|next up|to ?do|still (?:need|have) to|remaining|"
            r"open (?:step|item|question)|(?:I|we)(?:'ll| will) (?:next|now|then))\b",
            re.I,
        ),
        None,
    ),
    StateCategory(
        "note",
        ("user", "assistant"),
        re.compile(
            r"\b(?:note|noting|noted|fyi|for reference|remember|keep in mind|for the record|"
            r"is now|are now|set to|changed to)\b",
            re.I,
        ),
        None,
    ),
    StateCategory(
        "file",
        ("tool:edit_file", "user", "assistant"),
        re.compile(rf"\b{_EDITED}\b.*{_PATH}|{_PATH}.*\b{_EDITED}\b", re.I),
        None,
    ),
    StateCategory(
        "error",
        ("user", "assistant", "tool:run_tests:*"),
        re.compile(r"\b(?:\w*Error|\w*Exception|FAILED|failed|failure)\b"),
        3,
    ),
)
"""The categories of ``structured_state``'s state, highest priority first.

A line of a turn a category reads enters the first category whose cue it matches; an
``edit_file`` call's first line always enters ``file`` (the call is the edit).
"""

STATE_MAX_LINE_TOKENS = 48
"""A longer line enters the state as its matching sentences only."""

STATE_HEADER = "[state] preferences, decisions, open steps, notes, files changed, errors:"
"""The line that opens ``structured_state``'s state section."""

RECENT_HEADER = "[recent turns]"
"""The line that opens ``structured_state``'s recent lines."""

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
_KEY_SEPARATOR = re.compile(r":\s+|\s+=\s+")
_KEY_TRIM = re.compile(r"[,(]")


class _Entry(NamedTuple):
    line: int  # the transcript line it came from
    category: str
    text: str  # the state line written: "- <category>: <text of the line>"
    cost: int


def _state_key(text: str) -> str:
    """What an entry is about, so that a later entry about it replaces an earlier one.

    For ``key: value`` and ``key = value`` lines, the first segment before a separator
    that still has two words once cut after its last comma or parenthesis (``Decision:
    the cache choice = redis`` is about ``the cache choice``); otherwise the whole text.
    """
    segments = _KEY_SEPARATOR.split(text)
    for segment in segments[:-1]:
        key = _KEY_TRIM.split(segment)[-1].strip(" )").lower()
        if len(key.split()) >= 2:
            return " ".join(key.split())
    return text


def _reads(category: StateCategory, message: Message, first_line: bool) -> bool:
    if message.role == "tool":
        if f"tool:{message.tool}:*" in category.roles:
            return True
        return first_line and f"tool:{message.tool}" in category.roles
    return message.role in category.roles


@functools.lru_cache(maxsize=SESSION_CACHE_SIZE)
def _state_entries(messages: tuple[Message, ...]) -> tuple[_Entry, ...]:
    """Every candidate state entry, in transcript order, the latest one per key only."""
    t = _transcript(messages)
    entries: list[_Entry] = []
    for i, line in enumerate(t.lines):
        message = messages[t.message_of[i]]
        first_line = i == 0 or t.message_of[i - 1] != t.message_of[i]
        text = line[len(message.tag) + 1 :] if first_line else line
        text = text.strip()
        if not text:
            continue
        for category in STATE_CATEGORIES:
            if not _reads(category, message, first_line):
                continue
            if message.tool == "edit_file" and category.name == "file":
                pieces = [text]
            else:
                pieces = [s for s in _SENTENCE_END.split(text) if category.cue.search(s)]
                if not pieces:
                    continue
                if t.costs[i] <= STATE_MAX_LINE_TOKENS:
                    pieces = [text]
            written = f"- {category.name}: {' '.join(pieces)}"
            entries.append(_Entry(i, category.name, written, _line_cost(written)))
            break
    latest: dict[str, int] = {}
    for j, entry in enumerate(entries):
        latest[_state_key(entry.text.split(": ", 1)[1])] = j
    kept = set(latest.values())
    return tuple(e for j, e in enumerate(entries) if j in kept)


def _choose_state(entries: Sequence[_Entry], budget: int) -> list[_Entry]:
    """Entries that fit in ``budget``: categories by priority, the newest entries first."""
    chosen: list[_Entry] = []
    room = budget
    for category in STATE_CATEGORIES:
        candidates = [e for e in reversed(entries) if e.category == category.name]
        for entry in candidates[: category.keep]:
            if entry.cost <= room:
                chosen.append(entry)
                room -= entry.cost
    return sorted(chosen)


@_compactor(extractive=False)
def structured_state(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """An explicit state of the session, then the most recent lines in the rest of the budget.

    In the spirit of the "anchored" summaries the Factory evaluation favoured (chapter 5).
    The state is read from the user's and the assistant's turns, the first line of each
    edit tool call and, for errors, the test runs (file contents, searches and shell
    output are left out). A line enters the state under the first category of
    :data:`STATE_CATEGORIES` whose generic cue it matches — stated preferences, decisions
    and their reasons, open next steps, things noted, files changed and how, errors —
    written as ``- <category>: <the line>`` (a line longer than
    :data:`STATE_MAX_LINE_TOKENS` tokens gives its matching sentences only). Lines are
    copied, not rephrased, so a binding ``key ... value`` stays on one line. The state is
    a map: of two entries about the same thing (the same ``key`` of a line ``key: value``
    or ``key = value``) only the later is kept, so a plan updated twice costs one entry.

    The state gets at most :data:`STATE_SHARE` of the budget, filled category by category
    in priority order, newest entries first; the rest holds the longest run of last lines
    (an entry whose line is in that run is not repeated). State lines are written in
    transcript order under :data:`STATE_HEADER`, the recent lines after them under
    :data:`RECENT_HEADER`, so a value set later still comes later. The compactor sees the
    messages only, never a session's facts or probes.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        Ignored.

    Returns
    -------
    str
        The state section and the recent lines (either may be absent).

    Raises
    ------
    ValueError
        As :func:`keep_recent`.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("user", "I prefer tabs."), Message("tool", "x\\ny\\nz", "shell"),
    ...          Message("assistant", "Done.")]
    >>> print(structured_state(turns, 40))
    [state] preferences, decisions, open steps, notes, files changed, errors:
    - preference: I prefer tabs.
    [recent turns]
    [tool:shell] x
    y
    z
    [assistant] Done.
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    t = _transcript(messages)
    entries = _state_entries(messages)
    state_header, recent_header = _line_cost(STATE_HEADER), _line_cost(RECENT_HEADER)
    state_room = math.floor(STATE_SHARE * budget) - state_header
    state = _choose_state(entries, state_room) if state_room > 0 else []
    while True:  # the recent run only grows, and drops the state entries it covers
        used = sum(e.cost for e in state) + (state_header if state else 0)
        room = budget - used - recent_header
        recent = _prefix(t.costs, room, len(t.lines) - 1, -1, -1) if room > 0 else []
        start = recent[-1] if recent else len(t.lines)
        before = [e for e in state if e.line < start]
        if len(before) == len(state):
            break
        state = before
    out = []
    if state:
        out += [STATE_HEADER, *(e.text for e in state)]
    if recent:
        out += [RECENT_HEADER, *(t.lines[i] for i in sorted(recent))]
    return "\n".join(out)


# -------------------------------------------------------------------- query-aware


@functools.lru_cache(maxsize=SESSION_CACHE_SIZE)
def _word_index(messages: tuple[Message, ...]) -> dict[str, NDArray[np.int64]]:
    """Each content word's stem -> the lines that contain it, in ascending order."""
    postings: dict[str, list[int]] = {}
    for i, line in enumerate(_transcript(messages).lines):
        for stem in {_stem(w) for w in _words(line)}:
            postings.setdefault(stem, []).append(i)
    return {s: np.asarray(p, dtype=np.int64) for s, p in postings.items()}


@_compactor(extractive=True)
def query_aware(
    messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """The lines that share the most content words with the question, then the newest.

    The setting of chapter 11's query-aware limit (and of LongLLMLingua and QuerySelect):
    the compactor knows the question, never its answer. The question and each line are
    reduced to sets of content words (lower-case letters and digits, no function words,
    light suffix stripping: *edited* meets *edit*). A line's overlap is the number of the
    question's words it contains; lines are kept in decreasing overlap, ties and lines
    with no overlap newest first, each while it fits. The word index is cached per
    session, so a call costs a lookup per question word.

    Parameters
    ----------
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str
        The probe's question text (required).

    Returns
    -------
    str
        The kept lines, in their original order.

    Raises
    ------
    ValueError
        As :func:`keep_recent`, or if ``question`` is not a ``str``.

    Examples
    --------
    >>> from rdlib.sessions import Message
    >>> turns = [Message("user", "The timeout is 30.\\nUnrelated chatter here.\\nDone.")]
    >>> query_aware(turns, 8, question="What is the timeout?")
    '[user] The timeout is 30.'
    """
    messages = _check_messages(messages)
    budget = _check_budget(budget_tokens)
    question = _check_question(question, required=True)
    n = len(_transcript(messages).lines)
    index = _word_index(messages)
    hits = [index[s] for s in sorted({_stem(w) for w in _words(question)} & index.keys())]
    overlap = np.bincount(np.concatenate(hits), minlength=n) if hits else np.zeros(n, np.int64)
    order = np.lexsort((-np.arange(n), -overlap))
    return _extractive(order.tolist(), messages, budget)


COMPACTORS: dict[str, Compactor] = {
    "keep_recent": keep_recent,
    "head_and_tail": head_and_tail,
    "random_lines": random_lines,
    "self_information": self_information,
    "centrality": centrality,
    "structured_state": structured_state,
    "query_aware": query_aware,
}
"""The compactors by name; each has ``.extractive`` (only ``structured_state`` is False)."""


def compact(
    name: str, messages: Sequence[Message], budget_tokens: int, question: str | None = None
) -> str:
    """Compact a session's messages with the compactor called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`COMPACTORS`.
    messages : sequence of Message
        The session's turns, in order.
    budget_tokens : int
        The most :func:`token_cost` the output may have, >= 0.
    question : str, optional
        The probe's question; only ``query_aware`` uses it, and needs it.

    Returns
    -------
    str
        The compacted context, with ``token_cost(result) <= budget_tokens``.

    Raises
    ------
    ValueError
        If ``name`` is not a compactor (the message lists them), ``budget_tokens`` is not
        an integer >= 0, ``messages`` is not a sequence of Message, or ``question`` is
        missing for ``query_aware``.

    Examples
    --------
    >>> from rdlib import Message
    >>> compact("keep_recent", [Message("user", "hello world")], 10)
    '[user] hello world'
    >>> compact("shrink", [], 10)
    Traceback (most recent call last):
    ...
    ValueError: name must be one of keep_recent, head_and_tail, random_lines, \
self_information, centrality, structured_state, query_aware; got 'shrink'
    """
    if not isinstance(name, str) or name not in COMPACTORS:
        raise ValueError(f"name must be one of {', '.join(COMPACTORS)}; got {name!r}")
    return COMPACTORS[name](messages, budget_tokens, question)
