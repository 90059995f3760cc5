"""What the benchmarks feed the recommender: a fixed-seed mix of learners, and the large synthetic catalogue.

The events are the two contract examples (levels redrawn) and synthetic DigComp assessments: a random subset
of competences at random levels, a random status, age, language pair and target role, and preferences on
about half of them. The same seed gives the same events (event ids included), so runs compare.

The large catalogue is the shipped one plus ``size`` synthetic offerings (catalog_ingest.synthetic). Their
vectors are :func:`~catalog_ingest.synthetic.synthetic_vectors` (each template's real embedding plus seeded
noise): embedding 100k texts on two CPU cores would take the better part of an hour. The built catalogue is
saved as an index snapshot under ``<cache_dir>/bench/`` keyed by size, seed and model, so only the first run
pays for generating it.
"""

from __future__ import annotations

import copy
import json
import logging
import random
import uuid
from pathlib import Path

from catalog_ingest.seed import load_offerings
from catalog_ingest.synthetic import PREFIX, synthetic_offerings, synthetic_vectors
from embeddings import Embedder
from recommender import Recommender
from recommender.catalog import Catalog, build_catalog
from recommender.snapshot import SnapshotError, load_snapshot, save_snapshot
from schemas.assessment import AssessmentCompleted
from schemas.framework import load_framework

logger = logging.getLogger(__name__)

EXAMPLES = Path(__file__).resolve().parent.parent / "upskill" / "examples"
STATUSES = ("jobseeker", "employee", "student", "self-employed", "retired", "other")
LANGUAGES = (["fr", "en"], ["de", "en"], ["lb", "fr"], ["en"], ["pt", "fr"], ["de"])
FORMATS = (["online"], ["online", "blended"], ["in_person"], [])


def example(name: str) -> dict:
    """A contract example (``digcomp`` or ``pix``) as a dict."""
    return json.loads((EXAMPLES / f"assessment-completed.{name}.json").read_text(encoding="utf-8"))


def _synthetic(rng: random.Random, i: int, codes: list[str], roles: list[str]) -> dict:
    raw = example("digcomp")
    raw["learner"] |= {"id": f"lrn-bench-{i:06d}", "status": rng.choice(STATUSES),
                       "languages": list(rng.choice(LANGUAGES)), "age": rng.randint(16, 70)}
    raw["assessment"] = {"id": f"asm-bench-{i:06d}", "framework": "digcomp-2.2", "campaign": "BENCH"}
    raw["results"] = [{"competence": c, "level": rng.randint(0, 6)} for c in rng.sample(codes, rng.randint(3, 21))]
    raw["target"] = {"role": rng.choice(roles)}
    if rng.random() < 0.5:
        raw["preferences"] = {"formats": list(rng.choice(FORMATS)), "cost": rng.choice(["free", "any"]),
                              "max_hours": rng.choice([None, 20, 80, 200])}
    else:
        raw.pop("preferences", None)
    return raw


def assessment_events(n: int, seed: int = 7) -> list[AssessmentCompleted]:
    """``n`` events of ``n`` learners: every fourth a contract example with redrawn levels, the rest synthetic."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    fw = load_framework()
    codes, roles = sorted(fw.competences), sorted(r for r in fw.roles)
    bases = (example("digcomp"), example("pix"))
    events = []
    for i in range(n):
        if i % 4 == 0:
            raw = copy.deepcopy(bases[(i // 4) % 2])
            raw["learner"]["id"] = f"lrn-bench-{i:06d}"  # every event its own learner: no hot partition key
            for result in raw["results"]:
                result["level"] = rng.randint(0, 5)
        else:
            raw = _synthetic(rng, i, codes, roles)
        raw["event_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        events.append(AssessmentCompleted.model_validate(raw))
    return events


def large_catalog(
    embedder: Embedder, cache_dir: Path, size: int, quick: bool, seed: int = 0
) -> tuple[Catalog, str, Path]:
    """The shipped catalogue plus ``size`` synthetic offerings, and how it was obtained.

    With ``quick`` and no cached catalogue, only a tenth of the synthetic offerings is generated and the rest
    are copies of them under their own ids (their vectors still differ by the seeded noise): generating and
    validating 100k offerings takes about a minute on two loaded cores, the copies a few seconds.

    Returns:
        The catalogue; ``"cached"``, ``"cold"`` (generated now, then cached) or ``"cold, 1/10 generated and
        copied (--quick)"``; and the snapshot directory it is cached in.
    """
    for directory, how in cached_snapshots(cache_dir, embedder.name, size, quick, seed):
        try:
            return load_snapshot(directory, model=embedder.name), how, directory
        except SnapshotError:
            logger.info("no usable cached %d-offering catalogue in %s", size, directory)
    full, clones = (snapshot_dir(cache_dir, embedder.name, size, seed, v) for v in ("synthetic", "clones"))
    catalog = build_catalog(load_offerings(), embedder)
    if quick:
        unique = synthetic_offerings(max(1, size // 10), seed)
        synthetic = [o if i < len(unique) else o.model_copy(update={"id": f"{PREFIX}{i:06d}"})
                     for i, o in ((i, unique[i % len(unique)]) for i in range(size))]
    else:
        synthetic = synthetic_offerings(size, seed)
    catalog.upsert(synthetic, synthetic_vectors(synthetic, catalog.vectors, seed))
    directory = save_snapshot(catalog, clones if quick else full, embedder.name)
    return catalog, "cold, 1/10 generated and copied (--quick)" if quick else "cold", directory


def cached_snapshots(cache_dir: Path, model: str, size: int, quick: bool, seed: int = 0) -> list[tuple[Path, str]]:
    """The cached large catalogues that exist (best first) and how each was made; copies only with ``quick``."""
    variants = [("synthetic", "cached")] + ([("clones", "cached, 1/10 generated and copied")] if quick else [])
    found = [(snapshot_dir(cache_dir, model, size, seed, v), how) for v, how in variants]
    return [(d, how) for d, how in found if (d / "meta.json").exists()]


def snapshot_dir(cache_dir: Path, model: str, size: int, seed: int, variant: str = "synthetic") -> Path:
    """Where the large catalogue of this size, seed, model and variant is cached."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    return cache_dir / "bench" / f"catalog-{variant}-{size}-seed{seed}-{safe}"


ADJUSTED_PAIRS = 300  # (offering, gap) pairs people have reviewed or given feedback on


def adjustments_for(rec: Recommender, pairs: int = ADJUSTED_PAIRS, seed: int = 11) -> dict[tuple[str, str], float]:
    """People's adjustments as a worker passes them with every request: ``pairs`` (offering, competence)
    factors, about as many demoted as promoted, within (0.25, 1.75) (``store.adjustments``)."""
    rng = random.Random(seed)
    tagged = [(oid, c) for oid, off in sorted(rec.catalog.offerings.items()) for c in off.competences]
    chosen = rng.sample(tagged, min(pairs, len(tagged)))
    return {pair: round(rng.choice([rng.uniform(0.3, 0.9), rng.uniform(1.1, 1.7)]), 3) for pair in chosen}
