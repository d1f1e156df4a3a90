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

All rates are in bits unless a function says otherwise.
"""

from .context import (
    CompressionRow,
    ContextAnalysis,
    GapAnalysis,
    compression_gap_analysis,
    context_compression_analysis,
    vector_capacity,
)
from .discrete import (
    expected_distortion,
    hamming_distortion,
    rate_distortion_bernoulli,
    rate_distortion_hamming,
    rate_distortion_uniform_hamming,
    shannon_lower_bound_hamming,
)
from .evidence import (
    ARTIFACT_TRAIL_RANGE_2025,
    FACTORY_2025,
    CompactionResult,
    ratio_from_removed,
)
from .gaussian import (
    WaterFilling,
    distortion_rate_gaussian,
    rate_distortion_gaussian,
    reverse_water_filling,
)
from .info import binary_entropy, entropy, mutual_information
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
from .solver import (
    ConvergenceWarning,
    RDCurve,
    RDPoint,
    blahut_arimoto,
    rate_distortion_at,
    rate_distortion_curve,
)
from .tables import format_table

__all__ = [
    "ARTIFACT_TRAIL_RANGE_2025",
    "FACTORY_2025",
    "PALETTE",
    "QUERIES",
    "CompactionResult",
    "CompressionRow",
    "ContextAnalysis",
    "ConvergenceWarning",
    "GapAnalysis",
    "PruningCurve",
    "RDCurve",
    "RDPoint",
    "WaterFilling",
    "binary_entropy",
    "blahut_arimoto",
    "compression_gap_analysis",
    "context_compression_analysis",
    "distortion_rate_gaussian",
    "entropy",
    "expected_distortion",
    "fixed_subset_losses",
    "format_table",
    "hamming_distortion",
    "keep_what_is_asked",
    "mutual_information",
    "optimal_distortion_rate",
    "optimal_rate_distortion",
    "plot_distortion_rate",
    "plot_rate_distortion",
    "pruning_curve",
    "pruning_losses",
    "rate_distortion_at",
    "rate_distortion_bernoulli",
    "rate_distortion_curve",
    "rate_distortion_gaussian",
    "rate_distortion_hamming",
    "rate_distortion_uniform_hamming",
    "ratio_from_removed",
    "reverse_water_filling",
    "shannon_lower_bound_hamming",
    "show_figure",
    "use_book_style",
    "vector_capacity",
]

__version__ = "0.1.0"
