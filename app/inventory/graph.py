"""Layout of a mechanism's link graph for a server-rendered SVG (pure: no database, no web).

The mechanism sits in the centre; every mechanism it links to or is linked from sits on a circle
around it, evenly spaced and in the order given. Each link is a straight arrow from its source to
its target that stops at the node circles; several links between the same pair are drawn side by
side (offset perpendicular to the line) so none hides another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NODE_RADIUS = 34.0
LINE_SPACING = 14.0
LABEL_WIDTH = 18  # characters per label line
MAX_LABEL_LINES = 3
PARALLEL_GAP = 12.0
MARGIN = 110.0


@dataclass(frozen=True)
class GraphEdge:
    """A directed link between the centre and a neighbour (or the other way round)."""

    source: int
    target: int
    label: str


@dataclass(frozen=True)
class PlacedNode:
    id: int
    x: float
    y: float
    lines: tuple[str, ...]
    is_centre: bool
    title: str


@dataclass(frozen=True)
class PlacedEdge:
    source: int
    target: int
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class GraphLayout:
    width: float
    height: float
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]


def wrap_label(text: str, width: int = LABEL_WIDTH, max_lines: int = MAX_LABEL_LINES
               ) -> tuple[str, ...]:
    """Split a name into short lines on spaces; the last line ends with … when cut."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if len(word) > width:
            word = word[: width - 1] + "…"
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        kept[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
        return tuple(kept)
    return tuple(lines) or ("",)


def ring_radius(count: int) -> float:
    """Distance of the neighbours from the centre: wide enough that neighbours never overlap."""
    if count <= 1:
        return 170.0
    # The chord between two neighbours must leave room for two nodes and their labels.
    needed_chord = 2 * NODE_RADIUS + 70.0
    return max(170.0, needed_chord / (2 * math.sin(math.pi / count)))


def layout(centre_id: int, names: dict[int, str], edges: list[GraphEdge]) -> GraphLayout:
    """Place the centre, its neighbours (in first-seen order) and the edges between them."""
    neighbours: list[int] = []
    for edge in edges:
        other = edge.target if edge.source == centre_id else edge.source
        if other != centre_id and other not in neighbours:
            neighbours.append(other)
    radius = ring_radius(len(neighbours)) if neighbours else 0.0
    half = radius + MARGIN
    cx = cy = half
    positions: dict[int, tuple[float, float]] = {centre_id: (cx, cy)}
    for i, node in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / len(neighbours)
        positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))

    nodes = tuple(
        PlacedNode(id=node, x=round(x, 1), y=round(y, 1), lines=wrap_label(names.get(node, "?")),
                   is_centre=node == centre_id, title=names.get(node, "?"))
        for node, (x, y) in positions.items())
    return GraphLayout(width=round(2 * half, 1), height=round(2 * half, 1), nodes=nodes,
                       edges=tuple(_place_edges(edges, positions)))


def _place_edges(edges: list[GraphEdge], positions: dict[int, tuple[float, float]]
                 ) -> list[PlacedEdge]:
    by_pair: dict[frozenset[int], list[GraphEdge]] = {}
    for edge in edges:
        if edge.source in positions and edge.target in positions and edge.source != edge.target:
            by_pair.setdefault(frozenset((edge.source, edge.target)), []).append(edge)
    placed: list[PlacedEdge] = []
    for group in by_pair.values():
        low, high = sorted({group[0].source, group[0].target})
        # One perpendicular for the whole group (from the lower id to the higher), so that
        # links in opposite directions are spread apart rather than drawn on top of each other.
        (ax, ay), (bx, by) = positions[low], positions[high]
        length = math.hypot(bx - ax, by - ay) or 1.0
        ux, uy = (bx - ax) / length, (by - ay) / length
        px, py = -uy, ux
        for k, edge in enumerate(group):
            offset = (k - (len(group) - 1) / 2) * PARALLEL_GAP
            (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
            dx, dy = (tx - sx) / length, (ty - sy) / length
            # Stop at the node circles; an offset line meets the circle a little further in.
            inset = math.sqrt(max(NODE_RADIUS**2 - offset**2, 0.0)) + 4.0
            x1 = sx + dx * inset + px * offset
            y1 = sy + dy * inset + py * offset
            x2 = tx - dx * (inset + 6.0) + px * offset
            y2 = ty - dy * (inset + 6.0) + py * offset
            # Labels of parallel links sit at different points along the line.
            t = 0.5 if len(group) == 1 else 0.3 + 0.4 * k / (len(group) - 1)
            placed.append(PlacedEdge(
                source=edge.source, target=edge.target, x1=round(x1, 1), y1=round(y1, 1),
                x2=round(x2, 1), y2=round(y2, 1), label=edge.label,
                label_x=round(x1 + (x2 - x1) * t + px * 8.0, 1),
                label_y=round(y1 + (y2 - y1) * t + py * 8.0, 1)))
    return placed
