"""Rewriting the exported transformer graph (build time only): fused for speed, and
quantised for the opt-in int8 backend.

Fusing is what makes the default backend fast. `torch.onnx.export` writes every layer as a
few hundred small nodes (the reshapes and transposes of the attention heads, the layer
norms, GELU); onnxruntime's transformer optimiser, which ships in the onnxruntime wheel,
rewrites each layer into a handful of fused kernels (Attention, SkipLayerNormalization,
BiasGelu, EmbedLayerNormalization). The arithmetic stays float32, so the embeddings stay
those of sentence-transformers (export_model checks that on probe texts before the export
counts as written). It recognises the attention only in its classic form, which is why the
model is exported with eager attention (onnx_export.py).

Measured on the 2-core box (`python benchmarks/embedding_backends.py --variants`, dev and
extra questions, rounds interleaved): the fused graph embeds a question in 1.08 ms p50
against 1.25 ms for the plain export (1.56 against 1.80 ms with threads that never spin).
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path

from .onnx_embedder import weights_file

# The fused kernels the optimiser may write; counted into export.json as a record of what ran.
FUSED_OPS = ("Attention", "EmbedLayerNormalization", "SkipLayerNormalization", "BiasGelu", "FastGelu", "Gelu")


def fuse_transformer(source: Path, target: Path, *, num_heads: int, hidden_size: int) -> dict[str, int]:
    """Write the fused graph of `source` to `target`; return how many of each fused kernel it
    holds. An empty result means nothing was fused and nothing was written: the caller
    serves the plain graph. `model_type="bert"` covers the encoders sentence-transformers
    pairs with mean pooling (BERT, MiniLM, RoBERTa-style); other graphs are left alone."""
    from onnxruntime.transformers import optimizer

    with _quiet():
        try:
            # opt_level 0: only the optimiser's own fusions; onnxruntime applies its generic
            # ones when the session loads, so the saved graph stays portable across CPUs.
            model = optimizer.optimize_model(
                str(source), model_type="bert", num_heads=num_heads, hidden_size=hidden_size, opt_level=0
            )
        except Exception:  # a graph the optimiser cannot follow: the plain one is served
            return {}
        counts = {op: n for op, n in model.get_fused_operator_statistics().items() if op in FUSED_OPS and n}
        if counts:
            model.save_model_to_file(str(target))
    return counts


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8, one scale per output channel (accuracy: benchmarks/embedding_backends.py).
    Quantised from the plain graph: quantising the fused one (QAttention) was no faster here
    (docs/benchmarks.md, "Why questions are embedded in int8").

    The quantiser's advice to pre-process first is dropped: that step's shape inference
    fails on this graph, and int8 with VNNI needs no reduced range either."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)


def weights_beside(graph: Path) -> str:
    """Move the graph's weights into `<graph>.data` beside it (ONNX external data) and return
    that file's name.

    A graph that holds its weights is parsed into memory whole when the session loads, and
    the parsed copy lives on beside the one the kernels use. From a file beside the graph
    onnxruntime maps the weights instead, and of the largest, the word embeddings, only the
    rows a question uses are ever read in: the serving peak falls from 247 to about 204 MB
    (`python benchmarks/bench.py`, peak RSS row; docs/benchmarks.md)."""
    import onnx

    weights = graph.with_name(weights_file(graph.name))
    model = onnx.load(str(graph))  # with any weights already beside it, before that file is replaced
    # onnx appends to an existing data file; written anew, a hard link of an earlier export is left alone.
    weights.unlink(missing_ok=True)
    onnx.save_model(model, str(graph), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=weights.name, size_threshold=1024)
    weights.chmod(graph.stat().st_mode & 0o777)  # onnx writes it owner-only; a bot run as another user reads it
    return weights.name


@contextmanager
def _quiet():
    """Without the tools' warnings. The quantiser also logs, on the root logger, advice to
    pre-process first that does not apply here (see quantize_int8); the optimiser logs
    below WARNING only."""
    advice = _DropQuantizerAdvice()
    logging.getLogger().addFilter(advice)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.getLogger().removeFilter(advice)


class _DropQuantizerAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()
