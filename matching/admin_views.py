"""The Wagtail admin's report of learned re-rankers (moderators and administrators)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from market.permissions import can_moderate
from matching.engine.rerank import NOT_BETTER, ONE_LABEL, TOO_FEW_HELD_OUT, WINS
from matching.models import RerankerModel

# Why a re-ranker is (not) the one in use, by its evaluation's outcome.
OUTCOMES = {
    WINS: _("Beats the hand weights on held-out decisions"),
    NOT_BETTER: _(
        "Not used: does not beat the hand weights on held-out decisions "
        "(higher AUC and a ranking at least as good are both required)"
    ),
    ONE_LABEL: _(
        "Not used: the decisions to learn from, or the held-out ones, are all "
        "acceptances or all rejections"
    ),
    TOO_FEW_HELD_OUT: _("Not used: too few held-out decisions to judge it"),
}

METRICS = (
    ("auc", _("AUC")),
    ("accuracy", _("Accuracy")),
    ("ndcg", _("nDCG of each demand's decisions")),
    ("precision", _("Precision of each demand's first 3")),
)


def can_view_rerankers(user: Any) -> bool:
    """Moderators and administrators read the re-ranker report."""
    return can_moderate(user)


class RerankerReportView(WagtailAdminTemplateMixin, TemplateView):
    """Every trained re-ranker, newest first, with its held-out evaluation."""

    template_name = "matching/admin/rerankers.html"
    page_title = _("Learned re-rankers")
    header_icon = "table"
    http_method_names = ["get"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not can_view_rerankers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for model in RerankerModel.objects.order_by("-trained_at", "-pk")[:50]:
            evaluation = model.evaluation if isinstance(model.evaluation, dict) else {}
            hand = evaluation.get("hand") or {}
            learned = evaluation.get("learned") or {}
            outcome = evaluation.get("outcome", "")
            if model.is_active:
                status = _("Active")
            elif outcome == WINS:
                status = _("Replaced by a newer re-ranker")
            else:
                status = OUTCOMES.get(outcome, _("Not used"))
            rows.append(
                {
                    "model": model,
                    "status": status,
                    "evaluation": evaluation,
                    "metrics": [
                        (label, hand.get(key), learned.get(key))
                        for key, label in METRICS
                    ],
                    "weights": list(zip(model.features, model.weights, strict=False)),
                }
            )
        context["rows"] = rows
        return context
