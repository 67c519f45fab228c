"""Wagtail admin for the market, all under one "Market" menu group.

Review queue, outcomes and demands (snippets: revisions and history), organisations
(verify action), and the reference data (technology fields, regions, cooperation modes).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from market.admin_views import (
    REVIEW_NAMESPACE,
    ArchiveListingView,
    BulkActionView,
    ChangesReviewView,
    DemandAdminForm,
    DemandFilterSet,
    LinesField,
    ListingAdminForm,
    ListingChooserViewSet,
    ListingDeleteBulkAction,
    ListingEditView,
    ListingIndexView,
    ListingInspectView,
    OutcomeFilterSet,
    PendingChangesView,
    PublishListingView,
    RejectListingView,
    ReviewQueuePanel,
    ReviewQueueView,
    field_label,
)
from market.challenge_admin import (
    CHALLENGES_NAMESPACE,
    ChallengeInspectView,
    ChallengeQueueView,
    ObjectionDecisionView,
    ObjectionsView,
    PublishChallengeView,
    RejectChallengeView,
)
from market.imports import admin_views as imports_admin
from market.kinds import DEMAND, OUTCOME
from market.models import (
    Campaign,
    Challenge,
    CooperationMode,
    Demand,
    Listing,
    ListingLogEntry,
    ListingStatus,
    Organisation,
    Outcome,
    Region,
    RegionLevel,
    TechField,
)
from market.permissions import can_moderate, visible_challenges, visible_listings
from market.review_admin import ChallengeExpertReviewView
from market.services.organisations import (
    VERIFY_ACTION,
    OrganisationError,
    verify_organisation,
)

# Other apps add buttons to an organisation's row and edit page without the market
# importing them: ``@hooks.register(ORGANISATION_BUTTONS_HOOK)`` on a function
# ``(organisation, user) -> list[Button]``.
ORGANISATION_BUTTONS_HOOK = "market_organisation_buttons"


def _hooked_buttons(organisation: Organisation, user: Any) -> list[Any]:
    buttons: list[Any] = []
    for hook in hooks.get_hooks(ORGANISATION_BUTTONS_HOOK):
        buttons.extend(hook(organisation, user))
    return buttons


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
        buttons.extend(_hooked_buttons(instance, self.request.user))
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
        buttons.extend(_hooked_buttons(self.object, self.request.user))
        return buttons


class VerifyOrganisationView(PermissionCheckedMixin, View):
    """POST: mark one organisation verified, then go back where the user was."""

    model = Organisation
    permission_required = "verify"
    index_url_name: str | None = None
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        organisation = get_object_or_404(Organisation, pk=unquote(str(pk)))
        try:
            verify_organisation(organisation.pk, verified_by_id=request.user.pk)
        except OrganisationError as error:
            messages.error(request, str(error.message))
        else:
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


# -- Review queue ---------------------------------------------------------------------


class _ModeratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)


class ReviewQueueViewSet(ViewSet):
    """The moderators' queue of submitted listings and the life-cycle actions."""

    name = REVIEW_NAMESPACE
    url_prefix = "market/review"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Review queue")
    menu_order = 10
    menu_item_class = _ModeratorMenuItem

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", ReviewQueueView.as_view(), name="index"),
            path(
                "results/",
                ReviewQueueView.as_view(results_only=True),
                name="index_results",
            ),
            path("bulk/<slug:action>/", BulkActionView.as_view(), name="bulk"),
            path("publish/<int:pk>/", PublishListingView.as_view(), name="publish"),
            path("reject/<int:pk>/", RejectListingView.as_view(), name="reject"),
            path("archive/<int:pk>/", ArchiveListingView.as_view(), name="archive"),
            path("changes/", PendingChangesView.as_view(), name="changes"),
            path(
                "changes/results/",
                PendingChangesView.as_view(results_only=True),
                name="changes_results",
            ),
            path(
                "changes/<int:pk>/",
                ChangesReviewView.as_view(),
                name="review_changes",
            ),
            path("challenges/", ChallengeQueueView.as_view(), name="challenges"),
            path(
                "challenges/results/",
                ChallengeQueueView.as_view(results_only=True),
                name="challenges_results",
            ),
            path(
                "challenges/publish/<int:pk>/",
                PublishChallengeView.as_view(),
                name="publish_challenge",
            ),
            path(
                "challenges/reject/<int:pk>/",
                RejectChallengeView.as_view(),
                name="reject_challenge",
            ),
            path(
                "challenges/<int:pk>/expert-review/",
                ChallengeExpertReviewView.as_view(),
                name="challenge_expert_review",
            ),
            path("objections/", ObjectionsView.as_view(), name="objections"),
            path(
                "objections/results/",
                ObjectionsView.as_view(results_only=True),
                name="objections_results",
            ),
            path(
                "objections/<int:pk>/",
                ObjectionDecisionView.as_view(),
                name="objection",
            ),
        ]


# -- Outcomes and demands -------------------------------------------------------------

_BASIC_PANELS = [
    FieldPanel("title"),
    FieldPanel("summary"),
    FieldPanel("organisation"),
    FieldPanel("field"),
    FieldPanel("region"),
    FieldPanel("keywords"),
    FieldPanel("is_featured"),
]
_CONFIDENTIALITY_PANELS = [
    FieldPanel("confidentiality"),
    FieldPanel("protected_details"),
]
_CONTACT_PANELS = [
    FieldPanel("contact_name"),
    FieldPanel("contact_phone"),
    FieldPanel("contact_email"),
]


def _listing_list_display() -> list[Any]:
    return [
        "title",
        Column("organisation", label=field_label(Listing, "organisation")),
        Column("field", label=field_label(Listing, "field")),
        StatusTagColumn(
            "status",
            label=field_label(Listing, "status"),
            accessor="get_status_display",
            sort_key="status",
            primary=lambda listing: listing.status == ListingStatus.PUBLISHED,
        ),
        DateColumn(
            "submitted_at",
            label=field_label(Listing, "submitted_at"),
            sort_key="submitted_at",
        ),
        DateColumn(
            "published_at",
            label=field_label(Listing, "published_at"),
            sort_key="published_at",
        ),
        DateColumn(
            "valid_until",
            label=field_label(Listing, "valid_until"),
            sort_key="valid_until",
        ),
    ]


class ListingViewSet(SnippetViewSet):
    """Shared configuration of the outcome and demand view sets.

    Snippet view sets because listings keep revisions: the edit view saves one per
    change and the history shows them. Status fields are in no form; the life cycle
    moves only through the review queue's actions (market.services.listings).
    """

    # The Market group holds the menu items; keep the models out of "Snippets".
    menu_item_is_registered = True
    index_view_class = ListingIndexView
    edit_view_class = ListingEditView
    inspect_view_class = ListingInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_template_name = "market/admin/listing_edit.html"
    search_fields = ["title"]
    ordering = ["-status_changed_at", "-pk"]
    list_per_page = 50
    # The chooser, like the list, shows only listings the user may see.
    chooser_viewset_class = ListingChooserViewSet

    @cached_property
    def list_display(self) -> list[Any]:
        return _listing_list_display()

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = self.model.objects.select_related("organisation", "field")
        return visible_listings(queryset, request.user)


class OutcomeViewSet(ListingViewSet):
    """Research outcomes: list, filter, inspect, edit (with revisions), archive."""

    model = Outcome
    icon = "doc-full"
    menu_order = 20
    url_namespace = OUTCOME.admin_namespace
    url_prefix = "market/outcomes"
    filterset_class = OutcomeFilterSet
    inspect_view_fields = [
        "title",
        "status",
        "organisation",
        "confidentiality",
        "field",
        "region",
        "keywords",
        "is_featured",
        "summary",
        "description",
        "advantages",
        "comparison",
        "applications",
        "maturity",
        "maturity_evidence",
        "team",
        "cover_image",
        "ip_rights",
        "gallery",
        "attachments",
        "modes",
        "price_wan",
        "price_max_wan",
        "price_negotiable",
        "protected_details",
        "contact_name",
        "contact_phone",
        "contact_email",
        "submitted_at",
        "published_at",
        "valid_until",
        "reviewed_by",
        "rejection_reason",
        "created_by",
        "external_id",
        "import_batch",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(_BASIC_PANELS, heading=gettext_lazy("Basic information")),
            MultiFieldPanel(
                [
                    FieldPanel("description"),
                    FieldPanel("advantages"),
                    FieldPanel("comparison"),
                    FieldPanel("applications"),
                    FieldPanel("maturity"),
                    FieldPanel("maturity_evidence"),
                    FieldPanel("team"),
                    FieldPanel("cover_image"),
                ],
                heading=gettext_lazy("Technology"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("modes", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("price_wan"),
                    FieldPanel("price_max_wan"),
                    FieldPanel("price_negotiable"),
                ],
                heading=gettext_lazy("Commercial terms"),
            ),
            MultiFieldPanel(
                _CONFIDENTIALITY_PANELS, heading=gettext_lazy("Confidentiality")
            ),
            MultiFieldPanel(_CONTACT_PANELS, heading=gettext_lazy("Contact")),
        ],
        base_form_class=ListingAdminForm,
    )


class DemandViewSet(ListingViewSet):
    """Technology demands: list, filter, inspect, edit (with revisions), archive."""

    model = Demand
    icon = "pick"
    menu_order = 30
    url_namespace = DEMAND.admin_namespace
    url_prefix = "market/demands"
    filterset_class = DemandFilterSet
    inspect_view_fields = [
        "title",
        "status",
        "organisation",
        "confidentiality",
        "field",
        "region",
        "keywords",
        "is_featured",
        "summary",
        "problem",
        "objectives",
        "expected_maturity",
        "deadline",
        "modes",
        "budget_min_wan",
        "budget_max_wan",
        "budget_negotiable",
        "protected_details",
        "contact_name",
        "contact_phone",
        "contact_email",
        "submitted_at",
        "published_at",
        "valid_until",
        "reviewed_by",
        "rejection_reason",
        "created_by",
        "external_id",
        "import_batch",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(_BASIC_PANELS, heading=gettext_lazy("Basic information")),
            MultiFieldPanel(
                [
                    FieldPanel("problem"),
                    FieldPanel("objectives"),
                    FieldPanel("expected_maturity"),
                    FieldPanel("deadline"),
                ],
                heading=gettext_lazy("Technology"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("modes", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("budget_min_wan"),
                    FieldPanel("budget_max_wan"),
                    FieldPanel("budget_negotiable"),
                ],
                heading=gettext_lazy("Commercial terms"),
            ),
            MultiFieldPanel(
                _CONFIDENTIALITY_PANELS, heading=gettext_lazy("Confidentiality")
            ),
            MultiFieldPanel(_CONTACT_PANELS, heading=gettext_lazy("Contact")),
        ],
        base_form_class=DemandAdminForm,
    )


# -- Challenges and campaigns -------------------------------------------------------


class ChallengeViewSet(ModelViewSet):
    """Challenges (榜单): list, filter, inspect with history, correct the content.

    The life cycle moves only through the services (the review queue publishes and
    rejects); the form holds no status field.
    """

    model = Challenge
    name = CHALLENGES_NAMESPACE
    url_prefix = "market/challenges"
    icon = "pick"
    menu_order = 40
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ChallengeInspectView
    list_display = [
        "title",
        Column("issuer", label=field_label(Challenge, "issuer")),
        Column("campaign", label=field_label(Challenge, "campaign")),
        StatusTagColumn(
            "status",
            label=field_label(Challenge, "status"),
            accessor="get_status_display",
            sort_key="status",
            primary=lambda challenge: challenge.is_public,
        ),
        Column("bounty_wan", label=field_label(Challenge, "bounty_wan")),
        DateColumn(
            "application_deadline",
            label=field_label(Challenge, "application_deadline"),
            sort_key="application_deadline",
        ),
    ]
    list_filter = ["status", "campaign", "payment_terms"]
    search_fields = ["title"]
    ordering = ["-status_changed_at", "-pk"]
    list_per_page = 50
    inspect_view_fields = [
        "title",
        "status",
        "issuer",
        "campaign",
        "source_demand",
        "confidentiality",
        "field",
        "region",
        "background",
        "objectives",
        "indicators",
        "deliverables",
        "bounty_wan",
        "payment_terms",
        "payment_terms_note",
        "duration_months",
        "application_deadline",
        "eligibility",
        "attachments",
        "review_criteria",
        "blind_review",
        "objection_days",
        "max_consortium_members",
        "contact_name",
        "contact_phone",
        "contact_email",
        "rejection_reason",
        "awarded_application",
        "announcement",
        "objection_period_ends_at",
        "end_reason",
        "transitions",
        "delivery_milestones",
        "measurements",
        "payouts",
        "delivery_log",
    ]
    form_fields = [
        "title",
        "campaign",
        "field",
        "region",
        "background",
        "objectives",
        "deliverables",
        "bounty_wan",
        "payment_terms",
        "payment_terms_note",
        "duration_months",
        "application_deadline",
        "eligibility",
        "contact_name",
        "contact_phone",
        "contact_email",
        "confidentiality",
        "blind_review",
        "objection_days",
        "max_consortium_members",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = Challenge.objects.select_related("issuer", "campaign")
        return visible_challenges(queryset, request.user)


class CampaignViewSet(ModelViewSet):
    """Innovation challenge campaigns (创新挑战赛): schedule, status and results."""

    model = Campaign
    name = "market_campaigns"
    url_prefix = "market/campaigns"
    icon = "date"
    menu_order = 45
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "title",
        Column("operator", label=field_label(Campaign, "operator")),
        Column(
            "status",
            label=field_label(Campaign, "status"),
            accessor="get_status_display",
        ),
        DateColumn(
            "opens_on", label=field_label(Campaign, "opens_on"), sort_key="opens_on"
        ),
        DateColumn(
            "closes_on", label=field_label(Campaign, "closes_on"), sort_key="closes_on"
        ),
    ]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["-opens_on", "-pk"]
    form_fields = [
        "title",
        "operator",
        "description",
        "opens_on",
        "closes_on",
        "event_on",
        "status",
        "results",
    ]


# -- Reference data (administrators) --------------------------------------------------


class TechFieldViewSet(ModelViewSet):
    """The two-level technology field catalogue."""

    model = TechField
    name = "market_tech_fields"
    url_prefix = "market/tech-fields"
    icon = "tag"
    menu_order = 200
    copy_view_enabled = False
    list_display = [
        "name",
        "code",
        "name_en",
        Column("parent", label=field_label(TechField, "parent")),
        BooleanColumn("is_active", label=field_label(TechField, "is_active")),
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["code"]
    list_per_page = 100
    form_fields = ["code", "name", "name_en", "parent", "keywords", "is_active"]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = TechField.objects.filter(parent__isnull=True)
        if db_field.name == "keywords":
            return LinesField(
                label=capfirst(db_field.verbose_name),
                help_text=gettext_lazy("One keyword per line."),
            )
        return super().formfield_for_dbfield(db_field, **kwargs)


class RegionViewSet(ModelViewSet):
    """Administrative divisions (GB/T 2260): list by level, search by name or code."""

    model = Region
    name = "market_regions"
    url_prefix = "market/regions"
    icon = "globe"
    menu_order = 210
    copy_view_enabled = False
    list_display = [
        "name",
        "code",
        Column(
            "level", label=field_label(Region, "level"), accessor="get_level_display"
        ),
        Column("parent", label=field_label(Region, "parent")),
    ]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["code"]
    list_per_page = 100
    form_fields = ["code", "name", "name_en", "level", "parent"]

    def formfield_for_dbfield(self, db_field: Any, **kwargs: Any) -> Any:
        # A district's parent is a city, a city's a province: never a district.
        if db_field.name == "parent":
            kwargs["queryset"] = Region.objects.filter(level__lt=RegionLevel.DISTRICT)
        return super().formfield_for_dbfield(db_field, **kwargs)


class CooperationModeViewSet(ModelViewSet):
    """Ways a technology changes hands; their order is the order forms offer them."""

    model = CooperationMode
    name = "market_cooperation_modes"
    url_prefix = "market/cooperation-modes"
    icon = "link"
    menu_order = 220
    copy_view_enabled = False
    sort_order_field = "sort_order"
    list_display = ["name", "code", "name_en", "sort_order"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["sort_order", "code"]
    form_fields = ["code", "name", "name_en", "sort_order"]


class MarketViewSetGroup(ViewSetGroup):
    """The "Market" admin menu; other market view sets join through ``items``."""

    menu_label = gettext_lazy("Market")
    menu_icon = "tasks"
    menu_order = 200
    items = (
        ReviewQueueViewSet,
        OutcomeViewSet,
        DemandViewSet,
        ChallengeViewSet,
        CampaignViewSet,
        OrganisationViewSet,
        TechFieldViewSet,
        RegionViewSet,
        CooperationModeViewSet,
    )

    def get_submenu_items(self) -> list[Any]:
        return [*super().get_submenu_items(), *imports_admin.menu_items()]


@hooks.register("register_admin_urls")
def register_import_urls() -> list[Any]:
    """Import and export of listings (market/imports)."""
    return [path("market/listings/", include("market.imports.urls"))]


# register_snippet (not the register_admin_viewset hook): the documented way for a group
# holding snippet view sets; it registers the outcome and demand snippet models as soon
# as the hooks load, not only when the admin URLs are built.
register_snippet(MarketViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_review_queue_panel(request: HttpRequest, panels: list[Any]) -> None:
    if can_moderate(request.user):
        panels.append(ReviewQueuePanel())


LISTING_LOG_ACTIONS = {
    "market.submit_listing": (
        gettext_lazy("Submit for review"),
        gettext_lazy("Submitted for review"),
    ),
    "market.withdraw_listing": (
        gettext_lazy("Withdraw"),
        gettext_lazy("Withdrawn from review"),
    ),
    "market.publish_listing": (gettext_lazy("Publish"), gettext_lazy("Published")),
    "market.reject_listing": (gettext_lazy("Reject"), gettext_lazy("Rejected")),
    "market.archive_listing": (gettext_lazy("Archive"), gettext_lazy("Archived")),
    "market.expire_listing": (gettext_lazy("Expire"), gettext_lazy("Expired")),
    "market.resubmit_listing": (
        gettext_lazy("Edit after publication"),
        gettext_lazy("Edited after publication; back in review"),
    ),
    "market.submit_changes_listing": (
        gettext_lazy("Submit changes"),
        gettext_lazy("Changes to the published version submitted for review"),
    ),
    "market.publish_changes_listing": (
        gettext_lazy("Publish changes"),
        gettext_lazy("Changes approved; the new version is published"),
    ),
    "market.reject_changes_listing": (
        gettext_lazy("Reject changes"),
        gettext_lazy("Changes not approved; the published version stays"),
    ),
    "market.discard_changes_listing": (
        gettext_lazy("Withdraw changes"),
        gettext_lazy("Changes withdrawn by the owner"),
    ),
}


# After Wagtail's own snippet bulk delete (market's hooks load first), so this one
# replaces it for outcomes and demands.
hooks.register("register_bulk_action", ListingDeleteBulkAction, order=100)


@hooks.register("register_log_actions")
def register_market_log_actions(actions: Any) -> None:
    # Listings log into their own table, which shows each user only the entries of
    # listings market.permissions lets them see (site history report).
    actions.register_model(Listing, ListingLogEntry)
    actions.register_action(
        VERIFY_ACTION,
        gettext_lazy("Verify organisation"),
        gettext_lazy("Organisation verified"),
    )
    for action, (label, message) in LISTING_LOG_ACTIONS.items():
        actions.register_action(action, label, message)
