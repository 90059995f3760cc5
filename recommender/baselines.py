"""Baselines the recommender is measured against, computed from the same gaps in the same run.

- ``bm25``: BM25 (bm25s) over offering title and description, queried with the gap competences' descriptors;
- ``embedding``: cosine similarity of the offering vectors to the gap descriptors' vectors (priority-weighted
  mean), the retrieval alone;
- ``tags``: offerings tagged with the most gap competences (ties: more gap priority, then id).

Each is available raw and behind the same hard constraints as the recommender (``+constraints``), so that the
comparison shows what ranking adds beyond filtering.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from recommender.constraints import LearnerProfile
from recommender.engine import Recommender
from recommender.evaluation import Method
from recommender.gaps import compute_gaps
from schemas.assessment import AssessmentCompleted
from schemas.recommendation import Gap

TOP_K = 10


class Baselines:
    """The three baselines over a recommender's catalogue (same gaps, same constraints)."""

    def __init__(self, recommender: Recommender) -> None:
        import bm25s

        self.rec = recommender
        self.f = recommender.features()
        offs = [recommender.catalog.offerings[oid] for oid in self.f.ids]
        corpus = bm25s.tokenize([f"{o.title}. {o.description}" for o in offs], show_progress=False)
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._vectors = recommender.catalog.matrix(self.f.ids)

    def _gaps(self, event: AssessmentCompleted) -> list[Gap]:
        return compute_gaps(event, self.rec.framework)

    def _top(self, scores: np.ndarray, event: AssessmentCompleted, constrained: bool) -> list[str]:
        scores = scores.astype(float).copy()
        if constrained:
            view = self.rec._view(self.f, LearnerProfile.from_event(event, self.rec.home))
            scores[view.rejected] = -np.inf
        order = np.lexsort((np.arange(len(scores)), -scores))
        return [self.f.ids[i] for i in order[:TOP_K] if np.isfinite(scores[i]) and scores[i] > 0]

    def bm25(self, event: AssessmentCompleted, constrained: bool = False) -> list[str]:
        """BM25 over title and description, the query being the gaps' names and summaries."""
        import bm25s

        gaps = self._gaps(event)
        if not gaps:
            return []
        fw = self.rec.framework
        query = " ".join(fw.competence(g.competence).descriptor for g in gaps)
        tokens = bm25s.tokenize([query], show_progress=False, return_ids=False)[0]
        vocab = set(self._bm25.vocab_dict)
        tokens = [t for t in tokens if t in vocab]
        if not tokens:
            return []
        return self._top(self._bm25.get_scores(tokens), event, constrained)

    def embedding(self, event: AssessmentCompleted, constrained: bool = False) -> list[str]:
        """Cosine similarity to the priority-weighted mean of the gap descriptors' vectors."""
        gaps = self._gaps(event)
        if not gaps:
            return []
        query = np.sum([g.priority * self.rec.gap_vectors[g.competence] for g in gaps], axis=0)
        query = query / (float(np.linalg.norm(query)) or 1.0)
        return self._top(self._vectors @ query + 1.0, event, constrained)  # shifted: all scores > 0

    def tags(self, event: AssessmentCompleted, constrained: bool = False) -> list[str]:
        """Offerings with the most gap competences among their tags."""
        gaps = self._gaps(event)
        if not gaps:
            return []
        cols = [self.f.col[g.competence] for g in gaps]
        tags = self.f.tags[:, cols]
        pri = np.array([g.priority for g in gaps])
        scores = tags.sum(axis=1) + (tags @ pri) / (pri.sum() * 10)
        return self._top(scores, event, constrained)

    def methods(self) -> dict[str, Method]:
        """Name -> method, raw and constrained."""
        out: dict[str, Method] = {}
        for name in ("bm25", "embedding", "tags"):
            fn: Callable[..., list[str]] = getattr(self, name)
            out[name] = _bound(fn, constrained=False)
            out[f"{name}+constraints"] = _bound(fn, constrained=True)
        return out


def _bound(fn: Callable[..., list[str]], constrained: bool) -> Method:
    return lambda e: fn(e, constrained=constrained)
