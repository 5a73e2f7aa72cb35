"""Jaccard overlaps between mechanisms for the coordination view (pure: no SQLAlchemy/FastAPI).

A mechanism's coverage cells follow the coverage rule of `gaps.py`: country × sector × effective
stage, its scope codes expanded to the countries in them today (so a WORLD mechanism and an LDC
one overlap on the LDCs). Because the cells form a product countries × (sector, stage), the
intersection of two mechanisms has |countries ∩| × |(sector, stage) ∩| cells: exact and cheap,
and only pairs similar enough in both factors need measuring (`overlapping_pairs`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple


def jaccard(a: Iterable[object], b: Iterable[object]) -> Fraction:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty (nothing shared, nothing to coordinate)."""
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return Fraction(len(sa & sb), union) if union else Fraction(0)


class CoverageShape(NamedTuple):
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


def _at_least(p: int, q: int, n: int) -> int:
    """⌈n·p/q⌉ in integers."""
    return -(-n * p // q)


class SimilarSets:
    """Sets (by position) prepared for `near`: sizes, then (when first needed) their tokens
    ranked rarest first and their bit masks."""

    def __init__(self, sets: Sequence[frozenset[Any]]) -> None:
        self.sets = sets
        self.sizes = [len(s) for s in sets]
        self._prepared: tuple[list[list[int]], list[int]] | None = None

    def _tokens_and_masks(self) -> tuple[list[list[int]], list[int]]:
        if self._prepared is None:
            frequency = Counter(token for s in self.sets for token in s)
            rank = {token: r for r, token in enumerate(sorted(
                frequency, key=lambda t: (frequency[t], t)))}
            tokens = [sorted(rank[t] for t in s) for s in self.sets]
            self._prepared = tokens, [sum(1 << r for r in ranks) for ranks in tokens]
        return self._prepared

    def near(self, threshold: Fraction) -> list[dict[int, int]]:
        """For each set, the sets with a Jaccard similarity of at least `threshold` (> 0) to
        it, itself included, with the size of their intersection. Empty sets have none; at 1,
        the sets being distinct, each has only itself.

        Prefix filtering ("all-pairs"): with tokens ordered rarest first and sets taken
        smallest first, two sets that are similar enough share a token within their first few
        (for a set of n: n − ⌈t·n⌉ + 1 when probing, n − ⌈2t/(1+t)·n⌉ + 1 when indexed), so
        only sets found through those tokens, and no smaller than t·n, are compared."""
        sizes = self.sizes
        near: list[dict[int, int]] = [{i: n} if n else {} for i, n in enumerate(sizes)]
        if threshold >= 1:
            return near
        tokens, masks = self._tokens_and_masks()
        p, q = threshold.numerator, threshold.denominator
        index: dict[int, list[int]] = {}  # token -> sets indexed under it, smallest first
        start: dict[int, int] = {}  # token -> first of them not too small for the sets to come
        for x in sorted((i for i, n in enumerate(sizes) if n), key=lambda i: (sizes[i], i)):
            n, mask, seen = sizes[x], masks[x], set()
            smallest = _at_least(p, q, n)
            for token in tokens[x][:n - smallest + 1]:
                listed = index.get(token)
                if not listed:
                    continue
                first = start.get(token, 0)
                while first < len(listed) and sizes[listed[first]] < smallest:
                    first += 1
                start[token] = first
                for y in listed[first:]:
                    if y in seen:
                        continue
                    seen.add(y)
                    shared = (mask & masks[y]).bit_count()
                    if shared * q >= p * (n + sizes[y] - shared):
                        near[x][y] = near[y][x] = shared
            for token in tokens[x][:n - _at_least(2 * p, q + p, n) + 1]:
                index.setdefault(token, []).append(x)
        return near


Grouped = dict[int, dict[int, list[tuple[int, frozenset[str]]]]]


def overlapping_pairs(shapes: Sequence[CoverageShape], *, threshold: Fraction, limit: int,
                      function_threshold: Fraction = Fraction(0)) -> list[Overlap]:
    """Pairs whose coverage similarity is at least `threshold` (> 0), most similar first.

    Coverage cells are a product countries × (sector, stage), and the union of two products
    holds (countries ∩) × ((sector, stage) ∪), so J(A, B) is at most the similarity of their
    country sets and at most that of their (sector, stage) sets. Pairs are therefore looked for
    only among mechanisms whose country sets and whose cell sets are each similar enough
    (`SimilarSets` of the distinct sets), then measured exactly.

    Only the first `limit` pairs are wanted: they are looked for at a high threshold first
    (cheap: few sets are that similar); when that finds `limit` pairs, every pair it missed
    ranks below all of them, so they are the answer."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be above 0 and at most 1")
    country_ids: dict[frozenset[str], int] = {}
    cell_ids: dict[frozenset[tuple[str, str]], int] = {}
    # country set -> cell set -> the mechanisms with both (id, functions)
    grouped: Grouped = {}
    for s in shapes:
        if s.size:
            c = country_ids.setdefault(s.countries, len(country_ids))
            k = cell_ids.setdefault(s.cells, len(cell_ids))
            grouped.setdefault(c, {}).setdefault(k, []).append((s.id, s.functions))
    countries, cells = SimilarSets(list(country_ids)), SimilarSets(list(cell_ids))
    steps = [t for t in (Fraction(1), Fraction(3, 4)) if t > threshold] + [threshold]
    for step in steps:
        found = _pairs(countries, cells, grouped, step, function_threshold)
        if len(found) >= limit:
            break
    best = heapq.nsmallest(limit, found, key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return [Overlap(a, b, cov, fun) for cov, fun, a, b in best]


def _pairs(countries: SimilarSets, cells: SimilarSets, grouped: Grouped, threshold: Fraction,
           function_threshold: Fraction) -> list[tuple[Fraction, Fraction, int, int]]:
    """Every pair at or above both thresholds: (coverage, functions, lower id, higher id)."""
    p, q = threshold.numerator, threshold.denominator
    near_countries, near_cells = countries.near(threshold), cells.near(threshold)
    country_size, cell_size = countries.sizes, cells.sizes
    found: list[tuple[Fraction, Fraction, int, int]] = []

    def add(a: tuple[int, frozenset[str]], b: tuple[int, frozenset[str]], shared: int,
            union: int) -> None:
        fun = jaccard(a[1], b[1])
        if fun >= function_threshold:
            found.append((Fraction(shared, union), fun, min(a[0], b[0]), max(a[0], b[0])))

    for c1, by_cells in grouped.items():
        for k1, first in by_cells.items():
            size1 = country_size[c1] * cell_size[k1]
            cells_near = near_cells[k1]
            for c2, shared_countries in near_countries[c1].items():
                if c2 < c1:
                    continue
                others = grouped[c2]
                ks = ([k for k in cells_near if k in others] if len(cells_near) < len(others)
                      else [k for k in others if k in cells_near])
                for k2 in ks:
                    if c2 == c1 and k2 < k1:
                        continue
                    shared = shared_countries * cells_near[k2]
                    union = size1 + country_size[c2] * cell_size[k2] - shared
                    if shared * q < p * union:
                        continue
                    if c2 == c1 and k2 == k1:
                        for i, a in enumerate(first):
                            for b in first[i + 1:]:
                                add(a, b, shared, union)
                    else:
                        for a in first:
                            for b in others[k2]:
                                add(a, b, shared, union)
    return found
