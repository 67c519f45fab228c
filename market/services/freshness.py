"""Keeping the catalogue fresh: expire overdue demands, archive lapsed listings, remind owners.

Each function is safe to run any number of times a day: it selects only what still needs
the step and returns how many listings it changed. The beat schedule runs them at night.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from market.models import Demand, Listing, ListingStatus
from market.services.listings import IllegalTransition, archive_listing, expire_listing

logger = logging.getLogger(__name__)

# listing_id, valid_until: a published listing's validity ends soon; its owners renew it
listing_renewal_due = Signal()

VALIDITY_LAPSED = "validity lapsed"


def renewal_notice_days() -> int:
    """How many days before ``valid_until`` the owners are reminded to renew."""
    return int(getattr(settings, "LISTING_RENEWAL_NOTICE_DAYS", 14))


def expire_overdue_demands(today: dt.date | None = None) -> int:
    """Expire published demands whose deadline has passed; returns how many."""
    today = today or timezone.localdate()
    ids = Demand.objects.filter(
        status=ListingStatus.PUBLISHED, deadline__lt=today
    ).values_list("pk", flat=True)
    changed = 0
    for listing_id in list(ids):
        try:
            expire_listing(listing_id)
        except IllegalTransition:
            # Someone changed it between the query and the lock; nothing to do.
            continue
        changed += 1
    if changed:
        logger.info("expired %d overdue demands", changed)
    return changed


def archive_stale_listings(today: dt.date | None = None) -> int:
    """Archive published listings whose validity has lapsed; returns how many.

    Demands past their deadline are left to ``expire_overdue_demands``: "expired" tells
    their owner more than "archived".
    """
    today = today or timezone.localdate()
    ids = (
        Listing.objects.filter(status=ListingStatus.PUBLISHED, valid_until__lt=today)
        .exclude(demand__deadline__lt=today)
        .values_list("pk", flat=True)
    )
    changed = 0
    for listing_id in list(ids):
        try:
            archive_listing(listing_id, by_user_id=None, reason=VALIDITY_LAPSED)
        except IllegalTransition:
            continue
        changed += 1
    if changed:
        logger.info("archived %d listings whose validity lapsed", changed)
    return changed


def send_renewal_reminders(today: dt.date | None = None) -> int:
    """Remind the owners of listings that lapse soon, once per publication; returns how many."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=renewal_notice_days())
    ids = (
        Listing.objects.filter(
            status=ListingStatus.PUBLISHED,
            valid_until__gte=today,
            valid_until__lte=horizon,
            renewal_reminded_at__isnull=True,
        )
        # A demand valid until its deadline gains nothing from renewing.
        .exclude(demand__deadline__lte=F("valid_until"))
        .values_list("pk", flat=True)
    )
    changed = 0
    for listing_id in list(ids):
        if _remind(listing_id):
            changed += 1
    if changed:
        logger.info("sent renewal reminders for %d listings", changed)
    return changed


@transaction.atomic
def _remind(listing_id: int) -> bool:
    listing = Listing.objects.select_for_update().get(pk=listing_id)
    if (
        listing.status != ListingStatus.PUBLISHED
        or listing.renewal_reminded_at is not None
    ):
        return False
    Listing.objects.filter(pk=listing_id).update(renewal_reminded_at=timezone.now())
    listing_renewal_due.send(
        sender=Listing, listing_id=listing_id, valid_until=listing.valid_until
    )
    return True
