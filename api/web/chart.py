"""The gap chart: current vs target level per competence, as an inline SVG string drawn on the server."""

from __future__ import annotations

from collections.abc import Sequence
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


def _x(level: int) -> float:
    return LABEL_W + (WIDTH - LABEL_W - RIGHT_PAD) * level / MAX_LEVEL


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def _axis(height: int, level_label: str) -> list[str]:
    parts = []
    for level in range(MAX_LEVEL + 1):
        x = _x(level)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 22}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">{level}</text>')
    parts.append(
        f'<text class="tick" x="{LABEL_W - 8}" y="{height - 6}" text-anchor="end">{escape(level_label)}</text>'
    )
    return parts


def _legend(current_label: str, target_label: str) -> list[str]:
    return [
        f'<rect class="bar-current" x="{LABEL_W}" y="8" width="14" height="{BAR_H}"/>',
        f'<text x="{LABEL_W + 20}" y="18">{escape(current_label)}</text>',
        f'<rect class="bar-target" x="{LABEL_W + 200}" y="8" width="14" height="{BAR_H}"/>',
        f'<text x="{LABEL_W + 220}" y="18">{escape(target_label)}</text>',
    ]


def _row(index: int, gap: Gap, current_label: str, target_label: str) -> str:
    y = TOP + index * ROW_H
    code = escape(gap.competence)
    label = escape(f"{gap.competence} {_short(gap.name)}".strip())
    full = escape(f"{gap.competence} {gap.name}".strip())
    bars = []
    for offset, css, level, text in (
        (0, "bar-current", gap.current, current_label),
        (BAR_H + 2, "bar-target", gap.target, target_label),
    ):
        width = max(_x(level) - LABEL_W, 2.0)
        bars.append(
            f'<rect class="{css}" x="{LABEL_W}" y="{y + offset}" width="{width:.1f}" height="{BAR_H}">'
            f"<title>{full}: {escape(text)} {level}</title></rect>"
            f'<text class="value" x="{LABEL_W + width + 4:.1f}" y="{y + offset + BAR_H - 2}">{level}</text>'
        )
    return (
        f'<g class="gap" data-competence="{code}" data-current="{gap.current}" data-target="{gap.target}">'
        f'<text class="name" x="{LABEL_W - 8}" y="{y + BAR_H + 4}" text-anchor="end"><title>{full}</title>{label}'
        f"</text>{''.join(bars)}</g>"
    )


def gap_chart_svg(
    gaps: Sequence[Gap], *, title: str, current_label: str, target_label: str, level_label: str
) -> str:
    """An accessible SVG of one pair of bars (current, target) per gap, on the DigComp scale 0-8.

    Args:
        gaps: The learner's gaps, drawn top to bottom in this order.
        title: The chart's accessible name (its ``<title>``).
        current_label: Legend text of the current-level bars.
        target_label: Legend text of the target-level bars.
        level_label: Name of the horizontal axis.

    Returns:
        Markup for an ``<svg>`` element, safe to embed as is (every text is escaped).
    """
    height = TOP + max(len(gaps), 1) * ROW_H + 26
    desc = "; ".join(
        f"{g.competence}: {current_label} {g.current}, {target_label} {g.target}" for g in gaps
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gap-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="gap-chart-title gap-chart-desc">',
        f'<title id="gap-chart-title">{escape(title)}</title>',
        f'<desc id="gap-chart-desc">{escape(desc)}</desc>',
        *_legend(current_label, target_label),
        *_axis(height, level_label),
        *(_row(i, gap, current_label, target_label) for i, gap in enumerate(gaps)),
        "</svg>",
    ]
    return "".join(parts)
