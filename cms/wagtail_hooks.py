"""Wagtail hooks of the portal: listing and challenge attachments follow their owner's
visibility; an application's proposal PDF is as confidential as the application; a
challenge's delivery evidence is never public; a deal's documents are its readers'."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from wagtail import hooks

from market.models import (
    ChallengeApplication,
    ChallengeAttachment,
    DealDocument,
    DeliveryEvidence,
    Listing,
)
from market.permissions import (
    can_view,
    can_view_application,
    can_view_challenge,
    can_view_deal,
    can_view_delivery,
)


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


@hooks.register("before_serve_document")
def protect_delivery_evidence(document: Any, request: HttpRequest) -> None:
    """Evidence of a challenge's acceptance (test reports, minutes) is served to the
    issuer's members, the winning team and the moderators only; 404 to others."""
    evidence = DeliveryEvidence.objects.filter(document=document).select_related(
        "challenge__awarded_application"
    )
    for row in evidence:
        if can_view_delivery(request.user, row.challenge):
            return
    if evidence:
        raise Http404("No such document.")


@hooks.register("before_serve_document")
def protect_application_proposals(document: Any, request: HttpRequest) -> None:
    """A proposal PDF is served to whoever may read its application (the applicant's
    members; once submitted the issuer's members, moderators and assigned experts);
    404 to everyone else, who could otherwise fetch it by its document URL."""
    applications = ChallengeApplication.objects.filter(
        proposal_document=document
    ).select_related("challenge")
    for application in applications:
        if can_view_application(request.user, application):
            return
    if applications:
        raise Http404("No such document.")


@hooks.register("before_serve_document")
def protect_challenge_attachments(document: Any, request: HttpRequest) -> None:
    """A challenge's attachment follows the challenge: public from 发榜 on, before that
    its issuer's and the moderators' alone."""
    attachments = ChallengeAttachment.objects.filter(document=document).select_related(
        "challenge"
    )
    for attachment in attachments:
        if can_view_challenge(request.user, attachment.challenge):
            return
    if attachments:
        raise Http404("No such document.")


@hooks.register("before_serve_document")
def protect_deal_documents(document: Any, request: HttpRequest) -> None:
    """A deal's contract, registration certificate or invoice is served to whoever may
    read the deal (its parties' members, its agent, moderators, managers); 404 to
    anyone else, who could otherwise fetch it by counting document ids."""
    rows = DealDocument.objects.filter(document=document).select_related("deal")
    for row in rows:
        if can_view_deal(request.user, row.deal):
            return
    if rows:
        raise Http404("No such document.")
