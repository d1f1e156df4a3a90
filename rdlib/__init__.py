"""rdlib: the helper library of *The Rate-Distortion Theory of Context Compression*.

Small, pure functions that the book's chapters call. One module per topic:

- :mod:`rdlib.gaussian` — Gaussian source under mean-squared error.
- :mod:`rdlib.info` — entropy and mutual information.
- :mod:`rdlib.discrete` — discrete sources, Hamming distortion, closed forms.
- :mod:`rdlib.context` — bits lost when a conversation of tokens is compressed.
- :mod:`rdlib.evidence` — published measurements, typed in once with their sources.
- :mod:`rdlib.tables` — fixed-width tables for printed results.
- :mod:`rdlib.plotting` — the book's figure style and shared plots.

All rates are in bits unless a function says otherwise.
"""

from .context import (
    CompressionRow,
    ContextAnalysis,
    GapAnalysis,
    compression_gap_analysis,
    context_compression_analysis,
)
from .discrete import expected_distortion, hamming_distortion, rate_distortion_bernoulli
from .evidence import (
    ARTIFACT_TRAIL_RANGE_2025,
    FACTORY_2025,
    CompactionResult,
    ratio_from_removed,
)
from .gaussian import distortion_rate_gaussian, rate_distortion_gaussian
from .info import binary_entropy, entropy, mutual_information
from .plotting import (
    PALETTE,
    plot_distortion_rate,
    plot_rate_distortion,
    show_figure,
    use_book_style,
)
from .tables import format_table

__all__ = [
    "ARTIFACT_TRAIL_RANGE_2025",
    "FACTORY_2025",
    "PALETTE",
    "CompactionResult",
    "CompressionRow",
    "ContextAnalysis",
    "GapAnalysis",
    "binary_entropy",
    "compression_gap_analysis",
    "context_compression_analysis",
    "distortion_rate_gaussian",
    "entropy",
    "expected_distortion",
    "format_table",
    "hamming_distortion",
    "mutual_information",
    "plot_distortion_rate",
    "plot_rate_distortion",
    "rate_distortion_bernoulli",
    "rate_distortion_gaussian",
    "ratio_from_removed",
    "show_figure",
    "use_book_style",
]

__version__ = "0.1.0"
