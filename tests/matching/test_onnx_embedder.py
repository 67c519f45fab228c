"""The ONNX embedder option: a tiny model and tokenizer built here (nothing is
downloaded), loaded through ``MATCHING_EMBEDDER``, used for proposals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
tokenizers = pytest.importorskip("tokenizers")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper  # noqa: E402

from market.models import TechField  # noqa: E402
from matching.models import EmbeddingModel, Proposal  # noqa: E402
from matching.onnx_embedder import OnnxEmbedder, OnnxEmbedderError  # noqa: E402
from matching.services.proposals import refresh_item  # noqa: E402
from matching.services.training import load_embedder, train_model  # noqa: E402
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory  # noqa: E402

# Characters of three topics; each topic's characters share a direction in the table.
TOPICS = {
    0: "锂电池储能热失控预警",
    1: "石斛组培快繁植物",
    2: "废水重金属镍铬电镀",
}
DIMENSIONS = 4


def _vocabulary() -> dict[str, int]:
    vocabulary = {"[PAD]": 0, "[UNK]": 1}
    for chars in TOPICS.values():
        for char in chars:
            vocabulary.setdefault(char, len(vocabulary))
    return vocabulary


def _table(vocabulary: dict[str, int]) -> np.ndarray:
    rng = np.random.default_rng(0)
    table = np.zeros((len(vocabulary), DIMENSIONS), dtype=np.float32)
    table[1] = [0.0, 0.0, 0.0, 1.0]  # unknown characters: a direction of their own
    for topic, chars in TOPICS.items():
        for char in chars:
            row = rng.normal(0, 0.15, DIMENSIONS).astype(np.float32)
            row[topic] += 1.0
            table[vocabulary[char]] = row
    return table


def build_model(directory: Path, pooled: bool = False) -> Path:
    """model.onnx (embedding lookup; ``pooled``: + ReduceMean in the graph) and
    tokenizer.json (BERT pre-tokenisation: one token per Chinese character)."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = _vocabulary()
    tokenizer = Tokenizer(WordLevel(vocabulary, unk_token="[UNK]"))
    # As in BERT's Chinese models: a space around each CJK character, then split.
    tokenizer.normalizer = BertNormalizer(handle_chinese_chars=True, lowercase=False)
    tokenizer.pre_tokenizer = BertPreTokenizer()
    tokenizer.save(str(directory / "tokenizer.json"))

    table = helper.make_tensor(
        "table",
        TensorProto.FLOAT,
        [len(vocabulary), DIMENSIONS],
        _table(vocabulary).ravel().tolist(),
    )
    nodes = [helper.make_node("Gather", ["table", "input_ids"], ["tokens"], axis=0)]
    if pooled:
        nodes.append(
            helper.make_node(
                "ReduceMean", ["tokens"], ["sentence"], axes=[1], keepdims=0
            )
        )
        output = helper.make_tensor_value_info(
            "sentence", TensorProto.FLOAT, ["batch", DIMENSIONS]
        )
    else:
        nodes.append(helper.make_node("Identity", ["tokens"], ["last_hidden_state"]))
        output = helper.make_tensor_value_info(
            "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", DIMENSIONS]
        )
    graph = helper.make_graph(
        nodes,
        "tiny-sentence-embedder",
        [
            helper.make_tensor_value_info(
                "input_ids", TensorProto.INT64, ["batch", "sequence"]
            ),
            helper.make_tensor_value_info(
                "attention_mask", TensorProto.INT64, ["batch", "sequence"]
            ),
        ],
        [output],
        initializer=[table],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    return directory


@pytest.fixture
def model_dir(tmp_path) -> Path:
    return build_model(tmp_path / "tiny-model")


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def test_onnx_embedder_gives_unit_vectors_of_the_models_size(model_dir):
    embedder = OnnxEmbedder(model_dir)
    vectors = embedder.embed_texts(["锂电池热失控预警", "石斛组培", "镍"])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dimensions == DIMENSIONS
    assert embedder.version.startswith(f"onnx-{DIMENSIONS}-")
    # Token lists (what the matcher hands every embedder) work the same way.
    assert embedder.embed([["锂电池", "储能"], []]).shape == (2, DIMENSIONS)
    assert not np.any(embedder.embed([[]]))


def test_onnx_embedder_puts_similar_texts_nearer(model_dir):
    embedder = OnnxEmbedder(model_dir)
    battery, storage, herb = embedder.embed_texts(
        ["锂电池热失控预警", "储能电池包", "铁皮石斛组培快繁"]
    )
    assert cosine(battery, storage) > 0.8
    assert cosine(battery, storage) > cosine(battery, herb) + 0.5


def test_onnx_embedder_pools_only_real_tokens(model_dir):
    """Padding in a batch does not change a text's vector."""
    embedder = OnnxEmbedder(model_dir)
    alone = embedder.embed_texts(["锂电池"])[0]
    padded = embedder.embed_texts(["锂电池", "锂电池储能热失控早期预警系统"])[0]
    assert np.allclose(alone, padded, atol=1e-6)


def test_onnx_embedder_accepts_a_model_that_pools_itself(tmp_path):
    embedder = OnnxEmbedder(build_model(tmp_path / "pooled", pooled=True))
    battery, storage, herb = embedder.embed_texts(["锂电池", "储能电池", "石斛组培"])
    assert cosine(battery, storage) > cosine(battery, herb)
    assert np.isclose(np.linalg.norm(herb), 1.0, atol=1e-5)


def test_onnx_embedder_missing_file_names_the_path(tmp_path, model_dir):
    with pytest.raises(
        OnnxEmbedderError, match=str(tmp_path / "nowhere" / "model.onnx")
    ):
        OnnxEmbedder(tmp_path / "nowhere")
    (model_dir / "tokenizer.json").unlink()
    with pytest.raises(OnnxEmbedderError, match=str(model_dir / "tokenizer.json")):
        OnnxEmbedder(model_dir)


@pytest.mark.django_db
def test_onnx_embedder_missing_directory_in_the_setting_fails_training_clearly(
    settings, tmp_path
):
    settings.MATCHING_EMBEDDER = f"onnx:{tmp_path / 'missing'}"
    with pytest.raises(OnnxEmbedderError, match=str(tmp_path / "missing")):
        train_model()
    assert not EmbeddingModel.objects.exists()


@pytest.mark.django_db
def test_onnx_embedder_through_the_setting_makes_proposals(
    settings, model_dir, backend, index_now
):
    settings.MATCHING_EMBEDDER = f"onnx:{model_dir}"
    firm, lab, farm = (OrganisationFactory() for _ in range(3))
    field = TechField.objects.get(code="0603")
    need = DemandFactory(
        published=True,
        organisation=firm,
        title="储能电池热失控预警",
        summary="储能电站锂电池包需要热失控早期预警。",
        keywords=["锂电池", "热失控", "储能"],
        problem="<p>锂电池热失控预警滞后。</p>",
        objectives=["热失控提前预警"],
        field=field,
        budget_max_wan=Decimal("150"),
    )
    battery = OutcomeFactory(
        published=True,
        organisation=lab,
        title="锂电池热失控预警系统",
        summary="提前预警锂电池热失控，用于储能电站。",
        keywords=["锂电池", "预警"],
        description="<p>储能锂电池热失控预警。</p>",
        advantages="",
        field=field,
        price_wan=Decimal("80"),
    )
    herb = OutcomeFactory(
        published=True,
        organisation=farm,
        title="铁皮石斛组培快繁技术",
        summary="石斛组织培养与快速繁殖。",
        keywords=["石斛", "组培"],
        description="<p>石斛组培快繁。</p>",
        advantages="",
        field=TechField.objects.get(code="0202"),
    )
    index_now(need, battery, herb)
    model = train_model()
    assert model.kind == "onnx"
    assert model.dimensions == DIMENSIONS
    assert model.version.startswith(f"onnx-{DIMENSIONS}-")
    assert isinstance(load_embedder(model), OnnxEmbedder)
    refresh_item(need.pk)
    first = Proposal.objects.get(demand=need, rank_for_demand=1)
    assert first.outcome_id == battery.pk
    assert first.model_version == model.version
    assert first.components["semantic"] > 0.5
    # Training again with the same model files reuses the row.
    assert train_model().pk == model.pk
