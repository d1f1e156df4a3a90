"""Print the numeric back-end this process really got, and fail if a switch did not take.

Usage: python scripts/numeric_backend.py [--expect-off GROUP ...] [--expect-threads N]

``make test`` runs the chapters under several back-ends (see the Makefile's
nbval targets) to prove that their stored outputs do not depend on the CPU. A
back-end is chosen with environment variables: ``NPY_DISABLE_CPU_FEATURES``
switches off numpy's dispatch groups and ``OPENBLAS_NUM_THREADS`` sets
OpenBLAS's threads. numpy ignores feature names it does not know, so each run
first checks that the groups it asked to switch off are off (a group the CPU
lacks is off already), and that OpenBLAS uses the threads asked for. The BLAS
kernel (``OPENBLAS_CORETYPE``) is reported, never set: some machines preset
it because older OpenBLAS builds fail on their processors.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from threadpoolctl import threadpool_info


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expect-off", nargs="*", default=[], metavar="GROUP")
    parser.add_argument("--expect-threads", type=int, default=None)
    args = parser.parse_args(argv)

    enabled = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    pools = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    blas = [i for i in pools if i.get("internal_api") == "openblas"]
    print(f"numpy {np.__version__}: dispatch groups on: {' '.join(enabled) or 'none'}")
    for info in pools:
        print(
            f"BLAS {info.get('internal_api')} {info.get('version')}: core "
            f"{info.get('architecture')}, {info.get('num_threads')} thread(s)"
        )
    for name in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE"):
        if name in os.environ:
            print(f"  {name}={os.environ[name]}")

    problems = []
    unknown = [g for g in args.expect_off if g not in __cpu_dispatch__]
    if unknown:
        problems.append(f"numpy has no dispatch group named {' '.join(unknown)}")
    still_on = [g for g in args.expect_off if __cpu_features__.get(g)]
    if still_on:
        problems.append(f"dispatch groups still on: {' '.join(still_on)}")
    if args.expect_threads is not None:
        if not blas:
            # e.g. numpy's macOS wheels use Apple's Accelerate, which has no such switch
            print("  no OpenBLAS in this numpy: its thread count is not checked")
        wrong = [i for i in blas if i.get("num_threads") != args.expect_threads]
        if wrong:
            problems.append(f"OpenBLAS threads are not {args.expect_threads}")
    for problem in problems:
        print(f"numeric back-end not as asked: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
