"""Wagtail hooks of the portal: listing attachments follow their listing's visibility."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from wagtail import hooks

from market.models import Listing
from market.permissions import can_view


@hooks.register("before_serve_document")
def protect_listing_attachments(document: Any, request: HttpRequest) -> None:
    """A PDF attached to a draft, submitted or archived listing is not public.

    Wagtail serves documents by id; without this a visitor could fetch the attachments
    of any unpublished listing by counting ids. 404, like the listing itself.
    """
    listings = Listing.objects.filter(
        outcome__attachments__document=document
    ).distinct()
    for listing in listings:
        if can_view(request.user, listing):
            return
    if listings.exists():
        raise Http404("No such document.")
