"""Figures the benchmark scripts print: the median and the 95th percentile of their timings."""

from __future__ import annotations

import statistics


def median_and_p95(durations: list[float]) -> tuple[float, float]:
    """Median and nearest-rank 95th percentile (the slowest run when there are few)."""
    ordered = sorted(durations)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95
