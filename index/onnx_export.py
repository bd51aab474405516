"""Exporting the sentence-transformers model to ONNX beside the index (build time only).

The transformer is traced with `torch.onnx.export` (the TorchScript exporter, which needs
nothing beyond torch; `sentence-transformers[onnx]` cannot be installed with
sentence-transformers 6), then rewritten by onnx_graph.py: fused for the default backend,
quantised for the opt-in int8 one. Pooling and normalisation stay out of the graph and are
done in numpy by `OnnxEmbedder`, so only the well-trodden part of the model is exported.
An export counts as written only once OnnxEmbedder, run on it as the bot runs it, embeds a
few probe texts as sentence-transformers does.

An export is tied to the weights by a fingerprint, so it is redone only when the model
changed: otherwise the previous index's export (or this process's last one) is hard-linked
into the new index folder, which makes a rebuild cost no export at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
import weakref
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path

from .embedding import Embedder, SentenceTransformerEmbedder
from .errors import EngineError
from .onnx_embedder import (
    EXPORT_VERSION, FACTS, MODEL_FILES, ONNX_DIR, OUTPUT, TOKENIZER, ExportFacts, OnnxEmbedder, read_facts, weights_file,
)
from .onnx_graph import fuse_transformer, quantize_int8, weights_beside

OPSET = 17
GRAPH_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PLAIN_GRAPH = "model.plain.onnx"  # the traced graph, before fusing; not kept
# An export is served only if it embeds these as sentence-transformers does: lengths that
# need padding in one batch, another script, and a text past max_seq_length.
PROBES = (
    "What did Musk tweet to Putin?",
    "Илон Маск пригласил Владимира Путина в Clubhouse.",
    "Clubhouse " + "is an audio-only social network where people talk in rooms. " * 60,
    "",
)
AGREEMENT = 0.9999
# The int8 graph (the default backend) is served only this close to sentence-transformers on
# PROBES: all-MiniLM-L6-v2's sits at 0.976 (the text in Cyrillic) and at 0.986 or above on
# the 88 questions of benchmarks/embedding_backends.py. A model that quantises worse is
# served by its fp32 graph (embedding.serving_embedder).
INT8_AGREEMENT = 0.95

# Hashing 90 MB of weights takes a moment: once per loaded model and process.
_fingerprints: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# fingerprint -> the folder of this process's last export, to link into the next build.
_last_export: dict[str, Path] = {}


class ExportUnsupported(Exception):
    """The model is not a plain transformer with mean pooling; it is served by torch only.
    Never escapes this module: the build goes on and reports it."""


class OnnxExport:
    """The `extras` hook of `write_index`: puts a valid export into the staging folder.

    `outcome` says afterwards what happened, for the build report; `written` whether the
    new index can be served by the ONNX backends.
    """

    def __init__(self, embedder: Embedder, previous_index: Path) -> None:
        self._embedder = embedder
        self._previous = (previous_index / ONNX_DIR).absolute()
        self.outcome = "no ONNX export"
        self.written = False

    def __call__(self, staging: Path) -> None:
        if not isinstance(self._embedder, SentenceTransformerEmbedder):  # a test's fake model
            self.outcome = "no ONNX export (not embedded by sentence-transformers)"
            return
        try:
            self.outcome = self._place(self._embedder, staging / ONNX_DIR)
        except ExportUnsupported as exc:
            shutil.rmtree(staging / ONNX_DIR, ignore_errors=True)  # no half-written export in the index
            self.outcome = f"no ONNX export ({exc})"
        else:
            self.written = True

    def _place(self, embedder: SentenceTransformerEmbedder, target: Path) -> str:
        fingerprint = model_fingerprint(embedder)
        sources = (self._previous, _last_export.get(fingerprint))
        # Once swapped in, the new index holds this export; checked again before any reuse.
        _last_export[fingerprint] = self._previous
        for source in sources:
            facts = _export_of(source, embedder.name, fingerprint) if source else None
            if facts:
                _link_files(source, target, [*facts.files, FACTS])  # export.json last, as when exporting
                return "ONNX export reused"
        export_model(embedder, target)
        return f"exported ONNX to {self._previous}"


def export_model(embedder: SentenceTransformerEmbedder, target: Path, *, quantize: bool = True, fuse: bool = True) -> ExportFacts:
    """Write model.onnx (fused where the optimiser can), model.int8.onnx, each with its weights
    beside it, tokenizer.json and export.json into `target`, and check the export against
    sentence-transformers."""
    st = embedder.sentence_transformer
    transformer, tokenizer, max_seq_length = _parts(st)
    inputs = tuple(n for n in GRAPH_INPUTS if n in _accepted_inputs(transformer, tokenizer))
    target.mkdir(parents=True, exist_ok=True)
    plain = target / PLAIN_GRAPH
    _trace(transformer, tokenizer, inputs, plain)
    graphs = [MODEL_FILES["fp32"]]
    if quantize:
        quantize_int8(plain, target / MODEL_FILES["int8"])
        graphs.append(MODEL_FILES["int8"])
    config = transformer.config
    fused = fuse_transformer(plain, target / MODEL_FILES["fp32"], num_heads=config.num_attention_heads,
                             hidden_size=config.hidden_size) if fuse and _is_bert_like(config) else {}
    if not fused:
        plain.rename(target / MODEL_FILES["fp32"])
    (target / TOKENIZER).write_text(_tokenizer_json(tokenizer), encoding="utf-8")

    files = [TOKENIZER]
    for graph in graphs:
        files += [graph, weights_beside(target / graph)]
    facts = ExportFacts(
        model=embedder.name,
        fingerprint=model_fingerprint(embedder),
        dimension=embedder.dimension,
        max_seq_length=max_seq_length,
        pooling="mean",
        inputs=inputs,
        pad_id=int(tokenizer.pad_token_id),
        pad_token=str(tokenizer.pad_token),
        files={name: (target / name).stat().st_size for name in files},
        fused=fused,
    )
    _write_facts(target, facts)
    agreement = _agreement(embedder, target)
    if fused and agreement < AGREEMENT:  # a fusion that changed the arithmetic: serve the plain graph
        graph = target / MODEL_FILES["fp32"]
        plain.replace(graph)
        weights = weights_beside(graph)
        sizes = {name: (target / name).stat().st_size for name in (graph.name, weights)}
        facts = replace(facts, fused={}, files={**facts.files, **sizes})
        _write_facts(target, facts)
        agreement = _agreement(embedder, target)
    plain.unlink(missing_ok=True)
    if agreement < AGREEMENT:
        shutil.rmtree(target, ignore_errors=True)
        raise ExportUnsupported(f"the exported model disagrees with sentence-transformers (cosine {agreement:.4f})")
    if quantize and _agreement(embedder, target, quantized=True) < INT8_AGREEMENT:
        int8 = MODEL_FILES["int8"]
        for name in (int8, weights_file(int8)):
            (target / name).unlink(missing_ok=True)
        facts = replace(facts, files={k: v for k, v in facts.files.items() if k not in (int8, weights_file(int8))})
        _write_facts(target, facts)
    return facts


def _trace(transformer, tokenizer, inputs: tuple[str, ...], path: Path) -> None:
    """The transformer as a plain ONNX graph, traced with eager attention: the classic
    attention pattern the optimiser fuses (the SDPA form exports as masked, NaN-guarded
    nodes it does not recognise). Both compute the same; the model is left as it was."""
    import torch

    sample = tokenizer(["an example", "a slightly longer example text"], padding=True, return_tensors="pt")
    graph = _last_hidden_state(transformer, inputs)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*inputs, OUTPUT)}
    try:
        with torch.no_grad(), warnings.catch_warnings(), _attention(transformer, "eager"):
            warnings.simplefilter("ignore")  # the exporter's deprecation and tracing notices
            torch.onnx.export(
                graph, tuple(sample[n] for n in inputs), str(path), dynamo=False,
                input_names=list(inputs), output_names=[OUTPUT], dynamic_axes=axes, opset_version=OPSET,
            )
    except Exception as exc:  # an architecture the tracer cannot follow: serve it with torch
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ExportUnsupported(f"torch.onnx.export failed: {first_line}") from None


@contextmanager
def _attention(transformer, implementation: str):
    """The model with another attention implementation for a while (transformers 4.4x has
    only the config attribute; 5 also a setter that reaches nested models)."""
    config = transformer.config
    before = getattr(config, "_attn_implementation", None)
    setter = getattr(transformer, "set_attn_implementation", None)
    try:
        setter(implementation) if setter else setattr(config, "_attn_implementation", implementation)
    except Exception:  # a model without a choice of attention: traced as it is
        before = None
    try:
        yield
    finally:
        if before is not None:
            setter(before) if setter else setattr(config, "_attn_implementation", before)


def _is_bert_like(config) -> bool:
    """An encoder whose layers the optimiser's BERT fusions match: heads and width known."""
    return bool(getattr(config, "num_attention_heads", 0) and getattr(config, "hidden_size", 0)) and not getattr(
        config, "is_decoder", False
    )


def _agreement(embedder: SentenceTransformerEmbedder, onnx_dir: Path, *, quantized: bool = False) -> float:
    """The lowest cosine between sentence-transformers' and the export's embeddings of PROBES
    (of its fp32 graph, or its int8 one), through OnnxEmbedder exactly as the bot will run it."""
    import numpy as np

    expected = embedder.embed(PROBES)
    served = OnnxEmbedder(onnx_dir, embedder.name, quantized=quantized, threads=1).embed(PROBES)
    return float(np.min(np.sum(expected * served, axis=1)))


def _write_facts(target: Path, facts: ExportFacts) -> None:
    # Written last: a folder with export.json holds a finished export.
    (target / FACTS).write_text(json.dumps(asdict(facts), indent=2), encoding="utf-8")


def model_fingerprint(embedder: SentenceTransformerEmbedder) -> str:
    """sha256 of what decides the vectors: weights, tokenizer and max_seq_length."""
    st = embedder.sentence_transformer
    if st not in _fingerprints:
        import torch

        transformer, tokenizer, max_seq_length = _parts(st)
        digest = hashlib.sha256(f"{max_seq_length}\n{_tokenizer_json(tokenizer)}".encode())
        for name, tensor in transformer.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().flatten().view(torch.uint8).numpy().tobytes())
        _fingerprints[st] = digest.hexdigest()
    return _fingerprints[st]


def _export_of(onnx_dir: Path, model: str, fingerprint: str) -> ExportFacts | None:
    """The facts of a finished, undamaged export of these very weights in the current layout
    (int8 included), or None: an export of an earlier layout still serves, but is redone."""
    try:
        facts = read_facts(onnx_dir, model=model)
    except EngineError:
        return None
    current = facts.export_version == EXPORT_VERSION
    return facts if current and facts.fingerprint == fingerprint and MODEL_FILES["int8"] in facts.files else None


def _link_files(source: Path, target: Path, names: list[str]) -> None:
    """Hard links: no copy of 110 MB per rebuild. Safe because export files are only ever
    written new, never changed in place, so the old index's rmtree leaves the links intact."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        try:
            os.link(source / name, target / name)
        except OSError:  # another file system, or links not supported
            shutil.copy2(source / name, target / name)


def _last_hidden_state(transformer, inputs: tuple[str, ...]):
    """The transformer with positional inputs in a fixed order and one output: the graph's
    interface. Defined here because torch is imported only when exporting."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors):
            return self.transformer(**dict(zip(inputs, tensors))).last_hidden_state

    return LastHiddenState().eval()


def _parts(st):
    """(transformer, tokenizer, max_seq_length) of a Transformer -> mean Pooling -> Normalize model."""
    modules = list(st)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        raise ExportUnsupported(f"only Transformer + Pooling (+ Normalize) models are exported, not {' + '.join(kinds)}")
    pooling = modules[1].get_config_dict()
    # sentence-transformers 6 names the mode; 5 has one flag per mode.
    if pooling.get("pooling_mode", "mean" if pooling.get("pooling_mode_mean_tokens") else None) != "mean":
        raise ExportUnsupported("only mean pooling is exported")
    first = modules[0]
    transformer = getattr(first, "auto_model", None) or first.model
    tokenizer = first.tokenizer
    if not getattr(tokenizer, "is_fast", False) or tokenizer.pad_token is None:
        raise ExportUnsupported("the model has no fast tokenizer with a padding token to save for `tokenizers`")
    return transformer, tokenizer, int(first.max_seq_length)


def _accepted_inputs(transformer, tokenizer) -> set[str]:
    import inspect

    parameters = inspect.signature(transformer.forward).parameters
    return {n for n in tokenizer.model_input_names if n in parameters} | {"input_ids", "attention_mask"}


def _tokenizer_json(tokenizer) -> str:
    """The fast tokenizer as sentence-transformers uses it, without the truncation and padding
    state transformers leaves on it from the last call: OnnxEmbedder sets both explicitly."""
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    copy.no_truncation()
    copy.no_padding()
    return copy.to_str()
