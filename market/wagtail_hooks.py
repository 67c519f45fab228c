"""Wagtail admin for the market: organisations under a "Market" menu group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from market.models import Organisation
from market.services.organisations import VERIFY_ACTION, verify_organisation


def _verify_button(url: str, *, priority: int) -> Button:
    # w-action#post sends a CSRF-protected POST (with ?next) from a plain button.
    return Button(
        _("Mark as verified"),
        icon_name="success",
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        },
        priority=priority,
    )


class OrganisationIndexView(generic.IndexView):
    """Organisation list with a "Mark as verified" row action for moderators."""

    verify_url_name: str | None = None

    @cached_property
    def can_verify(self) -> bool:
        return self.user_has_permission("verify")

    def get_list_more_buttons(self, instance: Organisation) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if self.verify_url_name and self.can_verify and not instance.is_verified:
            url = reverse(self.verify_url_name, args=[quote(instance.pk)])
            buttons.append(_verify_button(url, priority=15))
        return buttons


class OrganisationEditView(generic.EditView):
    """Organisation form with a "Mark as verified" header action for moderators."""

    verify_url_name: str | None = None

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        if (
            self.verify_url_name
            and not self.object.is_verified
            and self.user_has_permission("verify")
        ):
            url = reverse(self.verify_url_name, args=[quote(self.object.pk)])
            buttons.append(_verify_button(url, priority=5))
        return buttons


class VerifyOrganisationView(PermissionCheckedMixin, View):
    """POST: mark one organisation verified, then go back where the user was."""

    model = Organisation
    permission_required = "verify"
    index_url_name: str | None = None
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=unquote(str(pk)))
        verify_organisation(organisation.pk, verified_by_id=request.user.pk)
        messages.success(
            request,
            _("Organisation '%(name)s' is verified.") % {"name": organisation.name},
        )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            next_url = reverse(self.index_url_name) if self.index_url_name else "/"
        return redirect(next_url)


class OrganisationViewSet(ModelViewSet):
    """List, search, filter, edit and verify organisations."""

    model = Organisation
    name = "organisations"
    icon = "group"
    menu_order = 100
    index_view_class = OrganisationIndexView
    edit_view_class = OrganisationEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "kind",
        Column("region", label=gettext_lazy("region")),
        BooleanColumn(
            "is_verified", label=gettext_lazy("verified"), sort_key="is_verified"
        ),
        DateColumn(
            "verified_at", label=gettext_lazy("verified at"), sort_key="verified_at"
        ),
    ]
    list_filter = ["kind", "is_verified"]
    search_fields = ["name", "short_name", "credit_code"]
    ordering = ["name"]
    list_export = ["name", "short_name", "kind", "credit_code", "region", "is_verified"]
    # Verification goes through verify_organisation, never through the form.
    form_fields = [
        "name",
        "short_name",
        "kind",
        "credit_code",
        "province",
        "city",
        "district",
        "website",
        "description",
    ]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        # Websites typed without a scheme are https today (Django 6 default).
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_index_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_index_view_kwargs(
            verify_url_name=self.get_url_name("verify"), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_edit_view_kwargs(
            verify_url_name=self.get_url_name("verify"), **kwargs
        )

    @property
    def verify_view(self) -> Any:
        return self.construct_view(
            VerifyOrganisationView, index_url_name=self.get_url_name("index")
        )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path(
                f"verify/<{self.pk_path_converter}:pk>/",
                self.verify_view,
                name="verify",
            ),
        ]


class MarketViewSetGroup(ViewSetGroup):
    """The "Market" admin menu; other market view sets join through ``items``."""

    menu_label = gettext_lazy("Market")
    menu_icon = "tasks"
    menu_order = 200
    items = (OrganisationViewSet,)


@hooks.register("register_admin_viewset")
def register_market_viewsets() -> ViewSetGroup:
    return MarketViewSetGroup()


@hooks.register("register_log_actions")
def register_market_log_actions(actions: Any) -> None:
    actions.register_action(
        VERIFY_ACTION,
        gettext_lazy("Verify organisation"),
        gettext_lazy("Organisation verified"),
    )
