"""The combiner (reciprocal-rank fusion + compatibility), key terms and highlighting."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
import random

import pytest

from matching.engine.compatibility import Compatibility, compatibility
from matching.engine.fusion import (
    CombinerWeights,
    combine,
    normalise,
    reciprocal_rank_fusion,
)
from matching.engine.items import MatchItem, Side
from matching.engine.terms import (
    highlight,
    is_key_term,
    key_terms,
    ranked_terms,
    shared_ranked,
    shared_terms,
)

TODAY = dt.date(2026, 12, 5)


def neutral() -> Compatibility:
    return compatibility(
        MatchItem(1, Side.DEMAND, 1), MatchItem(2, Side.OUTCOME, 2), TODAY
    )


def test_rrf_rewards_agreement_and_is_scaled_to_one():
    fused = reciprocal_rank_fusion([[7, 8, 9], [7, 9, 8]], k=60)
    assert fused[7] == 1.0
    assert fused[9] > fused[8] or fused[9] == fused[8]
    assert reciprocal_rank_fusion([]) == {}


def test_rrf_weights_let_one_ranking_lead_and_stay_scaled_to_one():
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], k=10, weights=[0.35, 1.0])
    assert fused[2] > fused[1]  # first in the heavier ranking wins
    assert reciprocal_rank_fusion([[5], [5]], k=10, weights=[0.35, 1.0])[5] == (
        pytest.approx(1.0)
    )


def test_combine_weighs_the_semantic_ranking_above_the_lexical_one():
    compat = neutral()
    both = {1: compat, 2: compat}
    lexical_first = {1: 10.0, 2: 9.0}
    semantic_first = {2: 0.9, 1: 0.8}
    equal = combine(lexical_first, semantic_first, both, CombinerWeights())
    assert [s.candidate_id for s in equal] == [1, 2]  # a tie, broken by id
    weighted = combine(
        lexical_first, semantic_first, both, CombinerWeights(lexical=0.35)
    )
    assert [s.candidate_id for s in weighted] == [2, 1]


def test_normalise_divides_by_the_best_score_of_the_query():
    assert normalise({1: 12.0, 2: 6.0, 3: 0.0}) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert normalise({1: 0.0}) == {1: 0.0}


def test_combine_keeps_only_eligible_candidates_and_explains_every_component():
    compat = neutral()
    scored = combine(
        lexical={1: 10.0, 2: 5.0, 3: 1.0},
        semantic={2: 0.9, 4: 0.8},
        compatibility={1: compat, 2: compat, 4: compat},  # 3 is its own organisation
        limit=20,
    )
    assert [s.candidate_id for s in scored] == [2, 1, 4]  # 2: in both rankings
    assert set(scored[0].components) >= {
        "lexical",
        "semantic",
        "retrieval",
        "compatibility",
        "fit_field",
        "fit_price",
    }
    assert scored[1].components["lexical"] == 1.0  # normalised per query


def test_combine_lets_compatibility_reorder_close_retrieval_scores():
    need = MatchItem(1, Side.DEMAND, 1, field_code="0601", maturity=6)
    fits = MatchItem(2, Side.OUTCOME, 2, field_code="0601", maturity=7)
    misfits = MatchItem(3, Side.OUTCOME, 3, field_code="0201", maturity=2)
    compat = {
        2: compatibility(need, fits, TODAY),
        3: compatibility(need, misfits, TODAY),
    }
    scored = combine({3: 10.0, 2: 9.5}, {3: 0.50, 2: 0.49}, compat)
    assert [s.candidate_id for s in scored] == [2, 3]
    only_retrieval = combine(
        {3: 10.0, 2: 9.5},
        {3: 0.50, 2: 0.49},
        compat,
        CombinerWeights(retrieval=1.0, compatibility=0.0),
    )
    assert [s.candidate_id for s in only_retrieval] == [3, 2]


def test_combine_cuts_at_the_limit_deterministically():
    compat = neutral()
    lexical = {n: 1.0 for n in range(50)}
    first = combine(lexical, {}, {n: compat for n in range(50)}, limit=20)
    again = combine(lexical, {}, {n: compat for n in range(50)}, limit=20)
    assert len(first) == 20
    assert [s.candidate_id for s in first] == [s.candidate_id for s in again]


def test_shared_terms_skip_single_characters_stop_words_and_prefer_rare_terms():
    a = ["锂电池", "热失控", "技术", "的", "电池", "2024"]
    b = ["热失控", "锂电池", "电池", "技术", "的", "2024"]
    idf = {"锂电池": 3.5, "热失控": 5.8, "电池": 2.5}
    assert shared_terms(a, b, idf.__getitem__) == ["热失控", "锂电池"]
    # 电池 is inside 锂电池: the longer term stands for both.
    assert shared_terms(a, b) == ["热失控", "锂电池"]
    assert shared_terms(a, b, idf.__getitem__, prefer=["锂电池"])[0] == "锂电池"
    assert shared_terms(["技术"], ["技术"]) == []


def test_highlight_marks_terms_longest_first_and_keeps_the_text_whole():
    text = "动力锂电池热失控预警，锂电池包"
    pieces = highlight(text, ["锂电池", "电池", "热失控"])
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, marked in pieces if marked] == ["锂电池", "热失控", "锂电池"]
    assert highlight("", ["x"]) == []
    assert highlight("abc", []) == [("abc", False)]


def test_engine_imports_neither_django_nor_elasticsearch_nor_other_apps():
    engine = pathlib.Path(__file__).resolve().parents[2] / "matching" / "engine"
    forbidden = ("django", "elasticsearch", "celery", "market", "search", "cms")
    for path in engine.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, (path.name, name)


def test_shared_terms_leave_out_units_and_pieces_of_a_longer_term():
    a = ["催化剂", "化剂", "催化", "mg", "m3", "SiC", "AGV", "脱硝"]
    b = ["催化剂", "化剂", "催化", "mg", "m3", "SiC", "AGV", "烟气"]
    assert shared_terms(a, b) == ["AGV", "SiC", "催化剂"]


def reference_shared_terms(a, b, weight, limit, prefer):
    """The explanation's shared terms as first written (sort every pair's terms)."""
    common = {t for t in set(a) & set(b) if is_key_term(t)}
    whole = {t for t in common if not any(t != o and t in o for o in common)}
    return sorted(whole, key=lambda t: (t not in set(prefer), -weight(t), -len(t), t))[
        :limit
    ]


def test_shared_terms_from_ranked_terms_equal_the_sorted_reference():
    # Terms inside others (电池 in 锂电池电池组), ties of weight and length, Latin
    # words, stop words and numbers: ranked once per item, intersected per pair.
    vocabulary = [
        "锂电池", "电池", "锂电池电池组", "热失控", "失控", "预警", "早期预警",
        "储能", "SiC", "AGV", "技术", "2024", "mg", "催化剂", "催化", "化剂", "石斛",
    ]  # fmt: skip
    rng = random.Random(10)
    weights = {t: rng.choice([0.0, 1.5, 2.5, 2.5, 4.0]) for t in vocabulary}
    for _ in range(300):
        a = rng.sample(vocabulary, rng.randint(0, len(vocabulary)))
        b = rng.sample(vocabulary, rng.randint(0, len(vocabulary)))
        prefer = rng.sample(vocabulary, rng.randint(0, 3))
        limit = rng.choice([0, 1, 3, 8, 20])
        for weight in (weights.__getitem__, None):
            expected = reference_shared_terms(
                a, b, weight or (lambda t: 0.0), limit, prefer
            )
            ranked = ranked_terms(a, weight)
            assert shared_ranked(ranked, key_terms(b), limit, prefer) == expected
            assert shared_terms(a, b, weight, limit, prefer) == expected


def test_combine_keeps_the_same_best_whatever_the_limit():
    # A refresh without a learned re-ranker asks for its top 20 only, not the pool.
    compat = neutral()
    lexical = {n: float(n % 7) for n in range(60)}
    semantic = {n: 1.0 - n / 100 for n in range(30, 90)}
    pool = combine(lexical, semantic, {n: compat for n in range(90)}, limit=100)
    top = combine(lexical, semantic, {n: compat for n in range(90)}, limit=20)
    assert top == pool[:20]
