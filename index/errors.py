"""Errors a user or an operator can cause, each with a one-line message.

    EngineError                 every error below; the CLI prints its message and exits 1
    ├── CorpusError             the corpus folder is missing or holds no article
    ├── ModelError              the embedding model cannot be loaded
    └── IndexUnavailable        no usable index on disk
        ├── IndexMissing        nothing has been built yet
        ├── IndexCorrupted      files missing, unreadable or inconsistent
        └── IndexMismatch       built with another model or chunker than configured
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine reports to a person rather than as a traceback."""


class CorpusError(EngineError):
    pass


class ModelError(EngineError):
    pass


class IndexUnavailable(EngineError):
    pass


class IndexMissing(IndexUnavailable):
    pass


class IndexCorrupted(IndexUnavailable):
    pass


class IndexMismatch(IndexUnavailable):
    pass
