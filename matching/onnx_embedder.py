"""A local ONNX sentence-embedding model as the matcher's embedder (an optional extra).

``MATCHING_EMBEDDER=onnx:<directory>`` points at a directory holding ``model.onnx``
(a transformer encoder exported to ONNX, e.g. bge-small-zh) and ``tokenizer.json``
(its Hugging Face *tokenizers* file). Texts are tokenised with ``tokenizers``, run
through ``onnxruntime`` on the CPU, mean-pooled over the attention mask and scaled to
length 1. Nothing is downloaded: both files must be there, and the packages of
``requirements-onnx.txt`` installed.

The matcher hands every embedder segmented token lists; this one joins them with
spaces (a BERT-style tokenizer splits Chinese into characters anyway).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ImproperlyConfigured

from matching.engine.embedding import Vectors, unit_rows

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 512
BATCH = 32


class OnnxEmbedderError(ImproperlyConfigured):
    """The configured ONNX model cannot be used (missing file, package or input)."""


class OnnxEmbedder:
    """Sentence embeddings from a local ONNX model: mean pooling + L2 normalisation."""

    def __init__(self, directory: str | Path, max_tokens: int = MAX_TOKENS) -> None:
        self.directory = Path(directory)
        model_path = self.directory / MODEL_FILE
        tokenizer_path = self.directory / TOKENIZER_FILE
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise OnnxEmbedderError(
                    f"MATCHING_EMBEDDER: ONNX embedder file not found: {path} "
                    f"(the directory needs {MODEL_FILE} and {TOKENIZER_FILE})."
                )
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise OnnxEmbedderError(
                "MATCHING_EMBEDDER=onnx:… needs onnxruntime and tokenizers: "
                f"pip install -r requirements-onnx.txt ({error})."
            ) from error
        self.tokenizer: Any = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one per worker process; workers scale out
        self.session: Any = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        if "input_ids" not in self.inputs:
            raise OnnxEmbedderError(
                f"MATCHING_EMBEDDER: {model_path} has no input named input_ids "
                f"(inputs: {', '.join(sorted(self.inputs))})."
            )
        digest = hashlib.sha256()
        for path in (model_path, tokenizer_path):
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        self._dimensions = int(self.embed_texts(["0"]).shape[1])
        self._version = f"onnx-{self._dimensions}-{digest.hexdigest()[:12]}"

    @property
    def version(self) -> str:
        """``onnx-<dimensions>-<hash of model.onnx and tokenizer.json>``."""
        return self._version

    @property
    def dimensions(self) -> int:
        """The size of the vectors (the model's hidden size)."""
        return self._dimensions

    def term_weight(self, term: str) -> float:
        """No per-term weight: every term counts the same (0)."""
        return 0.0

    def embed(self, documents: Sequence[Sequence[str]]) -> Vectors:
        """Unit vectors of token lists (joined with spaces)."""
        return self.embed_texts([" ".join(doc) for doc in documents])

    def embed_texts(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of raw texts; an empty text gives zeros."""
        parts = [self._batch(texts[n : n + BATCH]) for n in range(0, len(texts), BATCH)]
        if not parts:
            return np.zeros((0, getattr(self, "_dimensions", 0)), dtype=np.float32)
        return np.vstack(parts)

    def _batch(self, texts: Sequence[str]) -> Vectors:
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids}
        if "attention_mask" in self.inputs:
            feed["attention_mask"] = mask
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array(
                [e.type_ids for e in encodings], dtype=np.int64
            )
        output = np.asarray(self.session.run(None, feed)[0], dtype=np.float64)
        if output.ndim == 3:  # per token: mean over the real (unpadded) tokens
            weights = mask[:, :, None].astype(np.float64)
            summed = (output * weights).sum(axis=1)
            counts = np.maximum(weights.sum(axis=1), 1.0)
            output = summed / counts
        vectors = unit_rows(output)
        empty = [n for n, text in enumerate(texts) if not text.strip()]
        vectors[empty] = 0.0
        return vectors
