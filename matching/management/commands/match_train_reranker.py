"""Train the learned re-ranker on the agents' decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from matching.services.reranker import labelled_examples, train_reranker


class Command(BaseCommand):
    help = (
        "Train the matcher's learned re-ranker on agents' accept/reject decisions; "
        "it is used only if it beats the hand weights on held-out decisions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        model = train_reranker()
        if model is None:
            self.stdout.write(
                f"{len(labelled_examples())} labelled decisions: the re-ranker needs "
                f"{settings.MATCHING_RERANKER_MIN_DECISIONS} "
                "(MATCHING_RERANKER_MIN_DECISIONS); nothing trained."
            )
            return
        evaluation = model.evaluation
        hand, learned = evaluation.get("hand", {}), evaluation.get("learned", {})
        self.stdout.write(
            f"re-ranker {model.version} on {model.decisions} decisions "
            f"({evaluation.get('held_out')} held out): "
            f"AUC {learned.get('auc')} vs hand {hand.get('auc')}, "
            f"nDCG {learned.get('ndcg')} vs hand {hand.get('ndcg')}: "
            + ("active" if model.is_active else f"not used ({evaluation['outcome']})")
        )
