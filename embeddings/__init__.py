"""Sentence embeddings: the model wrapper and the cache of fixed texts."""

from embeddings.cache import CachedEmbedder
from embeddings.model import DEFAULT_MODEL, Embedder, EmbeddingModelError, SentenceTransformerEmbedder, normalise

__all__ = [
    "DEFAULT_MODEL",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingModelError",
    "SentenceTransformerEmbedder",
    "normalise",
]
