"""Compactors: budgets respected, extractive when they say so, deterministic, checked."""

import numpy as np
import pytest

import rdlib.sessions as sessions_module
from rdlib import compaction, tokenize
from rdlib.compaction import (
    COMPACTORS,
    RECENT_HEADER,
    STATE_HEADER,
    compact,
    keep_recent,
    query_aware,
    structured_state,
    token_cost,
)
from rdlib.sessions import Message, render_lines

EXTRACTIVE = [name for name, f in COMPACTORS.items() if f.extractive]
READY = hasattr(sessions_module, "generate_session")
needs_generator = pytest.mark.skipif(not READY, reason="rdlib.sessions.generate_session not yet")

CODE = '''def retry(call, attempts=3):
    """Call ``call`` until it succeeds, at most ``attempts`` times."""
    for attempt in range(attempts):
        try:
            return call()
        except ConnectionError as exc:
            last = exc

    raise last'''

TRACEBACK = """Traceback (most recent call last):
  File "tests/test_client.py", line 41, in test_retry
    assert client.get("/") == 200
AssertionError: assert 503 == 200
FAILED tests/test_client.py::test_retry - AssertionError"""


def hand_built_session(seed=0, turns=60):
    """A small session of the shape the generator makes: requests, tools, reasoning."""
    rng = np.random.default_rng(seed)
    words = "parse cache retry header cookie session adapter proxy stream chunk".split()
    messages = [
        Message("user", "Please fix the flaky retry test. I prefer small commits, no rewrites."),
    ]
    for t in range(turns):
        kind = t % 5
        if kind == 0:
            messages.append(Message("tool", f"src/client_{t}.py\n{CODE}", "read_file"))
        elif kind == 1:
            messages.append(Message("tool", TRACEBACK, "run_tests"))
        elif kind == 2:
            chosen = rng.choice(words, size=3, replace=False)
            messages.append(
                Message(
                    "assistant",
                    f"We decided to use the {chosen[0]} adapter because the {chosen[1]} one "
                    f"drops the {chosen[2]}. Next step: rerun the tests.",
                )
            )
        elif kind == 3:
            messages.append(
                Message("tool", f"edited src/client_{t}.py: wrapped the call in retry", "edit_file")
            )
        else:
            messages.append(
                Message(
                    "tool",
                    "\n".join(f"match {w}: line {rng.integers(900)}" for w in words),
                    "search",
                )
            )
    messages.append(Message("assistant", "The timeout seconds is now 45."))
    return tuple(messages)


SESSIONS = [hand_built_session(0), hand_built_session(1, turns=23)]
QUESTIONS = [
    "Which file was edited last?",
    "What is the timeout seconds value?",
    "Which adapter did we decide to use, and why?",
    "What is the next step?",
]


def is_subsequence(output, lines):
    """The output's lines are some of ``lines``, unchanged and in order."""
    if output == "":
        return True
    it = iter(lines)
    return all(any(line == other for other in it) for line in output.split("\n"))


def budgets_for(messages):
    total = token_cost("\n".join(render_lines(messages)))
    return sorted(
        {
            0,
            1,
            2,
            7,
            total // 200,
            total // 71,
            total // 10,
            total // 2,
            total - 1,
            total,
            total + 50,
        }
    )


# ------------------------------------------------------------------------- token_cost


def test_token_cost_is_the_sum_of_line_tokens():
    text = "\n".join([CODE, TRACEBACK, "", "  indented", "<|endoftext|> is ordinary text"])
    expected = sum(len(tokenize(line)) for line in text.split("\n"))
    assert token_cost(text) == expected
    assert token_cost("") == 0
    assert token_cost("\n\n") == 0
    assert token_cost("a\nb") == token_cost("a") + token_cost("b")


def test_token_cost_rejects_non_text():
    with pytest.raises(ValueError, match="text"):
        token_cost(b"bytes")


# ------------------------------------------------------------------ every compactor


def test_registry():
    assert list(COMPACTORS) == [
        "keep_recent",
        "head_and_tail",
        "random_lines",
        "self_information",
        "centrality",
        "structured_state",
        "query_aware",
    ]
    assert {name: f.extractive for name, f in COMPACTORS.items()} == {
        name: name != "structured_state" for name in COMPACTORS
    }


@pytest.mark.parametrize("messages", SESSIONS, ids=["long", "short"])
@pytest.mark.parametrize("name", list(COMPACTORS))
def test_budget_respected_and_extractive(name, messages):
    lines = render_lines(messages)
    for budget in budgets_for(messages):
        for question in QUESTIONS:
            out = compact(name, messages, budget, question)
            assert token_cost(out) <= budget, (name, budget)
            if COMPACTORS[name].extractive:
                assert is_subsequence(out, lines), (name, budget)
            if name != "query_aware":
                break  # the others ignore the question (checked below)


@pytest.mark.parametrize("name", list(COMPACTORS))
def test_deterministic_and_question_blind(name):
    messages = SESSIONS[0]
    budget = token_cost("\n".join(render_lines(messages))) // 20
    first = compact(name, messages, budget, QUESTIONS[0])
    compaction._transcript.cache_clear()  # recomputed from scratch: the same output
    for cache in ("_surprisal_order", "_centrality_order", "_state_entries", "_word_index"):
        getattr(compaction, cache).cache_clear()
    assert compact(name, list(messages), budget, QUESTIONS[0]) == first
    if name != "query_aware":
        assert compact(name, messages, budget, QUESTIONS[1]) == first
        assert COMPACTORS[name](messages, budget) == first


@pytest.mark.parametrize("name", EXTRACTIVE)
def test_full_budget_keeps_every_nonempty_line(name):
    messages = SESSIONS[1]
    lines = render_lines(messages)
    out = compact(name, messages, token_cost("\n".join(lines)), QUESTIONS[0])
    assert [line for line in out.split("\n") if line] == [line for line in lines if line]


def test_keep_recent_is_a_suffix_and_empty_at_zero():
    messages = SESSIONS[0]
    lines = render_lines(messages)
    for budget in budgets_for(messages):
        out = keep_recent(messages, budget)
        assert "\n".join(lines).endswith(out)
        assert all(compact(name, messages, 0, "q?") == "" for name in COMPACTORS)


def test_query_aware_keeps_the_matching_line_first():
    messages = SESSIONS[0]
    out = query_aware(messages, 12, question="What is the timeout seconds value?")
    assert out == "[assistant] The timeout seconds is now 45."
    early = (Message("user", "The proxy port is 3128."), *messages)
    out = query_aware(early, 30, question="Which proxy port?")
    assert "[user] The proxy port is 3128." in out.split("\n")


def test_structured_state_writes_a_state_then_recent_turns():
    messages = SESSIONS[0]
    out = structured_state(messages, 1000)
    lines = out.split("\n")
    assert lines[0] == STATE_HEADER and RECENT_HEADER in lines
    state = lines[1 : lines.index(RECENT_HEADER)]
    assert any(
        line.startswith("- preference: ") and "prefer small commits" in line for line in state
    )
    assert any(line.startswith("- file: edited src/client_") for line in state)
    assert any(line.startswith("- decision: We decided to use the") for line in state)
    assert lines[-1] == "[assistant] The timeout seconds is now 45."
    assert token_cost(out) <= 1000
    tight = structured_state(messages, 60).split("\n")  # the state first, by priority
    assert tight[:2] == [STATE_HEADER, lines[1]] and RECENT_HEADER not in tight


def test_structured_state_keeps_the_latest_entry_per_key():
    turns = (
        Message("assistant", "Decision: the cache backend choice = redis, because it is fast."),
        Message("assistant", "T-1 next step: add a test."),
        Message("tool", "\n".join(["filler line"] * 40), "shell"),
        Message("assistant", "Updated plan, T-1 next step: rerun the suite."),
        Message("assistant", "Revisited (the cache backend choice): memcached."),
        Message("tool", "\n".join(["more filler"] * 40), "shell"),
    )
    out = structured_state(turns, 60)
    state = out.split("\n")
    assert "- open step: Updated plan, T-1 next step: rerun the suite." in state
    assert not any("add a test" in line for line in state)
    assert not any("redis" in line for line in state)
    assert compaction._state_key("Decision: the cache backend choice = redis") == (
        "the cache backend choice"
    )
    assert compaction._state_key("Reason, for the record (T-1 retry rationale): it is safe") == (
        "t-1 retry rationale"
    )
    assert compaction._state_key("no separator here") == "no separator here"


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("budget", [-1, 3.0, True, None, "5"])
@pytest.mark.parametrize("name", list(COMPACTORS))
def test_bad_budget(name, budget):
    with pytest.raises(ValueError, match="budget_tokens"):
        compact(name, SESSIONS[1], budget, "q?")


def test_bad_name_lists_the_names():
    with pytest.raises(ValueError, match="keep_recent, head_and_tail"):
        compact("summarise", SESSIONS[1], 10)


@pytest.mark.parametrize("messages", ["a transcript", [("user", "hi")], None])
def test_bad_messages(messages):
    with pytest.raises(ValueError, match="messages"):
        compact("keep_recent", messages, 10)


def test_query_aware_needs_its_question():
    with pytest.raises(ValueError, match="question"):
        query_aware(SESSIONS[1], 10)
    with pytest.raises(ValueError, match="question"):
        compact("query_aware", SESSIONS[1], 10, question=3)


# ------------------------------------------------------------- generated sessions


@needs_generator
@pytest.mark.parametrize("held_out", [False, True])
def test_generated_session_every_probe_and_budget(held_out):
    session = sessions_module.generate_session(5, n_tokens=10_000, held_out=held_out)
    lines = session.lines
    n = token_cost(session.text)
    for ratio in (2, 10, 71, 200):
        budget = n // ratio
        for name, compactor in COMPACTORS.items():
            questions = [p.question for p in session.probes] if name == "query_aware" else [None]
            for question in questions:
                out = compactor(session.messages, budget, question)
                assert token_cost(out) <= budget
                if compactor.extractive:
                    assert is_subsequence(out, lines)
