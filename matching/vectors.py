"""Where item vectors live and how their nearest neighbours are found.

Elasticsearch: one index per embedding model (``<prefix>-match-vectors-<version>``),
a ``dense_vector`` field with cosine similarity searched with ``knn``. Embedded: the
``ItemVector`` rows, searched with a numpy top-k in the process (reloaded when the
active model or its row count changes). Both answer the same ``nearest`` question.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from matching.engine.embedding import Vectors, top_k
from matching.models import EmbeddingModel, ItemVector


class VectorStore(Protocol):
    """Stores a model's vectors and answers nearest-neighbour questions."""

    def write(
        self,
        model: EmbeddingModel,
        rows: Sequence[tuple[int, str, Vectors]],
        refresh: bool = False,
    ) -> None: ...

    def nearest(
        self,
        model: EmbeddingModel,
        vector: Vectors,
        kind: str,
        k: int,
        exclude: Iterable[int] = (),
    ) -> list[tuple[int, float]]: ...

    def nearest_many(
        self,
        model: EmbeddingModel,
        asked: Sequence[tuple[int, Vectors, str]],
        k: int,
    ) -> dict[int, dict[int, float]]: ...

    def refresh(self, model: EmbeddingModel) -> None: ...

    def drop(self, model: EmbeddingModel) -> None: ...


def get_store() -> VectorStore:
    """The store for the configured search backend."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        return ElasticsearchVectors()
    return EmbeddedVectors()


def write_rows(model: EmbeddingModel, rows: Sequence[tuple[int, str, Vectors]]) -> None:
    """Store vectors as ``ItemVector`` rows (both backends keep them: the database is
    the record a search index can be rebuilt from)."""
    ItemVector.objects.bulk_create(
        [
            ItemVector(
                model=model,
                listing_id=pk,
                kind=kind,
                vector=np.asarray(vector, dtype=np.float32).tobytes(),
            )
            for pk, kind, vector in rows
        ],
        update_conflicts=True,
        unique_fields=["model", "listing_id"],
        update_fields=["kind", "vector"],
        batch_size=1000,
    )


class EmbeddedVectors:
    """Vectors in the database, searched in memory."""

    _lock = threading.Lock()
    _loaded: dict[tuple[int, str], tuple[tuple[int, int], list[int], Vectors]] = {}

    def write(
        self,
        model: EmbeddingModel,
        rows: Sequence[tuple[int, str, Vectors]],
        refresh: bool = False,
    ) -> None:
        """Upsert the rows (``refresh`` has no meaning here)."""
        write_rows(model, rows)

    def _matrix(self, model: EmbeddingModel, kind: str) -> tuple[list[int], Vectors]:
        rows = ItemVector.objects.filter(model=model, kind=kind)
        stamp = rows.aggregate(n=Count("id"), last=Max("id"))
        key = (model.pk, kind)
        signature = (stamp["n"] or 0, stamp["last"] or 0)
        with self._lock:
            cached = self._loaded.get(key)
            if cached is not None and cached[0] == signature:
                return cached[1], cached[2]
        ids: list[int] = []
        vectors: list[Any] = []
        for pk, data in rows.order_by("listing_id").values_list("listing_id", "vector"):
            ids.append(pk)
            vectors.append(np.frombuffer(bytes(data), dtype=np.float32))
        matrix = (
            np.vstack(vectors).astype(np.float32)
            if vectors
            else np.zeros((0, model.dimensions), dtype=np.float32)
        )
        with self._lock:
            self._loaded[key] = (signature, ids, matrix)
        return ids, matrix

    def nearest(
        self,
        model: EmbeddingModel,
        vector: Vectors,
        kind: str,
        k: int,
        exclude: Iterable[int] = (),
    ) -> list[tuple[int, float]]:
        """The ``k`` listings of ``kind`` nearest to ``vector`` (cosine), best first."""
        if not np.any(vector):
            return []
        ids, matrix = self._matrix(model, kind)
        excluded = set(exclude)
        (hits,) = top_k(vector.reshape(1, -1), matrix, k + len(excluded))
        found = [(ids[row], score) for row, score in hits if ids[row] not in excluded]
        return found[:k]

    def nearest_many(
        self,
        model: EmbeddingModel,
        asked: Sequence[tuple[int, Vectors, str]],
        k: int,
    ) -> dict[int, dict[int, float]]:
        """For each (listing id, vector, kind), the ``k`` listings of ``kind`` nearest
        to the vector, the listing itself left out: one matrix product per kind."""
        found: dict[int, dict[int, float]] = {}
        for kind in sorted({kind for _, _, kind in asked}):
            of_kind = [(pk, vector) for pk, vector, wanted in asked if wanted == kind]
            ids, matrix = self._matrix(model, kind)
            queries = np.vstack([vector for _, vector in of_kind]).astype(np.float32)
            for (pk, _), hits in zip(
                of_kind, top_k(queries, matrix, k + 1), strict=True
            ):
                found[pk] = dict(
                    [(ids[row], score) for row, score in hits if ids[row] != pk][:k]
                )
        return found

    def refresh(self, model: EmbeddingModel) -> None:
        """Nothing to do: rows are read as they are."""

    def drop(self, model: EmbeddingModel) -> None:
        """Forget the model's vectors (rows go with the model)."""
        with self._lock:
            for key in [key for key in self._loaded if key[0] == model.pk]:
                del self._loaded[key]


class ElasticsearchVectors:
    """One ``dense_vector`` index per model, searched with kNN."""

    def _client(self) -> Any:
        from search.backends.elasticsearch import get_client

        return get_client()

    def index(self, model: EmbeddingModel) -> str:
        """The index holding ``model``'s vectors."""
        from search.backends.elasticsearch import index_name

        return index_name(f"match-vectors-{model.version}")

    def write(
        self,
        model: EmbeddingModel,
        rows: Sequence[tuple[int, str, Vectors]],
        refresh: bool = False,
    ) -> None:
        """Upsert the rows in the database, then in the model's index."""
        from elasticsearch.helpers import bulk

        write_rows(model, rows)
        client = self._client()
        name = self.index(model)
        if not client.indices.exists(index=name):
            try:
                client.indices.create(
                    index=name,
                    settings={
                        "number_of_shards": 1,
                        "number_of_replicas": getattr(
                            settings, "SEARCH_INDEX_REPLICAS", 0
                        ),
                    },
                    mappings={
                        "properties": {
                            "listing_id": {"type": "long"},
                            "kind": {"type": "keyword"},
                            "vector": {
                                "type": "dense_vector",
                                "dims": model.dimensions,
                                "index": True,
                                "similarity": "cosine",
                            },
                        }
                    },
                )
            except Exception as error:  # another worker created it meanwhile
                if "resource_already_exists_exception" not in str(error):
                    raise
        actions = [
            {
                "_index": name,
                "_id": str(pk),
                "_source": {
                    "listing_id": pk,
                    "kind": kind,
                    "vector": [float(x) for x in vector],
                },
            }
            for pk, kind, vector in rows
            if np.any(vector)  # cosine vectors may not be all zeros
        ]
        bulk(client, actions, chunk_size=500, refresh=refresh)

    def nearest(
        self,
        model: EmbeddingModel,
        vector: Vectors,
        kind: str,
        k: int,
        exclude: Iterable[int] = (),
    ) -> list[tuple[int, float]]:
        """The ``k`` listings of ``kind`` nearest to ``vector``, best first."""
        if not np.any(vector):
            return []
        body = knn_body(vector, kind, k, exclude)
        response = self._client().search(
            index=self.index(model),
            knn=body["knn"],
            source=body["_source"],
            size=body["size"],
        )
        return knn_hits(response)

    def nearest_many(
        self,
        model: EmbeddingModel,
        asked: Sequence[tuple[int, Vectors, str]],
        k: int,
    ) -> dict[int, dict[int, float]]:
        """For each (listing id, vector, kind), the ``k`` listings of ``kind`` nearest
        to the vector, the listing itself left out: one ``_msearch`` of kNN searches."""
        if not asked:
            return {}
        searches: list[dict[str, Any]] = []
        for pk, vector, kind in asked:
            searches += [{"index": self.index(model)}, knn_body(vector, kind, k, [pk])]
        response = self._client().msearch(
            searches=searches, filter_path=MSEARCH_FILTER_PATH
        )
        found: dict[int, dict[int, float]] = {}
        for (pk, _, _), answer in zip(asked, response["responses"], strict=True):
            if "error" in answer:
                raise RuntimeError(f"kNN search failed: {answer['error']}")
            found[pk] = dict(knn_hits(answer))
        return found

    def refresh(self, model: EmbeddingModel) -> None:
        """Make what was written searchable."""
        self._client().indices.refresh(index=self.index(model), ignore_unavailable=True)

    def drop(self, model: EmbeddingModel) -> None:
        """Delete the model's index."""
        self._client().indices.delete(index=self.index(model), ignore_unavailable=True)


def knn_body(
    vector: Vectors, kind: str, k: int, exclude: Iterable[int] = ()
) -> dict[str, Any]:
    """The body of one kNN search among the listings of ``kind`` (the bench sends it
    bare too)."""
    excluded = [int(pk) for pk in exclude]
    query_filter: dict[str, Any] = {"bool": {"filter": [{"term": {"kind": kind}}]}}
    if excluded:
        query_filter["bool"]["must_not"] = [{"terms": {"listing_id": excluded}}]
    return {
        "knn": {
            "field": "vector",
            "query_vector": [float(x) for x in vector],
            "k": k,
            "num_candidates": max(100, 4 * k),
            "filter": query_filter,
        },
        "_source": False,  # the id is the listing's
        "size": k,
    }


def knn_hits(response: Any) -> list[tuple[int, float]]:
    """(listing id, cosine) of a kNN answer, best first.

    Elasticsearch scores cosine as (1 + cos) / 2: back to the cosine the engine uses.
    """
    return [
        (int(hit["_id"]), 2 * float(hit["_score"]) - 1)
        for hit in (response["hits"]["hits"] if "hits" in response else ())
    ]


# What a chunk's ``_msearch`` needs back: each answer's status (it keeps an answer
# without hits in the list: filtered out, the answers would no longer line up with
# the searches), its error, and each hit's id and score, not the index name, the
# sort values or the source. Less for Elasticsearch to write and for us to parse.
MSEARCH_FILTER_PATH = (
    "responses.status,responses.error,"
    "responses.hits.hits._id,responses.hits.hits._score"
)
