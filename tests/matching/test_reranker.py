"""The learned re-ranker: trained from agents' decisions, used only when it beats the
hand weights on held-out decisions, applied in the proposal refresh, reported in the
admin."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from matching.engine import rerank
from matching.models import DecisionAction, Proposal, RerankerModel
from matching.services.proposals import refresh_item
from matching.services.reranker import active_reranker, train_reranker
from tests.factories import DemandFactory, OutcomeFactory
from tests.factories.accounts import UserFactory
from tests.factories.decisions import DecisionFactory, ProposalFactory
from tests.matching.test_proposals import catalogue  # noqa: F401

pytestmark = pytest.mark.django_db

FITS = ("field", "maturity", "price", "modes", "region", "deadline")


def components(rng: random.Random, field_fit: float) -> dict[str, float]:
    values = {
        "lexical": rng.random(),
        "semantic": rng.random(),
        "retrieval": rng.random(),
        "compatibility": rng.random(),
    }
    values |= {f"fit_{name}": rng.random() for name in FITS}
    values["fit_field"] = field_fit
    return values


def decide(count: int, relevant_by: str, seed: int = 0) -> None:
    """``count`` decided proposals over 10 demands × outcomes.

    ``relevant_by="field"``: agents accept exactly the proposals whose field fits,
    which the hand total (random here) does not see. ``relevant_by="total"``: they
    accept exactly those the hand total ranks high: nothing left to learn.
    """
    rng = random.Random(seed)
    demands = [DemandFactory(published=True) for _ in range(10)]
    outcomes = [OutcomeFactory(published=True) for _ in range(count // 10 + 1)]
    for n in range(count):
        accepted = n % 2 == 0
        if relevant_by == "field":
            values = components(rng, 1.0 if accepted else 0.0)
            total = rng.random()
        else:
            values = components(rng, rng.random())
            total = 0.6 + 0.4 * rng.random() if accepted else 0.4 * rng.random()
        proposal = ProposalFactory(
            demand=demands[n % 10],
            outcome=outcomes[n // 10],
            score=round(total, 4),
            components=values,
        )
        DecisionFactory(proposal=proposal, action=DecisionAction.CLAIM)
        DecisionFactory(
            proposal=proposal,
            action=DecisionAction.ACCEPT if accepted else DecisionAction.REJECT,
            reason="" if accepted else "off_topic",
        )


def test_train_reranker_needs_enough_labelled_decisions(settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 30
    decide(20, "field")
    # Snoozes and claims are not labels.
    DecisionFactory(action=DecisionAction.SNOOZE)
    assert train_reranker() is None
    assert not RerankerModel.objects.exists()
    assert active_reranker() is None


def test_train_reranker_that_wins_becomes_active(settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 80
    decide(80, "field")
    model = train_reranker()
    assert model is not None and model.is_active
    assert model.decisions == 80
    evaluation = model.evaluation
    assert evaluation["outcome"] == rerank.WINS
    assert evaluation["train"] + evaluation["held_out"] == 80
    assert evaluation["learned"]["auc"] > evaluation["hand"]["auc"]
    assert evaluation["learned"]["ndcg"] >= evaluation["hand"]["ndcg"]
    assert active_reranker().version == model.version


def test_train_reranker_that_loses_is_stored_inactive_with_its_reason(settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 80
    decide(80, "total")
    model = train_reranker()
    assert model is not None and not model.is_active
    assert model.evaluation["outcome"] == rerank.NOT_BETTER
    assert model.evaluation["hand"]["auc"] == 1.0
    assert active_reranker() is None


def test_train_reranker_is_idempotent(settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 80
    decide(80, "field")
    first = train_reranker()
    again = train_reranker()
    assert again.pk == first.pk
    assert RerankerModel.objects.count() == 1
    assert list(RerankerModel.objects.filter(is_active=True)) == [first]


def test_a_new_winner_replaces_the_active_reranker(settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 80
    decide(80, "field")
    first = train_reranker()
    decide(80, "field", seed=1)
    second = train_reranker()
    assert second.pk != first.pk
    assert list(RerankerModel.objects.filter(is_active=True)) == [second]
    assert active_reranker().version == second.version


def test_match_train_reranker_command_reports_the_threshold(settings, capsys):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 5
    call_command("match_train_reranker")
    assert "needs 5" in capsys.readouterr().out


def test_train_reranker_task_runs_nightly_before_the_refresh(settings):
    from config.celery import app as celery_app
    from matching.tasks import train_reranker as task

    settings.MATCHING_RERANKER_MIN_DECISIONS = 5
    assert task.run() is None
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    entry = entries["matching.tasks.train_reranker"]
    assert "matching.tasks.train_reranker" in celery_app.tasks
    assert entry["options"]["expires"] > 0
    train_at, refresh_at = (
        entries[name]["schedule"]
        for name in (
            "matching.tasks.train_reranker",
            "matching.tasks.refresh_all_proposals",
        )
    )
    assert (min(train_at.hour), min(train_at.minute)) < (
        min(refresh_at.hour),
        min(refresh_at.minute),
    )


def stored_order(demand) -> list[int]:
    return list(
        Proposal.objects.filter(demand=demand, rank_for_demand__isnull=False)
        .current()
        .order_by("rank_for_demand")
        .values_list("outcome_id", flat=True)
    )


def test_an_active_reranker_changes_the_stored_order(catalogue):  # noqa: F811
    need = catalogue["battery_need"]
    refresh_item(need.pk)
    hand_order = stored_order(need)
    assert hand_order[0] == catalogue["battery"].pk and len(hand_order) >= 2
    # A (deliberately perverse) re-ranker that prefers a low hand total.
    RerankerModel.objects.create(
        version="rerank-test",
        features=["total"],
        weights=[-8.0],
        bias=0.0,
        decisions=0,
        is_active=True,
    )
    refresh_item(need.pk)
    learned_order = stored_order(need)
    assert learned_order == list(reversed(hand_order))
    top = Proposal.objects.get(demand=need, rank_for_demand=1)
    assert set(top.components) >= {"hand_total", "learned", "semantic"}
    assert top.score == top.components["learned"]
    first_by_hand = Proposal.objects.get(demand=need, outcome=catalogue["battery"])
    assert first_by_hand.components["hand_total"] > top.components["hand_total"]
    # Refreshing again changes nothing and duplicates nothing.
    count = Proposal.objects.count()
    refresh_item(need.pk)
    assert stored_order(need) == learned_order
    assert Proposal.objects.count() == count


def test_reranker_report_renders_for_a_superuser(client, settings):
    settings.MATCHING_RERANKER_MIN_DECISIONS = 80
    decide(80, "total")
    model = train_reranker()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("matching_rerankers"))
    assert response.status_code == 200
    text = response.content.decode()
    assert model.version in text
    assert str(model.evaluation["hand"]["auc"]) in text
    assert "AUC" in text
    # In the admin's language (zh-hans), with why it is not used.
    assert "每四条推荐留出一条" in text
    assert "未启用：在留出的决定上没有优于人工权重" in text
    assert "条用于学习" in text


def test_reranker_menu_item_is_shown_to_moderators_only(client):
    url = reverse("matching_rerankers")
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(UserFactory(roles=[Role.AGENT]))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert url not in home.content.decode()


def test_reranker_report_is_refused_to_a_plain_user_and_shown_to_moderators(client):
    client.force_login(UserFactory())
    response = client.get(reverse("matching_rerankers"))
    assert response.status_code in (302, 403)
    client.force_login(UserFactory(roles=[Role.AGENT]))
    assert client.get(reverse("matching_rerankers")).status_code in (302, 403)
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert client.get(reverse("matching_rerankers")).status_code == 200


def test_reranker_report_ignores_query_parameters(client):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    response = client.get(reverse("matching_rerankers"), {"page": "x'%00", "q": "<"})
    assert response.status_code == 200


def test_engine_split_holds_out_about_one_in_four():
    held = sum(rerank.held_out(pk) for pk in range(1, 4001))
    assert 900 < held < 1100
    assert rerank.held_out(17) == rerank.held_out(17)


def test_engine_auc_and_ranking_quality():
    assert rerank.auc([0.9, 0.8, 0.1], [True, False, False]) == 1.0
    assert rerank.auc([0.1, 0.8, 0.9], [True, False, False]) == 0.0
    assert rerank.auc([0.5, 0.5], [True, True]) is None
    ndcg, precision, groups = rerank.ranking_quality(
        [1, 1, 1, 2], [0.9, 0.5, 0.1, 0.3], [True, False, False, True]
    )
    assert (ndcg, groups) == (1.0, 1)
    assert precision == pytest.approx(1 / 3)


def test_engine_reranker_keeps_hand_total_in_components():
    reranker = rerank.Reranker(("semantic",), (5.0,), -2.5)
    assert reranker.score({"semantic": 1.0}, 0.2) > 0.9
    assert reranker.score({}, 0.2) < 0.1


def _examples(count: int, accepted) -> list[rerank.Example]:
    rng = random.Random(3)
    return [
        rerank.Example(
            proposal_id=n,
            group=n // 5,
            features={"semantic": rng.random(), "fit_field": rng.random()},
            hand_total=rng.random(),
            accepted=accepted(n),
        )
        for n in range(count)
    ]


def test_engine_train_with_one_label_is_never_used():
    result = rerank.train(_examples(120, lambda n: True))
    assert result.evaluation["outcome"] == rerank.ONE_LABEL
    assert not result.wins


def test_engine_train_with_too_few_held_out_decisions_is_never_used():
    result = rerank.train(_examples(12, lambda n: n % 2 == 0))
    assert result.evaluation["held_out"] < rerank.MIN_HELD_OUT
    assert result.evaluation["outcome"] == rerank.TOO_FEW_HELD_OUT


def test_engine_train_is_deterministic():
    examples = _examples(200, lambda n: n % 3 == 0)
    assert rerank.train(examples) == rerank.train(examples)
