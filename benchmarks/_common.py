"""What every benchmark here shares: a timer and a record of the machine it ran on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from importlib.metadata import version


def timed(fn, repeats: int):
    """Run ``fn()`` `repeats` times; return its last result and every wall-clock time (s)."""
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, times


def machine(*packages: str) -> dict:
    """Python, platform, cores, the versions of `packages`, and today's date (UTC)."""
    record = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
    }
    record.update({name: version(name) for name in packages})
    record["date_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    return record
