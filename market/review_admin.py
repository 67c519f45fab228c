"""Wagtail admin for the expert review of a challenge: the moderator's formal check,
the panel (assigning experts, seeing their declarations), starting the review,
closing the panel, and the ranking as the issuer sees it.

One page per challenge under the review queue's namespace; every step is a POST with
an ``action`` that calls one service of ``market.services.review`` and comes back
to the page with a message (a refusal changes nothing).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from market.admin_views import ModeratorsOnlyMixin, review_url
from market.models import Challenge, ChallengeStatus, ReviewPanel
from market.params import parse_int
from market.selectors import (
    available_experts,
    blind_codes,
    panel_assignments,
    review_ranking,
    submitted_applications,
)
from market.services.challenges import ChallengeError, beijing_time, start_review
from market.services.review import (
    REVIEW_SETUP_STATUSES,
    assign_expert,
    check_application,
    close_panel,
    has_conflict,
    remove_expert,
)

# The largest primary key a form may name (PostgreSQL bigint).
_MAX_ID = 2**63 - 1


def expert_review_url(challenge: Challenge) -> str:
    return review_url("challenge_expert_review", challenge)


class ChallengeExpertReviewView(ModeratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """GET: the review of one challenge; POST ``action``: one step of it."""

    template_name = "market/admin/challenge_expert_review.html"
    page_title = gettext_lazy("Expert review")
    header_icon = "group"
    http_method_names = ["get", "post"]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.challenge = get_object_or_404(
            Challenge.objects.select_related("issuer"), pk=unquote(str(kwargs["pk"]))
        )

    def get_page_subtitle(self) -> str:
        return self.challenge.title

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from market.challenge_admin import challenge_inspect_url

        context = super().get_context_data(**kwargs)
        challenge = self.challenge
        panel = ReviewPanel.objects.filter(challenge=challenge).first()
        panel_closed = panel is not None and panel.is_closed
        codes = blind_codes(challenge.pk)
        in_setup = challenge.status in REVIEW_SETUP_STATUSES and not panel_closed
        context.update(
            challenge=challenge,
            inspect_url=challenge_inspect_url(challenge),
            action_url=expert_review_url(challenge),
            panel=panel,
            panel_closed=panel_closed,
            in_setup=in_setup,
            can_start=challenge.status == ChallengeStatus.CLOSED,
            can_close=challenge.status == ChallengeStatus.UNDER_REVIEW
            and not panel_closed,
            applications=[
                (application, codes.get(application.pk, ""))
                for application in submitted_applications(challenge.pk)
            ],
            assignments=[
                (
                    assignment,
                    not assignment.has_declared
                    and has_conflict(assignment.expert_id, challenge),
                )
                for assignment in panel_assignments(challenge.pk)
            ],
            experts=available_experts(challenge.pk) if in_setup else [],
            ranking=review_ranking(challenge.pk),
            deadline=beijing_time(challenge.application_deadline),
        )
        return context

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        return self.render_to_response(self.get_context_data())

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        action = request.POST.get("action", "")
        user_id = int(request.user.pk)  # type: ignore[arg-type]
        challenge = self.challenge
        try:
            if action == "start_review":
                start_review(challenge.pk, by_user_id=user_id)
                done = _("The review of “%(title)s” has started.")
            elif action == "check":
                application_id = self._id("application")
                outcome = request.POST.get("outcome")
                if application_id is None or outcome not in ("complete", "incomplete"):
                    raise ChallengeError(_("Choose an application and an outcome."))
                check_application(
                    application_id,
                    by_user_id=user_id,
                    complete=outcome == "complete",
                    reasons=request.POST.get("reasons", ""),
                )
                done = _("The formal check is recorded.")
            elif action == "assign":
                expert_id = self._id("expert")
                if expert_id is None:
                    raise ChallengeError(_("Choose an expert."))
                assign_expert(challenge.pk, expert_id=expert_id, by_user_id=user_id)
                done = _("The expert is on the panel of “%(title)s”.")
            elif action == "remove":
                expert_id = self._id("expert")
                if expert_id is None:
                    raise ChallengeError(_("Choose an expert."))
                remove_expert(challenge.pk, expert_id=expert_id, by_user_id=user_id)
                done = _("The expert is off the panel of “%(title)s”.")
            elif action == "close_panel":
                close_panel(challenge.pk, by_user_id=user_id)
                done = _(
                    "The panel of “%(title)s” is closed; the issuer can now confirm "
                    "the winner."
                )
            else:
                raise ChallengeError(_("Unknown action."))
        except ChallengeError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, done % {"title": challenge.title})
        return redirect(expert_review_url(challenge))

    def _id(self, name: str) -> int | None:
        return parse_int(
            self.request.POST.get(name), minimum=1, maximum=_MAX_ID, default=None
        )
