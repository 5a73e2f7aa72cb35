"""Jaccard overlaps between mechanisms for the coordination view (pure: no SQLAlchemy/FastAPI).

A mechanism's coverage cells follow the coverage rule of `gaps.py`: country × sector × effective
stage, its scope codes expanded to the countries in them today (so a WORLD mechanism and an LDC
one overlap on the LDCs). Because the cells form a product countries × (sector, stage), the
intersection of two mechanisms has |countries ∩| × |(sector, stage) ∩| cells: exact and cheap.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


def jaccard(a: Iterable[object], b: Iterable[object]) -> Fraction:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty (nothing shared, nothing to coordinate)."""
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return Fraction(len(sa & sb), union) if union else Fraction(0)


@dataclass(frozen=True)
class CoverageShape:
    id: int
    countries: frozenset[str]
    cells: frozenset[tuple[str, str]]  # (sector, effective stage)
    functions: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.countries) * len(self.cells)


def coverage_jaccard(a: CoverageShape, b: CoverageShape) -> Fraction:
    shared = len(a.countries & b.countries) * len(a.cells & b.cells)
    union = a.size + b.size - shared
    return Fraction(shared, union) if union else Fraction(0)


@dataclass(frozen=True)
class Overlap:
    a: int
    b: int
    coverage: Fraction
    functions: Fraction


def overlapping_pairs(shapes: Sequence[CoverageShape], *, threshold: Fraction, limit: int,
                      function_threshold: Fraction = Fraction(0)) -> list[Overlap]:
    """Pairs whose coverage similarity is at least `threshold` (> 0), most similar first.

    Pairs are pruned by size: J(A, B) ≤ min(|A|, |B|) / max(|A|, |B|), so once the larger set is
    more than 1/threshold times the smaller one no later pair can qualify."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be above 0 and at most 1")
    bit = {c: 1 << i for i, c in enumerate(sorted(frozenset().union(
        *{s.countries for s in shapes})))}
    cell_bit = {c: 1 << i for i, c in enumerate(sorted({c for s in shapes for c in s.cells}))}
    masks: dict[frozenset[Any], int] = {}  # shapes often share a scope (WORLD, LDC...)
    rows = sorted(((s.size, s.id, _mask(s.countries, bit, masks), _mask(s.cells, cell_bit, masks),
                    s.functions) for s in shapes if s.size), key=lambda r: (r[0], r[1]))
    p, q = threshold.numerator, threshold.denominator  # J ≥ p/q  ⇔  shared·q ≥ p·union
    found: list[tuple[Fraction, Fraction, int, int]] = []
    for i, (size_a, id_a, ca, sa, fa) in enumerate(rows):
        for j in range(i + 1, len(rows)):
            size_b, id_b, cb, sb, fb = rows[j]
            if size_b * p > size_a * q:
                break
            common_cells = (sa & sb).bit_count()
            if not common_cells:
                continue
            shared = (ca & cb).bit_count() * common_cells
            union = size_a + size_b - shared
            if not shared or shared * q < p * union:
                continue
            fun = jaccard(fa, fb)
            if fun >= function_threshold:
                found.append((Fraction(shared, union), fun, min(id_a, id_b), max(id_a, id_b)))
    best = heapq.nsmallest(limit, found, key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return [Overlap(a, b, cov, fun) for cov, fun, a, b in best]


def _mask(items: frozenset[Any], bits: Mapping[Any, int], memo: dict[frozenset[Any], int]) -> int:
    mask = memo.get(items)
    if mask is None:
        mask = 0
        for item in items:
            mask |= bits[item]
        memo[items] = mask
    return mask
