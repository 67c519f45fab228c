"""Wagtail admin for accounts: who acts for which organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.models import Membership


class MembershipIndexView(generic.IndexView):
    """Membership list that fetches users and organisations with the rows."""

    def get_base_queryset(self) -> QuerySet[Membership]:
        return super().get_base_queryset().select_related("user", "organisation")


class MembershipViewSet(ModelViewSet):
    """List, search and edit organisation memberships (Settings menu)."""

    model = Membership
    name = "memberships"
    icon = "user"
    add_to_settings_menu = True
    menu_order = 610
    copy_view_enabled = False
    index_view_class = MembershipIndexView
    list_display = [
        "user",
        "organisation",
        "role",
        "title",
        BooleanColumn("is_active", label=_("active"), sort_key="is_active"),
        "created_at",
    ]
    list_filter = ["role", "is_active"]
    search_fields = [
        "user__email",
        "user__display_name",
        "organisation__name",
        "title",
    ]
    ordering = ["organisation__name", "user__email"]
    form_fields = ["user", "organisation", "role", "title", "is_active"]


@hooks.register("register_admin_viewset")
def register_membership_viewset() -> MembershipViewSet:
    return MembershipViewSet()
