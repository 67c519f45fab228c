"""The profile page where a user makes and revokes their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.models import ApiToken
from api.services import NAME_MAX_LENGTH, TokenError, create_token, revoke_token


def _page(
    request: HttpRequest, *, key: str = "", error: str = "", name: str = ""
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user_id=int(request.user.pk or 0))
    response = render(
        request,
        "api/tokens.html",
        {
            "tokens": tokens,
            "new_key": key,
            "error": error,
            "name": name,
            "name_max_length": NAME_MAX_LENGTH,
        },
    )
    # The new key is in this page once: never kept by a cache.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST a name to make one (its key is shown once)."""
    if request.method != "POST":
        return _page(request)
    name = request.POST.get("name", "")
    try:
        _token, key = create_token(int(request.user.pk or 0), name=name)
    except TokenError as error:
        return _page(request, error=str(error.message), name=name[:NAME_MAX_LENGTH])
    return _page(request, key=key)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens; another user's is a 404."""
    try:
        token = revoke_token(token_id, user_id=int(request.user.pk or 0))
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(
        request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
    )
    return redirect("api_tokens:list")
