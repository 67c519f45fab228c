"""Wagtail admin for challenges: their part of the review queue (publish / reject),
the objections to awards, and the inspect view of a challenge with its history.

The views live under the review queue's URL namespace (``market_review``), so the
moderators find submitted challenges where they find submitted listings.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, DateColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import ListingButton
from wagtail.rich_text import RichText

from market.admin_views import (
    REVIEW_NAMESPACE,
    ModeratorsOnlyMixin,
    _post_button,
    field_label,
    review_url,
)
from market.models import (
    Challenge,
    ChallengeObjection,
    ChallengeStatus,
    ObjectionOutcome,
)
from market.permissions import can_moderate
from market.selectors import challenge_history, challenges_awaiting_review
from market.services.challenges import (
    ChallengeError,
    beijing_time,
    publish_challenge,
    reject_challenge,
    resolve_objection,
)

CHALLENGES_NAMESPACE = "market_challenges"


def challenge_inspect_url(challenge: Challenge) -> str:
    return reverse(f"{CHALLENGES_NAMESPACE}:inspect", args=[quote(challenge.pk)])


# From the close of applications on, the moderators run the expert review.
EXPERT_REVIEW_STATUSES = frozenset(
    {ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW, ChallengeStatus.AWARDED}
)


def challenge_review_buttons(
    challenge: Challenge, user: Any, *, button_class: Any = ListingButton
) -> list[Any]:
    """Publish / reject for a submitted challenge, the expert review from the close of
    applications on; moderators only."""
    if not can_moderate(user):
        return []
    if challenge.status in EXPERT_REVIEW_STATUSES:
        return [
            button_class(
                _("Expert review"),
                review_url("challenge_expert_review", challenge),
                icon_name="group",
                priority=1,
            )
        ]
    if challenge.status != ChallengeStatus.SUBMITTED:
        return []
    return [
        _post_button(
            button_class,
            _("Publish"),
            review_url("publish_challenge", challenge),
            icon_name="check",
            priority=1,
        ),
        button_class(
            _("Reject"),
            review_url("reject_challenge", challenge),
            icon_name="cross",
            priority=2,
        ),
    ]


class _ChallengeTitleColumn(ButtonsColumnMixin, TitleColumn):
    def get_buttons(self, instance: Challenge, parent_context: Any) -> list[Any]:
        user = parent_context["request"].user
        return [
            ListingButton(
                _("Inspect"),
                challenge_inspect_url(instance),
                icon_name="view",
                priority=3,
            ),
            *challenge_review_buttons(instance, user),
        ]


class _DeadlineColumn(Column):
    def get_value(self, instance: Challenge) -> str:
        return beijing_time(instance.application_deadline)


class ChallengeQueueView(ModeratorsOnlyMixin, BaseListingView):
    """Challenges awaiting review, oldest first: inspect, publish (发榜) or reject."""

    page_title = gettext_lazy("Challenges awaiting review")
    header_icon = "clipboard-list"
    index_url_name = f"{REVIEW_NAMESPACE}:challenges"
    index_results_url_name = f"{REVIEW_NAMESPACE}:challenges_results"
    default_ordering = "submitted_at"
    paginate_by = 50
    verbose_name_plural = gettext_lazy("challenges awaiting review")

    def get_base_queryset(self) -> QuerySet[Challenge]:
        return challenges_awaiting_review()

    def order_queryset(self, queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            _ChallengeTitleColumn(
                "title",
                label=field_label(Challenge, "title"),
                get_url=challenge_inspect_url,
                sort_key="title",
            ),
            Column("issuer", label=field_label(Challenge, "issuer")),
            Column("campaign", label=field_label(Challenge, "campaign")),
            Column("bounty_wan", label=field_label(Challenge, "bounty_wan")),
            _DeadlineColumn(
                "application_deadline",
                label=field_label(Challenge, "application_deadline"),
            ),
            DateColumn(
                "submitted_at",
                label=field_label(Challenge, "submitted_at"),
                sort_key="submitted_at",
            ),
        ]


class _ChallengeActionMixin(ModeratorsOnlyMixin):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.challenge = get_object_or_404(
            Challenge.objects.select_related("issuer"), pk=unquote(str(kwargs["pk"]))
        )
        self.next_url = get_valid_next_url_from_request(request)

    def go_back(self) -> HttpResponse:
        return redirect(self.next_url or review_url("challenges"))


class PublishChallengeView(_ChallengeActionMixin, View):
    """POST: publish a submitted challenge (publish_challenge)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        try:
            challenge = publish_challenge(
                self.challenge.pk,
                by_user_id=int(request.user.pk),
            )
        except ChallengeError as error:
            messages.error(request, str(error.message))
            return self.go_back()
        messages.success(
            request,
            _("“%(title)s” is published; applications close at %(deadline)s.")
            % {
                "title": challenge.title,
                "deadline": beijing_time(challenge.application_deadline),
            },
        )
        return self.go_back()


class ChallengeRejectionForm(forms.Form):
    reason = forms.CharField(
        label=field_label(Challenge, "rejection_reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "The issuer reads this, corrects the challenge and may submit it again."
        ),
        error_messages={
            "required": gettext_lazy("Give the issuer a reason for the rejection.")
        },
    )


class RejectChallengeView(_ChallengeActionMixin, WagtailAdminTemplateMixin, View):
    """GET: the rejection form; POST: send the challenge back with the reason."""

    template_name = "market/admin/reject_challenge.html"
    page_title = gettext_lazy("Reject")
    header_icon = "cross"
    http_method_names = ["get", "post"]

    def get_page_subtitle(self) -> str:
        return self.challenge.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            challenge=self.challenge,
            inspect_url=challenge_inspect_url(self.challenge),
            action_url=review_url("reject_challenge", self.challenge),
            next_url=self.next_url,
            cancel_url=self.next_url or review_url("challenges"),
        )
        return context

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        if self.challenge.status != ChallengeStatus.SUBMITTED:
            messages.warning(
                request,
                _("“%(title)s” is no longer awaiting review; it is “%(status)s”.")
                % {
                    "title": self.challenge.title,
                    "status": self.challenge.get_status_display(),
                },
            )
            return self.go_back()
        form = ChallengeRejectionForm()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        form = ChallengeRejectionForm(request.POST)
        if form.is_valid():
            try:
                challenge = reject_challenge(
                    self.challenge.pk,
                    by_user_id=int(request.user.pk),
                    reason=form.cleaned_data["reason"],
                )
            except ChallengeError as error:
                if error.code != "reason_required":
                    messages.error(request, str(error.message))
                    return self.go_back()
                form.add_error("reason", str(error.message))
            else:
                messages.success(
                    request,
                    _("“%(title)s” is sent back to its issuer.")
                    % {"title": challenge.title},
                )
                return self.go_back()
        return self.render_to_response(self.get_context_data(form=form))


# -- Objections -------------------------------------------------------------------


class ObjectionsView(ModeratorsOnlyMixin, BaseListingView):
    """Objections to awards that wait for a moderator's decision, oldest first."""

    page_title = gettext_lazy("Objections to awards")
    header_icon = "warning"
    index_url_name = f"{REVIEW_NAMESPACE}:objections"
    index_results_url_name = f"{REVIEW_NAMESPACE}:objections_results"
    default_ordering = "raised_at"
    paginate_by = 50
    verbose_name_plural = gettext_lazy("objections awaiting a decision")

    def get_base_queryset(self) -> QuerySet[ChallengeObjection]:
        return ChallengeObjection.objects.filter(
            outcome=ObjectionOutcome.PENDING
        ).select_related("challenge", "raised_by")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            TitleColumn(
                "challenge",
                label=field_label(ChallengeObjection, "challenge"),
                get_url=lambda o: review_url("objection", o),
            ),
            Column("text", label=field_label(ChallengeObjection, "text")),
            DateColumn(
                "raised_at",
                label=field_label(ChallengeObjection, "raised_at"),
                sort_key="raised_at",
            ),
        ]


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=field_label(ChallengeObjection, "outcome"),
        choices=[
            (ObjectionOutcome.DISMISSED, ObjectionOutcome.DISMISSED.label),
            (ObjectionOutcome.UPHELD, ObjectionOutcome.UPHELD.label),
        ],
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Upholding the objection revokes the award: the review starts again."
        ),
    )
    note = forms.CharField(
        label=field_label(ChallengeObjection, "resolution_note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Explain the decision.")},
    )


class ObjectionDecisionView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """GET: the objection and the decision form; POST: decide it (resolve_objection)."""

    template_name = "market/admin/objection.html"
    page_title = gettext_lazy("Decide an objection")
    header_icon = "warning"
    http_method_names = ["get", "post"]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.objection = get_object_or_404(
            ChallengeObjection.objects.select_related("challenge", "raised_by"),
            pk=unquote(str(kwargs["pk"])),
        )

    def get_page_subtitle(self) -> str:
        return self.objection.challenge.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            objection=self.objection,
            inspect_url=challenge_inspect_url(self.objection.challenge),
            action_url=review_url("objection", self.objection),
            cancel_url=review_url("objections"),
        )
        return context

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        form = ObjectionDecisionForm()
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        form = ObjectionDecisionForm(request.POST)
        if form.is_valid():
            try:
                resolve_objection(
                    self.objection.pk,
                    by_user_id=int(request.user.pk),
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ChallengeError as error:
                messages.error(request, str(error.message))
                return redirect(review_url("objections"))
            messages.success(request, _("The objection is decided."))
            return redirect(review_url("objections"))
        return self.render_to_response(self.get_context_data(form=form))


# -- Challenge inspect view -------------------------------------------------------


class ChallengeInspectView(generic.InspectView):
    """Everything about a challenge: indicators, criteria, files and its history."""

    extra_labels = {
        "indicators": gettext_lazy("Indicators"),
        "review_criteria": gettext_lazy("Review criteria"),
        "attachments": gettext_lazy("Attachments"),
        "transitions": gettext_lazy("History"),
        "delivery_milestones": gettext_lazy("Delivery milestones"),
        "measurements": gettext_lazy("Measured values"),
        "payouts": gettext_lazy("Payouts"),
        "delivery_log": gettext_lazy("Delivery record"),
    }

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        from wagtail.admin.widgets.button import Button

        return [
            *super().header_more_buttons,
            *challenge_review_buttons(
                self.object, self.request.user, button_class=Button
            ),
        ]

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name in self.extra_labels:
            return str(self.extra_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        if getattr(field, "concrete", False) and getattr(
            self.object, field.attname
        ) in (None, ""):
            return "-"
        if field_name == "field":
            return self.object.field
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value

    def get_application_deadline_display_value(self) -> str:
        return beijing_time(self.object.application_deadline)

    def get_background_display_value(self) -> Any:
        return RichText(self.object.background)

    def get_indicators_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{} · {}</p>",
            ((str(i), i.measurement) for i in self.object.indicators.all()),
        )

    def get_review_criteria_display_value(self) -> Any:
        return format_html_join(
            "", "<p>{}</p>", ((str(c),) for c in self.object.review_criteria.all())
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

    def get_transitions_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{} · {} → {} · {} {}</p>",
            (
                (
                    beijing_time(t.at),
                    t.get_from_status_display(),
                    t.get_to_status_display(),
                    t.by_user or _("the system"),
                    t.reason,
                )
                for t in challenge_history(self.object.pk)
            ),
        )

    # The delivery, read only: the issuer records it in the portal's workbench.

    def get_delivery_milestones_display_value(self) -> Any:
        milestones = self.object.delivery_milestones.select_related(
            "accepted_by"
        ).prefetch_related("indicators", "evidence__document")
        return format_html_join(
            "",
            "<p>{} · {} · {} {} {}</p>",
            (
                (
                    str(m),
                    m.get_status_display(),
                    "、".join(i.name for i in m.indicators.all()),
                    (
                        f"{beijing_time(m.accepted_at)} {m.accepted_by or ''} {m.note}"
                        if m.accepted_at
                        else ""
                    ),
                    _("%(n)s evidence files") % {"n": len(m.evidence.all())}
                    if m.evidence.all()
                    else "",
                )
                for m in milestones
            ),
        )

    def get_measurements_display_value(self) -> Any:
        rows = self.object.measurements.select_related(
            "indicator", "milestone", "recorded_by"
        )
        return format_html_join(
            "",
            "<p>{}: {} {} · {} · {} · {} {}</p>",
            (
                (
                    m.indicator.name,
                    f"{m.measured_value.normalize():f}",
                    m.indicator.unit,
                    m.milestone.title if m.milestone else _("final acceptance"),
                    m.measured_on.isoformat(),
                    m.recorded_by or _("the system"),
                    m.evidence_note,
                )
                for m in rows
            ),
        )

    def get_payouts_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{} · {} · {} {} · {}</p>",
            (
                (
                    p.paid_on.isoformat(),
                    p.amount_wan,
                    p.milestone.title if p.milestone else "",
                    p.reference,
                    p.recorded_by or _("the system"),
                )
                for p in self.object.payouts.select_related("milestone", "recorded_by")
            ),
        )

    def get_delivery_log_display_value(self) -> Any:
        return format_html_join(
            "",
            "<p>{} · {} · {} · {}</p>",
            (
                (
                    beijing_time(e.at),
                    e.get_action_display(),
                    e.summary,
                    e.by_user or _("the system"),
                )
                for e in self.object.delivery_log.select_related("by_user")
            ),
        )
