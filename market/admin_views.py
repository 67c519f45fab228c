"""Wagtail admin views for listings: review queue, life-cycle actions, forms, filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property, classproperty
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component, MediaContainer
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, DateColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import BaseButton, Button, ListingButton
from wagtail.rich_text import RichText
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.side_panels import SnippetStatusSidePanel
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views

from market.kinds import registry as kinds
from market.models import (
    Challenge,
    ChallengeObjection,
    Demand,
    ImportBatch,
    Listing,
    ListingKind,
    ListingStatus,
    Maturity,
    Organisation,
    Outcome,
    TechField,
)
from market.params import parse_int
from market.permissions import can_moderate, can_view, visible_listings
from market.services.listings import (
    BulkResult,
    IllegalTransition,
    ListingError,
    archive_listing,
    archive_listings,
    publish_changes,
    publish_listing,
    publish_listings,
    reject_changes,
    reject_listing,
    reject_listings,
)
from market.signals import listings_changed

S = ListingStatus

# The review queue's admin URL namespace (each kind's is KindSpec.admin_namespace).
# Prefixed so they never collide with the portal's own namespaces.
REVIEW_NAMESPACE = "market_review"


def listing_admin_url(listing: Listing, view_name: str) -> str:
    """The admin URL of ``view_name`` (edit, inspect, history…) for any listing."""
    namespace = kinds.of(listing).admin_namespace
    return reverse(f"{namespace}:{view_name}", args=[quote(listing.pk)])


def review_url(view_name: str, listing: models.Model | None = None) -> str:
    args = [quote(listing.pk)] if listing is not None else []
    return reverse(f"{REVIEW_NAMESPACE}:{view_name}", args=args)


def field_label(model: type[models.Model], name: str) -> Any:
    """A model field's translated label, capitalised as a column or form label."""
    return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))


def _post_button(
    button_class: type[BaseButton],
    label: str,
    url: str,
    *,
    icon_name: str,
    priority: int,
) -> BaseButton:
    # w-action#post sends a CSRF-protected POST with ?next (the current page).
    return button_class(
        label,
        icon_name=icon_name,
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": url,
        },
        priority=priority,
    )


def life_cycle_buttons(
    listing: Listing,
    user: Any,
    *,
    button_class: type[BaseButton] = Button,
    next_url: str = "",
) -> list[BaseButton]:
    """Publish / reject for a submitted listing, archive for a live one; moderators only."""
    if not can_moderate(user):
        return []
    buttons: list[BaseButton] = []
    if listing.status == S.SUBMITTED:
        reject = review_url("reject", listing)
        if next_url:
            reject += "?" + urlencode({"next": next_url})
        buttons.append(
            _post_button(
                button_class,
                _("Publish"),
                review_url("publish", listing),
                icon_name="check",
                priority=1,
            )
        )
        buttons.append(button_class(_("Reject"), reject, icon_name="cross", priority=2))
    if listing.status in (S.PUBLISHED, S.EXPIRED):
        buttons.append(
            _post_button(
                button_class,
                _("Archive"),
                review_url("archive", listing),
                icon_name="folder-inverse",
                priority=40,
            )
        )
    return buttons


# -- Forms ------------------------------------------------------------------------


class LinesField(forms.CharField):
    """A list of short texts (keywords, objectives) edited one per line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ListingAdminForm(WagtailAdminModelForm):
    """The moderators' edit form: content only; the life cycle stays with the services.

    Saving re-reads every field the form does not edit (status, review dates, validity…)
    from the locked database row, so neither a stale form nor "revert to this revision"
    can undo a publication or rejection that happened meanwhile.
    """

    keywords = LinesField(
        label=field_label(Listing, "keywords"),
        help_text=gettext_lazy("One keyword per line."),
    )

    def save(self, commit: bool = True) -> Any:
        instance = self.instance
        with transaction.atomic():
            if commit and instance.pk is not None:
                self._keep_life_cycle_fields(instance)
            if instance.pk is None and getattr(self, "for_user", None) is not None:
                instance.created_by = self.for_user
            saved = super().save(commit=commit)
            # A published listing's content changed without a status change: let the
            # search index and caches know (receivers defer their I/O to on_commit).
            if commit and saved.status == S.PUBLISHED:
                listings_changed.send(sender=type(saved), listing_ids=[saved.pk])
        return saved

    def _keep_life_cycle_fields(self, instance: Listing) -> None:
        current = (
            type(instance)._base_manager.select_for_update().get(pk=instance.pk)  # type: ignore[attr-defined]
        )
        for field in instance._meta.concrete_fields:
            if field.primary_key or field.name in self.fields:
                continue
            setattr(instance, field.attname, getattr(current, field.attname))


class DemandAdminForm(ListingAdminForm):
    objectives = LinesField(
        label=field_label(Demand, "objectives"),
        help_text=gettext_lazy("One measurable objective per line."),
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=field_label(Listing, "rejection_reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "The author reads this, corrects the listing and may submit it again."
        ),
        error_messages={
            "required": gettext_lazy("Give the author a reason for the rejection.")
        },
    )


# -- Filters ----------------------------------------------------------------------


class _TechFieldChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj: TechField) -> str:
        # The code shows the two levels: "04" 新材料, "0401" 金属材料.
        return f"{obj.code} {obj.label}"


class TechFieldFilter(django_filters.ModelChoiceFilter):
    field_class = _TechFieldChoiceField


class ListingFilterSet(WagtailFilterSet):
    """Filters every listing list shares: status, field (with sub-fields), organisation."""

    status = django_filters.ChoiceFilter(
        label=field_label(Listing, "status"), choices=S.choices
    )
    field = TechFieldFilter(
        label=field_label(Listing, "field"),
        queryset=TechField.objects.all(),
        method="filter_field",
    )
    organisation = django_filters.ModelChoiceFilter(
        label=field_label(Listing, "organisation"),
        queryset=Organisation.objects.order_by("name"),
    )
    is_featured = django_filters.BooleanFilter(
        label=field_label(Listing, "is_featured")
    )

    def filter_field(
        self, queryset: QuerySet[Listing], name: str, value: TechField | None
    ) -> QuerySet[Listing]:
        return queryset.in_field(value) if value else queryset  # type: ignore[attr-defined]


class OutcomeFilterSet(ListingFilterSet):
    maturity = django_filters.ChoiceFilter(
        label=field_label(Outcome, "maturity"), choices=Maturity.choices
    )
    price_negotiable = django_filters.BooleanFilter(
        label=field_label(Outcome, "price_negotiable")
    )

    class Meta:
        model = Outcome
        fields: list[str] = []


class DemandFilterSet(ListingFilterSet):
    expected_maturity = django_filters.ChoiceFilter(
        label=field_label(Demand, "expected_maturity"), choices=Maturity.choices
    )
    budget_negotiable = django_filters.BooleanFilter(
        label=field_label(Demand, "budget_negotiable")
    )
    deadline = django_filters.DateFromToRangeFilter(
        label=field_label(Demand, "deadline"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Demand
        fields: list[str] = []


# -- Outcome / demand snippet views -----------------------------------------------


class ListingIndexView(snippet_views.IndexView):
    """Outcome or demand list; moderators get publish / reject / archive per row."""

    def get_list_more_buttons(self, instance: Listing) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        buttons.extend(life_cycle_buttons(instance, self.request.user))
        return buttons


class ListingStatusSidePanel(SnippetStatusSidePanel):
    """The editor's status panel, showing the listing's status instead of "Live"."""

    def get_status_templates(self, context: dict[str, Any]) -> list[str]:
        templates = super().get_status_templates(context)
        return ["market/admin/status_side_panel.html", *templates[1:]]


class ListingEditView(snippet_views.EditView):
    """Edit a listing's content; status changes only through the header actions."""

    def get_side_panels(self) -> MediaContainer:
        # Listings are not previewable and have no draft state: the status panel
        # (with the listing's own status) is the only side panel.
        return MediaContainer(
            [
                ListingStatusSidePanel(
                    self.object,
                    self.request,
                    live_object=self.live_object,
                    usage_url=self.get_usage_url(),
                    history_url=self.get_history_url(),
                    last_updated_info=self.get_last_updated_info(),
                )
            ]
        )

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        # Listings have no draft state: an autosave would write half-typed text
        # straight into a published listing. Moderators save explicitly.
        self.autosave_enabled = False

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        return [
            *super().header_more_buttons,
            *life_cycle_buttons(
                self.object, self.request.user, next_url=self.request.path
            ),
        ]


class ListingInspectView(snippet_views.InspectView):
    """Everything about one listing, owner included (moderators see it even if anonymous)."""

    extra_labels = {
        "ip_rights": gettext_lazy("IP rights"),
        "gallery": gettext_lazy("Gallery"),
        "attachments": gettext_lazy("Attachments"),
    }

    def get_object(self, queryset: Any = None) -> Listing:
        listing = super().get_object(queryset)
        if not can_view(self.request.user, listing):
            raise PermissionDenied
        return listing

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        return [
            *super().header_more_buttons,
            *life_cycle_buttons(
                self.object, self.request.user, next_url=self.request.path
            ),
        ]

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name in self.extra_labels:
            return str(self.extra_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        if getattr(field, "concrete", False) and getattr(
            self.object, field.attname
        ) in (None, "", []):
            return "-"
        if field_name == "field":
            # Wagtail looks up get_<name>_display_value: for the listing's "field"
            # that is this very method, so answer directly.
            return self.object.field
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None or value == "":
            return "-"
        return value

    def get_region_display_value(self) -> str:
        return self.object.region.full_name

    def get_keywords_display_value(self) -> str:
        return "、".join(self.object.keywords)

    def get_objectives_display_value(self) -> Any:
        return format_html_join("", "<p>{}</p>", ((o,) for o in self.object.objectives))

    def get_description_display_value(self) -> Any:
        return RichText(self.object.description)

    def get_problem_display_value(self) -> Any:
        return RichText(self.object.problem)

    def get_ip_rights_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{} {} {} ({})</p>",
            (
                (r.get_kind_display(), r.number, r.title, r.get_legal_status_display())
                for r in self.object.ip_rights.all()
            ),
        )

    def get_gallery_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{}{}</p>",
            (
                (i.image.title, f" · {i.caption}" if i.caption else "")
                for i in self.object.gallery.select_related("image")
            ),
        )

    def get_attachments_display_value(self) -> Any:
        return format_html_join(
            "",
            '<p><a href="{}">{}</a></p>',
            (
                (a.document.url, a.document.title)
                for a in self.object.attachments.select_related("document")
            ),
        )


# -- What an admin user may see of the listings ----------------------------------
#
# Wagtail's snippet views look listings up through the model's default manager: the
# chooser (list, search, "chosen/<id>/"), the bulk-action confirmation pages and the
# site history report would show any draft's title to anyone with admin access. Each
# lookup below goes through market.permissions.visible_listings instead, so that the
# admin shows an agent exactly what can_view allows (the site history through
# market.models.ListingLogEntry, registered in wagtail_hooks.py).

# Highest primary key a listing id in an admin URL may name (a PostgreSQL bigint).
MAX_LISTING_ID = 2**63 - 1


def listing_ids(values: Any) -> list[int]:
    """The well-formed listing ids among ``values`` (ids in URLs and query strings)."""
    ids = (
        parse_int(v, minimum=1, maximum=MAX_LISTING_ID, default=None) for v in values
    )
    return [listing_id for listing_id in ids if listing_id is not None]


class VisibleListingsMixin:
    """Narrows a view's listing lookups to the listings the user may see."""

    request: HttpRequest

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return visible_listings(queryset, self.request.user)


class _VisibleChoicesMixin(VisibleListingsMixin):
    def get_object_list(self) -> QuerySet[Any]:
        return self.visible(super().get_object_list())  # type: ignore[misc]


class ListingChooseView(_VisibleChoicesMixin, snippet_chooser.ChooseView):
    """The chooser modal, listing only what the user may see."""


class ListingChooseResultsView(_VisibleChoicesMixin, snippet_chooser.ChooseResultsView):
    """The chooser's search results and pages, only what the user may see."""


class ListingChosenView(VisibleListingsMixin, snippet_chooser.SnippetChosenView):
    """``chosen/<id>/``: a listing the user may not see is not found."""

    def get_object(self, pk: Any) -> Any:
        ids = listing_ids([pk])
        if not ids:
            raise Http404
        return self.visible(self.model_class.objects.all()).get(pk=ids[0])


class ListingChosenMultipleView(
    VisibleListingsMixin, snippet_chooser.SnippetChosenMultipleView
):
    """``chosen-multiple/?id=…``: only the listings the user may see."""

    def get_objects(self, pks: Any) -> QuerySet[Any]:
        return self.visible(self.model_class.objects.filter(pk__in=listing_ids(pks)))


class ListingChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    """Wagtail's snippet chooser for outcomes and demands, narrowed per user."""

    choose_view_class = ListingChooseView
    choose_results_view_class = ListingChooseResultsView
    chosen_view_class = ListingChosenView
    chosen_multiple_view_class = ListingChosenMultipleView


class ListingDeleteBulkAction(VisibleListingsMixin, DeleteBulkAction):
    """Wagtail's bulk delete of snippets, for listings: it names only visible ones.

    Wagtail's version lists every chosen object, titles included, also those the user
    may not delete; here listings the user may not see are not found at all.
    """

    @classproperty
    def models(cls) -> list[type[Listing]]:
        return [Outcome, Demand]

    def get_queryset(self, model: Any, object_ids: Any) -> list[Any]:  # type: ignore[override]
        found = list(self.visible(model.objects.filter(pk__in=listing_ids(object_ids))))
        if not found:
            raise Http404
        return found

    def get_all_objects_in_listing_query(self, parent_id: Any) -> Any:
        return self.visible(self.model.objects.all()).values_list("pk", flat=True)


# -- Review queue -----------------------------------------------------------------


class ModeratorsOnlyMixin:
    """Only holders of market.moderate_listing; others get Wagtail's permission denial."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class _QueueTitleColumn(ButtonsColumnMixin, TitleColumn):
    def get_buttons(self, instance: Listing, parent_context: Any) -> list[Any]:
        user = parent_context["request"].user
        return [
            ListingButton(
                _("Inspect"),
                listing_admin_url(instance, "inspect"),
                icon_name="view",
                priority=3,
            ),
            *life_cycle_buttons(instance, user, button_class=ListingButton),
        ]


class _OwnerColumn(Column):
    def get_value(self, instance: Listing) -> str:
        name = instance.organisation.name
        if instance.owner_hidden:
            return _("%(name)s · shown as anonymous") % {"name": name}
        return name


class _ImportBatchChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj: ImportBatch) -> str:
        return str(obj)


class ImportBatchFilter(django_filters.ModelChoiceFilter):
    field_class = _ImportBatchChoiceField


class ReviewQueueFilterSet(WagtailFilterSet):
    """What the queue shows, and what a bulk action applies to: status (awaiting
    review unless chosen), kind, field with its sub-fields, organisation, import."""

    status = django_filters.ChoiceFilter(
        label=field_label(Listing, "status"),
        choices=S.choices,
        empty_label=gettext_lazy("Any status"),
    )
    kind = django_filters.ChoiceFilter(
        label=field_label(Listing, "kind"), choices=ListingKind.choices
    )
    field = TechFieldFilter(
        label=field_label(Listing, "field"),
        queryset=TechField.objects.all(),
        method="filter_field",
    )
    organisation = django_filters.ModelChoiceFilter(
        label=field_label(Listing, "organisation"),
        queryset=Organisation.objects.order_by("name"),
    )
    import_batch = ImportBatchFilter(
        label=field_label(Listing, "import_batch"),
        queryset=ImportBatch.objects.order_by("-created_at", "-pk"),
    )

    class Meta:
        model = Listing
        fields: list[str] = []

    def filter_field(
        self, queryset: QuerySet[Listing], name: str, value: TechField | None
    ) -> QuerySet[Listing]:
        return queryset.in_field(value) if value else queryset  # type: ignore[attr-defined]


def review_filter_data(params: Any) -> Any:
    """The queue's filter parameters; without a status, the queue shows what awaits
    review (an explicit empty status means any)."""
    data = params.copy()
    if "status" not in data:
        data["status"] = S.SUBMITTED
    return data


def review_selection(params: Any, request: HttpRequest) -> QuerySet[Listing] | None:
    """The listings the queue's filters select, or None when a filter is malformed."""
    filters = ReviewQueueFilterSet(
        data=review_filter_data(params),
        queryset=Listing.objects.all(),
        request=request,
    )
    if not filters.is_valid():
        return None
    return filters.qs


# Filter parameters a bulk action carries from the queue to its confirmation.
FILTER_PARAMS = ("status", "kind", "field", "organisation", "import_batch")


class ReviewQueueView(ModeratorsOnlyMixin, BaseListingView):
    """Outcomes and demands awaiting review, oldest first, to inspect, publish or
    reject one by one; filtered (status, kind, field, organisation, import), the
    selection can be published, rejected or archived at once."""

    page_title = gettext_lazy("Review queue")
    header_icon = "clipboard-list"
    index_url_name = f"{REVIEW_NAMESPACE}:index"
    index_results_url_name = f"{REVIEW_NAMESPACE}:index_results"
    default_ordering = "submitted_at"
    paginate_by = 50
    verbose_name_plural = gettext_lazy("listings awaiting review")
    filterset_class = ReviewQueueFilterSet

    def get_base_queryset(self) -> QuerySet[Listing]:
        return Listing.objects.select_related("organisation", "field")

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"data": review_filter_data(self.request.GET), "request": self.request}

    @cached_property
    def header_buttons(self) -> list[Any]:
        query = urlencode(
            [
                (key, self.request.GET.get(key, ""))
                for key in FILTER_PARAMS
                if key in self.request.GET
            ]
        )
        suffix = f"?{query}" if query else ""
        changes = Listing.objects.changes_awaiting_review().count()  # type: ignore[attr-defined]
        challenges = Challenge.objects.awaiting_review().count()  # type: ignore[attr-defined]
        objections = ChallengeObjection.objects.filter(outcome="pending").count()
        return [
            Button(
                _("Changes to published listings (%(count)s)") % {"count": changes},
                review_url("changes"),
                icon_name="edit",
                priority=10,
                attrs={"data-pending-changes": str(changes)},
            ),
            Button(
                _("Challenges awaiting review (%(count)s)") % {"count": challenges},
                review_url("challenges"),
                icon_name="clipboard-list",
                priority=11,
                attrs={"data-challenges-awaiting": str(challenges)},
            ),
            Button(
                _("Objections to awards (%(count)s)") % {"count": objections},
                review_url("objections"),
                icon_name="warning",
                priority=12,
                attrs={"data-objections-pending": str(objections)},
            ),
            *self._bulk_buttons(suffix),
        ]

    def _bulk_buttons(self, suffix: str) -> list[Any]:
        return [
            Button(
                label,
                reverse(f"{REVIEW_NAMESPACE}:bulk", args=[action]) + suffix,
                icon_name=icon,
                priority=priority,
                attrs={"data-bulk-action": action},
            )
            for priority, (action, label, icon) in enumerate(
                (
                    ("publish", _("Publish all selected"), "check"),
                    ("reject", _("Reject all selected"), "cross"),
                    ("archive", _("Archive all selected"), "folder-inverse"),
                )
            )
        ]

    def order_queryset(self, queryset: QuerySet[Listing]) -> QuerySet[Listing]:
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            _QueueTitleColumn(
                "title",
                label=field_label(Listing, "title"),
                get_url=lambda listing: listing_admin_url(listing, "inspect"),
                sort_key="title",
            ),
            Column(
                "kind", label=field_label(Listing, "kind"), accessor="get_kind_display"
            ),
            _OwnerColumn("organisation", label=field_label(Listing, "organisation")),
            Column("field", label=field_label(Listing, "field")),
            Column(
                "status",
                label=field_label(Listing, "status"),
                accessor="get_status_display",
            ),
            DateColumn(
                "submitted_at",
                label=field_label(Listing, "submitted_at"),
                sort_key="submitted_at",
            ),
        ]


class ListingActionView(ModeratorsOnlyMixin, View):
    """Base of the POST-only life-cycle actions; they return to ``next`` or the queue."""

    http_method_names = ["post"]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.listing = get_object_or_404(
            Listing.objects.select_related("organisation"),
            pk=unquote(str(kwargs["pk"])),
        )

    def go_back(self) -> HttpResponse:
        return redirect(
            get_valid_next_url_from_request(self.request) or review_url("index")
        )

    @property
    def user_id(self) -> int:
        # Wagtail's admin only lets authenticated users this far.
        return int(self.request.user.pk)  # type: ignore[arg-type]


class PublishListingView(ListingActionView):
    """POST: approve a submitted listing (publish_listing)."""

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        try:
            listing = publish_listing(self.listing.pk, by_user_id=self.user_id)
        except ListingError as error:
            messages.error(request, str(error.message))
            return self.go_back()
        messages.success(
            request,
            _("“%(title)s” is published, valid until %(date)s.")
            % {
                "title": listing.title,
                "date": date_format(listing.valid_until or "", "DATE_FORMAT"),
            },
            buttons=[
                messages.button(listing_admin_url(listing, "inspect"), _("Inspect"))
            ],
        )
        return self.go_back()


class ArchiveListingView(ListingActionView):
    """POST: take a published or expired listing off the market (archive_listing)."""

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        try:
            listing = archive_listing(self.listing.pk, by_user_id=self.user_id)
        except ListingError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("“%(title)s” is archived.") % {"title": listing.title}
            )
        return self.go_back()


class RejectListingView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """GET: the rejection form; POST: send the listing back with the reason (reject_listing)."""

    template_name = "market/admin/reject.html"
    page_title = gettext_lazy("Reject")
    header_icon = "cross"
    http_method_names = ["get", "post"]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.listing = get_object_or_404(
            Listing.objects.select_related("organisation"),
            pk=unquote(str(kwargs["pk"])),
        )
        self.next_url = get_valid_next_url_from_request(request)

    def get_page_subtitle(self) -> str:
        return self.listing.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": review_url("index"), "label": _("Review queue")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            listing=self.listing,
            inspect_url=listing_admin_url(self.listing, "inspect"),
            action_url=review_url("reject", self.listing),
            next_url=self.next_url,
            cancel_url=self.next_url or review_url("index"),
        )
        return context

    def go_back(self) -> HttpResponse:
        return redirect(self.next_url or review_url("index"))

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        if self.listing.status != S.SUBMITTED:
            messages.warning(
                request,
                _("“%(title)s” is no longer awaiting review; it is “%(status)s”.")
                % {
                    "title": self.listing.title,
                    "status": self.listing.get_status_display(),
                },
            )
            return self.go_back()
        return self.render_to_response(self.get_context_data(form=RejectionForm()))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        form = RejectionForm(request.POST)
        if form.is_valid():
            try:
                listing = reject_listing(
                    self.listing.pk,
                    by_user_id=int(request.user.pk),  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
            except IllegalTransition as error:
                messages.error(request, str(error.message))
                return self.go_back()
            except ListingError as error:
                form.add_error("reason", str(error.message))
            else:
                messages.success(
                    request,
                    _("“%(title)s” is sent back to its author.")
                    % {"title": listing.title},
                )
                return self.go_back()
        return self.render_to_response(self.get_context_data(form=form))


# -- Changes to published listings ------------------------------------------------


class PendingChangesView(ModeratorsOnlyMixin, BaseListingView):
    """Published listings whose owners changed them: the public sees the published
    version until a moderator approves the changes."""

    page_title = gettext_lazy("Changes to published listings")
    header_icon = "edit"
    index_url_name = f"{REVIEW_NAMESPACE}:changes"
    index_results_url_name = f"{REVIEW_NAMESPACE}:changes_results"
    default_ordering = "pending_submitted_at"
    paginate_by = 50
    verbose_name_plural = gettext_lazy("changes awaiting review")

    def get_base_queryset(self) -> QuerySet[Listing]:
        return Listing.objects.changes_awaiting_review().select_related(  # type: ignore[attr-defined]
            "organisation", "field"
        )

    def order_queryset(self, queryset: QuerySet[Listing]) -> QuerySet[Listing]:
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "title",
                label=field_label(Listing, "title"),
                get_url=lambda listing: review_url("review_changes", listing),
                sort_key="title",
            ),
            Column(
                "kind", label=field_label(Listing, "kind"), accessor="get_kind_display"
            ),
            _OwnerColumn("organisation", label=field_label(Listing, "organisation")),
            DateColumn(
                "pending_submitted_at",
                label=field_label(Listing, "pending_submitted_at"),
                sort_key="pending_submitted_at",
            ),
        ]


class ChangesReviewView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """GET: the live and the proposed value of every changed field; POST: approve
    (publish_changes) or refuse with a reason (reject_changes)."""

    template_name = "market/admin/review_changes.html"
    page_title = gettext_lazy("Review changes")
    header_icon = "edit"
    http_method_names = ["get", "post"]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.listing = get_object_or_404(
            Listing.objects.select_related("organisation"),
            pk=unquote(str(kwargs["pk"])),
        )

    def get_page_subtitle(self) -> str:
        return self.listing.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from market.changes import pending_changes

        context = super().get_context_data(**kwargs)
        context.update(
            listing=self.listing,
            changes=pending_changes(self.listing),
            inspect_url=listing_admin_url(self.listing, "inspect"),
            action_url=review_url("review_changes", self.listing),
            cancel_url=review_url("changes"),
        )
        return context

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        if not self.listing.pending_awaits_review or self.listing.status != S.PUBLISHED:
            messages.warning(
                request,
                _("“%(title)s” has no changes awaiting review.")
                % {"title": self.listing.title},
            )
            return redirect(review_url("changes"))
        return self.render_to_response(self.get_context_data(form=RejectionForm()))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        user_id = int(request.user.pk)  # type: ignore[arg-type]
        form = RejectionForm(request.POST)
        try:
            if request.POST.get("decision") == "approve":
                listing = publish_changes(self.listing.pk, by_user_id=user_id)
                messages.success(
                    request,
                    _("The changes to “%(title)s” are published.")
                    % {"title": listing.title},
                )
                return redirect(review_url("changes"))
            if form.is_valid():
                listing = reject_changes(
                    self.listing.pk,
                    by_user_id=user_id,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _(
                        "The changes to “%(title)s” are sent back to their author; "
                        "the published version stays."
                    )
                    % {"title": listing.title},
                )
                return redirect(review_url("changes"))
        except ListingError as error:
            if error.code == "reason_required":
                form.add_error("reason", str(error.message))
            else:
                messages.error(request, str(error.message))
                return redirect(review_url("changes"))
        return self.render_to_response(self.get_context_data(form=form))


# -- Bulk actions -----------------------------------------------------------------

# A selection larger than this is refused: narrow the filters (one request must not
# hold locks on tens of thousands of rows).
BULK_LIMIT = 10_000


class BulkReasonForm(forms.Form):
    reason = forms.CharField(
        label=field_label(Listing, "rejection_reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class BulkActionView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """GET: how many listings of the queue's selection the action applies to, and a
    confirmation; POST: the action, through the life cycle's bulk steps."""

    template_name = "market/admin/bulk_action.html"
    header_icon = "tasks"
    http_method_names = ["get", "post"]
    ACTIONS = {
        "publish": (
            gettext_lazy("Publish listings"),
            gettext_lazy("Publish"),
            # Submitted listings, and drafts an import brought in (submitted first).
            Q(status=S.SUBMITTED) | Q(status=S.DRAFT, import_batch__isnull=False),
        ),
        "reject": (
            gettext_lazy("Reject listings"),
            gettext_lazy("Reject"),
            Q(status=S.SUBMITTED),
        ),
        "archive": (
            gettext_lazy("Archive listings"),
            gettext_lazy("Archive"),
            Q(status__in=[S.PUBLISHED, S.EXPIRED]),
        ),
    }

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.action = kwargs["action"]
        params = request.POST if request.method == "POST" else request.GET
        self.params = {key: params[key] for key in FILTER_PARAMS if key in params}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if kwargs["action"] not in self.ACTIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.ACTIONS[self.action][0])

    def queue_url(self) -> str:
        query = urlencode(self.params)
        return review_url("index") + (f"?{query}" if query else "")

    def selection(self) -> tuple[list[int], int] | None:
        """Ids the action applies to, and how many selected listings it does not."""
        selected = review_selection(QueryDict(urlencode(self.params)), self.request)
        if selected is None:
            return None
        eligible = list(
            selected.filter(self.ACTIONS[self.action][2])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return eligible, selected.count() - len(eligible)

    def render_confirmation(
        self, form: BulkReasonForm, ids: list[int], others: int, warning: str = ""
    ) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=form,
                action=self.action,
                action_label=self.ACTIONS[self.action][1],
                count=len(ids),
                others=others,
                too_many=len(ids) > BULK_LIMIT,
                limit=BULK_LIMIT,
                params=self.params,
                warning=warning,
                cancel_url=self.queue_url(),
                action_url=reverse(f"{REVIEW_NAMESPACE}:bulk", args=[self.action]),
            )
        )

    def get(self, request: HttpRequest, action: str) -> HttpResponse:
        found = self.selection()
        if found is None:
            messages.error(request, _("The filters are not valid; choose them again."))
            return redirect(review_url("index"))
        ids, others = found
        form = BulkReasonForm(initial={"expected": len(ids)})
        return self.render_confirmation(form, ids, others)

    def post(self, request: HttpRequest, action: str) -> HttpResponse:
        found = self.selection()
        if found is None:
            messages.error(request, _("The filters are not valid; choose them again."))
            return redirect(review_url("index"))
        ids, others = found
        form = BulkReasonForm(request.POST)
        if not form.is_valid():
            return self.render_confirmation(
                BulkReasonForm(initial={"expected": len(ids)}), ids, others
            )
        if form.cleaned_data["expected"] != len(ids):
            # Someone else changed the selection since the confirmation was shown.
            return self.render_confirmation(
                BulkReasonForm(
                    initial={
                        "expected": len(ids),
                        "reason": form.cleaned_data["reason"],
                    }
                ),
                ids,
                others,
                warning=_(
                    "The selection changed since you looked: it now holds %(count)s "
                    "listings. Check and confirm again."
                )
                % {"count": len(ids)},
            )
        if not ids or len(ids) > BULK_LIMIT:
            return self.render_confirmation(form, ids, others)
        reason = form.cleaned_data["reason"].strip()
        if self.action == "reject" and not reason:
            form.add_error("reason", _("Give the authors a reason for the rejection."))
            return self.render_confirmation(form, ids, others)
        result = self.perform(ids, reason)
        self.report(result)
        return redirect(self.queue_url())

    def perform(self, ids: list[int], reason: str) -> BulkResult:
        user_id = int(self.request.user.pk)  # type: ignore[arg-type]
        if self.action == "reject":
            return reject_listings(ids, by_user_id=user_id, reason=reason)
        if self.action == "archive":
            return archive_listings(ids, by_user_id=user_id, reason=reason)
        drafts = set(
            Listing.objects.filter(pk__in=ids, status=S.DRAFT).values_list(
                "pk", flat=True
            )
        )
        result = publish_listings(
            [pk for pk in ids if pk not in drafts], by_user_id=user_id
        )
        imported = publish_listings(drafts, by_user_id=user_id, submit_drafts=True)
        result.done += imported.done
        result.skipped.update(imported.skipped)
        return result

    def report(self, result: BulkResult) -> None:
        done_messages = {
            "publish": ngettext(
                "%(count)s listing is published.",
                "%(count)s listings are published.",
                len(result.done),
            ),
            "reject": ngettext(
                "%(count)s listing is sent back to its author.",
                "%(count)s listings are sent back to their authors.",
                len(result.done),
            ),
            "archive": ngettext(
                "%(count)s listing is archived.",
                "%(count)s listings are archived.",
                len(result.done),
            ),
        }
        if result.done:
            messages.success(
                self.request, done_messages[self.action] % {"count": len(result.done)}
            )
        if result.skipped:
            titles = dict(
                Listing.objects.filter(pk__in=list(result.skipped)[:5]).values_list(
                    "pk", "title"
                )
            )
            examples = "; ".join(
                f"“{titles.get(pk, pk)}”: {why}"
                for pk, why in list(result.skipped.items())[:5]
            )
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s listing was left as it was: %(examples)s",
                    "%(count)s listings were left as they were, e.g. %(examples)s",
                    len(result.skipped),
                )
                % {"count": len(result.skipped), "examples": examples},
            )


# -- Dashboard ----------------------------------------------------------------------


class ReviewQueuePanel(Component):
    """Dashboard panel for moderators: how many listings wait, how many are live."""

    name = "market_review_queue"
    template_name = "market/admin/review_panel.html"
    order = 90

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        published = Q(status=S.PUBLISHED)
        counts = Listing.objects.aggregate(
            awaiting=Count("pk", filter=Q(status=S.SUBMITTED)),
            **{
                spec.plural: Count("pk", filter=published & Q(kind=spec.key))
                for spec in kinds
            },
            changes=Count(
                "pk",
                filter=published
                & Q(pending_revision__isnull=False, pending_rejection_reason=""),
            ),
        )
        live = "?" + urlencode({"status": S.PUBLISHED})
        return {
            **counts,
            "queue_url": review_url("index"),
            **{
                f"{spec.plural}_url": reverse(f"{spec.admin_namespace}:list") + live
                for spec in kinds
            },
            "changes_url": review_url("changes"),
        }
