"""Text embeddings the project trains on its own catalogue (LSA), behind one interface.

:class:`LsaEmbedder` is TF-IDF over the segmented tokens the index already stores,
reduced by a truncated SVD (latent semantic analysis): words that occur in the same
listings end up near each other, so 锂电池 and 电池包 or 余热 and 废热 can meet where
the two texts share no word. It trains in seconds on the catalogue, needs no download,
and is deterministic for a given catalogue and seed.

Another embedder (a local ONNX sentence model: ``matching/onnx_embedder.py``) only has
to provide ``version``, ``dimensions``, ``embed`` and ``term_weight``.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matching.engine.terms import is_key_term

Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns token lists into unit vectors of a fixed size."""

    @property
    def version(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, documents: Sequence[Sequence[str]]) -> Vectors: ...

    def term_weight(self, term: str) -> float:
        """How telling a term is (orders query terms and shared terms; 0 = neutral)."""
        ...


def unit_rows(matrix: NDArray[np.floating]) -> Vectors:
    """Rows scaled to length 1 (rows of zeros stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class LsaEmbedder:
    """TF-IDF + truncated SVD, fitted on the catalogue's own token lists."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: NDArray[np.float64],
        components: NDArray[np.float64],
        version: str,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.components = components  # dimensions × vocabulary
        self._version = version

    @property
    def version(self) -> str:
        """``lsa-<dimensions>-<hash of vocabulary and weights>``."""
        return self._version

    @property
    def dimensions(self) -> int:
        """The size of the vectors."""
        return int(self.components.shape[0])

    @classmethod
    def fit(
        cls,
        documents: Sequence[Sequence[str]],
        dimensions: int = 128,
        min_df: int = 2,
        max_df_share: float = 0.5,
        seed: int = 0,
    ) -> LsaEmbedder:
        """Learn the vocabulary, the weights and the SVD from ``documents``.

        Terms in fewer than ``min_df`` documents or in more than ``max_df_share`` of them
        say nothing about similarity and are left out. With very few documents the
        vectors get fewer dimensions (never more than documents or terms).
        """
        counts = Counter(
            term for doc in documents for term in {t for t in doc if is_key_term(t)}
        )
        limit = max(min_df, math.floor(max_df_share * len(documents)))
        terms = sorted(t for t, df in counts.items() if min_df <= df <= limit)
        if not terms and counts:  # a tiny catalogue: keep what there is
            terms = sorted(counts)
        vocabulary = {term: i for i, term in enumerate(terms)}
        df = np.array([counts[t] for t in terms], dtype=np.float64)
        idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
        matrix = _tfidf(documents, vocabulary, idf)
        k = max(1, min(dimensions, matrix.shape[0] - 1, matrix.shape[1] - 1))
        components = (
            _truncated_svd(matrix, k, seed)
            if matrix.nnz
            else np.zeros((1, max(1, len(terms))))
        )
        digest = hashlib.sha256()
        digest.update("\n".join(terms).encode())
        digest.update(np.ascontiguousarray(components, dtype=np.float32).tobytes())
        version = f"lsa-{components.shape[0]}-{digest.hexdigest()[:12]}"
        return cls(vocabulary, idf, components, version)

    def term_weight(self, term: str) -> float:
        """The term's inverse document frequency (0 for a term it does not know)."""
        index = self.vocabulary.get(term)
        return 0.0 if index is None else float(self.idf[index])

    def embed(self, documents: Sequence[Sequence[str]]) -> Vectors:
        """Unit vectors of ``documents`` (a document with no known term: zeros)."""
        matrix = _tfidf(documents, self.vocabulary, self.idf)
        return unit_rows(np.asarray(matrix @ self.components.T))

    def to_bytes(self) -> bytes:
        """The fitted model, to store (``numpy.savez``, no pickle)."""
        buffer = io.BytesIO()
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            buffer,
            terms=np.array(terms, dtype=np.str_),
            idf=self.idf,
            components=self.components.astype(np.float32),
            version=np.array(self._version),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LsaEmbedder:
        """A model stored by :meth:`to_bytes`."""
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            terms = [str(t) for t in stored["terms"]]
            return cls(
                {t: i for i, t in enumerate(terms)},
                stored["idf"].astype(np.float64),
                stored["components"].astype(np.float64),
                str(stored["version"]),
            )


def _tfidf(
    documents: Sequence[Sequence[str]],
    vocabulary: dict[str, int],
    idf: NDArray[np.float64],
) -> sparse.csr_matrix:
    """Sublinear TF × IDF, each row scaled to length 1."""
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, doc in enumerate(documents):
        tf = Counter(vocabulary[t] for t in doc if t in vocabulary)
        for col, count in tf.items():
            rows.append(row)
            cols.append(col)
            values.append((1.0 + math.log(count)) * float(idf[col]))
    matrix = sparse.csr_matrix(
        (values, (rows, cols)), shape=(len(documents), max(1, len(vocabulary)))
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _truncated_svd(
    matrix: sparse.csr_matrix, k: int, seed: int, oversample: int = 10, passes: int = 4
) -> NDArray[np.float64]:
    """The top ``k`` right singular vectors (randomised SVD, Halko et al. 2011)."""
    rng = np.random.default_rng(seed)
    width = min(k + oversample, min(matrix.shape))
    sample = matrix @ rng.standard_normal((matrix.shape[1], width))
    basis, _ = np.linalg.qr(sample)
    for _ in range(passes):  # power iterations sharpen a slowly decaying spectrum
        basis, _ = np.linalg.qr(matrix.T @ basis)
        basis, _ = np.linalg.qr(matrix @ basis)
    small = (matrix.T @ basis).T  # width × vocabulary
    _, _, right = np.linalg.svd(small, full_matrices=False)
    components = right[:k]
    # Fix each vector's sign (largest entry positive): the same catalogue and seed give
    # the same vectors, whatever the LAPACK build.
    signs = np.sign(
        components[np.arange(len(components)), np.abs(components).argmax(1)]
    )
    signs[signs == 0] = 1.0
    return np.asarray(components * signs[:, None])


def top_k(query: Vectors, matrix: Vectors, k: int) -> list[list[tuple[int, float]]]:
    """For each query vector, the ``k`` rows of ``matrix`` with the highest cosine
    (both unit-length), as (row, similarity), best first; the embedded backend's kNN."""
    if len(matrix) == 0 or len(query) == 0:
        return [[] for _ in range(len(query))]
    similarities = query @ matrix.T
    k = min(k, matrix.shape[0])
    best = np.argpartition(-similarities, k - 1, axis=1)[:, :k]
    result = []
    for row, candidates in enumerate(best):
        ordered = sorted(candidates, key=lambda c: (-similarities[row, c], c))
        result.append([(int(c), float(similarities[row, c])) for c in ordered])
    return result
