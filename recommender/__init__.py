"""The core: gaps, retrieval, ranking, paths and explanations. Plain Python, no broker or web framework."""

from recommender.catalog import Catalog, build_catalog
from recommender.engine import Recommender, recommendation_id

__all__ = ["Catalog", "Recommender", "build_catalog", "recommendation_id"]
