"""Benchmark: the adaptive n-gram model of rdlib.entropy, its speed and its rates.

Speed (the task fixed by the issue tracker): ``ngram_code_length`` on 1,000,000
``cl100k_base`` tokens at order 3, target at most 5 s on a 2-core machine (aim
1 s). The tokens are those of the four Canterbury texts (alice29, asyoulik,
lcet10, plrabn12) concatenated, repeated and cut at 10^6 tokens. In the same
run, on the same data:

- the plain-Python dictionary implementation of the same model
  (``rdlib._ngram.ngram_costs_plain``), on all 10^6 tokens, once; its costs are
  compared with the vectorised ones;
- PPMd (``pyppmd``, variant H, order 32, 192 MiB, as ``rdlib.bits_per_char``)
  on the text those tokens decode to, byte for byte.

Rates: on ``cl100k_base`` (and, for comparison, ``o200k_base``) tokens of each
Canterbury text, the n-gram model's rate in bits per character (its code length
over the text's characters: the measured characters per token do the
conversion) at orders 0 to 5, against xz and PPMd on the same text. The issue
requires the chosen order (``rdlib.entropy.DEFAULT_ORDER``) to beat xz on every
text, and aims to beat PPMd.

Run with ``make bench``; results go to ``benchmarks/results/ngram.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _common import machine, timed

from rdlib._ngram import ngram_costs_plain
from rdlib.corpora import CANTERBURY_NAMES, canterbury
from rdlib.entropy import COMPRESSORS, DEFAULT_ORDER, bits_per_char, ngram_code_length, ngram_costs
from rdlib.tokens import tiktoken_encoding, tokenize, vocabulary_size

TOKENS = 1_000_000
ORDER = 3
ENCODING = "cl100k_base"
OTHER_ENCODING = "o200k_base"
ORDERS = range(6)
REPEATS = 5
REPEATS_PPMD = 3
TARGET_SECONDS = 5.0
AIM_SECONDS = 1.0
OUT = Path(__file__).parent / "results" / "ngram.json"


def speed_task() -> tuple[np.ndarray, bytes]:
    """10^6 cl100k tokens of the four texts, repeated; and the bytes they decode to."""
    ids = np.concatenate([tokenize(canterbury(name), ENCODING) for name in CANTERBURY_NAMES])
    tokens = np.tile(ids, -(-TOKENS // ids.size))[:TOKENS]
    data = tiktoken_encoding(ENCODING).decode_bytes(tokens.tolist())
    return tokens, data


def run_plain(tokens: np.ndarray, size: int) -> tuple[float, float, float]:
    """Seconds of the plain implementation, its total, and its largest difference per symbol."""
    symbols = tokens.tolist()
    start = time.perf_counter()
    plain = ngram_costs_plain(symbols, ORDER, size)
    seconds = time.perf_counter() - start
    difference = float(np.max(np.abs(np.array(plain) - ngram_costs(tokens, ORDER, size))))
    return seconds, float(np.sum(plain)), difference


def rates(encoding: str) -> dict:
    """Per text: characters, tokens, chars/token, n-gram bits/char at every order."""
    size = vocabulary_size(encoding)
    out = {}
    for name in CANTERBURY_NAMES:
        text = canterbury(name)
        ids = tokenize(text, encoding)
        out[name] = {
            "characters": len(text),
            "tokens": int(ids.size),
            "chars_per_token": len(text) / ids.size,
            "ngram_bits_per_char": {
                str(k): ngram_code_length(ids, k, size) / len(text) for k in ORDERS
            },
        }
    return out


def main() -> int:
    tokens, data = speed_task()
    size = vocabulary_size(ENCODING)
    total, times = timed(lambda: ngram_code_length(tokens, ORDER, size), REPEATS)
    compressed, ppmd_times = timed(lambda: COMPRESSORS["ppmd"](data), REPEATS_PPMD)
    plain_seconds, plain_total, plain_difference = run_plain(tokens, size)
    seconds = statistics.median(times)
    ppmd_seconds = statistics.median(ppmd_times)

    compressors = {
        name: {m: bits_per_char(canterbury(name), m) for m in ("xz", "ppmd")}
        for name in CANTERBURY_NAMES
    }
    per_encoding = {ENCODING: rates(ENCODING), OTHER_ENCODING: rates(OTHER_ENCODING)}
    texts = per_encoding[ENCODING]
    mean_rate = {
        str(k): statistics.fmean(t["ngram_bits_per_char"][str(k)] for t in texts.values())
        for k in ORDERS
    }
    best_order = int(min(mean_rate, key=mean_rate.get))
    chosen = str(DEFAULT_ORDER)
    beats_xz = all(
        texts[n]["ngram_bits_per_char"][chosen] < compressors[n]["xz"] for n in CANTERBURY_NAMES
    )
    beats_ppmd = all(
        texts[n]["ngram_bits_per_char"][chosen] < compressors[n]["ppmd"] for n in CANTERBURY_NAMES
    )
    met = seconds <= TARGET_SECONDS and beats_xz
    result = {
        "task": {
            "tokens": TOKENS,
            "order": ORDER,
            "encoding": ENCODING,
            "data": "cl100k tokens of alice29, asyoulik, lcet10, plrabn12 concatenated, "
            "repeated and cut at 10^6 tokens; PPMd on the bytes they decode to",
            "text_bytes": len(data),
            "distinct_tokens": int(np.unique(tokens).size),
        },
        "machine": machine("numpy", "tiktoken", "pyppmd", "zstandard", "brotli"),
        "ngram": {
            "seconds_median": seconds,
            "seconds_all": times,
            "code_length_bits": total,
            "bits_per_token": total / TOKENS,
        },
        "plain_python": {
            "seconds": plain_seconds,
            "tokens": TOKENS,
            "code_length_bits": plain_total,
            "largest_difference_per_symbol_bits": plain_difference,
        },
        "ppmd": {
            "seconds_median": ppmd_seconds,
            "seconds_all": ppmd_times,
            "bits_per_char": 8 * len(compressed) / len(data),
            "settings": "variant H, order 32, 192 MiB (rdlib.bits_per_char)",
        },
        "ratios": {
            "plain_over_ngram": plain_seconds / seconds,
            "ppmd_over_ngram": ppmd_seconds / seconds,
        },
        "rates": {
            "unit": "bits per character; n-gram = code length of the tokens / characters",
            "compressors": compressors,
            "ngram": per_encoding,
            "mean_over_texts_cl100k": mean_rate,
            "best_order_cl100k": best_order,
            "chosen_order": DEFAULT_ORDER,
            "chosen_beats_xz_on_every_text": beats_xz,
            "chosen_beats_ppmd_on_every_text": beats_ppmd,
        },
        "targets": {
            "seconds_at_most": TARGET_SECONDS,
            "aim_seconds": AIM_SECONDS,
            "beat_xz_on_every_text": True,
            "met": met,
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")

    print(f"n-gram model, order {ORDER}, on {TOKENS:,} {ENCODING} tokens ({len(data):,} bytes)")
    print(f"  rdlib (vectorised): {seconds:8.3f} s  median of {REPEATS}")
    print(f"  plain Python:       {plain_seconds:8.3f} s  once, all {TOKENS:,} tokens")
    print(f"  PPMd on the text:   {ppmd_seconds:8.3f} s  median of {REPEATS_PPMD}")
    print(
        f"  ratios: plain / rdlib = {plain_seconds / seconds:.1f}x, "
        f"PPMd / rdlib = {ppmd_seconds / seconds:.2f}x; "
        f"largest difference from plain: {plain_difference:.1e} bits"
    )
    print()
    print(f"Rates in bits per character ({ENCODING} tokens for the n-gram model)")
    header = f"{'text':<10}{'chars/tok':>10}" + "".join(f"{'k=' + str(k):>8}" for k in ORDERS)
    print(header + f"{'xz':>8}{'PPMd':>8}")
    for name in CANTERBURY_NAMES:
        t = texts[name]
        row = "".join(f"{t['ngram_bits_per_char'][str(k)]:>8.3f}" for k in ORDERS)
        c = compressors[name]
        print(f"{name:<10}{t['chars_per_token']:>10.3f}{row}{c['xz']:>8.3f}{c['ppmd']:>8.3f}")
    print(f"best order on average: {best_order}; chosen order {DEFAULT_ORDER}")
    print(f"  beats xz on every text: {beats_xz}; beats PPMd on every text: {beats_ppmd}")
    print(
        f"target (<= {TARGET_SECONDS:.0f} s, aim {AIM_SECONDS:.0f} s; beat xz): "
        f"{'met' if met else 'NOT met'}"
    )
    print(f"results written to {OUT}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
