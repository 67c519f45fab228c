"""The public side of challenges: the board (榜单大厅), detail pages with a live
countdown, campaign pages, the award announcement (公示) with objections, and the
honour list (光荣榜).

Plain Django views below ``/challenges/`` (no Wagtail page type: challenges are
market records, and the part adds no migration). Anonymous answers are kept by the
page cache like the catalogue's, under the ``challenges`` version token
(``cms.cache.CHALLENGES``), which every challenge step, challenge, indicator or
campaign save replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cms.cache import CHALLENGES, cached_part, mark_cacheable
from cms.catalogue import _amount, _page_hrefs, pagination_html, wan
from market.filters import (
    BOUNTY_BANDS,
    CHALLENGE_STATUS_GROUPS,
    MAX_QUERY_LENGTH,
    ChallengeFilters,
)
from market.models import Challenge, ChallengeStatus
from market.params import parse_page
from market.permissions import (
    can_see_challenge_contact,
    can_see_issuer,
    can_view_challenge,
    is_issuer,
)
from market.selectors import (
    BOARD_PER_PAGE,
    IndicatorResult,
    board_challenges,
    board_facets,
    campaign_challenges,
    challenge_detail,
    honour_list,
    indicator_results,
    public_campaign,
    public_timeline,
)
from market.services.challenges import ChallengeError, beijing_time, raise_objection

# The query parameters the board reads; with any other, it is not cached.
BOARD_PARAMS = frozenset(
    ["field", "region", "bounty", "status", "campaign", "q", "page"]
)
# Where all public challenge pages live (the page cache looks there).
UNDER = "/challenges/"

# The applicants' form is another part's (the portal forms): the board links to it
# when this URL name resolves with the challenge's id, and leaves the button out
# otherwise.
APPLY_URL_NAME = "workbench:application_create"

BOUNTY_LABELS = {
    "lt50": gettext_lazy("Under 500k CNY"),
    "50-200": gettext_lazy("500k–2m CNY"),
    "200-1000": gettext_lazy("2m–10m CNY"),
    "gte1000": gettext_lazy("10m CNY and more"),
}
STATUS_GROUP_LABELS = {
    "open": gettext_lazy("Open for applications"),
    "review": gettext_lazy("Under review"),
    "awarded": gettext_lazy("Awarded"),
    "in_progress": gettext_lazy("In progress"),
    "completed": gettext_lazy("Completed"),
    "failed": gettext_lazy("Failed or terminated"),
}
GROUP_OF_STATUS = {
    status: group
    for group, statuses in CHALLENGE_STATUS_GROUPS.items()
    for status in statuses
}
# Statuses after the award whose page still shows its announcement.
ANNOUNCED_STATUSES = frozenset(
    {
        ChallengeStatus.AWARDED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.ACCEPTED,
        ChallengeStatus.PAID_OUT,
        ChallengeStatus.TERMINATED,
    }
)
# Steps whose reason the public timeline shows (why a challenge ended early).
PUBLIC_REASON_ACTIONS = frozenset({"withdraw", "fail", "terminate"})


# Statuses whose public page shows what the acceptance measured.
COMPLETED_STATUSES = frozenset({ChallengeStatus.ACCEPTED, ChallengeStatus.PAID_OUT})


# --- Presentation helpers ------------------------------------------------------------


def result_rows(results: list[IndicatorResult]) -> list[dict[str, Any]]:
    """Target, promise, achieved value and "met" per indicator, as pages show them."""
    return [
        {
            "indicator": result.indicator,
            "target": _amount(result.indicator.target_value),
            "promised": _amount(result.promised) if result.promised is not None else "",
            "achieved": _amount(result.achieved) if result.achieved is not None else "",
            "met": result.met,
        }
        for result in results
    ]


def status_group_label(status: str) -> str:
    """The board's name for a life-cycle status ("Under review" for closed, too)."""
    group = GROUP_OF_STATUS.get(status)
    return str(STATUS_GROUP_LABELS[group]) if group else ""


def remaining_label(deadline: dt.datetime, now: dt.datetime) -> str:
    """ "12 d 3 h 5 min left" until ``deadline``; empty once it has passed."""
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return ""
    minutes = seconds // 60
    return _("%(days)s d %(hours)s h %(minutes)s min left") % {
        "days": minutes // (24 * 60),
        "hours": minutes // 60 % 24,
        "minutes": minutes % 60,
    }


def countdown(challenge: Challenge, now: dt.datetime) -> dict[str, str] | None:
    """What the countdown shows of an open challenge, rendered on the server; the
    script (cms/countdown.js) ticks it from ``deadline`` with ``format``."""
    if challenge.status != ChallengeStatus.PUBLISHED:
        return None
    text = remaining_label(challenge.application_deadline, now)
    return {
        "deadline": challenge.application_deadline.isoformat(),
        "text": text or _("The deadline has passed."),
        "format": _("%(days)s d %(hours)s h %(minutes)s min left")
        % {"days": "{d}", "hours": "{h}", "minutes": "{m}"},
        "ended": _("The deadline has passed."),
    }


def apply_url(challenge: Challenge) -> str | None:
    """The applicants' form of ``challenge`` where that part is installed, else None."""
    try:
        return reverse(APPLY_URL_NAME, args=[challenge.pk])
    except NoReverseMatch:
        return None


def _login_url(request: HttpRequest, next_url: str | None = None) -> str:
    from urllib.parse import urlencode

    return (
        resolve_url(settings.LOGIN_URL)
        + "?"
        + urlencode({"next": next_url or request.get_full_path()})
    )


@dataclass
class ChallengeCard:
    """What the board and campaign pages show of one challenge."""

    challenge: Challenge
    url: str
    issuer_name: str | None
    field: str
    region: str
    bounty: str
    status: str
    deadline: str
    remaining: str


def challenge_cards(
    challenges: Any, request: HttpRequest, now: dt.datetime
) -> list[ChallengeCard]:
    """Cards for ``challenges`` as ``request.user`` may see them."""
    user = getattr(request, "user", None)
    return [
        ChallengeCard(
            challenge=challenge,
            url=reverse("challenges:detail", args=[challenge.pk]),
            issuer_name=(
                challenge.issuer.name if can_see_issuer(user, challenge) else None
            ),
            field=challenge.field.label,
            region=challenge.region.full_name,
            bounty=wan(challenge.bounty_wan),
            status=status_group_label(challenge.status),
            deadline=beijing_time(challenge.application_deadline),
            remaining=(
                remaining_label(challenge.application_deadline, now)
                if challenge.status == ChallengeStatus.PUBLISHED
                else ""
            ),
        )
        for challenge in challenges
    ]


def _options(options: list[tuple[str, str]], selected: str) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "selected": value == selected}
        for value, label in options
    ]


def _filter_groups(
    request: HttpRequest, filters: ChallengeFilters
) -> list[dict[str, Any]]:
    facets = cached_part(
        request, "challenge-facets", (CHALLENGES,), (get_language(),), board_facets
    )
    return [
        {
            "name": "status",
            "label": _("Status"),
            "choices": _options(
                [(k, str(v)) for k, v in STATUS_GROUP_LABELS.items()], filters.status
            ),
        },
        {
            "name": "field",
            "label": _("Technology field"),
            "choices": _options(
                [(o.value, o.label) for o in facets.fields], filters.field
            ),
        },
        {
            "name": "region",
            "label": _("Region"),
            "choices": _options(
                [(o.value, o.label) for o in facets.regions], filters.region
            ),
        },
        {
            "name": "bounty",
            "label": _("Bounty"),
            "choices": _options(
                [(k, str(BOUNTY_LABELS[k])) for k in BOUNTY_BANDS], filters.bounty
            ),
        },
        {
            "name": "campaign",
            "label": _("Campaign"),
            "choices": _options(
                [(o.value, o.label) for o in facets.campaigns],
                str(filters.campaign or ""),
            ),
        },
    ]


def _active_filters(
    request: HttpRequest, groups: list[dict[str, Any]], filters: ChallengeFilters
) -> list[dict[str, str]]:
    """Chips for the filters in force, each with the address that removes it."""
    chips = []
    values = filters.as_params()
    board = reverse("challenges:board")
    for group in [*groups, {"name": "q", "label": _("Keywords"), "choices": []}]:
        value = values.get(group["name"])
        if not value:
            continue
        name = next(
            (c["label"] for c in group["choices"] if c["value"] == value), value
        )
        params = request.GET.copy()
        for key in (group["name"], "page"):
            params.pop(key, None)
        query = params.urlencode()
        chips.append(
            {
                "label": f"{group['label']}: {name}",
                "remove_url": f"{board}?{query}" if query else board,
            }
        )
    return chips


# --- Views -----------------------------------------------------------------------------


# The board's text search through the search index: the search app registers it
# (``register_board_search``, from its AppConfig.ready(); cms imports no search). It
# answers the ids of the challenges found, or None when the engine is down.
BoardSearch = Callable[[str], "list[int] | None"]
_board_search: list[BoardSearch] = []


def register_board_search(search: BoardSearch) -> None:
    """Let ``search`` find the challenges of the board's ``q`` (the last one counts)."""
    _board_search[:] = [search]


def _found_ids(q: str) -> list[int] | None:
    """The challenges the index finds for ``q``; None: search the database."""
    if not q or not _board_search:
        return None
    return _board_search[0](q)


@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest) -> HttpResponse:
    """榜单大厅: public challenges, filtered, searched and paginated."""
    mark_cacheable(request, kinds=(CHALLENGES,), params=BOARD_PARAMS, under=UNDER)
    filters = ChallengeFilters.from_params(request.GET)
    found_ids = _found_ids(filters.q)
    # Words were searched in the database: the search engine is down.
    degraded = bool(filters.q) and found_ids is None and bool(_board_search)
    if degraded:
        request._cms_cacheable = None  # type: ignore[attr-defined]  # not kept
    results = Paginator(
        board_challenges(filters, found_ids=found_ids), BOARD_PER_PAGE
    ).get_page(parse_page(request.GET.get("page")))
    groups = _filter_groups(request, filters)
    url = request.build_absolute_uri(reverse("challenges:board"))
    return render(
        request,
        "cms/challenge_board.html",
        {
            "cards": challenge_cards(results.object_list, request, timezone.now()),
            "results": results,
            "filter_groups": groups,
            "filters": filters,
            "active_filters": _active_filters(request, groups, filters),
            "max_query_length": MAX_QUERY_LENGTH,
            "pagination_html": (
                pagination_html(
                    results,
                    list(results.paginator.get_elided_page_range(results.number)),
                    _page_hrefs(request),
                )
                if results.paginator.num_pages > 1
                else ""
            ),
            "canonical_url": url
            + (f"?page={results.number}" if results.number > 1 else ""),
            "noindex": filters.active,
            "search_degraded": degraded,
        },
    )


def _visible_challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = challenge_detail(pk)
    if challenge is None or not can_view_challenge(request.user, challenge):
        raise Http404(_("No such challenge."))
    return challenge


def _timeline(challenge: Challenge) -> list[dict[str, str]]:
    return [
        {
            "at": beijing_time(step.at),
            "at_iso": step.at.isoformat(),
            "status": str(ChallengeStatus(step.to_status).label),
            "reason": step.reason if step.action in PUBLIC_REASON_ACTIONS else "",
        }
        for step in public_timeline(challenge.pk)
    ]


@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One challenge: everything public about it, with the countdown to its deadline."""
    mark_cacheable(request, kinds=(CHALLENGES,), under=UNDER)
    challenge = _visible_challenge(request, pk)
    user = request.user
    now = timezone.now()
    url = apply_url(challenge) if challenge.accepts_applications(now) else None
    return render(
        request,
        "cms/challenge_detail.html",
        {
            "challenge": challenge,
            "canonical_url": request.build_absolute_uri(
                reverse("challenges:detail", args=[challenge.pk])
            ),
            "meta_description": Truncator(
                strip_tags(challenge.objectives or challenge.background)
            ).chars(160),
            "show_issuer": can_see_issuer(user, challenge),
            "show_contact": can_see_challenge_contact(user, challenge),
            "is_issuer": is_issuer(user, challenge),
            "login_url": _login_url(request),
            "field_path": [
                f.label
                for f in (challenge.field.parent, challenge.field)
                if f is not None
            ],
            "region_label": challenge.region.full_name,
            "bounty_label": wan(challenge.bounty_wan),
            "status_label": status_group_label(challenge.status)
            or challenge.get_status_display(),
            "deadline_label": beijing_time(challenge.application_deadline),
            "countdown": countdown(challenge, now),
            "indicators": [
                {
                    "indicator": indicator,
                    "target": _amount(indicator.target_value),
                }
                for indicator in challenge.indicators.all()
            ],
            "results": result_rows(indicator_results(challenge))
            if challenge.status in COMPLETED_STATUSES
            else [],
            "attachments": list(challenge.attachments.all()),
            "timeline": _timeline(challenge),
            "apply_url": url,
            "apply_login_url": _login_url(request, url) if url else None,
            "announced": challenge.status in ANNOUNCED_STATUSES
            and challenge.awarded_application_id is not None,
        },
    )


class ObjectionForm(forms.Form):
    """An objection to an award, raised during its objection period."""

    text = forms.CharField(
        label=gettext_lazy("Your objection"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Say what is wrong with the award and on what facts you base it."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """公示: the winner of an awarded challenge and its objection period; a logged-in
    visitor may object while the period runs."""
    if request.method != "POST":
        mark_cacheable(request, kinds=(CHALLENGES,), under=UNDER)
    challenge = _visible_challenge(request, pk)
    winner = challenge.awarded_application
    if challenge.status not in ANNOUNCED_STATUSES or winner is None:
        raise Http404(_("This challenge has not been awarded."))
    here = reverse("challenges:announcement", args=[challenge.pk])
    form = ObjectionForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect(_login_url(request, here))
        form = ObjectionForm(request.POST)
        if form.is_valid():
            try:
                raise_objection(
                    challenge.pk,
                    by_user_id=request.user.pk,
                    text=form.cleaned_data["text"],
                )
            except ChallengeError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Your objection is recorded; the moderators decide on it and "
                        "you will be told."
                    ),
                )
                return HttpResponseRedirect(here)
        status = 400
    now = timezone.now()
    period_running = (
        challenge.status == ChallengeStatus.AWARDED
        and challenge.objection_period_running(now)
    )
    return render(
        request,
        "cms/challenge_announcement.html",
        {
            "challenge": challenge,
            "winner": winner,
            "show_issuer": can_see_issuer(request.user, challenge),
            "awarded_label": beijing_time(challenge.awarded_at)
            if challenge.awarded_at
            else "",
            "objection_end_label": beijing_time(challenge.objection_period_ends_at)
            if challenge.objection_period_ends_at
            else "",
            "period_running": period_running,
            "form": form,
            "login_url": _login_url(request, here),
            "bounty_label": wan(challenge.bounty_wan),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign (创新挑战赛): its schedule, its public challenges and its results."""
    mark_cacheable(request, kinds=(CHALLENGES,), under=UNDER)
    found = public_campaign(pk)
    if found is None:
        raise Http404(_("No such campaign."))
    challenges = list(campaign_challenges(found.pk))
    return render(
        request,
        "cms/campaign_detail.html",
        {
            "campaign": found,
            "cards": challenge_cards(challenges, request, timezone.now()),
            "canonical_url": request.build_absolute_uri(
                reverse("challenges:campaign", args=[found.pk])
            ),
            "board_url": reverse("challenges:board") + f"?campaign={found.pk}",
            "total_bounty": wan(sum((c.bounty_wan for c in challenges), Decimal(0)))
            if challenges
            else "",
        },
    )


@require_http_methods(["GET", "HEAD"])
def honours(request: HttpRequest) -> HttpResponse:
    """光荣榜: accepted and paid-out challenges with what was promised and achieved
    per indicator."""
    mark_cacheable(request, kinds=(CHALLENGES,), under=UNDER)
    user = request.user
    entries = [
        {
            "challenge": entry.challenge,
            "issuer_name": entry.challenge.issuer.name
            if can_see_issuer(user, entry.challenge)
            else None,
            "winner": entry.challenge.awarded_application,
            "bounty": wan(entry.challenge.bounty_wan),
            "achievements": result_rows(entry.achievements),
        }
        for entry in honour_list()
    ]
    return render(request, "cms/honour_list.html", {"entries": entries})
