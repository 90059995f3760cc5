"""The catalogue as arrays: what ranking reads on every request, computed once per catalogue version.

Nothing here calls the model: offering vectors come from the catalogue, competence-descriptor vectors are
computed once when the recommender starts, and the FAISS neighbours of each descriptor are searched once per
catalogue version and kept.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

import numpy as np

from recommender.catalog import Catalog
from recommender.constraints import UNSHOWN_CONDITION, OfferingFacts, age_floor, requirement_kinds, unshown_conditions
from recommender.kinds import FITS, kind_of
from schemas.offering import Audience, Offering

logger = logging.getLogger(__name__)

_MAX_TITLE_WORDS = 12


AUDIENCE_BITS = {tag: 1 << i for i, tag in enumerate(get_args(Audience))}


def audience_bits(tags: Iterable[str]) -> int:
    """The bit set of audience tags (unknown tags are ignored)."""
    return sum(AUDIENCE_BITS.get(t, 0) for t in set(tags))


@dataclass(frozen=True)
class WholeFamilies:
    """Each whole's row followed by its parts' rows, one whole after another: whole ``w`` spans
    ``rows[spans[w][0]:spans[w][1]]``, its own row first."""

    rows: np.ndarray
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, wholes: list[int], descendants: list[np.ndarray]) -> WholeFamilies:
        """The families of ``wholes`` in their order (``descendants[w]``: the parts of ``w``)."""
        rows: list[int] = []
        spans = []
        for w in wholes:
            spans.append((len(rows), len(rows) + 1 + len(descendants[w])))
            rows += [w, *descendants[w].tolist()]
        return cls(np.array(rows, dtype=np.int64), spans)


@dataclass
class CatalogFeatures:
    """Row i of every array describes ``ids[i]``; column j of per-competence arrays is ``codes[j]``."""

    version: str
    ids: list[str]
    row: dict[str, int]
    codes: list[str]
    col: dict[str, int]
    area: np.ndarray  # (c,) int: the DigComp area of each competence column (1-5, from its code)
    tags: np.ndarray  # (n, c) bool: the offering is tagged with the competence
    n_tags: np.ndarray  # (n,) number of tags
    level_min: np.ndarray  # (n,) float, NaN unknown
    level_max: np.ndarray
    similarity: np.ndarray  # (n, c) cosine of offering text and competence descriptor
    gram: np.ndarray  # (c, c) cosine between competence descriptors
    centrality: np.ndarray  # (n, c) similarity relative to the offering's most similar tagged competence
    main_subject: np.ndarray  # (n,) column of the competence listed first (the offering's main subject), or -1
    retrieved: np.ndarray  # (n, c) bool: among the FAISS neighbours of the descriptor
    kind_focus: np.ndarray  # (n,) how much of a gap its kind teaches (``data/kinds.json``; 1.0: a course)
    kind_focus_fit: np.ndarray  # (n,) how much it teaches a learner its kind is made for
    service: np.ndarray  # (n,) bool: its kind is a service, not training
    fits: np.ndarray  # (n,) int8: whom its kind is for, as the position in kinds.FITS
    no_item: np.ndarray  # (n,) bool: its kind teaches nothing by itself (an item only when made for the learner)
    related: list[np.ndarray]  # rows that are a whole or a part of row i (part_of, transitively)
    descendants: list[np.ndarray]  # rows that are a part of row i (transitively)
    wholes: list[int]  # rows that have parts
    whole_family: WholeFamilies  # the wholes' rows and their parts', in one array
    stands_for: np.ndarray  # (n,) row of the whole a part can only be taken within (after its siblings), or -1
    gate: np.ndarray  # (n,) row of the admission step (kind ``admits``) row i requires first, or -1
    way_in: np.ndarray  # (n,) bool: row i is the admission step of some offering (some row's ``gate``)
    prereq_steps: np.ndarray  # (n,) fewest offerings to take before row i (its prerequisites, transitively)
    needs_first: frozenset[int]  # the rows of the offerings that name prerequisites
    recommended_first: list[tuple[int, ...]]  # rows of the offerings its requirements in words name ("... recommended")
    recommends_first: frozenset[int]  # the rows whose requirements recommend another offering first
    audience_bits: np.ndarray  # (n,) int64, one bit per audience tag (AUDIENCE_BITS)
    open_requirements: np.ndarray  # (n,) requirements in words that no rule checks (prior skills, ...)
    unshown: np.ndarray  # (n,) conditions of admission no profile shows (benefits, a diploma, a selection)
    age_floor: np.ndarray  # (n,) the lowest age its requirements admit, 0 when none is stated
    facts: OfferingFacts

    @classmethod
    def build(cls, catalog: Catalog, descriptors: dict[str, np.ndarray], semantic_k: int) -> CatalogFeatures:
        """Encode the catalogue; ``descriptors`` maps competence codes to unit vectors."""
        ids = sorted(catalog.offerings)
        row = {oid: i for i, oid in enumerate(ids)}
        codes = sorted(descriptors)
        col = {c: j for j, c in enumerate(codes)}
        offs = [catalog.offerings[oid] for oid in ids]
        tags = np.zeros((len(ids), len(codes)), dtype=bool)
        named = _named_in_requirements(offs)
        for i, off in enumerate(offs):
            tags[i, [col[c] for c in off.competences if c in col]] = True
        desc = np.stack([descriptors[c] for c in codes]) if codes else np.zeros((0, catalog.dim), np.float32)
        vecs = catalog.matrix(ids)
        sim = (vecs @ desc.T).astype(np.float32)
        retrieved = np.zeros_like(tags)
        if ids:
            for j, hits in enumerate(catalog.search(desc, semantic_k)):
                retrieved[[row[oid] for oid, _ in hits if oid in row], j] = True
        return cls(
            version=catalog.version,
            ids=ids,
            row=row,
            codes=codes,
            col=col,
            area=np.array([int(c.split(".")[0]) for c in codes], dtype=np.int64),
            tags=tags,
            n_tags=tags.sum(axis=1),
            level_min=np.array([np.nan if o.level_min is None else o.level_min for o in offs], dtype=float),
            level_max=np.array([np.nan if o.level_max is None else o.level_max for o in offs], dtype=float),
            similarity=sim,
            centrality=_centrality(sim, tags),
            main_subject=np.array([_main_subject(o, col) for o in offs], dtype=np.int64),
            gram=(desc @ desc.T).astype(np.float32),
            retrieved=retrieved,
            kind_focus=np.array([kind_of(o.kind).teaches for o in offs], dtype=float),
            kind_focus_fit=np.array([kind_of(o.kind).teaches_made_for for o in offs], dtype=float),
            service=np.array([kind_of(o.kind).service for o in offs], dtype=bool),
            fits=np.array([FITS.index(kind_of(o.kind).fits) for o in offs], dtype=np.int8),
            no_item=np.array([not kind_of(o.kind).item for o in offs], dtype=bool),
            related=_families(offs, row),
            descendants=(desc_rows := _descendants(offs, row)),
            wholes=(wholes := [i for i, d in enumerate(desc_rows) if len(d)]),
            whole_family=WholeFamilies.of(wholes, desc_rows),
            prereq_steps=_prereq_steps(offs, row) + np.array([len(n) for n in named], dtype=float),
            needs_first=frozenset(i for i, o in enumerate(offs) if o.prerequisites),
            recommended_first=(first := _recommended_first(offs, row, named)),
            recommends_first=frozenset(i for i, rows in enumerate(first) if rows),
            audience_bits=np.array([audience_bits(_audience(o)) for o in offs], dtype=np.int64),
            stands_for=_stands_for(offs, row),
            gate=(gate := _gates(offs, row)),
            way_in=np.isin(np.arange(len(ids)), gate),
            open_requirements=np.array([_open_requirements(o) for o in offs], dtype=float),
            unshown=np.array([unshown_conditions(o) for o in offs], dtype=float),
            age_floor=np.array([age_floor(o) for o in offs], dtype=np.int64),
            facts=OfferingFacts.build(offs),
        )


def _families(offs: list[Offering], row: dict[str, int]) -> list[np.ndarray]:
    """For each offering, the rows of its ancestors and descendants along ``part_of``."""
    parent = {i: row.get(o.part_of) for i, o in enumerate(offs) if o.part_of}
    ancestors: dict[int, set[int]] = {}
    for i in range(len(offs)):
        seen: set[int] = set()
        p = parent.get(i)
        while p is not None and p not in seen and p != i:
            seen.add(p)
            p = parent.get(p)
        ancestors[i] = seen
    family: list[set[int]] = [set(a) for a in ancestors.values()]
    for i, anc in ancestors.items():
        for a in anc:
            family[a].add(i)
    return [_rows(f) for f in family]


_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_ROWS.flags.writeable = False


def _rows(rows: set[int]) -> np.ndarray:
    """The rows in order; one shared empty array for the many offerings with none (100k arrays: 12 MB)."""
    return np.array(sorted(rows), dtype=np.int64) if rows else _NO_ROWS


def _main_subject(off: Offering, col: dict[str, int]) -> int:
    """The column of the competence an offering lists first: the catalogue lists the main subject first (and
    inferred codes come best first)."""
    return next((col[c] for c in off.competences if c in col), -1)


def _centrality(sim: np.ndarray, tags: np.ndarray) -> np.ndarray:
    """How central each competence is to an offering's text, compared with its other tagged competences.

    A ratio within one offering's text, so a French or German description is not penalised against English
    descriptors; 1 for the competence its text is closest to, and for offerings without tags.
    """
    top = np.where(tags, sim, -np.inf).max(axis=1, initial=-np.inf)
    top = np.where(np.isfinite(top) & (top > 0), top, 1.0)
    return np.clip(sim / top[:, None], 0.0, 1.0).astype(np.float32)


def _audience(off: Offering) -> set[str]:
    """The stated audience and the one its requirements imply (a registered-jobseeker course is for jobseekers)."""
    implied = {r.implies_audience for r, _, _ in requirement_kinds(off) if r.implies_audience}
    return set(off.audience) | implied


def _descendants(offs: list[Offering], row: dict[str, int]) -> list[np.ndarray]:
    """For each offering, the rows of its parts, their parts, and so on."""
    children: dict[int, list[int]] = {}
    for i, o in enumerate(offs):
        if o.part_of in row:
            children.setdefault(row[o.part_of], []).append(i)
    out = []
    for i in range(len(offs)):
        seen: set[int] = set()
        todo = list(children.get(i, []))
        while todo:
            c = todo.pop()
            if c not in seen and c != i:
                seen.add(c)
                todo.extend(children.get(c, []))
        out.append(_rows(seen))
    return out


def _open_requirements(off: Offering) -> int:
    """Requirements in words that neither a rule checks nor name a condition of admission (prior skills, ...). A
    stated coding skill stays open too: the rule rules out only learners assessed below it."""
    checked = {text for rule, _, text in requirement_kinds(off) if rule.kind != "skill"}
    return sum(1 for text in off.requirements if text not in checked and not UNSHOWN_CONDITION.search(text))


def _recommended_first(offs: list[Offering], row: dict[str, int], named: list[set[str]]) -> list[tuple[int, ...]]:
    """Per offering, the rows of the offerings its requirements in words recommend taking first."""
    out = []
    for o, words in zip(offs, named, strict=True):
        out.append(tuple(sorted(row[p] for p in words if p in row and p != o.id)))
    return out


def _named_in_requirements(offs: list[Offering]) -> list[set[str]]:
    """The other offerings each one's requirements in words name by title ("Data Protection Basics recommended").

    Titles are looked up by the word spans of each requirement (linear in the catalogue, not quadratic).
    """
    titles: dict[str, set[str]] = defaultdict(set)
    for o in offs:
        head = " ".join(re.split(r"[:(–]| - ", o.title)[0].lower().split())
        if len(head.split()) >= 2:
            titles[head].add(o.id)
    out = []
    for o in offs:
        named: set[str] = set()
        for text in o.requirements:
            words = re.findall(r"[\w'-]+", text.lower())
            for a in range(len(words)):
                for b in range(a + 2, min(len(words), a + _MAX_TITLE_WORDS) + 1):
                    named |= titles.get(" ".join(words[a:b]), set())
        out.append(named - {o.id})
    return out


def _gates(offs: list[Offering], row: dict[str, int]) -> np.ndarray:
    """Per offering, the row of the admission step it requires first, or -1: a prerequisite whose kind ``admits``
    and that has no level range of its own (a test that lets the learner in, not a course) is worth what it
    opens."""

    def gate(oid: str) -> bool:
        step = offs[row[oid]] if oid in row else None
        return step is not None and kind_of(step.kind).admits and step.level_min is None and step.level_max is None

    out = np.full(len(offs), -1, dtype=np.int64)
    for i, o in enumerate(offs):
        gates = [row[p] for group in o.prerequisites if len(group) == 1 for p in group if gate(p)]
        if gates:
            out[i] = gates[0]
    return out


def _stands_for(offs: list[Offering], row: dict[str, int]) -> np.ndarray:
    """A part whose prerequisites lie inside its own whole (the whole, or a sibling), or are the whole's own (it
    is entered the way the whole is, e.g. through the same admission), stands for that whole."""
    family: dict[str, set[str]] = defaultdict(set)
    for o in offs:
        if o.part_of:
            family[o.part_of].update({o.part_of, o.id})
    out = np.full(len(offs), -1, dtype=np.int64)
    for i, o in enumerate(offs):
        if o.part_of not in row:
            continue
        inside = any(p in family[o.part_of] for grp in o.prerequisites for p in grp)
        whole = offs[row[o.part_of]].prerequisites
        if inside or (o.prerequisites and all(grp in whole for grp in o.prerequisites)):
            out[i] = row[o.part_of]
    return out


def _prereq_steps(offs: list[Offering], row: dict[str, int]) -> np.ndarray:
    """Fewest offerings to take first: per group the cheapest option (1 + its own steps), summed over groups."""
    memo: dict[int, float] = {}

    def steps(i: int, stack: frozenset[int]) -> float:
        if i in memo:
            return memo[i]
        total = 0.0
        for group in offs[i].prerequisites:
            options = [row[p] for p in group if p in row and row[p] not in stack]
            total += min((1 + steps(j, stack | {i}) for j in options), default=1.0)
        memo[i] = total
        return total

    return np.array([steps(i, frozenset()) for i in range(len(offs))], dtype=float)
