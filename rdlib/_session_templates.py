"""The phrasings and catalogues :mod:`rdlib.sessions` draws a session from.

Two kinds of tables:

- **Catalogues** of values a planted fact is drawn from, uniformly (their sizes give each
  fact's information in bits), and of the names the bulk is made of.
- **Phrasing pools**: for each statement that binds a fact (and each probe question), a
  pair ``(development, held_out)`` of templates. A generator called with
  ``held_out=True`` uses only the second part, so a compactor developed against the
  first has never seen those phrasings.

Every binding template holds ``{key}`` before ``{value}`` on one line, with no digit,
file path or catalogue phrase between them (the reader binds a key to the first value
after it on its line; ``tests/test_sessions.py`` checks these rules).
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------
# Catalogues of values

ENVIRONMENTS = (
    "dev",
    "qa",
    "staging",
    "perf",
    "canary",
    "production",
    "eu-production",
    "us-production",
)
"""The deployment environments a recall fact's key names."""

COMPONENTS = (
    "auth-proxy",
    "billing-api",
    "upload-worker",
    "metrics-exporter",
    "search-indexer",
    "image-resizer",
    "session-store",
    "webhook-relay",
    "audit-logger",
    "feature-flags",
    "payment-gateway",
    "email-sender",
    "report-builder",
    "cache-warmer",
    "rate-limiter",
    "geo-lookup",
    "token-service",
    "notification-hub",
    "export-worker",
    "pdf-renderer",
    "inventory-sync",
    "order-router",
    "profile-api",
    "thumbnail-cdn",
    "ledger-writer",
    "queue-bridge",
    "schema-registry",
    "config-server",
    "health-checker",
    "log-shipper",
    "backup-agent",
    "sitemap-builder",
    "experiment-router",
    "recommendation-api",
    "translation-api",
    "shipping-quotes",
    "tax-calculator",
    "fraud-scorer",
    "cart-service",
    "user-directory",
)
"""The services a recall fact's key names (40)."""

# A value specification: ("int", lo, hi) for the integers lo..hi; ("code",) for an error
# code E1000..E9999; ("path",) for one of the code corpus's files; ("choice", values).
ERROR_CODE_RANGE = (1000, 9999)
"""Error codes are ``E`` followed by an integer in this range (inclusive): 9,000 values."""

ATTRIBUTES: dict[str, tuple] = {
    "port": ("int", 8000, 8999),
    "timeout seconds": ("int", 1, 120),
    "retry limit": ("int", 1, 16),
    "pool size": ("int", 1, 64),
    "max body kilobytes": ("int", 1, 1024),
    "rate limit per minute": ("int", 1, 600),
    "error code": ("code",),
    "handler module": ("path",),
    "log level": ("choice", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    "auth scheme": ("choice", ("basic auth", "digest auth", "bearer token", "mutual TLS")),
    "tls version": ("choice", ("TLSv1.2", "TLSv1.3")),
    "compression": ("choice", ("gzip", "deflate", "brotli", "zstd", "identity")),
}
"""A recall fact's key is ``"<environment> <component> <attribute>"``; its value is drawn
uniformly from the attribute's specification."""

PREFERENCES: dict[str, tuple] = {
    "preferred line length": ("int", 72, 120),
    "preferred test command": (
        "choice",
        ("pytest -x", "pytest -q", "tox", "nox", "make test", "python -m unittest"),
    ),
    "preferred quote style": ("choice", ("single quotes", "double quotes")),
    "preferred docstring style": (
        "choice",
        ("numpydoc", "Google style", "reStructuredText", "plain prose"),
    ),
}
"""The user's preferences, stated in the session's first message (keys used verbatim)."""

TOPICS: dict[str, tuple[str, ...]] = {
    "retry strategy": (
        "fixed delay",
        "exponential backoff",
        "jittered backoff",
        "circuit breaker",
        "retry budget",
        "no retries",
    ),
    "cache backend": (
        "in-memory LRU",
        "sqlite cache",
        "filesystem cache",
        "redis cache",
        "memcached",
        "no cache",
    ),
    "serialization format": ("JSON", "MessagePack", "CBOR", "protobuf", "pickle", "YAML"),
    "lock type": (
        "threading.Lock",
        "threading.RLock",
        "a semaphore",
        "a condition variable",
        "a lock-free queue",
        "a file lock",
    ),
    "test fixture style": (
        "pytest fixtures",
        "unittest setUp",
        "factory functions",
        "parametrized tests",
        "recorded cassettes",
        "a local test server",
    ),
    "timeout handling": (
        "a single total timeout",
        "separate connect and read timeouts",
        "a per-request deadline",
        "a session-wide default",
        "an adapter-level timeout",
        "no timeout",
    ),
    "error wrapping": (
        "wrap in RequestException",
        "re-raise unchanged",
        "a new exception subclass",
        "exception chaining",
        "return an error response",
        "log and continue",
    ),
    "header merge policy": (
        "request headers win",
        "session headers win",
        "merge case-insensitively",
        "drop None values first",
        "copy-on-write",
        "reject duplicates",
    ),
    "logging approach": (
        "module-level logger",
        "structured logging",
        "debug-only logging",
        "a logging adapter",
        "warnings module",
        "no logging",
    ),
    "dependency pinning": (
        "exact pins",
        "compatible-release pins",
        "lower bounds only",
        "a constraints file",
        "a lock file",
        "vendored copies",
    ),
}
"""Decision topics and the options each may be settled with (6 per topic)."""

OPTIONS_DISCUSSED = 4
"""How many of a topic's options a decision discusses; the chosen one is uniform among them."""

REASONS = (
    "it needs no new dependency",
    "it keeps the public API unchanged",
    "it is already used elsewhere in the codebase",
    "it is the simplest change that passes the tests",
    "it stays thread-safe under the connection pool",
    "it keeps the change backwards compatible",
    "it avoids an extra network round trip",
    "it is what the upstream maintainers recommend",
    "it keeps memory bounded for large bodies",
    "it makes the failure deterministic in tests",
    "it works on every supported Python version",
    "it keeps the hot path free of locks",
    "it is easy to revert if it misbehaves",
    "it limits the blast radius to one module",
    "it keeps the error messages unchanged",
    "it avoids touching the vendored code",
)
"""Reasons a decision is taken for (16, uniform)."""

CONS = (
    "too much new state for a bug fix",
    "it would change behaviour users rely on",
    "it drags in a dependency we do not ship",
    "it is hard to test without a network",
    "it is slower on the common path",
    "the maintainers rejected something similar before",
    "it does not work on PyPy",
    "it hides the original traceback",
)
"""Why an option was ruled out (bulk; never bound to a key)."""

EDITS: dict[str, str] = {
    "added a None check before the retry loop": "        if retries is None:",
    "renamed a local variable for clarity": "        merged_headers = self.headers.copy()",
    "moved the header merge into a helper": "        headers = _merge(self.headers, headers)",
    "added a return type annotation": "    def send(self, request, **kwargs) -> Response:",
    "replaced a bare except with a specific exception": "        except (OSError, ValueError):",
    "added a keyword-only timeout argument": "    def close(self, *, timeout=None):",
    "removed a dead branch": "        # the Python 2 branch was unreachable",
    "cached the compiled regular expression": '_HEADER_RE = re.compile(r"^\\S[^\\r\\n]*$")',
    "added a deprecation warning": '        warnings.warn("use Session.send", DeprecationWarning)',
    "fixed an off-by-one in the slice": "        chunk = data[start : end + 1]",
    "added a docstring example": '        >>> requests.get("https://example.org").status_code',
    "made the default argument immutable": "    def prepare(self, hooks=None):",
    "added logging at debug level": '        log.debug("retrying %s", request.url)',
    "guarded an optional import": "try:\n    import simplejson as json",
    "normalised the header names to lowercase": "        name = name.lower()",
    "closed the response in a finally block": "        finally:\n            resp.close()",
}
"""How a file may be edited (16, uniform), each with one line of code a diff shows for it."""

EDITS_PER_TICKET = 3
"""Files edited per ticket: distinct, each uniform among the files not yet edited for it."""

ACTIONS = (
    "add a regression test for",
    "rerun the failing tests in",
    "review the diff of",
    "write a changelog entry for",
    "benchmark the hot path in",
    "update the docstrings in",
    "add type hints to",
    "split the long function in",
    "remove the debug logging from",
    "ask the user to review",
    "profile the memory use of",
    "simplify the error handling in",
)
"""The open next step of a ticket is an action followed by a file path (12 x 18 values)."""

# ---------------------------------------------------------------------------------------
# Phrasing pools: (development, held_out)

STATEMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # a recall fact said by the user
    "recall_user": (
        (
            "For reference, the {key} is {value}.",
            "Note: {key} = {value}.",
            "FYI the {key} is {value}, in case you need it.",
        ),
        (
            "Heads-up from ops: the {key} has been set to {value} and should stay there.",
            "In case it matters later, our {key} ended up as {value}.",
            "Someone asked me about the {key} earlier; it is {value}, if that helps.",
        ),
    ),
    # a recall fact in a tool's output (one line of a config listing)
    "recall_tool": (
        ("{key}: {value}", "{key} = {value}"),
        ("{key} -> {value}", "{key} (effective) ...... {value}"),
    ),
    # a recall fact the agent notes while working
    "recall_note": (
        (
            "Noting the {key}: {value}.",
            "The logs show the {key} is {value}.",
        ),
        (
            "Worth remembering: the {key} turned out to be {value}.",
            "So the {key}, according to what I just read, is {value}.",
        ),
    ),
    # a user preference, stated in the first message
    "preference": (
        (
            "- my {key} is {value}",
            "- {key}: {value}",
        ),
        (
            "- please stick to my {key}, which is {value}, everywhere",
            "- whatever else happens, the {key} stays {value}",
        ),
    ),
    # the decision itself (the key ends in "choice")
    "choice": (
        (
            "Decision: {key} = {value}.",
            "{key}: {value}.",
        ),
        (
            "After weighing them, my {key} lands on {value}.",
            "Settling the {key} as {value} for now.",
        ),
    ),
    # its reason (the key ends in "rationale")
    "rationale": (
        (
            "{key}: {value}.",
            "Reason, for the record ({key}): {value}.",
        ),
        (
            "The {key}, in short, is that {value}.",
            "As for the {key}: mainly that {value}.",
        ),
    ),
    # the next step of a ticket (the key ends in "next step")
    "next_step": (
        (
            "{key}: {value}.",
            "Updated plan, {key}: {value}.",
        ),
        (
            "Leaving a marker so I do not lose it: {key} is to {value}.",
            "Before I forget, the {key} would be to {value}.",
        ),
    ),
    # an edit (the first line of an edit_file tool message; key "<ticket> change to <path>")
    "edit": (
        (
            "applied {key}: {value} (+{added} -{removed})",
            "{key} saved: {value} (+{added} -{removed})",
        ),
        (
            "wrote {key}, namely {value}; {added} insertions, {removed} deletions",
            "ok, {key} is on disk now, which {value}; {added} insertions, {removed} deletions",
        ),
    ),
    # the options of a decision, listed (no key)
    "options": (
        ("Options for the {topic} on {ticket}: {options}.",),
        ("There are a few ways to handle the {topic} here ({ticket}): {options}.",),
    ),
    # an option ruled out (no key)
    "rejection": (
        ("Ruling out {option}: {con}.",),
        ("{option} is out, since {con}.",),
    ),
    # a decision revisited, before the new choice (no key)
    "revisit": (
        ("Revisiting the {topic} on {ticket}: {old} broke {test}.",),
        ("I need to go back on the {topic} for {ticket}; {old} made {test} fail.",),
    ),
}
"""Statement phrasings: name -> (development templates, held-out templates)."""

QUESTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "recall": (
        ("What is the {key}?", "Which value was given for the {key}?"),
        ("Remind me: what did we have for the {key}?", "Before we go on, what's the {key}?"),
    ),
    "continuation": (
        ("What is the open next step for {ticket}?", "What should be done next on {ticket}?"),
        (
            "Where did we leave {ticket}: what remains to do first?",
            "If I pick {ticket} back up, what's the first thing to do?",
        ),
    ),
    "decision": (
        (
            "Which {topic} was chosen for {ticket}, and why?",
            "What did we decide about the {topic} for {ticket}, and for what reason?",
        ),
        (
            "On {ticket}, what {topic} did we go with, and what was the reasoning?",
            "Explain the {topic} decision on {ticket}: which option, and why?",
        ),
    ),
    "artifact": (
        (
            "Which files were changed for {ticket}, and how?",
            "List the edits made for {ticket}: each file and its change.",
        ),
        (
            "What did {ticket} touch in the codebase, and what was done to each file?",
            "Give me the artifact trail for {ticket}: files modified and the change to each.",
        ),
    ),
}
"""Probe questions: kind -> (development templates, held-out templates)."""

# ---------------------------------------------------------------------------------------
# Bulk: what a session is mostly made of (never binds a key)

SYMPTOMS = (
    "drops the timeout after a redirect",
    "raises KeyError on an empty header",
    "leaks a connection when the body is streamed",
    "mangles non-ASCII cookie values",
    "ignores the proxy environment variables",
    "retries a POST that already reached the server",
    "loses the auth header on a same-host redirect",
    "reads the whole body into memory for large downloads",
    "reports the wrong encoding for JSON responses",
    "is slow when the session holds many cookies",
    "swallows the original SSL error",
    "breaks when the URL has an IPv6 host",
)

REQUESTS = (
    "{ticket}: `{func}` in {path} {symptom}. Please fix it and add a test.",
    "New ticket {ticket}. A customer says `{func}` ({path}) {symptom}; can you take a look?",
    "Next up is {ticket}: {symptom}, probably somewhere around `{func}` in {path}.",
    "{ticket} came in overnight: the client {symptom}. Start from `{func}` in {path}.",
)

OPENERS = (
    "Hi! We are working on the requests 2.32.3 code base today. Some preferences first:",
    "Morning. Same repository as last week (requests 2.32.3). Before we start:",
)

REASONING = (
    "Looking at `{func}` in {path}: the {noun} is computed before the hooks run, "
    "so a hook cannot change it.",
    "`{func}` calls `{func2}` on every request; that is where the {noun} gets rebuilt.",
    "The traceback ends in {path}, inside `{func}`, so the bug is upstream of the adapter.",
    "I suspect `{func2}` is fine and the problem is how `{func}` passes the {noun} along.",
    "{path} has no test for `{func}` with an empty {noun}; that is probably why nobody noticed.",
    "If I change `{func}`, `{func2}` in {path2} needs the same treatment, or the two drift apart.",
    "The {noun} is copied in `{func}` and mutated later in `{func2}`; a shallow copy is not "
    "enough.",
    "Let me check how `{func}` is reached from `Session.request` before touching anything.",
    "That search shows `{func}` is only used in {path} and {path2}, so the change is local.",
    "The failing assertion compares the {noun}; the fixture builds it with `{func2}`.",
    "`{func}` predates the move to urllib3 2, which explains the defensive code around the {noun}.",
    "Nothing in {path2} depends on the order in which `{func}` sets the {noun}.",
)

NOUNS = (
    "headers dict",
    "cookie jar",
    "proxy mapping",
    "timeout value",
    "response body",
    "redirect history",
    "auth tuple",
    "connection pool",
    "encoding guess",
    "prepared request",
    "query string",
    "chunk size",
)

PLANS = (
    "Plan:",
    "Steps from here:",
    "What I will do:",
)

PLAN_STEPS = (
    "read `{func}` in {path}",
    "reproduce the failure with a minimal script",
    "grep for callers of `{func}`",
    "write a failing test first",
    "run the session tests",
    "check how {path} handles the {noun}",
    "compare with the behaviour of requests 2.31",
    "look at the git blame for `{func}`",
)

CHATTER = (
    "ok, go ahead",
    "sounds good, continue",
    "any progress?",
    "while you are there, keep an eye on the cookie handling too",
    "thanks, that traceback is the one the customer sent",
    "no rush, take the time to get it right",
    "can you make sure the tests still pass on the slow runner?",
    "that matches what I saw locally",
)

REMINDERS = (
    "Before you write any more code, remember the {key} I gave you at the start.",
    "Reminder: the final patch has to follow the {key} from the start of the session.",
)

TEST_SUFFIXES = (
    "handles_none",
    "keeps_headers",
    "on_redirect",
    "with_proxies",
    "roundtrip",
    "unicode",
    "timeout",
    "empty_body",
    "streaming",
    "after_close",
)

EXCEPTIONS = (
    "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', "
    "port={n}): Max retries exceeded with url: /get",
    "KeyError: 'content-type'",
    "AttributeError: 'NoneType' object has no attribute 'read'",
    "requests.exceptions.InvalidHeader: Header part ('x-trace') from ('X-Trace', 1) must "
    "be of type str or bytes",
    "AssertionError: assert 'gzip, deflate' == 'gzip, deflate, br'",
    "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='127.0.0.1', port={n}): "
    "Read timed out. (read timeout=0.{m})",
    "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u2019' in position {m}",
    "TypeError: expected string or bytes-like object, got 'int'",
)

COMMITS = (
    "Fix {noun} handling in {func}",
    "Add test for {func}",
    "Refactor {func} for readability",
    "Bump urllib3 lower bound",
    "Document the {noun} behaviour",
    "Revert change to {func}",
)

CONFIG_ATTRIBUTES = (
    ("replicas", ("1", "2", "3", "4", "6")),
    ("region", ("eu-west-1", "us-east-1", "ap-south-1")),
    ("image tag", ("2024.07.1", "2024.06.3", "2024.05.2")),
    ("owner team", ("platform", "payments", "growth", "infra")),
    ("health path", ("/healthz", "/ready", "/status")),
    ("memory limit", ("256Mi", "512Mi", "1Gi")),
)
"""Configuration lines of the bulk: keys no fact ever uses (not in :data:`ATTRIBUTES`)."""

PIP_LIST = (
    "Package            Version",
    "------------------ ---------",
    "certifi            2024.7.4",
    "charset-normalizer 3.3.2",
    "idna               3.7",
    "iniconfig          2.0.0",
    "pytest             8.3.2",
    "requests           2.32.3",
    "urllib3            2.2.2",
)
