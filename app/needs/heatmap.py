"""The sector × stage heatmap as a server-side SVG (pure: data in, markup out).

Cells are coloured by summed gap score in four equal-width bands from 0 to the largest cell
score; cells without needs are grey. The SVG carries a <title>, a <desc>, a legend and a <title>
per cell; the page prints the same numbers as an HTML table for screen readers. Its words are
in the request's language (the pages are its only users).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from markupsafe import Markup, escape

from app.i18n.translate import gettext, ngettext
from app.needs.gaps import MatrixCell, as_decimal

PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#bd0026")  # ColorBrewer YlOrRd, light to dark
EMPTY = "#eef1ef"
DARK_TEXT, LIGHT_TEXT = "#1d2a2f", "#ffffff"
COL_W, HEAD_H, ROW_H, LEGEND_H = 165, 44, 38, 78
LEGEND_W, SWATCH_W = 750, 150  # five swatches
CHAR_W = 7.5  # a generous average width of a 13px sans-serif character, for the label column


def format_score(value: Fraction | Decimal) -> str:
    """Scores as the page shows them: two decimal places, rounded half-even."""
    if isinstance(value, Fraction):  # rounded once, from the exact value
        return str(as_decimal(value, Decimal("0.01")))
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def bands(top: Fraction) -> list[tuple[Fraction, Fraction]]:
    """Four equal-width score bands (lower exclusive, upper inclusive) up to `top`."""
    if top <= 0:
        return []
    return [(top * i / len(PALETTE), top * (i + 1) / len(PALETTE)) for i in range(len(PALETTE))]


def colour(cell: MatrixCell, top: Fraction) -> str:
    if not cell.needs or top <= 0:
        return EMPTY
    for i, (_low, high) in enumerate(bands(top)):
        if cell.score <= high:
            return PALETTE[i]
    return PALETTE[-1]


def cell_summary(cell: MatrixCell, sector_label: str, stage_label: str) -> str:
    if not cell.needs:
        return gettext("%(sector)s, %(stage)s: no needs") % {"sector": sector_label,
                                                            "stage": stage_label}
    return gettext("%(sector)s, %(stage)s: %(needs)s, %(uncovered)s uncovered, gap score "
                   "%(score)s") % {"sector": sector_label, "stage": stage_label,
                                   "needs": needs_text(cell.needs), "uncovered": cell.uncovered,
                                   "score": format_score(cell.score)}


def needs_text(count: int) -> str:
    return ngettext("%(count)s need", "%(count)s needs", count) % {"count": count}


def text_width(text: str) -> int:
    """Characters a label takes, a wide (Chinese) character counting as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_heatmap(cells: Mapping[tuple[str, str], MatrixCell], *,
                   sectors: Sequence[tuple[str, str]], stages: Sequence[tuple[str, str]],
                   title: str, href: Callable[[str, str], str] | None = None,
                   element_id: str = "heatmap") -> Markup:
    """An accessible SVG heatmap of summed gap score per sector (rows) × stage (columns)."""
    top = max((c.score for c in cells.values()), default=Fraction(0))
    label_w = int(max((text_width(label) for _code, label in sectors), default=10) * CHAR_W) + 20
    width = max(label_w + COL_W * len(stages), LEGEND_W)
    grid_h = HEAD_H + ROW_H * len(sectors)
    height = grid_h + LEGEND_H
    total = sum(c.needs for c in cells.values())
    uncovered = sum(c.uncovered for c in cells.values())
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="heatmap" '
        f'aria-labelledby="{element_id}-title {element_id}-desc">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(_description(total, uncovered))}</desc>',
    ]
    for j, (_code, label) in enumerate(stages):
        x = label_w + COL_W * j + COL_W // 2
        out.append(f'<text x="{x}" y="{HEAD_H - 14}" text-anchor="middle" font-size="14" '
                   f'font-weight="600" fill="{DARK_TEXT}">{escape(label)}</text>')
    for i, (sector, sector_label) in enumerate(sectors):
        y = HEAD_H + ROW_H * i
        out.append(f'<text x="{label_w - 10}" y="{y + ROW_H // 2 + 5}" text-anchor="end" '
                   f'font-size="13" fill="{DARK_TEXT}">{escape(sector_label)}</text>')
        for j, (stage, stage_label) in enumerate(stages):
            cell = cells.get((sector, stage)) or MatrixCell(sector, stage)
            out.append(_cell(cell, label_w + COL_W * j, y, top,
                             cell_summary(cell, sector_label, stage_label),
                             href(sector, stage) if href and cell.needs else None))
    out.append(_legend(top, grid_h + 16))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text above is escaped


def _description(total: int, uncovered: int) -> str:
    return gettext("Summed gap score of %(total)s needs (%(uncovered)s not covered by any "
                   "mechanism) by sector and technology-cycle stage; darker is a larger gap. The "
                   "same numbers follow as a table.") % {"total": total, "uncovered": uncovered}


def _uncovered_text(cell: MatrixCell) -> str:
    return gettext("%(needs)s · %(uncovered)s uncovered") % {"needs": needs_text(cell.needs),
                                                             "uncovered": cell.uncovered}


def _cell(cell: MatrixCell, x: int, y: int, top: Fraction, summary: str,
          link: str | None) -> str:
    fill = colour(cell, top)
    ink = LIGHT_TEXT if fill == PALETTE[-1] else DARK_TEXT
    cx = x + COL_W // 2
    body = [f'<title>{escape(summary)}</title>',
            f'<rect x="{x + 1}" y="{y + 1}" width="{COL_W - 2}" height="{ROW_H - 2}" rx="3" '
            f'fill="{fill}" stroke="#ffffff"/>']
    if cell.needs:
        body.append(f'<text x="{cx}" y="{y + 16}" text-anchor="middle" font-size="13" '
                    f'font-weight="700" fill="{ink}">{format_score(cell.score)}</text>')
        body.append(f'<text x="{cx}" y="{y + 31}" text-anchor="middle" font-size="11" '
                    f'fill="{ink}">{escape(_uncovered_text(cell))}</text>')
    else:
        body.append(f'<text x="{cx}" y="{y + 24}" text-anchor="middle" font-size="12" '
                    f'fill="#5b6b70">—</text>')
    inner = "".join(body)
    if link:
        return f'<a href="{escape(link)}">{inner}</a>'
    return f"<g>{inner}</g>"


def _legend(top: Fraction, y: int) -> str:
    heading = gettext("Summed gap score")
    parts = [f'<g class="legend"><text x="0" y="{y + 12}" font-size="13" font-weight="600" '
             f'fill="{DARK_TEXT}">{escape(heading)}</text>']
    swatches = [(EMPTY, gettext("no needs"))]
    swatches += [(PALETTE[i], f"{format_score(low)}–{format_score(high)}")
                 for i, (low, high) in enumerate(bands(top))]
    for k, (fill, label) in enumerate(swatches):
        x = k * SWATCH_W
        parts.append(f'<rect x="{x}" y="{y + 22}" width="22" height="16" fill="{fill}" '
                     f'stroke="#8a9a96"/>')
        parts.append(f'<text x="{x + 28}" y="{y + 35}" font-size="12" '
                     f'fill="{DARK_TEXT}">{escape(label)}</text>')
    parts.append("</g>")
    return "".join(parts)
