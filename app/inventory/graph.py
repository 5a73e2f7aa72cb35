"""Layout of a mechanism's link graph for a server-rendered SVG (pure: no database, no web).

The mechanism sits in the centre; every mechanism it links to or is linked from sits on a circle
around it, evenly spaced in the order first met, far enough apart that their label boxes never
overlap. Each link is a straight arrow from its source to its target that starts and stops at
the label boxes; several links between the same pair are drawn side by side (offset
perpendicular to the line) so none hides another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LABEL_WIDTH = 18  # characters per label line
MAX_LABEL_LINES = 3
CHAR_WIDTH = 6.6  # px per character at the 11px label font (an estimate; labels are short)
LINE_HEIGHT = 14.0
PADDING = 8.0
PARALLEL_GAP = 14.0
MIN_RADIUS = 170.0
GAP = 40.0  # space between two neighbours' boxes


@dataclass(frozen=True)
class GraphEdge:
    """A directed link between two mechanisms."""

    source: int
    target: int
    label: str


@dataclass(frozen=True)
class PlacedNode:
    id: int
    x: float
    y: float
    half_width: float
    half_height: float
    lines: tuple[str, ...]
    is_centre: bool
    title: str

    @property
    def first_line_y(self) -> float:
        """Baseline of the first label line, so the block of lines is centred on the node."""
        return round(self.y - (len(self.lines) - 1) * LINE_HEIGHT / 2 + 4, 1)


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
    """Split a name into short lines on spaces; a cut word or a cut last line ends with …."""
    lines: list[str] = []
    current = ""
    for word in text.split():
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
        kept[-1] = kept[-1][: width - 1].rstrip() + "…"
        return tuple(kept)
    return tuple(lines) or ("",)


def box(lines: tuple[str, ...]) -> tuple[float, float]:
    """Half width and half height of a label box."""
    longest = max((len(line) for line in lines), default=0)
    return (round(longest * CHAR_WIDTH / 2 + PADDING, 1),
            round(len(lines) * LINE_HEIGHT / 2 + PADDING / 2 + 2, 1))


def ring_radius(count: int, widest: float) -> float:
    """Distance of the neighbours from the centre: neighbours' boxes (at most `widest` wide)
    never overlap each other nor the centre's box."""
    if count <= 1:
        return max(MIN_RADIUS, widest + GAP)
    needed_chord = widest + GAP
    return max(MIN_RADIUS, widest + GAP, needed_chord / (2 * math.sin(math.pi / count)))


def boundary(dx: float, dy: float, half_width: float, half_height: float) -> float:
    """Distance from a box's centre to its edge in the direction of the unit vector (dx, dy)."""
    limits = [half_width / abs(dx) if dx else math.inf, half_height / abs(dy) if dy else math.inf]
    return min(limits)


def layout(centre_id: int, names: dict[int, str], edges: list[GraphEdge]) -> GraphLayout:
    """Place the centre, its neighbours (in first-met order) and the edges between them."""
    neighbours: list[int] = []
    for edge in edges:
        for node in (edge.source, edge.target):
            if node != centre_id and node not in neighbours:
                neighbours.append(node)
    labels = {node: wrap_label(names.get(node, "?")) for node in [centre_id, *neighbours]}
    boxes = {node: box(lines) for node, lines in labels.items()}
    widest = max(2 * hw for hw, _ in boxes.values())
    radius = ring_radius(len(neighbours), widest) if neighbours else 0.0
    margin_x = max(hw for hw, _ in boxes.values()) + 10
    margin_y = max(hh for _, hh in boxes.values()) + 10
    cx, cy = radius + margin_x, radius + margin_y
    positions: dict[int, tuple[float, float]] = {centre_id: (cx, cy)}
    for i, node in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / len(neighbours)
        positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    nodes = tuple(
        PlacedNode(id=node, x=round(x, 1), y=round(y, 1), half_width=boxes[node][0],
                   half_height=boxes[node][1], lines=labels[node], is_centre=node == centre_id,
                   title=names.get(node, "?"))
        for node, (x, y) in positions.items())
    return GraphLayout(width=round(2 * cx, 1), height=round(2 * cy, 1), nodes=nodes,
                       edges=tuple(_place_edges(edges, positions, boxes)))


def _place_edges(edges: list[GraphEdge], positions: dict[int, tuple[float, float]],
                 boxes: dict[int, tuple[float, float]]) -> list[PlacedEdge]:
    by_pair: dict[frozenset[int], list[GraphEdge]] = {}
    for edge in edges:
        if edge.source in positions and edge.target in positions and edge.source != edge.target:
            by_pair.setdefault(frozenset((edge.source, edge.target)), []).append(edge)
    placed: list[PlacedEdge] = []
    for group in by_pair.values():
        low, high = sorted({group[0].source, group[0].target})
        # One perpendicular for the whole pair (from the lower id to the higher), so links in
        # opposite directions are spread apart rather than drawn on top of each other.
        (ax, ay), (bx, by) = positions[low], positions[high]
        length = math.hypot(bx - ax, by - ay) or 1.0
        px, py = -(by - ay) / length, (bx - ax) / length
        for k, edge in enumerate(group):
            offset = (k - (len(group) - 1) / 2) * PARALLEL_GAP
            (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
            dx, dy = (tx - sx) / length, (ty - sy) / length
            start = boundary(dx, dy, *boxes[edge.source]) + 3.0
            end = boundary(dx, dy, *boxes[edge.target]) + 8.0  # room for the arrowhead
            x1, y1 = sx + dx * start + px * offset, sy + dy * start + py * offset
            x2, y2 = tx - dx * end + px * offset, ty - dy * end + py * offset
            # Labels of parallel links sit at different points along the line.
            t = 0.5 if len(group) == 1 else 0.3 + 0.4 * k / (len(group) - 1)
            placed.append(PlacedEdge(
                source=edge.source, target=edge.target, x1=round(x1, 1), y1=round(y1, 1),
                x2=round(x2, 1), y2=round(y2, 1), label=edge.label,
                label_x=round(x1 + (x2 - x1) * t + px * 8.0, 1),
                label_y=round(y1 + (y2 - y1) * t + py * 8.0, 1)))
    return placed
