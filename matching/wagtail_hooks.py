"""The matcher's pages in the Wagtail admin: the learned re-rankers' report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from matching.admin_views import RerankerReportView, can_view_rerankers


class _RerankerMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_rerankers(request.user)


@hooks.register("register_admin_urls")
def register_reranker_urls() -> list[Any]:
    """The re-ranker report at /admin/matching/rerankers/."""
    return [
        path(
            "matching/rerankers/",
            RerankerReportView.as_view(),
            name="matching_rerankers",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_reranker_menu_item() -> MenuItem:
    """ "Learned re-rankers" in the admin menu, for moderators and administrators."""
    return _RerankerMenuItem(
        _("Learned re-rankers"),
        reverse("matching_rerankers"),
        icon_name="table",
        order=260,
    )
