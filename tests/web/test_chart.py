"""The gap chart: one pair of bars per gap, lengths on the 0-8 scale, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from api.web.chart import LABEL_W, WIDTH, gap_chart_svg
from schemas.recommendation import Gap

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"title": "Current and target", "current_label": "Current", "target_label": "Target", "level_label": "Level"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted data


def _gaps() -> list[Gap]:
    return [
        Gap(competence="4.2", name="Protecting personal data and privacy", current=1, target=4, priority=2.0),
        Gap(competence="3.4", name="Programming", current=0, target=3, priority=1.5),
        Gap(competence="1.1", name="Browsing, searching and filtering data", current=3, target=4, priority=0.5),
    ]


def _bar_width(group: ET.Element, css: str) -> float:
    (rect,) = [r for r in group.iter(f"{SVG}rect") if r.get("class") == css]
    return float(rect.get("width"))


def test_one_pair_of_bars_per_gap_in_order():
    root = _parse(gap_chart_svg(_gaps(), **LABELS))
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "gap"]
    assert [g.get("data-competence") for g in groups] == ["4.2", "3.4", "1.1"]
    for g in groups:
        classes = sorted(r.get("class") for r in g.iter(f"{SVG}rect"))
        assert classes == ["bar-current", "bar-target"]


def test_bar_lengths_follow_the_levels():
    root = _parse(gap_chart_svg(_gaps(), **LABELS))
    first = next(g for g in root.iter(f"{SVG}g") if g.get("data-competence") == "4.2")
    full = WIDTH - LABEL_W - 24
    assert _bar_width(first, "bar-target") == round(full * 4 / 8, 1)
    assert _bar_width(first, "bar-target") == 4 * _bar_width(first, "bar-current")
    zero = next(g for g in root.iter(f"{SVG}g") if g.get("data-competence") == "3.4")
    assert 0 < _bar_width(zero, "bar-current") < _bar_width(zero, "bar-target") / 10  # level 0 still visible


def test_chart_is_accessible_and_names_each_level():
    svg = gap_chart_svg(_gaps(), **LABELS)
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Current and target"
    assert "4.2: Current 1, Target 4" in root.find(f"{SVG}desc").text
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "4.2 Protecting personal data and privacy: Target 4" in titles


def test_text_is_escaped():
    gaps = [Gap(competence="9.9", name='<script>alert("x")</script> & co', current=1, target=2, priority=1)]
    svg = gap_chart_svg(gaps, **{**LABELS, "title": "A < B"})
    assert "<script>" not in svg
    _parse(svg)  # still well-formed XML


def test_no_gaps_draws_an_empty_but_valid_chart():
    root = _parse(gap_chart_svg([], **LABELS))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "gap"]


def test_the_narrow_layout_puts_names_above_bars_that_use_the_whole_width():
    from api.web.chart import NARROW

    root = _parse(gap_chart_svg(_gaps(), **LABELS, layout=NARROW))
    assert root.get("viewBox").startswith(f"0 0 {NARROW.width} ") and "narrow" in root.get("class")
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "gap"]
    for g in groups:
        name = next(t for t in g.iter(f"{SVG}text") if t.get("class") == "name")
        bar = next(r for r in g.iter(f"{SVG}rect") if r.get("class") == "bar-current")
        assert name.get("text-anchor") == "start" and float(name.get("y")) < float(bar.get("y"))
    full = NARROW.width - NARROW.label_w - 24  # level 8 spans the width but for the values' room
    assert _bar_width(groups[0], "bar-target") == full * 4 / 8  # 4.2: target level 4
