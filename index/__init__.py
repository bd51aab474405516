"""Retrieval engine for questions about news articles. Never imports telegram."""

from .build import BuildReport, build_index
from .corpus import corpus_changed
from .embedding import Embedder, SentenceTransformerEmbedder, load_embedder
from .engine import Answer, Engine
from .errors import CorpusError, EngineError, IndexCorrupted, IndexMismatch, IndexMissing, IndexUnavailable, ModelError
from .passages import Passage
from .retrieval import Hit
from .settings import IndexSettings, describe_error
from .store import ArticleInfo, Manifest

__all__ = [
    "Answer", "ArticleInfo", "BuildReport", "CorpusError", "Embedder", "Engine", "EngineError", "Hit", "IndexCorrupted",
    "IndexMismatch", "IndexMissing", "IndexSettings", "IndexUnavailable", "Manifest", "ModelError", "Passage",
    "SentenceTransformerEmbedder", "build_index", "corpus_changed", "describe_error", "load_embedder",
]
