"""The operator's extra corpus for the LSA embedding: it teaches which words go
together, is never proposed, and a bad file stops training with a clear message."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from matching.models import EmbeddingModel, ItemVector
from matching.services.training import (
    CorpusError,
    load_embedder,
    read_extra_corpus,
    train_model,
)
from tests.factories import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

# Each line uses the outcome's words and the demand's words together.
CORPUS = "\n".join(
    [
        "钙钛矿 薄膜 用于 光伏 组件 提高 发电 效率",
        "",
        "新型 钙钛矿 叠层 光伏 组件 降低 发电 成本",
        "钙钛矿 薄膜 光伏 组件 稳定性 与 发电 寿命",
        "柔性 钙钛矿 薄膜 适合 光伏 建筑 一体化 发电",
    ]
    + [f"锂电池 热管理 储能 系统 设计 第{n}篇" for n in range(4)]
    + [f"数控 机床 精密 加工 刀具 磨损 第{n}篇" for n in range(4)]
)


@pytest.fixture
def catalogue(settings):
    settings.SEARCH_BACKEND = "embedded"
    outcome = OutcomeFactory(
        published=True,
        title="钙钛矿薄膜制备工艺",
        summary="钙钛矿薄膜",
        keywords=["钙钛矿", "薄膜"],
        description="<p>钙钛矿薄膜</p>",
    )
    demand = DemandFactory(
        published=True,
        title="光伏组件发电需求",
        summary="光伏组件发电",
        keywords=["光伏", "组件"],
        problem="<p>光伏组件发电</p>",
    )
    others = [
        OutcomeFactory(published=True, title="储能锂电池热管理系统", keywords=["储能"]),
        DemandFactory(published=True, title="数控机床刀具磨损监测", keywords=["刀具"]),
    ]
    return outcome, demand, others


def _cosine(model: EmbeddingModel, a: int, b: int) -> float:
    vectors = {
        row.listing_id: np.frombuffer(bytes(row.vector), dtype=np.float32)
        for row in ItemVector.objects.filter(model=model, listing_id__in=[a, b])
    }
    return float(vectors[a] @ vectors[b])


def test_extra_corpus_makes_listings_without_a_shared_word_neighbours(
    catalogue, tmp_path
):
    outcome, demand, _ = catalogue
    corpus = tmp_path / "abstracts.txt"
    corpus.write_text(CORPUS, encoding="utf-8")

    alone = train_model(dimensions=3, extra_corpus="")
    without = _cosine(alone, outcome.pk, demand.pk)
    taught = train_model(dimensions=3, extra_corpus=str(corpus))
    with_corpus = _cosine(taught, outcome.pk, demand.pk)

    assert taught.version != alone.version
    assert taught.documents == 4 + 12  # the catalogue and the corpus's documents
    assert with_corpus > 0.8 > without + 0.3
    # The corpus gets no vector: only listings can be proposed.
    assert ItemVector.objects.filter(model=taught).count() == 4
    assert load_embedder(taught).term_weight("钙钛矿") > 0


def test_extra_corpus_setting_is_what_the_nightly_training_reads(
    catalogue, tmp_path, settings
):
    corpus = tmp_path / "abstracts.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    settings.MATCHING_EXTRA_CORPUS = str(corpus)
    assert train_model(dimensions=3).documents == 16


def test_read_extra_corpus_skips_blank_lines_and_segments_each_line(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("钙钛矿光伏组件\n\n   \n数控机床\n", encoding="utf-8")
    documents = read_extra_corpus(corpus)
    assert len(documents) == 2
    assert "钙钛矿" in documents[0] and "光伏" in documents[0]


def test_read_extra_corpus_names_the_file_and_line_of_bad_input(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_extra_corpus(tmp_path / "missing.txt")
    broken = tmp_path / "gbk.txt"
    broken.write_bytes("光伏\n".encode() + "钙钛矿\n".encode("gbk"))
    with pytest.raises(CorpusError, match=r"gbk\.txt, line 2: not UTF-8"):
        read_extra_corpus(broken)


def test_match_train_with_a_bad_corpus_fails_clearly_and_keeps_the_active_model(
    catalogue, tmp_path
):
    active = train_model(dimensions=3, extra_corpus="")
    with pytest.raises(CommandError, match=r"missing\.txt: no such file"):
        call_command("match_train", "--extra-corpus", str(tmp_path / "missing.txt"))
    assert EmbeddingModel.objects.get(is_active=True) == active
