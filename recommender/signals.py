"""The signals ranking combines, and the per-catalogue tables that make them cheap on every request.

:class:`Tables` holds what depends on the catalogue only (how much of each competence an offering teaches, its
level fit for each current level 0-8, how its content is spread); a request then gathers its rows and gap
columns instead of recomputing them. Built once per catalogue version, with the features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.features import CatalogFeatures
from recommender.kinds import FITS
from recommender.weights import SEMANTIC_THRESHOLD, W

LEVELS = 9  # current levels 0-8
FIRST_LEVEL = 1


def level_quality(lmin: np.ndarray, lmax: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """How well level ranges (column vectors) serve gaps (row vectors): 0..1, broadcast to (k, m).

    1 when an offering starts at or just below the learner's next level, less the further above or below it
    starts, ``W["at_level"]`` of that when it stops at the learner's level (all of it at the first level, where
    a learner has only begun), 0 when it stays below.
    """
    nxt = cur + 1.0
    start = np.where(
        lmin > nxt,
        np.clip(1.0 - W["above_cost"] * (lmin - nxt), 0.0, 1.0),  # starts above the learner
        1.0 - W["below_cost"] * np.clip(cur - 1.0 - lmin, 0.0, None),  # starts well below: time on known ground
    )
    # an offering that tops out at the learner's level consolidates it; below it, it teaches nothing
    # at the first level a learner has only begun: a course at that level is their start, not a repeat
    consolidates = np.where(cur <= FIRST_LEVEL, 1.0, W["at_level"])
    quality = np.where(lmax < cur, 0.0, np.where(lmax == cur, consolidates * start, start))
    unknown = np.isnan(lmin) | np.isnan(lmax)
    return np.where(unknown, W["unknown_level_quality"], quality)


def teach_factor(kind_focus: np.ndarray) -> np.ndarray:
    """The factor a kind's ``teaches`` (``kind_focus``) puts on what an offering teaches of each gap."""
    return np.asarray(1.0 - W["kind_teaches"] + W["kind_teaches"] * kind_focus)


def audience_affinity(aud_bits: np.ndarray, mine: int, broad: int, adults: int = 0, ages: int = 0) -> np.ndarray:
    """1 when made for one of the learner's specific groups (jobseekers, seniors, SMEs, ...); 0.3 when open to
    anyone or made for a broad group the learner is in (employees); ``W["public_for_others"]`` when open to the public
    but also named for an age group (``ages``: youth, seniors) the learner is not in, and for none they are in (the
    pace and the room are made for others, though anyone may come: naming people in work beside the public only
    says they are welcome too); -0.5 when only for others, and when named for one of the ``adults`` groups and for
    none of the learner's (a minor: the public beside people in work or retired is adults)."""
    specific = mine & ~broad
    open_, others = W["open_to_all"], W["only_for_others"]
    public = np.where((aud_bits & ages & ~broad & ~mine) != 0, W["public_for_others"], open_)
    if adults:
        public = np.where((aud_bits & adults) != 0, others, public)
    return np.where(
        aud_bits & specific,
        1.0,
        np.where((aud_bits == 0) | (aud_bits & mine), open_, np.where(aud_bits & broad, public, others)),
    )


@dataclass(frozen=True)
class Tables:
    """Row i describes features row i; column j competence j."""

    weight: np.ndarray  # (n, c) float32: how much of the competence it teaches at a fitting level, 0: not at all
    text_only: np.ndarray  # (n, c) bool: untagged, addresses the competence through its text
    quality: np.ndarray  # (n, LEVELS) float: level fit for a learner at each current level
    central: np.ndarray  # (n, c) float32: how central each competence is to it (floored)
    content: np.ndarray  # (n,) the sum of ``central`` over its tags (its whole content)
    area_content: np.ndarray  # (n, areas) float32: that sum per DigComp area (column a: area a + 1)

    @classmethod
    def build(cls, f: CatalogFeatures) -> Tables:
        central = (W["centrality_floor"] + (1.0 - W["centrality_floor"]) * f.centrality).astype(np.float32)
        text_only = (f.n_tags == 0)[:, None] & f.retrieved & (f.similarity >= SEMANTIC_THRESHOLD)
        # broad kinds (a catalogue area, a programme) and events also teach less of each gap they work on
        teaches = teach_factor(f.kind_focus)[:, None]
        weight = np.where(f.tags, central, np.where(text_only, W["semantic_weight"], 0.0)) * teaches
        # a self-assessment (made for the unassessed) serves no gap: the learner was just assessed on it
        weight[f.fits == FITS.index("unassessed")] = 0.0
        # a way in with no level of its own (42's online games) teaches nothing itself: it is worth only what it
        # opens for the learner (ranking._through_gates)
        weight[f.way_in] = 0.0
        levels = np.arange(LEVELS, dtype=float)[None, :]
        tagged = np.where(f.tags, central, 0.0)  # its content, competence by competence
        return cls(
            weight=weight.astype(np.float32),
            text_only=text_only,
            quality=level_quality(f.level_min[:, None], f.level_max[:, None], levels),
            central=central,
            content=tagged.sum(axis=1),
            area_content=np.stack([tagged[:, f.area == a].sum(axis=1) for a in range(1, int(f.area.max()) + 1)],
                                  axis=1).astype(np.float32)
            if len(f.area) else np.zeros((len(f.ids), 0), np.float32),
        )


def inherit_parts(
    f: CatalogFeatures, rows: np.ndarray, value: np.ndarray, quality: np.ndarray, weight: np.ndarray
) -> None:
    """A whole teaches what its parts teach, in proportion to the share of its parts that do (in place).

    Its value for a gap is at least the mean of its parts' values (parts that do not work on the gap count 0),
    so a programme with one chapter on a gap does not pass for a course on it. ``rows`` is sorted.
    """
    if not f.wholes or not len(rows):
        return
    family = f.whole_family  # positions found for all wholes and parts at once: no catalogue-sized array
    found = np.minimum(rows.searchsorted(family.rows), len(rows) - 1)
    at = np.where(rows[found] == family.rows, found, -1).tolist()  # position among rows, or -1
    for start, end in family.spans:
        k = at[start]
        if k < 0:
            continue
        inside = [i for i in at[start + 1:end] if i >= 0]
        if not inside:
            continue
        parts = value[inside]
        mean = parts.sum(axis=0) / (end - start - 1)
        cols = (mean > value[k]).nonzero()[0]
        if cols.size:
            best = np.array(inside)[parts[:, cols].argmax(axis=0)]
            value[k, cols] = mean[cols]
            quality[k, cols] = np.maximum(quality[k, cols], quality[best, cols])
            weight[k, cols] = np.maximum(weight[k, cols], mean[cols] / np.maximum(value[best, cols], 1e-9))


def profile_similarity(f: CatalogFeatures, sim: np.ndarray, cols: np.ndarray, pri: np.ndarray) -> np.ndarray:
    """Cosine of each offering's text with the learner's need: the priority-weighted sum of gap descriptors.

    Computed from the offerings' similarities to the gaps' descriptors (``sim``, rows x gaps) and the
    descriptors' Gram matrix (no model call).
    """
    # the gaps' Gram matrix, gathered by take (several times faster than fancy indexing on the second axis), in
    # the column-major layout that indexing gives, so the products sum in the same order
    gram = f.gram.T.take(cols, axis=0).take(cols, axis=1).T
    norm = float(np.sqrt(pri @ gram @ pri)) or 1.0
    return np.asarray((sim @ pri) / norm)


def focus(f: CatalogFeatures, t: Tables, rows: np.ndarray, cols: np.ndarray, addressed: np.ndarray) -> np.ndarray:
    """The share of an offering's content (its tags, weighted by how central each is to its text) that is about
    the gaps it addresses, times how focused its kind is (a catalogue area or a programme is broad).

    Content in a DigComp area where the learner has no gap at all counts ``1 + W["off_area_extra"]`` times: a
    privacy course that also touches securing devices stays within the learner's concern, an AI course that
    also touches privacy is mostly about something they did not ask for."""
    on_gaps = np.where(addressed, t.central.take(rows, axis=0)[:, cols], 0.0).sum(axis=1)
    no_gap = np.ones(t.area_content.shape[1], dtype=bool)
    no_gap[f.area[cols] - 1] = False
    off_area = t.area_content.take(rows, axis=0)[:, no_gap].sum(axis=1)
    content = t.content[rows]
    total = content + W["off_area_extra"] * off_area
    share = np.where(content > 0, on_gaps / np.maximum(total, 1e-9), 1.0)
    return np.asarray(np.minimum(share, 1.0) * f.kind_focus[rows])


def subject(
    f: CatalogFeatures, rows: np.ndarray, cols: np.ndarray, addressed: np.ndarray, pri: np.ndarray, pri_max: float,
) -> np.ndarray:
    """How pressing the gap is that an offering is mainly about: the priority of the gap its main subject (the
    competence it lists first) is, relative to the learner's most pressing gap (``pri_max``); 0 when its main
    subject is no gap it serves, 0.5 when it lists no competence (matched on its text)."""
    main = f.main_subject[rows]
    on_main = (main[:, None] == cols) & addressed  # at most one gap per row: the competences are distinct
    return np.where(main < 0, 0.5, (on_main * pri).max(axis=1, initial=0.0) / pri_max)
