"""The signed-in user's saved searches: save one from the search page, list, pause,
resume and delete them."""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from search import saved
from search.forms import SavedSearchForm
from search.models import SavedSearch


@login_required
@require_GET
def saved_searches(request: HttpRequest) -> HttpResponse:
    """The user's saved searches with what each asks, a link to run it, when it last
    told them something, and pause / delete."""
    page = reverse("search:page")
    user_id = int(request.user.pk)  # type: ignore[arg-type]
    rows = [
        {
            "search": one,
            "summary": saved.summary(one.params),
            "url": f"{page}?{urlencode(saved.search_params(saved.request_of(one)))}",
        }
        for one in SavedSearch.objects.filter(user_id=user_id)
    ]
    return render(
        request,
        "search/saved_searches.html",
        {"rows": rows, "limit": settings.SAVED_SEARCHES_PER_USER},
    )


@login_required
@require_POST
def save_search(request: HttpRequest) -> HttpResponse:
    """Save the search the page shows under a name; errors save nothing (400)."""
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            saved.save_search(
                int(request.user.pk),  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                request=form.search_request,
            )
        except saved.SavedSearchLimit:
            form.add_error(
                None,
                _(
                    "You keep %(limit)d saved searches already: delete one before "
                    "saving another."
                )
                % {"limit": settings.SAVED_SEARCHES_PER_USER},
            )
        else:
            messages.success(
                request,
                _("Search saved. We tell you once about each new listing it finds."),
            )
            return redirect("search:saved_searches")
    return render(
        request,
        "search/saved_search_form.html",
        {"form": form},
        status=HTTPStatus.BAD_REQUEST,
    )


@login_required
@require_POST
def delete_saved_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved searches (404 for anyone else's)."""
    if not saved.delete_search(int(request.user.pk), pk):  # type: ignore[arg-type]
        raise Http404
    messages.success(request, _("Saved search deleted."))
    return redirect("search:saved_searches")


@login_required
@require_POST
def pause_saved_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause (``paused=1``) or resume (``paused=0``) one of the user's saved searches."""
    value = request.POST.get("paused")
    if value not in ("0", "1"):
        return HttpResponse(
            _("Say paused=1 or paused=0."), status=HTTPStatus.BAD_REQUEST
        )
    if not saved.set_paused(
        int(request.user.pk),  # type: ignore[arg-type]
        pk,
        paused=value == "1",
    ):
        raise Http404
    messages.success(
        request,
        _("Saved search paused.") if value == "1" else _("Saved search resumed."),
    )
    return redirect("search:saved_searches")
