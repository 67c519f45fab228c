"""The LSA embedder: related words meet, the model is deterministic and storable."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching.engine.embedding import LsaEmbedder, top_k

# A small catalogue: 余热 and 废热 never occur together, but both occur with 锅炉 and
# 回收; 电池 documents share their own vocabulary.
CATALOGUE = [
    ["余热", "回收", "锅炉", "烟气"],
    ["余热", "回收", "发电", "锅炉"],
    ["废热", "回收", "锅炉", "换热器"],
    ["废热", "发电", "回收", "换热器"],
    ["锂电池", "电池包", "热失控", "预警"],
    ["锂电池", "电池包", "均衡", "管理"],
    ["电池包", "热失控", "储能", "均衡"],
    ["储能", "锂电池", "管理", "预警"],
    ["石斛", "种植", "组培", "药材"],
    ["石斛", "药材", "提取", "种植"],
] * 2


@pytest.fixture(scope="module")
def model() -> LsaEmbedder:
    return LsaEmbedder.fit(CATALOGUE, dimensions=3, min_df=2, max_df_share=0.5)


def test_lsa_brings_a_text_closer_to_its_topic_without_shared_words(model):
    query, heat, battery = model.embed(
        [["废热", "发电"], ["余热", "烟气"], ["锂电池", "预警"]]
    )
    assert float(query @ heat) > 0.8
    assert float(query @ heat) > float(query @ battery) + 0.5


def test_lsa_vectors_are_unit_length_and_unknown_text_is_zero(model):
    vectors = model.embed([["余热", "回收"], ["完全", "陌生"], []])
    assert np.allclose(np.linalg.norm(vectors[0]), 1.0)
    assert not vectors[1].any() and not vectors[2].any()
    assert vectors.shape == (3, model.dimensions) and vectors.dtype == np.float32


def test_lsa_is_deterministic_and_versioned_by_what_it_learned(model):
    again = LsaEmbedder.fit(CATALOGUE, dimensions=3, min_df=2, max_df_share=0.5)
    assert again.version == model.version and model.version.startswith("lsa-3-")
    assert np.allclose(again.embed([["余热"]]), model.embed([["余热"]]))
    other = LsaEmbedder.fit(CATALOGUE[:8], dimensions=3, min_df=2, max_df_share=0.5)
    assert other.version != model.version


def test_lsa_survives_a_round_trip_through_bytes(model):
    restored = LsaEmbedder.from_bytes(model.to_bytes())
    assert restored.version == model.version
    sample = [["锂电池", "储能"], ["石斛"]]
    assert np.allclose(restored.embed(sample), model.embed(sample), atol=1e-6)


@pytest.mark.parametrize("documents", [[], [["唯一"]], [["甲乙"], ["甲乙"]]])
def test_lsa_fits_degenerate_catalogues_without_crashing(documents):
    model = LsaEmbedder.fit(documents)
    assert model.embed([["甲乙"]]).shape[0] == 1


def test_top_k_returns_the_nearest_rows_best_first(model):
    matrix = model.embed(CATALOGUE[:10])
    (hits,) = top_k(model.embed([["锂电池", "热失控"]]), matrix, 3)
    # Three dimensions, three topics: every battery document is as near as any other.
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(hits))
    assert {row for row, _ in hits} <= {4, 5, 6, 7}
    assert top_k(matrix[:1], matrix[:0], 3) == [[]]
