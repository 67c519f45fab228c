"""Training the catalogue's embedding model and swapping it in atomically.

The embedder is chosen by ``MATCHING_EMBEDDER``: ``lsa`` (default) is fitted on the
catalogue; ``onnx:<directory>`` is a local ONNX sentence model (``matching.onnx_embedder``)
that is not fitted, only used to compute the vectors; its row stores the directory.
An operator may add an extra corpus to LSA's training (``MATCHING_EXTRA_CORPUS`` or
``match_train --extra-corpus``): a UTF-8 text file, one document a line, segmented like
the catalogue; it teaches which words go together, and is never proposed.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

from market.models import ListingKind
from matching.engine.embedding import Embedder, LsaEmbedder
from matching.items import published_ids, tokens_of
from matching.models import EmbeddingModel
from matching.vectors import get_store
from search.analysis import words

logger = logging.getLogger(__name__)

CHUNK = 2000
# An extra corpus larger than this is refused: LSA's matrix would not fit a worker.
MAX_EXTRA_DOCUMENTS = 200_000


class CorpusError(ValueError):
    """The extra corpus cannot be read; the message names the file (and line)."""


def read_extra_corpus(path: str | Path) -> list[tuple[str, ...]]:
    """The documents of an extra corpus file: one a non-blank line, segmented."""
    source = Path(path)
    if not source.is_file():
        raise CorpusError(f"Extra corpus {source}: no such file.")
    documents: list[tuple[str, ...]] = []
    with source.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise CorpusError(
                    f"Extra corpus {source}, line {number}: not UTF-8 text."
                ) from None
            if not line:
                continue
            if len(documents) == MAX_EXTRA_DOCUMENTS:
                raise CorpusError(
                    f"Extra corpus {source}: more than {MAX_EXTRA_DOCUMENTS:,} "
                    "documents; split or sample it."
                )
            documents.append(tuple(words(line)))
    return documents


def active_model() -> EmbeddingModel | None:
    """The model proposals are computed with now (None before the first training)."""
    return EmbeddingModel.objects.filter(is_active=True).first()


def load_embedder(model: EmbeddingModel) -> Embedder:
    """The stored model, ready to embed (cached per process by version)."""
    cached = _embedders.get(model.version)
    if cached is None:
        if model.kind == ONNX:
            cached = _onnx(bytes(model.data).decode())
        else:
            cached = LsaEmbedder.from_bytes(bytes(model.data))
        _embedders.clear()  # one model at a time is worth keeping
        _embedders[model.version] = cached
    return cached


_embedders: dict[str, Embedder] = {}

ONNX = "onnx"


def onnx_directory() -> str | None:
    """The ONNX model directory ``MATCHING_EMBEDDER`` names, or None for LSA."""
    configured = str(settings.MATCHING_EMBEDDER)
    if configured.startswith(f"{ONNX}:"):
        return configured[len(ONNX) + 1 :]
    return None


def _onnx(directory: str) -> Embedder:
    # Imported here: onnxruntime and tokenizers are an optional extra.
    from matching.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(directory)


def _embedder_for(
    documents: list[tuple[str, ...]],
    dimensions: int | None,
    extra: list[tuple[str, ...]],
) -> tuple[Embedder, str, bytes]:
    """The configured embedder, its kind and what its row stores."""
    directory = onnx_directory()
    if directory is not None:
        return _onnx(directory), ONNX, directory.encode()
    lsa = LsaEmbedder.fit(
        [*documents, *extra],
        dimensions=dimensions or int(settings.MATCHING_DIMENSIONS),
    )
    return lsa, "lsa", lsa.to_bytes()


def train_model(
    dimensions: int | None = None, extra_corpus: str | None = None
) -> EmbeddingModel:
    """Fit LSA on every published listing (or load the configured ONNX model), store
    its vectors, then make it active.

    ``extra_corpus`` (default ``MATCHING_EXTRA_CORPUS``; "" for none) adds an
    operator's documents to LSA's training; a bad file raises ``CorpusError`` before
    anything changes.

    Until the last step the previous model stays active (and its proposals readable);
    the swap is one transaction; the previous model's vectors are dropped after it.
    Training again on an unchanged catalogue reuses the stored model.
    """
    started = time.monotonic()
    corpus = (
        extra_corpus
        if extra_corpus is not None
        else str(getattr(settings, "MATCHING_EXTRA_CORPUS", ""))
    )
    extra = read_extra_corpus(corpus) if corpus and onnx_directory() is None else []
    ids = {
        kind: published_ids(kind) for kind in (ListingKind.OUTCOME, ListingKind.DEMAND)
    }
    all_ids = [pk for kind_ids in ids.values() for pk in kind_ids]
    tokens = tokens_of(all_ids)
    documents = [tokens.get(pk, ()) for pk in all_ids]
    embedder, kind, data = _embedder_for(documents, dimensions, extra)
    model, created = EmbeddingModel.objects.get_or_create(
        version=embedder.version,
        defaults={
            "kind": kind,
            "dimensions": embedder.dimensions,
            "documents": len(documents) + len(extra),
            "data": data,
        },
    )
    store = get_store()
    if created or not model.is_active:
        for kind, kind_ids in ids.items():
            for start in range(0, len(kind_ids), CHUNK):
                chunk = kind_ids[start : start + CHUNK]
                vectors = embedder.embed([tokens.get(pk, ()) for pk in chunk])
                store.write(
                    model, [(pk, kind, vectors[n]) for n, pk in enumerate(chunk)]
                )
        store.write(model, [])  # the index exists even for an empty catalogue
        store.refresh(model)
        model.seconds = time.monotonic() - started
        model.save(update_fields=["seconds"])
    previous = list(EmbeddingModel.objects.filter(is_active=True).exclude(pk=model.pk))
    with transaction.atomic():
        EmbeddingModel.objects.filter(is_active=True).exclude(pk=model.pk).update(
            is_active=False
        )
        EmbeddingModel.objects.filter(pk=model.pk).update(is_active=True)
    for old in previous:
        store.drop(old)
        old.delete()
    model.refresh_from_db()
    logger.info(
        "matching model %s trained on %s listings in %.1f s",
        model.version,
        model.documents,
        model.seconds,
    )
    return model
