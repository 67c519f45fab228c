"""Who may see and do what with listings: the one place these rules live.

The market knows people only through Django permissions and the membership source
``accounts`` registers (``market.membership``); it imports no other app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from market.membership import active_organisation_ids
from market.models import (
    ORGANISATION_PARTY_SOURCES,
    PUBLIC_CHALLENGE_STATUSES,
    AccessReason,
    AccessRequest,
    AccessRequestStatus,
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
    Conversation,
    Deal,
    ExpertAssignment,
    FormalCheck,
    FormalCheckOutcome,
    Listing,
    ListingStatus,
    Side,
)

EDITABLE_STATUSES = {
    ListingStatus.DRAFT,
    ListingStatus.REJECTED,
    ListingStatus.PUBLISHED,
    ListingStatus.ARCHIVED,
    ListingStatus.EXPIRED,
}


def member_organisation_ids(user: Any) -> set[int]:
    """Organisations the user actively belongs to (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_market_org_ids", None)
    if cached is None:
        cached = active_organisation_ids(user.pk)
        user._market_org_ids = cached
    return cached


def can_moderate(user: Any) -> bool:
    """Moderators review, publish, reject and archive any listing."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "market.moderate_listing"
    )


def is_agent(user: Any) -> bool:
    """Transfer agents (and moderators) read every listing's protected details."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "market.view_protected_details"
    )


def is_owner(user: Any, listing: Listing) -> bool:
    return listing.organisation_id in member_organisation_ids(user)


def can_view(user: Any, listing: Listing) -> bool:
    """Published listings are public; the rest only to their organisation and moderators."""
    return (
        listing.status == ListingStatus.PUBLISHED
        or is_owner(user, listing)
        or can_moderate(user)
    )


def visible_listings(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The listings of ``queryset`` that ``can_view`` shows ``user``, as one query.

    Every admin view, chooser, bulk action and log that lists or looks up listings
    goes through this, so an agent never sees another organisation's unpublished one.
    """
    if can_moderate(user):
        return queryset
    return queryset.filter(
        Q(status=ListingStatus.PUBLISHED)
        | Q(organisation_id__in=member_organisation_ids(user))
    )


def can_edit(user: Any, listing: Listing) -> bool:
    """Owners edit their listings except while a moderator reviews them."""
    return is_owner(user, listing) and listing.status in EDITABLE_STATUSES


def can_create_for(user: Any, organisation_id: int) -> bool:
    return organisation_id in member_organisation_ids(user)


def can_see_owner(user: Any, listing: Listing) -> bool:
    """Anonymous listings hide their organisation from all but owner, agents, moderators."""
    return not listing.owner_hidden or is_owner(user, listing) or is_agent(user)


def can_see_contact(user: Any, listing: Listing) -> bool:
    """Contact details: logged-in users for public listings; never the public at large."""
    if is_owner(user, listing) or is_agent(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and not listing.owner_hidden


def protected_access_reason(user: Any, listing: Listing) -> str | None:
    """Why ``user`` may read the protected details, or None when they may not."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_owner(user, listing):
        return AccessReason.OWNER
    if can_moderate(user):
        return AccessReason.MODERATOR
    if is_agent(user):
        return AccessReason.AGENT
    granted = AccessRequest.objects.filter(
        listing=listing, requester=user, status=AccessRequestStatus.GRANTED
    ).exists()
    return AccessReason.GRANT if granted else None


# --- conversations ------------------------------------------------------------------


def agent_coverage(user: Any) -> tuple[set[int], set[int]]:
    """The (field ids, region ids) a transfer agent covers; empty sets mean "all".

    Read through the reverse relation ``user.agent_profile`` (accounts.AgentProfile),
    as memberships are; cached on the user object.
    """
    cached = getattr(user, "_market_agent_coverage", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    profile = None
    try:
        profile = user.agent_profile
    except ObjectDoesNotExist:
        profile = None
    if profile is None:
        cached = (set(), set())
    else:
        cached = (
            set(profile.fields.values_list("pk", flat=True)),
            set(profile.regions.values_list("pk", flat=True)),
        )
    user._market_agent_coverage = cached
    return cached


def covered_listings_q(user: Any, prefix: str = "") -> Q:
    """A filter for the listings (at ``prefix``) in the agent's fields and regions."""
    fields, regions = agent_coverage(user)
    condition = Q()
    if fields:
        condition &= Q(**{f"{prefix}field_id__in": fields}) | Q(
            **{f"{prefix}field__parent_id__in": fields}
        )
    if regions:
        condition &= (
            Q(**{f"{prefix}region_id__in": regions})
            | Q(**{f"{prefix}region__parent_id__in": regions})
            | Q(**{f"{prefix}region__parent__parent_id__in": regions})
        )
    return condition


def listing_places(listing: Listing) -> tuple[set[int], set[int]]:
    """The listing's field with its parent, and its region with its ancestors."""
    fields: set[int] = set()
    regions: set[int] = set()
    row: Any = (
        Listing.objects.filter(pk=listing.pk)
        .values(
            "field_id",
            "field__parent_id",
            "region_id",
            "region__parent_id",
            "region__parent__parent_id",
        )
        .first()
    ) or {}
    for key, value in row.items():
        if value is not None:
            (fields if key.startswith("field") else regions).add(value)
    return fields, regions


def coverage_includes(
    coverage: tuple[set[int], set[int]], places: tuple[set[int], set[int]]
) -> bool:
    """Whether a coverage (field ids, region ids; empty = all) includes the places
    ``listing_places`` returned — the same rule as ``covered_listings_q``."""
    fields, regions = coverage
    listing_fields, listing_regions = places
    return (not fields or bool(fields & listing_fields)) and (
        not regions or bool(regions & listing_regions)
    )


def covers(user: Any, listing: Listing) -> bool:
    """Whether the transfer agent covers the listing's field and region."""
    if not is_agent(user):
        return False
    condition = covered_listings_q(user)
    if not condition:
        return True
    return Listing.objects.filter(condition, pk=listing.pk).exists()


def is_requester(user: Any, conversation: Conversation) -> bool:
    """Whether ``user`` is on the requester side: the requester, or a member of the
    requester organisation when both parties are organisations (an introduction)."""
    if conversation.parties_are_organisations:
        return conversation.requester_organisation_id in member_organisation_ids(user)
    return bool(conversation.requester_id == user.pk)


def party_conversations_q(user: Any) -> Q:
    """A filter for the conversations ``user`` takes part in as requester or owner."""
    org_ids = member_organisation_ids(user)
    return (
        Q(requester_id=user.pk)
        | Q(owner_organisation_id__in=org_ids)
        | Q(
            source__in=ORGANISATION_PARTY_SOURCES,
            requester_organisation_id__in=org_ids,
        )
    )


def conversation_side(user: Any, conversation: Conversation) -> str | None:
    """The side ``user`` takes in a conversation, or None when they may not read it.

    The requester (or, when the parties are organisations, the requester
    organisation's members), members of the owner organisation, the assigned agent,
    moderators and, while nobody has claimed it, the agents covering the listing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if is_requester(user, conversation):
        return Side.REQUESTER
    if conversation.owner_organisation_id in member_organisation_ids(user):
        return Side.OWNER
    if conversation.agent_id is not None and conversation.agent_id == user.pk:
        return Side.AGENT
    if can_moderate(user):
        return Side.MODERATOR
    if conversation.agent_id is None and covers(user, conversation.listing):
        return Side.AGENT
    return None


def can_claim(user: Any, conversation: Conversation) -> bool:
    """An agent covering the listing claims an open conversation nobody has claimed."""
    return (
        conversation.is_open
        and conversation.agent_id is None
        and is_agent(user)
        and conversation.requester_id != user.pk
        and not is_requester(user, conversation)
        and conversation.owner_organisation_id not in member_organisation_ids(user)
        and (can_moderate(user) or covers(user, conversation.listing))
    )


def owner_visible_to(user: Any, conversation: Conversation, side: str | None) -> bool:
    """Whether ``user`` may see which organisation owns the conversation's listing.

    An anonymous listing's owner stays hidden from the requester until the owner
    writes in the conversation; everyone else follows ``can_see_owner``.
    """
    if side == Side.REQUESTER:
        return (
            not conversation.listing.owner_hidden
            or conversation.owner_replied_at is not None
        )
    return side is not None


def requester_visible_to(
    user: Any, conversation: Conversation, side: str | None
) -> bool:
    """Whether ``user`` may see which organisation is on the requester side.

    When both parties are organisations (an introduction), an anonymous demand keeps
    its organisation hidden from the other party; everyone else in the conversation
    sees it.
    """
    if side is None:
        return False
    if side == Side.OWNER and conversation.parties_are_organisations:
        other = conversation.other_listing
        return other is None or not other.owner_hidden
    return True


# --- challenges and their applications ---------------------------------------------

CHALLENGE_EDITABLE_STATUSES = {ChallengeStatus.DRAFT, ChallengeStatus.REJECTED}


def is_issuer(user: Any, challenge: Challenge) -> bool:
    """Members of the issuing organisation act for a challenge."""
    return challenge.issuer_id in member_organisation_ids(user)


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    """From 发榜 on a challenge is public; before (and when withdrawn before it was
    published) only its issuer and the moderators see it."""
    if challenge.status in PUBLIC_CHALLENGE_STATUSES:
        return True
    if challenge.status == ChallengeStatus.WITHDRAWN and challenge.published_at:
        return True
    return is_issuer(user, challenge) or can_moderate(user)


def visible_challenges(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The challenges of ``queryset`` that ``can_view_challenge`` shows ``user``."""
    if can_moderate(user):
        return queryset
    return queryset.filter(
        Q(status__in=PUBLIC_CHALLENGE_STATUSES)
        | Q(status=ChallengeStatus.WITHDRAWN, published_at__isnull=False)
        | Q(issuer_id__in=member_organisation_ids(user))
    )


def can_see_issuer(user: Any, challenge: Challenge) -> bool:
    """An anonymous challenge hides its issuer from all but the issuer, agents and
    moderators, as anonymous listings hide their owner."""
    return (
        not challenge.owner_hidden
        or is_issuer(user, challenge)
        or is_agent(user)
        or can_moderate(user)
    )


def can_see_challenge_contact(user: Any, challenge: Challenge) -> bool:
    """Contact details: logged-in users, unless the challenge is anonymous."""
    if is_issuer(user, challenge) or is_agent(user) or can_moderate(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and not challenge.owner_hidden


def can_edit_challenge(user: Any, challenge: Challenge) -> bool:
    """The issuer edits drafts and rejected challenges (moderators review them)."""
    return (
        is_issuer(user, challenge) and challenge.status in CHALLENGE_EDITABLE_STATUSES
    )


def can_apply_for(user: Any, organisation_id: int) -> bool:
    """A member applies on behalf of their organisation as lead."""
    return organisation_id in member_organisation_ids(user)


def is_applicant(user: Any, application: ChallengeApplication) -> bool:
    """Members of the lead organisation or of a consortium member organisation."""
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return False
    if application.lead_organisation_id in org_ids:
        return True
    return application.members.filter(organisation_id__in=org_ids).exists()


def can_edit_application(user: Any, application: ChallengeApplication) -> bool:
    """Only the lead organisation's members change an application (services check
    the deadline)."""
    return application.lead_organisation_id in member_organisation_ids(user)


def is_expert(user: Any) -> bool:
    """Users with the expert role (market.serve_on_panel) may be put on a panel."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and user.has_perm("market.serve_on_panel")
    )


def is_assigned_expert(user: Any, application: ChallengeApplication) -> bool:
    """Whether ``user`` is an expert on the panel of ``application``'s challenge who
    has declared no conflict of interest, and the application passed the formal check.

    ``visible_applications`` asks the same as a query: ``_assigned_expert_q``.
    """
    if not is_expert(user):
        return False
    return (
        ExpertAssignment.objects.filter(
            challenge_id=application.challenge_id,
            expert_id=user.pk,
            declared_at__isnull=False,
        ).exists()
        and FormalCheck.objects.filter(
            application_id=application.pk, outcome=FormalCheckOutcome.COMPLETE
        ).exists()
    )


def _assigned_expert_q(user: Any) -> Q:
    """The complete applications of the challenges whose panel ``user`` sits on,
    declared (one join: the conditions hold for the same assignment)."""
    if not is_expert(user):
        return Q(pk__in=[])
    return Q(
        challenge__expert_assignments__expert_id=user.pk,
        challenge__expert_assignments__declared_at__isnull=False,
        formal_check__outcome=FormalCheckOutcome.COMPLETE,
    )


def can_view_ranking(user: Any, challenge: Challenge) -> bool:
    """The issuer's members and the moderators see the panel's ranking."""
    return is_issuer(user, challenge) or can_moderate(user)


def applicant_hidden_from(user: Any, application: ChallengeApplication) -> bool:
    """Blind review: who applied is hidden from everyone but the applicant, the
    issuer and the moderators (that is, from the experts)."""
    if not application.challenge.blind_review:
        return False
    return not (
        is_applicant(user, application)
        or is_issuer(user, application.challenge)
        or can_moderate(user)
    )


def can_view_application(user: Any, application: ChallengeApplication) -> bool:
    """The applicant's members always; once submitted, also the issuer's members, the
    moderators and the experts assigned to it. A draft is the applicant's alone."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_applicant(user, application):
        return True
    if application.status != ApplicationStatus.SUBMITTED:
        return False
    return (
        application.challenge.issuer_id in member_organisation_ids(user)
        or can_moderate(user)
        or is_assigned_expert(user, application)
    )


def visible_applications(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The applications of ``queryset`` that ``can_view_application`` shows ``user``."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    org_ids = member_organisation_ids(user)
    applicant = Q(lead_organisation_id__in=org_ids) | Q(
        members__organisation_id__in=org_ids
    )
    submitted = Q(status=ApplicationStatus.SUBMITTED)
    if can_moderate(user):
        return queryset.filter(applicant | submitted).distinct()
    return queryset.filter(
        applicant
        | (submitted & (Q(challenge__issuer_id__in=org_ids) | _assigned_expert_q(user)))
    ).distinct()


# --- the delivery of an awarded challenge -------------------------------------------


def can_record_delivery(user: Any, challenge: Challenge) -> bool:
    """The issuer's members and the moderators agree milestones, accept the work and
    record payouts."""
    return is_issuer(user, challenge) or can_moderate(user)


def is_winning_team(user: Any, challenge: Challenge) -> bool:
    """Members of the awarded application's lead or consortium organisations."""
    application = challenge.awarded_application
    return application is not None and is_applicant(user, application)


def can_view_delivery(user: Any, challenge: Challenge) -> bool:
    """The delivery records, evidence files included: those who record them and the
    winning team (read only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_record_delivery(user, challenge) or is_winning_team(user, challenge)


# -- Deals ------------------------------------------------------------------------------


def can_view_all_deals(user: Any) -> bool:
    """Moderators and managers (``market.view_deal``) read every deal and pipeline."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_moderate(user) or user.has_perm("market.view_deal")


def deal_side(user: Any, deal: Deal) -> str | None:
    """ "supplier" or "buyer" when the user belongs to that party, else None."""
    organisations = member_organisation_ids(user)
    if deal.supplier_id in organisations:
        return "supplier"
    if deal.buyer_id in organisations:
        return "buyer"
    return None


def is_deal_agent(user: Any, deal: Deal) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        deal.agent_id is not None and deal.agent_id == user.pk
    )


def can_view_deal(user: Any, deal: Deal) -> bool:
    """The parties' members, the responsible agent, moderators and managers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_deal_agent(user, deal)
        or deal_side(user, deal) is not None
        or can_view_all_deals(user)
    )


def can_manage_deal(user: Any, deal: Deal) -> bool:
    """Moving the stage, amounts, payments and notes: the deal's agent or a moderator."""
    return is_deal_agent(user, deal) or can_moderate(user)


def can_create_deal(user: Any) -> bool:
    """Agents (and moderators) enter deals directly."""
    return is_agent(user)


def visible_deals(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The deals of ``queryset`` that ``user`` may read."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if can_view_all_deals(user):
        return queryset
    organisations = member_organisation_ids(user)
    return queryset.filter(
        Q(agent_id=user.pk)
        | Q(supplier_id__in=organisations)
        | Q(buyer_id__in=organisations)
    )
