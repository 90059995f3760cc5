"""Synthetic catalogues for tests and benchmarks (10k, 100k offerings), clearly marked as synthetic.

Every synthetic offering has an id starting ``syn-``, provider ``synthetic`` and the confidence
``"synthetic (generated, not a real offering)"``. Each one is drawn from a seed offering (its template), so the
joint distribution of kind, status, format, languages, cost, levels, duration and audience follows the seed
catalogue; competences and levels are perturbed, and title and description are rewritten around one of the
offering's competences. The same ``seed`` gives the same catalogue.

Embedding 100k texts with the model takes far too long on a laptop CPU, so :func:`synthetic_vectors` derives
each vector from its template's real embedding plus seeded noise (cosine ~0.9 to the template), and
:class:`PrimedEmbedder` serves those vectors for the synthetic texts. They stand in for model embeddings in
scale tests; they are not what the model would produce.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings import Embedder, normalise
from schemas.framework import load_framework
from schemas.offering import Offering

PROVIDER = "synthetic"
PREFIX = "syn-"
CONFIDENCE = "synthetic (generated, not a real offering)"
_OPENERS = ("Introduction to", "Practical", "Workshop:", "Getting started with", "Hands-on", "Deepening",
            "Masterclass:", "Everyday", "Refresher:", "Step by step:")
_CLOSERS = ("", "", "", " for beginners", " at work", " in daily life", " for your team", " in small steps")


def _perturb_codes(rng: np.random.Generator, codes: list[str], all_codes: list[str]) -> list[str]:
    codes = list(codes)
    if len(codes) > 1 and rng.random() < 0.3:
        codes.pop(int(rng.integers(len(codes))))
    if rng.random() < 0.3:
        same_area = [c for c in all_codes if c.split(".")[0] == codes[0].split(".")[0] and c not in codes]
        if same_area:
            codes.append(same_area[int(rng.integers(len(same_area)))])
    return codes


def _levels(rng: np.random.Generator, lo: int | None, hi: int | None) -> tuple[int | None, int | None]:
    if lo is None or hi is None:
        return lo, hi
    shift = int(rng.choice([-1, 0, 0, 0, 1]))
    lo, hi = min(8, max(1, lo + shift)), min(8, max(1, hi + shift))
    return lo, max(lo, hi)


def synthetic_offering(i: int, template: Offering, rng: np.random.Generator) -> Offering:
    """The ``i``-th synthetic offering, drawn from one template."""
    fw = load_framework()
    codes = _perturb_codes(rng, template.competences, sorted(fw.competences))
    focus = fw.competences[codes[int(rng.integers(len(codes)))]]
    lo, hi = _levels(rng, template.level_min, template.level_max)
    opener = _OPENERS[int(rng.integers(len(_OPENERS)))]
    closer = _CLOSERS[int(rng.integers(len(_CLOSERS)))]
    hours = template.duration_hours
    if hours is not None:
        hours = round(float(hours * rng.uniform(0.5, 2.0)), 1) or 0.5
    first_sentence = template.description.split(". ")[0].rstrip(".")
    data = template.model_dump() | {
        "id": f"{PREFIX}{i:06d}",
        "provider": PROVIDER,
        "provider_name": "Synthetic provider (generated data)",
        "title": f"{opener} {focus.name[0].lower()}{focus.name[1:]}{closer}",
        "description": f"{focus.summary} Modelled on: {first_sentence}. Synthetic offering no. {i}.",
        "url": None,
        "competences": codes,
        "level_min": lo,
        "level_max": hi,
        "duration_hours": hours,
        "prerequisites": [],
        "part_of": None,
        "source": f"synthetic, drawn from seed offering {template.id}",
        "confidence": CONFIDENCE,
        "inferred_fields": ["everything (synthetic)"],
    }
    return Offering.model_validate(data)


def synthetic_offerings(n: int, seed: int = 0, base: Sequence[Offering] | None = None) -> list[Offering]:
    """``n`` synthetic offerings drawn from ``base`` (default: the shipped seed catalogue)."""
    from catalog_ingest.seed import load_offerings

    templates = [o for o in (base if base is not None else load_offerings()) if o.competences]
    rng = np.random.default_rng(seed)
    return [synthetic_offering(i, templates[int(rng.integers(len(templates)))], rng) for i in range(n)]


def template_ids(offerings: Sequence[Offering]) -> list[str]:
    """The seed offering each synthetic offering was drawn from."""
    return [str(o.source).rsplit(" ", 1)[-1] for o in offerings]


def synthetic_vectors(
    offerings: Sequence[Offering], base_vectors: dict[str, np.ndarray], seed: int = 0, noise: float = 0.5
) -> np.ndarray:
    """Unit vectors near each template's real embedding (see the module docstring)."""
    rng = np.random.default_rng(seed)
    base = np.stack([base_vectors[t] for t in template_ids(offerings)])
    jitter = normalise(rng.standard_normal(base.shape).astype(np.float32))
    return normalise(base + noise * jitter)


class PrimedEmbedder:
    """An embedder that knows some texts' vectors in advance and asks the real model for the others."""

    def __init__(self, inner: Embedder, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._known = dict(zip(texts, np.asarray(vectors, dtype=np.float32), strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        if missing:
            self._known.update(zip(missing, self.inner.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._known[t] for t in texts])


def write_jsonl(offerings: Sequence[Offering], path: Path) -> Path:
    """Write offerings as JSON Lines (the feed format ``upskill catalog ingest`` reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for off in offerings:
            fh.write(json.dumps(off.model_dump(mode="json"), ensure_ascii=False) + "\n")
    return path
