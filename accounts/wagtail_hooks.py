"""Wagtail admin for accounts: who acts for which organisation, and who asks to.

Moderators decide requests to join and manage any organisation's members here (the
``accounts.manage_members`` permission); every action goes through the services in
``accounts.services.membership``. Administrators also keep the plain membership form.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.forms import MembershipReasonForm
from accounts.models import (
    AgentProfile,
    Membership,
    MembershipRequest,
    MembershipRole,
    User,
)
from accounts.permissions import is_member_moderator
from accounts.roles import Role
from accounts.services.membership import (
    APPROVE_ACTION,
    DECLINE_ACTION,
    REVOKE_ACTION,
    ROLE_ACTION,
    MembershipError,
    approve_membership_request,
    decline_membership_request,
    revoke_membership,
    set_membership_role,
)
from market.models import Organisation, Region, RegionLevel, TechField

REQUESTS = "membership_requests"
MEMBERSHIPS = "memberships"


def _post_button(label: str, url: str, *, icon_name: str, priority: int) -> Button:
    # w-action#post sends a CSRF-protected POST (with ?next) from a plain button.
    return Button(
        label,
        icon_name=icon_name,
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        },
        priority=priority,
    )


def _require_moderator(request: HttpRequest) -> None:
    if not is_member_moderator(request.user):
        raise PermissionDenied


def _go_back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(get_valid_next_url_from_request(request) or reverse(fallback))


# --- requests to join ----------------------------------------------------------------


class MembershipRequestPolicy(ModelPermissionPolicy):
    """Requests change only through the approve / decline services, never a form."""

    READ_ONLY = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in self.READ_ONLY and super().user_has_permission(
            user, action
        )

    def users_with_any_permission(self, actions: Any) -> Any:
        return super().users_with_any_permission(
            [a for a in actions if a not in self.READ_ONLY]
        )


register_permission_policy(
    MembershipRequest, MembershipRequestPolicy(MembershipRequest)
)


class MembershipRequestIndexView(generic.IndexView):
    """Requests with Approve / Decline for moderators, or a link to verify first."""

    def get_base_queryset(self) -> QuerySet[MembershipRequest]:
        return (
            super()
            .get_base_queryset()
            .select_related("user", "organisation", "decided_by")
        )

    def get_list_more_buttons(self, instance: MembershipRequest) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_pending or not is_member_moderator(self.request.user):
            return buttons
        if instance.founder and not instance.organisation.is_verified:
            buttons.append(
                Button(
                    _("Check and verify the organisation"),
                    reverse(
                        "organisations:edit", args=[quote(instance.organisation_id)]
                    ),
                    icon_name="success",
                    priority=10,
                )
            )
        elif instance.user.email_verified:
            buttons.append(
                _post_button(
                    _("Approve"),
                    reverse(f"{REQUESTS}:approve", args=[quote(instance.pk)]),
                    icon_name="check",
                    priority=10,
                )
            )
        buttons.append(
            Button(
                _("Decline"),
                reverse(f"{REQUESTS}:decline", args=[quote(instance.pk)]),
                icon_name="cross",
                priority=20,
            )
        )
        return buttons


class ApproveRequestView(View):
    """POST: approve one request as a plain member (roles change on the member list)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        _require_moderator(request)
        item = get_object_or_404(
            MembershipRequest.objects.select_related("user", "organisation"),
            pk=unquote(str(pk)),
        )
        try:
            approve_membership_request(item.pk, by_user_id=request.user.pk)
        except MembershipError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(user)s now acts for %(organisation)s.")
                % {"user": item.user, "organisation": item.organisation},
            )
        return _go_back(request, f"{REQUESTS}:index")


class ReasonFormView(WagtailAdminTemplateMixin, View):
    """GET: a form asking why; POST: act and go back. Moderators only."""

    template_name = "accounts/admin/reason_form.html"
    header_icon = "cross"
    http_method_names = ["get", "post"]
    fallback_url_name = ""
    submit_label = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        _require_moderator(request)
        self.object = self.get_object(unquote(str(kwargs["pk"])))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk: str) -> Any:
        raise NotImplementedError

    def act(self, reason: str) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            action_url=self.request.path,
            next_url=get_valid_next_url_from_request(self.request),
            cancel_url=get_valid_next_url_from_request(self.request)
            or reverse(self.fallback_url_name),
            submit_label=self.submit_label,
        )
        return context

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(form=MembershipReasonForm())
        )

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        form = MembershipReasonForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            done = self.act(form.cleaned_data["reason"])
        except MembershipError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, done)
        return _go_back(request, self.fallback_url_name)


class DeclineRequestView(ReasonFormView):
    """Decline a request to join, with a reason the requester reads."""

    page_title = gettext_lazy("Decline the request")
    fallback_url_name = f"{REQUESTS}:index"
    submit_label = gettext_lazy("Decline and notify the requester")

    def get_object(self, pk: str) -> MembershipRequest:
        return get_object_or_404(
            MembershipRequest.objects.select_related("user", "organisation"), pk=pk
        )

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def act(self, reason: str) -> str:
        decline_membership_request(
            self.object.pk, by_user_id=self.request.user.pk, reason=reason
        )
        return _("The request of %(user)s is declined.") % {"user": self.object.user}


class MembershipRequestViewSet(ModelViewSet):
    """Requests to join organisations: moderators approve or decline them."""

    model = MembershipRequest
    name = REQUESTS
    icon = "user"
    add_to_admin_menu = True
    menu_label = gettext_lazy("Membership requests")
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MembershipRequestIndexView
    list_display = [
        "user",
        "organisation",
        BooleanColumn("founder", label=gettext_lazy("registered the organisation")),
        Column("status", label=gettext_lazy("status"), accessor="get_status_display"),
        DateColumn(
            "created_at", label=gettext_lazy("requested at"), sort_key="created_at"
        ),
        "decided_by",
    ]
    list_filter = ["status", "founder", "organisation"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    ordering = ["-created_at"]
    # Never shown (the policy forbids adding and editing); ModelViewSet needs fields.
    form_fields = ["message"]

    def get_urlpatterns(self) -> list[Any]:
        conv = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path(f"approve/<{conv}:pk>/", ApproveRequestView.as_view(), name="approve"),
            path(f"decline/<{conv}:pk>/", DeclineRequestView.as_view(), name="decline"),
        ]


# --- members -------------------------------------------------------------------------


class MembershipIndexView(generic.IndexView):
    """Membership list that fetches users and organisations with the rows."""

    def get_base_queryset(self) -> QuerySet[Membership]:
        return super().get_base_queryset().select_related("user", "organisation")

    def get_list_more_buttons(self, instance: Membership) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_active or not is_member_moderator(self.request.user):
            return buttons
        other = (
            MembershipRole.MEMBER
            if instance.role == MembershipRole.ADMIN
            else MembershipRole.ADMIN
        )
        label = (
            _("Make member")
            if other == MembershipRole.MEMBER
            else _("Make organisation administrator")
        )
        buttons.append(
            _post_button(
                label,
                reverse(f"{MEMBERSHIPS}:role", args=[quote(instance.pk), other]),
                icon_name="user",
                priority=30,
            )
        )
        buttons.append(
            Button(
                _("Revoke"),
                reverse(f"{MEMBERSHIPS}:revoke", args=[quote(instance.pk)]),
                icon_name="cross",
                priority=40,
            )
        )
        return buttons


class SetRoleView(View):
    """POST: change one membership's role through set_membership_role."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str, role: str) -> HttpResponse:
        _require_moderator(request)
        membership = get_object_or_404(Membership, pk=unquote(str(pk)))
        if role not in MembershipRole.values:
            messages.error(request, _("Choose a role."))
            return _go_back(request, f"{MEMBERSHIPS}:index")
        try:
            membership = set_membership_role(
                membership.pk, role=role, by_user_id=request.user.pk
            )
        except MembershipError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(user)s is now: %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
        return _go_back(request, f"{MEMBERSHIPS}:index")


class RevokeMembershipView(ReasonFormView):
    """End a membership, with a reason the member reads."""

    page_title = gettext_lazy("Revoke the membership")
    fallback_url_name = f"{MEMBERSHIPS}:index"
    submit_label = gettext_lazy("Revoke and notify the member")

    def get_object(self, pk: str) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "organisation"), pk=pk
        )

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def act(self, reason: str) -> str:
        revoke_membership(
            self.object.pk, by_user_id=self.request.user.pk, reason=reason
        )
        return _("%(user)s no longer acts for %(organisation)s.") % {
            "user": self.object.user,
            "organisation": self.object.organisation,
        }


class MembershipViewSet(ModelViewSet):
    """List, search and manage organisation memberships (Settings menu).

    Moderators see the list with role and revoke actions; only administrators
    (add / change permissions) use the plain form.
    """

    model = Membership
    name = MEMBERSHIPS
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
        BooleanColumn("is_active", label=gettext_lazy("active"), sort_key="is_active"),
        "created_at",
    ]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = [
        "user__email",
        "user__display_name",
        "organisation__name",
        "title",
    ]
    ordering = ["organisation__name", "user__email"]
    form_fields = ["user", "organisation", "role", "title", "is_active"]

    def get_urlpatterns(self) -> list[Any]:
        conv = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path(f"role/<{conv}:pk>/<str:role>/", SetRoleView.as_view(), name="role"),
            path(f"revoke/<{conv}:pk>/", RevokeMembershipView.as_view(), name="revoke"),
        ]


@hooks.register("register_admin_viewset")
def register_membership_viewset() -> MembershipViewSet:
    return MembershipViewSet()


@hooks.register("register_admin_viewset")
def register_membership_request_viewset() -> MembershipRequestViewSet:
    return MembershipRequestViewSet()


@hooks.register("market_organisation_buttons")
def organisation_member_buttons(organisation: Organisation, user: Any) -> list[Button]:
    """ "Members" and "Requests to join" on each organisation, for moderators."""
    if not is_member_moderator(user):
        return []
    query = f"?organisation={quote(organisation.pk)}"
    return [
        Button(
            _("Members"),
            reverse(f"{MEMBERSHIPS}:index") + query,
            icon_name="group",
            priority=20,
        ),
        Button(
            _("Requests to join"),
            reverse(f"{REQUESTS}:index") + query + "&status=pending",
            icon_name="user",
            priority=21,
        ),
    ]


# --- history ---------------------------------------------------------------------------


def _formatter(label: Any, message: Any) -> type[LogFormatter]:
    class MembershipLogFormatter(LogFormatter):
        def format_message(self, log_entry: Any) -> str:
            data = log_entry.data or {}
            return str(message) % {"member": data.get("member", "")}

    MembershipLogFormatter.label = label
    return MembershipLogFormatter


MEMBERSHIP_LOG_ACTIONS = {
    APPROVE_ACTION: (
        gettext_lazy("Approve membership"),
        gettext_lazy("Membership request of %(member)s approved"),
    ),
    DECLINE_ACTION: (
        gettext_lazy("Decline membership"),
        gettext_lazy("Membership request of %(member)s declined"),
    ),
    ROLE_ACTION: (
        gettext_lazy("Change membership role"),
        gettext_lazy("Role of %(member)s changed"),
    ),
    REVOKE_ACTION: (
        gettext_lazy("Revoke membership"),
        gettext_lazy("Membership of %(member)s revoked"),
    ),
}


@hooks.register("register_log_actions")
def register_membership_log_actions(actions: Any) -> None:
    for action, (label, message) in MEMBERSHIP_LOG_ACTIONS.items():
        actions.register_action(action)(_formatter(label, message))


# --- transfer agents' coverage -------------------------------------------------------


class AgentProfileForm(WagtailAdminModelForm):
    """Only transfer agents get a coverage; fields and regions as checkboxes/lists."""

    class Meta:
        model = AgentProfile
        fields = ["user", "fields", "regions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(groups__name=Role.AGENT).distinct().order_by("email")
        )
        self.fields["fields"].queryset = TechField.objects.filter(
            is_active=True
        ).order_by("code")
        self.fields["regions"].queryset = Region.objects.filter(
            level__lte=RegionLevel.CITY
        ).order_by("code")


class AgentProfileViewSet(ModelViewSet):
    """Moderators set which fields and regions each transfer agent covers."""

    model = AgentProfile
    icon = "user"
    add_to_settings_menu = True
    menu_order = 620
    copy_view_enabled = False
    list_display = ["user"]
    search_fields = ["user__email", "user__display_name"]
    ordering = ["user__email"]

    def get_form_class(self, for_update: bool = False) -> Any:
        return AgentProfileForm


@hooks.register("register_admin_viewset")
def register_agent_profile_viewset() -> AgentProfileViewSet:
    return AgentProfileViewSet()
