"""rdlib.sessions: a synthetic agent session with exact facts and probes, and its reader.

What the chapter and the limits rely on: a session is a function of its arguments; every
probe is answered from the full transcript and from nothing less than its support (for
any subset of lines, ``answer == support <= kept``, which is what makes the extractive
limits exact); the reader is not fooled by values without keys, stale bindings or
distractors; each fact's bits are the log of the documented number of values.
"""

from __future__ import annotations

import math
import re
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib import _session_templates as T
from rdlib import code_corpus, tokenize
from rdlib.sessions import (
    MAX_FACT_DENSITY,
    MIN_TOKENS,
    PROBE_KINDS,
    TOKEN_TOLERANCE,
    Fact,
    Message,
    Probe,
    Session,
    _editable,
    answer,
    generate_session,
    render_lines,
)


def cost(lines):
    """The length measure of the spec: per-line cl100k counts, summed."""
    return sum(len(tokenize(line)) for line in lines)


@pytest.fixture(scope="module")
def session() -> Session:
    return generate_session(11, n_tokens=20_000, fact_density=2.0)


@pytest.fixture(scope="module")
def default_session() -> Session:
    return generate_session(0)


@pytest.fixture(scope="module")
def held_out_session() -> Session:
    return generate_session(0, held_out=True)


def joined(session: Session, kept) -> str:
    return "\n".join(session.lines[i] for i in sorted(kept))


def bindings_of(session: Session, key: str) -> list[int]:
    """Lines that hold the key (for finding stale bindings in tests)."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", re.IGNORECASE)
    return [i for i, line in enumerate(session.lines) if pattern.search(line)]


# ---------------------------------------------------------------------------------------
# Shape and determinism


def test_same_arguments_same_session():
    first = generate_session(5, n_tokens=10_000)
    second = generate_session(5, n_tokens=10_000)
    assert first == second
    assert first.text == second.text


@pytest.mark.parametrize(
    "other",
    [
        {"seed": 6},
        {"fact_density": 2.0},
        {"n_tokens": 11_000},
        {"held_out": True},
    ],
)
def test_other_arguments_other_session(other):
    base = {"seed": 5, "n_tokens": 10_000, "fact_density": 1.0, "held_out": False}
    assert generate_session(**base).text != generate_session(**(base | other)).text


def test_rendering(session):
    assert session.lines == render_lines(session.messages)
    assert session.text == "\n".join(session.lines)
    start = 0
    for message in session.messages:
        assert message.role in ("user", "assistant", "tool")
        assert (message.role == "tool") == bool(message.tool)
        assert not message.text.endswith("\n")
        assert session.lines[start].startswith(message.tag + " ")
        start += len(message.lines)
    assert start == len(session.lines)


def test_every_probe_kind_and_one_probe_per_fact_group(default_session):
    kinds = [probe.kind for probe in default_session.probes]
    assert set(kinds) == set(PROBE_KINDS)
    # 50 facts: 5 tickets x (decision 2, edits 3, next step 1) + 20 recall facts
    assert len(default_session.facts) == 50
    assert kinds.count("recall") == 20
    assert kinds.count("decision") == kinds.count("artifact") == kinds.count("continuation") == 5
    supports = sorted(i for probe in default_session.probes for i in probe.support)
    assert supports == sorted(fact.line for fact in default_session.facts)


def test_facts_and_probes_are_consistent(session):
    lines = session.lines
    for fact in session.facts:
        assert isinstance(fact, Fact)
        line = lines[fact.line]
        assert fact.key in line and fact.value in line
        assert line.index(fact.key) < line.rindex(fact.value)
    assert [f.line for f in session.facts] == sorted(f.line for f in session.facts)
    for probe in session.probes:
        assert probe.kind in PROBE_KINDS
        assert probe.support == tuple(sorted(set(probe.support)))
        assert probe.answer and probe.question.endswith(("?", "."))
        expected = {"decision": 2, "artifact": T.EDITS_PER_TICKET}.get(probe.kind, 1)
        assert len(probe.support) == expected


def test_realistic_bulk(default_session):
    lines = default_session.lines
    text = default_session.text
    for tag in ("[user]", "[assistant]", "[tool:read_file]", "[tool:search]"):
        assert tag in text
    for tag in ("[tool:run_tests]", "[tool:shell]", "[tool:edit_file]"):
        assert tag in text
    assert "Traceback (most recent call last):" in text
    assert re.search(r"^\d+ failed, \d+ passed|=+ \d+ failed", text, re.MULTILINE)
    # real source code: many lines of the session are lines of the corpus
    corpus_lines = {line for line in code_corpus().split("\n") if len(line) > 30}
    assert sum(line in corpus_lines for line in lines) > len(lines) // 4
    # most of it is bulk: the lines the probes need are a small share of the tokens
    needed = {i for probe in default_session.probes for i in probe.support}
    assert cost(lines[i] for i in needed) < 0.05 * cost(lines)


def test_preferences_stated_early_and_needed_late(default_session):
    preferences = [f for f in default_session.facts if f.key in T.PREFERENCES]
    assert len(preferences) == 2
    first_message = len(default_session.messages[0].lines)
    assert all(fact.line < first_message for fact in preferences)
    reminders = [
        i
        for i, line in enumerate(default_session.lines)
        if line.startswith("[user]") and any(f.key in line for f in preferences) and i > 10
    ]
    assert reminders and reminders[-1] > 0.7 * len(default_session.lines)


def test_distractors_are_there(default_session):
    text = default_session.text
    edited = {
        p.split(": ")[0]
        for q in default_session.probes
        if q.kind == "artifact"
        for p in q.answer.split("; ")
    }
    read = set(re.findall(r"\[tool:read_file\] (requests/\w+\.py)", text))
    assert read - edited, "files read but never edited"
    assert "Ruling out" in text  # options rejected
    # overwritten values: every ticket's next step is bound more than once
    for probe in default_session.probes:
        if probe.kind == "continuation":
            assert len(bindings_of(default_session, probe.key)) >= 2


# ---------------------------------------------------------------------------------------
# Length


@pytest.mark.parametrize(
    ("seed", "n_tokens", "fact_density"),
    [
        (0, 50_000, 1.0),
        (1, MIN_TOKENS, 3.0),
        (2, 10_000, 1.0),
        (3, 30_000, 20.0),
        (4, 5_000, 0.5 * 2.4),
    ],
)
def test_length_within_tolerance(seed, n_tokens, fact_density):
    session = generate_session(seed, n_tokens=n_tokens, fact_density=fact_density)
    measured = cost(session.lines)
    assert abs(measured - n_tokens) <= TOKEN_TOLERANCE
    assert abs(measured - n_tokens) <= 0.03 * n_tokens
    assert len(session.facts) == round(fact_density * n_tokens / 1000)


def test_length_is_the_compaction_token_cost(session):
    compaction = pytest.importorskip("rdlib.compaction")
    assert compaction.token_cost(session.text) == cost(session.lines)


# ---------------------------------------------------------------------------------------
# The reader


@pytest.mark.parametrize("held_out", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_full_session_answers_every_probe_and_empty_none(seed, held_out):
    session = generate_session(seed, n_tokens=15_000, fact_density=2.0, held_out=held_out)
    assert all(answer(probe, session.text) for probe in session.probes)
    assert not any(answer(probe, "") for probe in session.probes)


def test_support_alone_answers_and_every_line_of_it_is_needed(session):
    everything = set(range(len(session.lines)))
    for probe in session.probes:
        assert answer(probe, joined(session, probe.support))
        for line in probe.support:
            assert not answer(probe, joined(session, everything - {line}))
            assert not answer(probe, joined(session, set(probe.support) - {line}))


@settings(deadline=None, max_examples=60)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 10, 50, 90, 99]))
def test_extractive_contexts_answer_iff_support_kept(session, draw, percent):
    """For any subset of lines, the reader answers exactly when the support is kept."""
    rng = np.random.default_rng(draw)
    n = len(session.lines)
    kept = set(np.flatnonzero(rng.integers(0, 100, n) < percent).tolist())
    # make it likely that some supports are complete and some are one line short
    for probe in session.probes[:: 1 + int(rng.integers(3))]:
        kept |= set(probe.support)
        if rng.integers(2):
            kept.discard(probe.support[int(rng.integers(len(probe.support)))])
    context = joined(session, kept)
    for probe in session.probes:
        assert answer(probe, context) == (set(probe.support) <= kept)


def test_keyless_values_fail(session):
    values = [probe.answer for probe in session.probes]
    for context in ("\n".join(values), ", ".join(values), " ".join(values)):
        assert not any(answer(probe, context) for probe in session.probes)
    # every fact's value, each on a line after a line that has only its key
    split = "\n".join(f"{fact.key}\n{fact.value}" for fact in session.facts)
    assert not any(answer(probe, split) for probe in session.probes)
    # value before key on the line
    before = "\n".join(f"{fact.value} is the {fact.key}" for fact in session.facts)
    assert not any(answer(probe, before) for probe in session.probes)


def test_stale_bindings_fail_and_last_binding_wins(session):
    checked = 0
    for probe in session.probes:
        if probe.kind != "continuation":
            continue
        lines = bindings_of(session, probe.key)
        stale, final = lines[:-1], lines[-1]
        assert final == probe.support[-1] and stale
        assert not answer(probe, joined(session, stale))
        assert answer(probe, joined(session, [*stale, final]))
        reordered = "\n".join([session.lines[final], *(session.lines[i] for i in stale)])
        assert not answer(probe, reordered)
        checked += 1
    assert checked


def test_revised_decisions_need_the_revision():
    session = generate_session(2, n_tokens=30_000, fact_density=2.0)
    revised = 0
    for probe in session.probes:
        if probe.kind != "decision":
            continue
        choice = bindings_of(session, probe.key + " choice")
        rationale = bindings_of(session, probe.key + " rationale")
        assert choice[-1] in probe.support and rationale[-1] in probe.support
        if len(choice) > 1:
            revised += 1
            assert not answer(probe, joined(session, [choice[0], rationale[0]]))
            assert not answer(probe, joined(session, [choice[0], rationale[-1]]))
            assert not answer(probe, joined(session, [choice[-1], rationale[0]]))
            assert answer(probe, joined(session, [choice[0], rationale[0], *probe.support]))
    assert revised


def test_distractors_fail(session):
    lines = session.lines
    for probe in session.probes:
        if probe.kind == "decision":
            # the options discussed and the rejections, without the decision line
            key = probe.key
            ticket, topic = key.split(" ", 1)
            around = [
                i
                for i, line in enumerate(lines)
                if ticket in line and topic in line and "choice" not in line
            ]
            around += [i + 1 for i in around] + [i + 2 for i in around]
            around = [i for i in around if i not in probe.support and i < len(lines)]
            assert not answer(probe, joined(session, around))
    for fact, probe in _recall_pairs(session):
        # the key bound to another value of its kind, after the right one
        wrong = _another_value(fact)
        assert not answer(probe, f"{fact.key}: {wrong}")
        assert not answer(probe, f"{lines[fact.line]}\n{fact.key}: {wrong}")
        assert answer(probe, f"{fact.key}: {wrong}\n{lines[fact.line]}")
        # another key bound to the right value
        assert not answer(probe, f"some other key: {fact.value}")
        # the key is only mentioned after its binding (no value): the binding still stands
        assert answer(probe, f"{lines[fact.line]}\nremember the {fact.key} from before")


def test_abstractive_key_value_lines_are_read(session):
    """A compactor may write its own ``key: value`` lines, in any letter case."""
    for fact, probe in _recall_pairs(session):
        assert answer(probe, f"- {fact.key.upper()}: {fact.value}")
        assert answer(probe, f"state: {{{fact.key}: {fact.value}}}")
    for probe in session.probes:
        if probe.kind == "artifact":
            ticket = probe.key.split(" ")[0]
            lines = [
                f"{ticket} change to {item.replace(': ', ' -> ', 1)}"
                for item in probe.answer.split("; ")
            ]
            assert answer(probe, "\n".join(lines))
            assert not answer(probe, "\n".join(lines[:-1]))


def _recall_pairs(session):
    by_key = {fact.key: fact for fact in session.facts}
    return [(by_key[p.key], p) for p in session.probes if p.kind == "recall"]


def _another_value(fact: Fact) -> str:
    spec = T.PREFERENCES.get(fact.key) or _attribute_spec(fact.key)
    if spec[0] == "int":
        value = int(fact.value)
        return str(value + 1 if value < spec[2] else value - 1)
    if spec[0] == "code":
        return "E1000" if fact.value != "E1000" else "E1001"
    if spec[0] == "path":
        return "requests/api.py" if fact.value != "requests/api.py" else "requests/auth.py"
    return next(v for v in spec[1] if v != fact.value)


def _attribute_spec(key: str):
    return next(spec for name, spec in T.ATTRIBUTES.items() if key.endswith(" " + name))


def test_reader_is_idealised_but_exact_about_boundaries():
    probe = Probe(
        "What is the dev cart-service port?", "8443", "recall", "dev cart-service port", (0,)
    )
    assert answer(probe, "dev cart-service port: 8443")
    assert answer(probe, "Dev Cart-Service Port = 8443.")
    assert not answer(probe, "dev cart-service ports: 8443")  # another word
    assert not answer(probe, "eu-dev cart-service port: 8443")  # another key
    assert not answer(probe, "dev cart-service port: 84430")
    assert not answer(probe, "dev cart-service port: RQ-8443")  # a ticket is not a number
    assert not answer(probe, "dev cart-service port:\n8443")
    # a character whose lower case is longer ("İ" -> "i̇") takes the slower, equal path
    assert answer(probe, "İstanbul\nDEV CART-SERVICE PORT: 8443")
    assert not answer(probe, "İstanbul\ndev cart-service port: 8443, dev cart-service port: 1")


# ---------------------------------------------------------------------------------------
# Phrasings


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def test_templates_bind_key_before_value_on_one_line():
    for name, parts in T.STATEMENTS.items():
        for template in parts[0] + parts[1]:
            assert "\n" not in template
            fields = _fields(template)
            if "key" in fields:
                assert fields.index("key") < fields.index("value"), (name, template)
                between = template.split("{key}")[1].split("{value}")[0]
                assert not re.search(r"\d|requests/|E\d", between), template
                assert not any(
                    phrase.lower() in between.lower()
                    for phrase in T.REASONS + tuple(T.EDITS) + T.ACTIONS
                )


def test_held_out_phrasings_differ_from_development_ones():
    for pools in (T.STATEMENTS, T.QUESTIONS):
        for name, (development, held_out) in pools.items():
            assert development and held_out, name
            assert not set(development) & set(held_out), name


def _skeleton(line: str, fact: Fact) -> str:
    line = re.sub(r"^\[[^\]]+\] ", "", line)
    return line.replace(fact.key, "{key}").replace(fact.value, "{value}")


def test_held_out_sessions_use_only_held_out_phrasings(default_session, held_out_session):
    def shapes(session):
        binding = {re.sub(r"\d+", "N", _skeleton(session.lines[f.line], f)) for f in session.facts}
        questions = set()
        for probe in session.probes:
            question = probe.question.replace(probe.key, "{key}")
            questions.add(re.sub(r"RQ-\d{4}", "{ticket}", question))
        return binding, questions

    development, held_out = shapes(default_session), shapes(held_out_session)
    assert not development[0] & held_out[0]
    assert not development[1] & held_out[1]


# ---------------------------------------------------------------------------------------
# Bits


DOCUMENTED_SIZES = {
    "port": 1000,
    "timeout seconds": 120,
    "retry limit": 16,
    "pool size": 64,
    "max body kilobytes": 1024,
    "rate limit per minute": 600,
    "error code": 9000,
    "handler module": 18,
    "log level": 5,
    "auth scheme": 4,
    "tls version": 2,
    "compression": 5,
    "preferred line length": 49,
    "preferred test command": 6,
    "preferred quote style": 2,
    "preferred docstring style": 4,
}


def expected_bits(fact: Fact, edits_before: int) -> float:
    for name, size in DOCUMENTED_SIZES.items():
        if fact.key == name or (not name.startswith("preferred") and fact.key.endswith(" " + name)):
            return math.log2(size)
    if fact.key.endswith(" choice"):
        return 2.0
    if fact.key.endswith(" rationale"):
        return 4.0
    if fact.key.endswith(" next step"):
        return math.log2(12 * 10)
    assert " change to " in fact.key
    return math.log2(10 - edits_before) + 4.0


def test_fact_bits_are_the_documented_set_sizes():
    assert len(_editable()) == 10
    session = generate_session(4, n_tokens=40_000, fact_density=3.0)
    edits: dict[str, int] = {}
    seen = set()
    for fact in session.facts:
        ticket = fact.key.split(" ")[0]
        before = edits.get(ticket, 0)
        assert fact.bits == pytest.approx(expected_bits(fact, before), abs=1e-12), fact
        if " change to " in fact.key:
            edits[ticket] = before + 1
        seen.add(next((n for n in DOCUMENTED_SIZES if fact.key.endswith(n)), fact.key[-6:]))
    assert len(seen) > 12


def test_values_come_from_their_sets():
    session = generate_session(9, n_tokens=40_000, fact_density=3.0)
    paths = {f"requests/{name}" for name in re.findall(r"# ==> requests/(\S+) <==", code_corpus())}
    for fact in session.facts:
        spec = T.PREFERENCES.get(fact.key)
        if spec is None and not re.match(r"RQ-\d{4} ", fact.key):
            spec = _attribute_spec(fact.key)
        if spec is None:
            continue
        if spec[0] == "int":
            assert spec[1] <= int(fact.value) <= spec[2]
        elif spec[0] == "code":
            assert re.fullmatch(r"E\d{4}", fact.value) and int(fact.value[1:]) >= 1000
        elif spec[0] == "path":
            assert fact.value in paths
        else:
            assert fact.value in spec[1]


# ---------------------------------------------------------------------------------------
# Arguments


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": "1"}, "seed"),
        ({"n_tokens": MIN_TOKENS - 1}, "n_tokens"),
        ({"n_tokens": 20_000.0}, "n_tokens"),
        ({"n_tokens": True}, "n_tokens"),
        ({"fact_density": 0.0}, "fact_density"),
        ({"fact_density": -1.0}, "fact_density"),
        ({"fact_density": math.nan}, "fact_density"),
        ({"fact_density": math.inf}, "fact_density"),
        ({"fact_density": MAX_FACT_DENSITY + 1}, "fact_density"),
        ({"fact_density": "1"}, "fact_density"),
        ({"held_out": 1}, "held_out"),
        ({"n_tokens": 2_000, "fact_density": 1.0}, "at least 6 facts"),
        ({"n_tokens": 2_000, "fact_density": MAX_FACT_DENSITY}, "too high"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    arguments = {"seed": 0, "n_tokens": 10_000} | kwargs
    with pytest.raises(ValueError, match=match):
        generate_session(**arguments)


def test_answer_rejects_what_it_cannot_read(session):
    probe = session.probes[0]
    with pytest.raises(ValueError, match="probe"):
        answer("not a probe", session.text)
    with pytest.raises(ValueError, match="context"):
        answer(probe, session.lines)
    bad = [
        Probe("?", "x", "summary", "dev cart-service port", (0,)),
        Probe("?", "x", "recall", "dev cart-service colour", (0,)),
        Probe("?", "x", "continuation", "RQ-1234 plan", (0,)),
        Probe("?", "x", "decision", "RQ-1234 colour scheme", (0,)),
        Probe("?", "x, because y", "decision", "ticket retry strategy", (0,)),
        Probe("?", "x", "artifact", "RQ-1234 edits", (0,)),
        Probe("?", "no colon", "artifact", "RQ-1234 changes", (0,)),
    ]
    for probe in bad:
        with pytest.raises(ValueError):
            answer(probe, session.text)


def test_message_lines():
    assert Message("user", "a\nb").lines == ("[user] a", "b")
    assert Message("tool", "x", "shell").tag == "[tool:shell]"


# ---------------------------------------------------------------------------------------
# The generator's own information (Session.generator_bits)


def test_counting_generator_counts_each_draw_and_draws_as_numpy():
    from rdlib.sessions import _CountingGenerator

    plain, counted = np.random.default_rng(7), _CountingGenerator(np.random.default_rng(7))
    assert counted.integers(8) == plain.integers(8)
    assert counted.bits() == pytest.approx(3.0)
    assert list(counted.integers(1, 9, 4)) == list(plain.integers(1, 9, 4))
    assert counted.bits() == pytest.approx(3.0 + 12.0)
    assert list(counted.choice(10, 3, replace=False)) == list(plain.choice(10, 3, replace=False))
    assert counted.bits() == pytest.approx(15.0 + math.log2(10 * 9 * 8))
    assert list(counted.choice(10, 3, replace=False, ordered=False)) == list(
        plain.choice(10, 3, replace=False)
    )
    assert counted.bits() == pytest.approx(15.0 + math.log2(10 * 9 * 8) + math.log2(120))
    before = counted.bits()
    assert list(counted.permutation(5, repeats=(3, 2))) == list(plain.permutation(5))
    assert counted.bits() - before == pytest.approx(math.log2(10))  # 5! / (3! 2!) orders
    counted.integers(1)  # one possible outcome: no information
    assert counted.bits() - before == pytest.approx(math.log2(10))


def test_counting_the_draws_changes_no_session(monkeypatch):
    import rdlib.sessions as sessions_module

    class PassThrough:
        def __init__(self, rng):
            self.rng = rng

        def integers(self, *args):
            return self.rng.integers(*args)

        def choice(self, a, size, replace=True, ordered=True):
            return self.rng.choice(a, size, replace=replace)

        def permutation(self, n, repeats=()):
            return self.rng.permutation(n)

        def bits(self):
            return None

    counted = generate_session(3, n_tokens=8_000, fact_density=3.0)
    monkeypatch.setattr(sessions_module, "_CountingGenerator", PassThrough)
    plain = generate_session(3, n_tokens=8_000, fact_density=3.0)
    assert plain.generator_bits is None and counted.generator_bits > 0
    assert (plain.messages, plain.facts, plain.probes) == (
        counted.messages,
        counted.facts,
        counted.probes,
    )


def test_generator_bits_bound_the_facts_and_grow_with_length():
    short = generate_session(2, n_tokens=10_000)
    long = generate_session(2, n_tokens=40_000)
    assert short.generator_bits == generate_session(2, n_tokens=10_000).generator_bits
    for session in (short, long):
        # every fact's value is one of the draws, so its bits are among those counted
        assert session.generator_bits > math.fsum(f.bits for f in session.facts)
    assert 2.5 < long.generator_bits / short.generator_bits < 5.5
    assert Session(0, (Message("user", "a"),), (), ()).generator_bits is None
