"""Would competences embedded with the topics they cover, beside their one-sentence summary, rank better?

A competence is embedded today from its name, summary and area (``schemas.framework.Competence.descriptor``).
Here it is the normalised mean of that vector and one of "name. topics" (``digcomp-2.2.topics.json`` beside
this file: what DigComp 2.2's examples of knowledge, skills and attitudes are about). Two measures, same run:

- tags: how well each descriptor set ranks the 21 competences for every offering's text against the
  catalogue's tags (mean average precision; how often the nearest competence is the offering's first tag), a
  measure no judge takes part in;
- nDCG@5 of the recommender on the judged cases (dev, own, and own's blind sets), the shipped descriptors
  against the topics.

    .venv/bin/python docs/experiments/competence_topics.py
"""

from __future__ import annotations

import json
import logging
import statistics
from pathlib import Path

import numpy as np

from catalog_ingest.seed import load_offerings
from embeddings import normalise
from recommender.evaluation import load_cases, ndcg_at
from runtime.resources import make_embedder, make_recommender
from schemas.framework import load_framework
from upskill.cli import settings_from_env

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TOPICS: dict[str, str] = json.loads((HERE / "digcomp-2.2.topics.json").read_text(encoding="utf-8"))["competences"]
BLIND = {"j55-j74": (55, 74), "j75-j94": (75, 94), "j95-j114": (95, 114)}


def descriptor_sets(embedder) -> dict[str, np.ndarray]:  # noqa: ANN001
    fw = load_framework()
    codes = sorted(fw.competences)
    shipped = embedder.encode([fw.competences[c].descriptor for c in codes])
    topics = embedder.encode([f"{fw.competences[c].name}. {TOPICS[c]}" for c in codes])
    return {"shipped": shipped, "with topics": normalise(shipped + topics)}


def tag_ranking(embedder, vectors: np.ndarray) -> tuple[float, float]:  # noqa: ANN001
    codes = sorted(load_framework().competences)
    offerings = [o for o in load_offerings() if o.competences]
    sims = embedder.encode([o.embedding_text() for o in offerings]) @ vectors.T
    precisions, first = [], []
    for row, off in zip(sims, offerings, strict=True):
        wanted = {codes.index(c) for c in off.competences}
        order = np.argsort(-row, kind="stable")
        hits = [k for k, j in enumerate(order, start=1) if j in wanted]
        precisions.append(statistics.mean((n + 1) / k for n, k in enumerate(hits)))
        first.append(order[0] == codes.index(off.competences[0]))
    return float(np.mean(precisions)), float(np.mean(first))


def judged(vectors: np.ndarray | None) -> dict[str, float]:
    settings = settings_from_env()
    rec = make_recommender(settings)
    if vectors is not None:  # the recommender's competence vectors, before its features are built
        rec.gap_vectors = dict(zip(sorted(rec.framework.competences), vectors, strict=True))
    per: dict[str, float] = {}
    for name in ("dev-cases.jsonl", "judged-cases.jsonl"):
        for case in load_cases(ROOT / "tests" / "data" / name):
            if not case.expect_empty:
                per[case.case] = ndcg_at([i.offering_id for i in rec.recommend(case.event).items], case.relevant)
    out = {"dev": statistics.mean(v for k, v in per.items() if k.startswith("d")),
           "own": statistics.mean(v for k, v in per.items() if k.startswith("j"))}
    for label, (low, high) in BLIND.items():
        out[label] = statistics.mean(v for k, v in per.items() if k.startswith("j") and low <= int(k[1:]) <= high)
    out["all"] = statistics.mean(per.values())
    return out


def main() -> None:
    logging.disable(logging.CRITICAL)
    embedder = make_embedder(settings_from_env())
    sets = descriptor_sets(embedder)
    for name, vectors in sets.items():
        mean_ap, first = tag_ranking(embedder, vectors)
        figures = judged(None if name == "shipped" else vectors)
        print(f"{name:12s} tags: MAP {mean_ap:.3f}, nearest = first tag {first:.3f}; nDCG@5 "
              + ", ".join(f"{k} {v:.4f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
