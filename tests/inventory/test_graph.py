"""The link graph's layout maths (pure)."""

from __future__ import annotations

import itertools
import math

from app.inventory.graph import GraphEdge, boundary, box, layout, ring_radius, wrap_label


def test_wrap_label_splits_on_spaces_and_marks_cuts() -> None:
    assert wrap_label("Climate Technology Centre and Network") == (
        "Climate Technology", "Centre and Network")
    assert wrap_label("CTCN") == ("CTCN",)
    cut = wrap_label("International Renewable Energy Agency Project Navigator Extra Words")
    assert len(cut) == 3 and cut[-1].endswith("…")
    assert wrap_label("Supercalifragilisticexpialidocious") == ("Supercalifragilis…",)
    assert all(len(line) <= 18 for line in cut)


def test_boundary_of_a_box() -> None:
    assert boundary(1.0, 0.0, 50.0, 20.0) == 50.0
    assert boundary(0.0, -1.0, 50.0, 20.0) == 20.0
    diagonal = boundary(math.sqrt(0.5), math.sqrt(0.5), 50.0, 20.0)
    assert math.isclose(diagonal, 20.0 / math.sqrt(0.5))


def test_neighbours_sit_on_a_ring_without_overlapping() -> None:
    names = {1: "Centre", **{i: f"Neighbour mechanism {i}" for i in range(2, 14)}}
    edges = [GraphEdge(1, i, "partner of") for i in range(2, 14)]
    placed = layout(1, names, edges)
    centre = next(n for n in placed.nodes if n.is_centre)
    others = [n for n in placed.nodes if not n.is_centre]
    assert len(others) == 12
    radii = {round(math.hypot(n.x - centre.x, n.y - centre.y), 0) for n in others}
    assert len(radii) == 1  # all on one circle
    for a, b in itertools.combinations(placed.nodes, 2):
        apart_x = abs(a.x - b.x) >= a.half_width + b.half_width
        apart_y = abs(a.y - b.y) >= a.half_height + b.half_height
        assert apart_x or apart_y, (a.title, b.title)
    for node in placed.nodes:  # everything inside the drawing
        assert node.x - node.half_width >= 0 and node.x + node.half_width <= placed.width
        assert node.y - node.half_height >= 0 and node.y + node.half_height <= placed.height


def test_edges_run_between_the_boxes_in_the_link_direction() -> None:
    names = {1: "Green Climate Fund", 2: "Climate Technology Centre and Network"}
    placed = layout(2, names, [GraphEdge(2, 1, "funded by")])
    nodes = {n.id: n for n in placed.nodes}
    (edge,) = placed.edges
    source, target = nodes[2], nodes[1]
    # starts outside the source's box and stops outside the target's box, pointing at it
    assert abs(edge.x1 - source.x) > source.half_width or abs(edge.y1 - source.y) > source.half_height
    assert abs(edge.x2 - target.x) > target.half_width or abs(edge.y2 - target.y) > target.half_height
    assert math.hypot(edge.x2 - target.x, edge.y2 - target.y) < math.hypot(
        edge.x1 - target.x, edge.y1 - target.y)
    assert edge.label == "funded by"


def test_parallel_links_are_spread_apart() -> None:
    names = {1: "A", 2: "B"}
    placed = layout(1, names, [GraphEdge(1, 2, "partner of"), GraphEdge(2, 1, "funded by"),
                               GraphEdge(1, 2, "overlaps with")])
    assert len(placed.nodes) == 2 and len(placed.edges) == 3
    midpoints = {(round((e.x1 + e.x2) / 2), round((e.y1 + e.y2) / 2)) for e in placed.edges}
    assert len(midpoints) == 3
    labels = {(e.label_x, e.label_y) for e in placed.edges}
    assert len(labels) == 3


def test_lonely_mechanism_and_ring_growth() -> None:
    placed = layout(7, {7: "Alone"}, [])
    assert len(placed.nodes) == 1 and placed.edges == ()
    width = 2 * box(("Neighbour name",))[0]
    assert ring_radius(30, width) > ring_radius(6, width) >= 170
