"""What the in-process benchmarks share: interleaved best-of timing and traced peak memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable


def best_of_interleaved(repeat: int, cases: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The best time of each case over `repeat` rounds, the cases alternating within each round so
    that a busy machine slows each of them alike."""
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(repeat):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def traced_peak(run: Callable[[], object]) -> int:
    """Peak bytes allocated by Python while `run` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
