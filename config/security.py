"""The Content-Security-Policy header on every response (docs/security.md, "Headers").

The portal's pages run only scripts and styles from our own origin — no inline script,
no ``style`` attribute, no event handler attribute — so their policy names no nonce:
anonymous pages are cached and served to everyone (cms.middleware), and a nonce that
is the same for every visitor would protect nothing. The Wagtail admin renders inline
scripts and styles of its own, so the paths in ``CSP_ADMIN_PATH_PREFIXES`` get the
looser ``CSP_ADMIN_POLICY``. Both policies come from settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_for(path: str) -> str:
    """The policy for a request path: the admin's under its prefixes, else the portal's."""
    if path.startswith(tuple(settings.CSP_ADMIN_PATH_PREFIXES)):
        return str(settings.CSP_ADMIN_POLICY)
    return str(settings.CSP_POLICY)


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header unless the response set its own.

    Outermost in MIDDLEWARE, so pages answered from the page cache carry it too. With
    DEBUG on, Django's own error pages (inline styles and scripts) are left without.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER in response.headers:
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers[HEADER] = policy_for(request.path)
        return response
