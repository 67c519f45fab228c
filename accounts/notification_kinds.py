"""Every kind of notification the platform raises, in groups, with its default channels.

``notify()`` asks this registry (and the user's ``NotificationPreference`` rows) how a
notification is delivered: in the site, by email at once, in the daily digest, or not
at all. A new event kind (``deal_signed``, …) is one ``register_kind`` call with its
group and default; a kind nobody registered is delivered like today (in the site and
by email at once), so nothing is lost. Account and security mails (verification,
password reset, sign-up attempts) do not pass through the notifier: always sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models.notification import EmailChannel, NotificationKind


@dataclass(frozen=True)
class KindGroup:
    """A heading of the preferences page."""

    key: str
    label: str | Promise


@dataclass(frozen=True)
class Kind:
    """One kind of notification and how it is delivered unless the user chose otherwise."""

    key: str
    label: str | Promise
    group: str
    in_site: bool = True
    email: str = EmailChannel.NOW
    # Membership decisions concern the account itself: always in the site and by email.
    fixed: bool = False


GROUPS: dict[str, KindGroup] = {}
KINDS: dict[str, Kind] = {}


def register_group(key: str, label: str | Promise) -> None:
    """Add a heading (groups appear on the preferences page in registration order)."""
    GROUPS.setdefault(key, KindGroup(key, label))


def register_kind(
    key: str,
    label: str | Promise,
    *,
    group: str,
    in_site: bool = True,
    email: str = EmailChannel.NOW,
    fixed: bool = False,
) -> Kind:
    """Register a notification kind with its default channels (idempotent by key)."""
    if group not in GROUPS:
        raise ValueError(f"unknown notification group {group!r}")
    if email not in EmailChannel.values:
        raise ValueError(f"unknown email channel {email!r}")
    kind = Kind(key, label, group, in_site, email, fixed)
    KINDS[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    """The registered kind, or today's behaviour for a kind nobody registered."""
    return KINDS.get(key) or Kind(key, key, "other")


def label_of(key: str) -> str | Promise:
    """What a kind is called on the notifications page."""
    kind = KINDS.get(key)
    return kind.label if kind else key


def grouped() -> list[tuple[KindGroup, list[Kind]]]:
    """The groups with their kinds, in registration order (empty groups left out)."""
    return [
        (group, kinds)
        for group in GROUPS.values()
        if (kinds := [k for k in KINDS.values() if k.group == group.key])
    ]


register_group("listings", _("Your listings"))
register_group("requests", _("Interest and protected-detail requests"))
register_group("conversations", _("Conversations and introductions"))
register_group("challenges", _("Challenges (揭榜挂帅)"))
register_group("reviews", _("Expert review and objections"))
register_group("delivery", _("Delivery and payment"))
register_group("deals", _("Deals (技术转移交易)"))
register_group("reminders", _("Reminders"))
register_group("moderation", _("Moderation"))
register_group("saved_searches", _("Saved searches"))
register_group("membership", _("Organisation membership"))

_K = NotificationKind
_GROUP_OF: dict[str, str] = {
    _K.LISTING_PUBLISHED: "listings",
    _K.LISTING_REJECTED: "listings",
    _K.LISTING_ARCHIVED: "listings",
    _K.LISTING_EXPIRED: "listings",
    _K.INTEREST_RECEIVED: "requests",
    _K.INTEREST_ANSWERED: "requests",
    _K.INTEREST_DECLINED: "requests",
    _K.ACCESS_REQUESTED: "requests",
    _K.ACCESS_GRANTED: "requests",
    _K.ACCESS_DECLINED: "requests",
    _K.CONVERSATION_STARTED: "conversations",
    _K.CONVERSATION_MESSAGE: "conversations",
    _K.CHALLENGE_PUBLISHED: "challenges",
    _K.CHALLENGE_REJECTED: "challenges",
    _K.CHALLENGE_CLOSED: "challenges",
    _K.CHALLENGE_AWARDED: "challenges",
    _K.CHALLENGE_WON: "challenges",
    _K.CHALLENGE_RESULT: "challenges",
    _K.CHALLENGE_AWARD_REVOKED: "challenges",
    _K.CHALLENGE_FAILED: "challenges",
    _K.CHALLENGE_WITHDRAWN: "challenges",
    _K.CHALLENGE_TERMINATED: "challenges",
    _K.SOLVER_INVITED: "challenges",
    _K.OBJECTION_RAISED: "reviews",
    _K.OBJECTION_DECIDED: "reviews",
    _K.SCORING_REMINDER: "reviews",
    _K.CHALLENGE_ACCEPTED: "delivery",
    _K.CHALLENGE_PAID_OUT: "delivery",
    _K.MILESTONE_ACCEPTED: "delivery",
    _K.PAYOUT_RECORDED: "delivery",
    _K.DEAL_STAGE: "deals",
    _K.DEAL_OFFER: "deals",
    _K.DEAL_PAYMENT: "deals",
    _K.DEAL_FOLLOW_UP: "reminders",
    _K.LISTING_RENEWAL: "reminders",
    _K.APPLICATION_DEADLINE: "reminders",
    _K.MILESTONE_DUE: "reminders",
    _K.LISTING_SUBMITTED: "moderation",
    _K.CHALLENGE_SUBMITTED: "moderation",
    _K.MEMBERSHIP_REQUESTED: "membership",
    _K.MEMBERSHIP_APPROVED: "membership",
    _K.MEMBERSHIP_DECLINED: "membership",
    _K.MEMBERSHIP_CHANGED: "membership",
}

for _member in NotificationKind:
    if _member == _K.SAVED_SEARCH_MATCH:
        # New with this kind: one email a day rather than one per found listing.
        register_kind(
            _member.value,
            _member.label,
            group="saved_searches",
            email=EmailChannel.DIGEST,
        )
        continue
    _group = _GROUP_OF[_member.value]
    register_kind(
        _member.value, _member.label, group=_group, fixed=_group == "membership"
    )
