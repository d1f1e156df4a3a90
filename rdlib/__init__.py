"""rdlib: the helper library of *The Rate-Distortion Theory of Context Compression*.

Small, pure functions that the book's chapters call. One module per topic:

- :mod:`rdlib.gaussian` — Gaussian sources under mean-squared error, reverse water-filling.
- :mod:`rdlib.info` — entropy and mutual information.
- :mod:`rdlib.discrete` — discrete sources: distortion measures and closed forms.
- :mod:`rdlib.solver` — the Blahut–Arimoto solver, with a certified error bound
  (its update equations in ``_ba_equations``, its acceleration in ``_acceleration``).
- :mod:`rdlib.context` — bits lost when a conversation of tokens is compressed.
- :mod:`rdlib.evidence` — published measurements, typed in once with their sources.
- :mod:`rdlib.pruning` — exact limits of prompt pruning on a toy source.
- :mod:`rdlib.tables` — fixed-width tables for printed results.
- :mod:`rdlib.plotting` — the book's figure style and shared plots.
- :mod:`rdlib.corpora` — chapter 12's texts, fetched once from pinned PyPI sdists, hash-checked.
- :mod:`rdlib.tokens` — tiktoken's ``cl100k_base`` and ``o200k_base``, offline.
- :mod:`rdlib.entropy` — estimates of an entropy rate: compressors, plug-in estimates, an
  adaptive n-gram code (its vectorised machinery in ``_ngram``).
- :mod:`rdlib.markov` — Markov sources of any order: exact entropy rate, sampling.
- :mod:`rdlib.sessions` — synthetic coding-agent sessions with planted facts and probes, and an
  idealised reader (its phrasings in ``_session_templates``).
- :mod:`rdlib.compaction` — token budgets and seven compactors.
- :mod:`rdlib.limits` — the exact limits of extractive compaction on a session.

All rates are in bits unless a function says otherwise.
"""

from .compaction import COMPACTORS, compact, token_cost
from .context import (
    CompressionRow,
    ContextAnalysis,
    GapAnalysis,
    compression_gap_analysis,
    context_compression_analysis,
    vector_capacity,
)
from .corpora import (
    CANTERBURY_NAMES,
    CorpusError,
    canterbury,
    code_corpus,
    code_docstrings,
    data_dir,
    fetch_corpora,
)
from .discrete import (
    expected_distortion,
    hamming_distortion,
    rate_distortion_bernoulli,
    rate_distortion_hamming,
    rate_distortion_uniform_hamming,
    shannon_lower_bound_hamming,
)
from .entropy import (
    COMPRESSORS,
    DEFAULT_ORDER,
    BlockEntropies,
    EntropyEstimate,
    EntropyReport,
    TokenizerStats,
    bits_per_char,
    block_entropies,
    entropy_report,
    ngram_code_length,
    ngram_costs,
    unigram_entropy,
)
from .evidence import (
    ARTIFACT_TRAIL_RANGE_2025,
    BELLARD_TSZIP_ALICE29,
    BROWN_1992,
    COVER_KING_1978,
    FACTORY_2025,
    PUBLISHED_TEXT_RATES,
    CompactionResult,
    PublishedRate,
    ratio_from_removed,
)
from .gaussian import (
    WaterFilling,
    distortion_rate_gaussian,
    rate_distortion_gaussian,
    reverse_water_filling,
)
from .info import binary_entropy, entropy, mutual_information
from .limits import (
    TaskShare,
    context_bits,
    counting_accuracy_bound,
    counting_bound,
    extractive_limits,
    fact_bits,
    probe_bits,
    task_share,
    token_capacity,
)
from .markov import markov_code_length, markov_entropy_rate, sample_markov, stationary_contexts
from .plotting import (
    PALETTE,
    plot_distortion_rate,
    plot_rate_distortion,
    show_figure,
    use_book_style,
)
from .pruning import (
    QUERIES,
    PruningCurve,
    fixed_subset_losses,
    keep_what_is_asked,
    optimal_distortion_rate,
    optimal_rate_distortion,
    pruning_curve,
    pruning_losses,
)
from .sessions import (
    DEFAULT_FACT_DENSITY,
    PROBE_KINDS,
    Fact,
    Message,
    Probe,
    Session,
    answer,
    generate_session,
    render_lines,
)
from .solver import (
    ConvergenceWarning,
    RDCurve,
    RDPoint,
    blahut_arimoto,
    rate_distortion_at,
    rate_distortion_curve,
)
from .tables import format_table
from .tokens import ENCODINGS, tiktoken_encoding, tokenize, vocabulary_size

__all__ = [
    "ARTIFACT_TRAIL_RANGE_2025",
    "BELLARD_TSZIP_ALICE29",
    "BROWN_1992",
    "CANTERBURY_NAMES",
    "COMPACTORS",
    "COMPRESSORS",
    "COVER_KING_1978",
    "DEFAULT_FACT_DENSITY",
    "DEFAULT_ORDER",
    "ENCODINGS",
    "FACTORY_2025",
    "PALETTE",
    "PROBE_KINDS",
    "PUBLISHED_TEXT_RATES",
    "QUERIES",
    "BlockEntropies",
    "CompactionResult",
    "CompressionRow",
    "ContextAnalysis",
    "ConvergenceWarning",
    "CorpusError",
    "EntropyEstimate",
    "EntropyReport",
    "Fact",
    "GapAnalysis",
    "Message",
    "Probe",
    "PruningCurve",
    "PublishedRate",
    "RDCurve",
    "RDPoint",
    "Session",
    "TaskShare",
    "TokenizerStats",
    "WaterFilling",
    "answer",
    "binary_entropy",
    "bits_per_char",
    "blahut_arimoto",
    "block_entropies",
    "canterbury",
    "code_corpus",
    "code_docstrings",
    "compact",
    "compression_gap_analysis",
    "context_bits",
    "context_compression_analysis",
    "counting_accuracy_bound",
    "counting_bound",
    "data_dir",
    "distortion_rate_gaussian",
    "entropy",
    "entropy_report",
    "expected_distortion",
    "extractive_limits",
    "fact_bits",
    "fetch_corpora",
    "fixed_subset_losses",
    "format_table",
    "generate_session",
    "hamming_distortion",
    "keep_what_is_asked",
    "markov_code_length",
    "markov_entropy_rate",
    "mutual_information",
    "ngram_code_length",
    "ngram_costs",
    "optimal_distortion_rate",
    "optimal_rate_distortion",
    "plot_distortion_rate",
    "plot_rate_distortion",
    "probe_bits",
    "pruning_curve",
    "pruning_losses",
    "rate_distortion_at",
    "rate_distortion_bernoulli",
    "rate_distortion_curve",
    "rate_distortion_gaussian",
    "rate_distortion_hamming",
    "rate_distortion_uniform_hamming",
    "ratio_from_removed",
    "render_lines",
    "reverse_water_filling",
    "sample_markov",
    "shannon_lower_bound_hamming",
    "show_figure",
    "stationary_contexts",
    "task_share",
    "tiktoken_encoding",
    "token_capacity",
    "token_cost",
    "tokenize",
    "unigram_entropy",
    "use_book_style",
    "vector_capacity",
    "vocabulary_size",
]

__version__ = "0.1.0"
