"""The gap chart: current vs target level per competence, as an inline SVG string drawn on the server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from schemas.recommendation import Gap

MAX_LEVEL = 8
WIDTH = 760
LABEL_W = 300
RIGHT_PAD = 24
TOP = 44
ROW_H = 40
BAR_H = 12
NAME_CHARS = 30


@dataclass(frozen=True)
class Layout:
    """The chart's geometry: names left of the bars (wide), or above them (narrow, for a phone's width)."""

    width: int = WIDTH
    label_w: int = LABEL_W
    row_h: int = ROW_H
    name_chars: int = NAME_CHARS
    names_above: bool = False


WIDE = Layout()
NARROW = Layout(width=360, label_w=4, row_h=54, name_chars=44, names_above=True)


def _x(level: int, lay: Layout = WIDE) -> float:
    return lay.label_w + (lay.width - lay.label_w - RIGHT_PAD) * level / MAX_LEVEL


def _short(name: str, chars: int = NAME_CHARS) -> str:
    return name if len(name) <= chars else name[: chars - 1].rstrip() + "…"


def _axis(height: int, level_label: str, lay: Layout = WIDE) -> list[str]:
    parts = []
    for level in range(MAX_LEVEL + 1):
        x = _x(level, lay)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 22}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">{level}</text>')
    x, y = (lay.width - 2, 18) if lay.names_above else (lay.label_w - 8, height - 6)
    parts.append(f'<text class="tick" x="{x}" y="{y}" text-anchor="end">{escape(level_label)}</text>')
    return parts


def _legend(current_label: str, target_label: str, lay: Layout = WIDE) -> list[str]:
    x, gap = (lay.label_w, 160) if lay.names_above else (lay.label_w, 200)
    return [
        f'<rect class="bar-current" x="{x}" y="8" width="14" height="{BAR_H}"/>',
        f'<text x="{x + 20}" y="18">{escape(current_label)}</text>',
        f'<rect class="bar-target" x="{x + gap}" y="8" width="14" height="{BAR_H}"/>',
        f'<text x="{x + gap + 20}" y="18">{escape(target_label)}</text>',
    ]


def _row(index: int, gap: Gap, current_label: str, target_label: str, lay: Layout = WIDE) -> str:
    y = TOP + index * lay.row_h + (18 if lay.names_above else 0)
    code = escape(gap.competence)
    label = escape(f"{gap.competence} {_short(gap.name, lay.name_chars)}".strip())
    full = escape(f"{gap.competence} {gap.name}".strip())
    bars = []
    for offset, css, level, text in (
        (0, "bar-current", gap.current, current_label),
        (BAR_H + 2, "bar-target", gap.target, target_label),
    ):
        width = max(_x(level, lay) - lay.label_w, 2.0)
        bars.append(
            f'<rect class="{css}" x="{lay.label_w}" y="{y + offset}" width="{width:.1f}" height="{BAR_H}">'
            f"<title>{full}: {escape(text)} {level}</title></rect>"
            f'<text class="value" x="{lay.label_w + width + 4:.1f}" y="{y + offset + BAR_H - 2}">{level}</text>'
        )
    name_at = (f'x="{lay.label_w}" y="{y - 5}" text-anchor="start"' if lay.names_above
               else f'x="{lay.label_w - 8}" y="{y + BAR_H + 4}" text-anchor="end"')
    return (
        f'<g class="gap" data-competence="{code}" data-current="{gap.current}" data-target="{gap.target}">'
        f'<text class="name" {name_at}><title>{full}</title>{label}'
        f"</text>{''.join(bars)}</g>"
    )


def gap_chart_svg(
    gaps: Sequence[Gap], *, title: str, current_label: str, target_label: str, level_label: str,
    layout: Layout = WIDE,
) -> str:
    """An accessible SVG of one pair of bars (current, target) per gap, on the DigComp scale 0-8.

    Args:
        gaps: The learner's gaps, drawn top to bottom in this order.
        title: The chart's accessible name (its ``<title>``).
        current_label: Legend text of the current-level bars.
        target_label: Legend text of the target-level bars.
        level_label: Name of the horizontal axis.
        layout: :data:`WIDE` (names beside the bars) or :data:`NARROW` (names above them, for phones).

    Returns:
        Markup for an ``<svg>`` element, safe to embed as is (every text is escaped).
    """
    height = TOP + max(len(gaps), 1) * layout.row_h + 26
    desc = "; ".join(
        f"{g.competence}: {current_label} {g.current}, {target_label} {g.target}" for g in gaps
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gap-chart{" narrow" if layout.names_above else ""}" '
        f'role="img" viewBox="0 0 {layout.width} {height}" '
        f'width="100%" aria-labelledby="gap-chart-title gap-chart-desc">',
        f'<title id="gap-chart-title">{escape(title)}</title>',
        f'<desc id="gap-chart-desc">{escape(desc)}</desc>',
        *_legend(current_label, target_label, layout),
        *_axis(height, level_label, layout),
        *(_row(i, gap, current_label, target_label, layout) for i, gap in enumerate(gaps)),
        "</svg>",
    ]
    return "".join(parts)
