"""Freshness: overdue demands expire, lapsed listings are archived, owners are reminded once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from config.celery import app as celery_app
from market import tasks
from market.models import Listing, ListingStatus
from market.services import freshness
from market.services.listings import renew_listing
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def author(role_groups):
    return UserFactory(roles=[Role.RESEARCHER], email="author@example.cn")


def _owned(factory, author, **kwargs):
    listing = factory(published=True, created_by=author, **kwargs)
    MembershipFactory(user=author, organisation=listing.organisation)
    return listing


def _status(listing) -> str:
    return Listing.objects.values_list("status", flat=True).get(pk=listing.pk)


# --- expiry of demands ---------------------------------------------------------------


def test_expire_overdue_demands_expires_only_published_demands_past_deadline(author):
    overdue = _owned(DemandFactory, author, deadline=_days(-1), valid_until=_days(-1))
    due_today = _owned(DemandFactory, author, deadline=_days(0), valid_until=_days(0))
    draft = DemandFactory(deadline=_days(-5))
    outcome = _owned(OutcomeFactory, author, valid_until=_days(-1))

    assert freshness.expire_overdue_demands() == 1

    assert _status(overdue) == ListingStatus.EXPIRED
    assert _status(due_today) == ListingStatus.PUBLISHED
    assert _status(draft) == ListingStatus.DRAFT
    assert _status(outcome) == ListingStatus.PUBLISHED
    assert not Listing.objects.published().filter(pk=overdue.pk).exists()
    # The author hears about it.
    assert Notification.objects.filter(
        recipient=author, kind=NotificationKind.LISTING_EXPIRED
    ).exists()


def test_expire_overdue_demands_second_run_changes_nothing(author):
    _owned(DemandFactory, author, deadline=_days(-3), valid_until=_days(-3))
    assert tasks.expire_overdue_demands() == 1
    assert tasks.expire_overdue_demands() == 0
    assert Notification.objects.filter(recipient=author).count() == 1


# --- archiving lapsed listings -------------------------------------------------------


def test_archive_stale_listings_archives_listings_whose_validity_lapsed(author):
    lapsed = _owned(OutcomeFactory, author, valid_until=_days(-1))
    last_day = _owned(OutcomeFactory, author, valid_until=_days(0))
    # A demand published long ago whose deadline is still ahead lapses too.
    old_demand = _owned(
        DemandFactory, author, deadline=_days(30), valid_until=_days(-2)
    )

    assert freshness.archive_stale_listings() == 2

    lapsed.refresh_from_db()
    assert lapsed.status == ListingStatus.ARCHIVED
    assert lapsed.archived_at is not None
    assert _status(old_demand) == ListingStatus.ARCHIVED
    assert _status(last_day) == ListingStatus.PUBLISHED
    assert set(Listing.objects.published().values_list("pk", flat=True)) == {
        last_day.pk
    }
    notification = Notification.objects.filter(
        recipient=author, kind=NotificationKind.LISTING_ARCHIVED
    ).first()
    assert notification is not None
    assert notification.url == "/workbench/"


def test_archive_stale_listings_leaves_overdue_demands_to_expiry(author):
    overdue = _owned(DemandFactory, author, deadline=_days(-1), valid_until=_days(-1))
    assert freshness.archive_stale_listings() == 0
    assert freshness.expire_overdue_demands() == 1
    assert _status(overdue) == ListingStatus.EXPIRED


def test_archive_stale_listings_second_run_changes_nothing(author):
    _owned(OutcomeFactory, author, valid_until=_days(-10))
    assert tasks.archive_stale_listings() == 1
    assert tasks.archive_stale_listings() == 0


# --- renewal reminders ---------------------------------------------------------------


def test_send_renewal_reminders_reminds_once_with_a_workbench_link(
    settings, author, eager_celery, django_capture_on_commit_callbacks
):
    settings.LISTING_RENEWAL_NOTICE_DAYS = 14
    soon = _owned(OutcomeFactory, author, valid_until=_days(10))
    _owned(OutcomeFactory, author, valid_until=_days(40))  # not yet
    _owned(OutcomeFactory, author, valid_until=_days(-1))  # lapsed: archiving's job

    with django_capture_on_commit_callbacks(execute=True):
        assert freshness.send_renewal_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert freshness.send_renewal_reminders() == 0

    soon.refresh_from_db()
    assert soon.renewal_reminded_at is not None
    reminders = Notification.objects.filter(
        recipient=author, kind=NotificationKind.LISTING_RENEWAL
    )
    assert reminders.count() == 1
    assert reminders.get().url == "/workbench/"
    assert soon.title in reminders.get().subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["author@example.cn"]
    assert "/workbench/" in mail.outbox[0].body


def test_send_renewal_reminders_skips_demands_valid_until_their_deadline(author):
    # Renewing would not extend it: its validity already ends at the deadline.
    _owned(DemandFactory, author, deadline=_days(5), valid_until=_days(5))
    extendable = _owned(DemandFactory, author, deadline=_days(90), valid_until=_days(5))
    assert freshness.send_renewal_reminders() == 1
    extendable.refresh_from_db()
    assert extendable.renewal_reminded_at is not None


def test_renewal_after_reminder_allows_a_reminder_for_the_next_period(settings, author):
    settings.LISTING_VALIDITY_DAYS = 10
    listing = _owned(OutcomeFactory, author, valid_until=_days(3))
    assert freshness.send_renewal_reminders() == 1

    renew_listing(listing.pk, by_user_id=author.pk)

    listing.refresh_from_db()
    assert listing.renewal_reminded_at is None
    assert listing.valid_until == _days(10)
    assert freshness.send_renewal_reminders() == 1
    assert (
        Notification.objects.filter(kind=NotificationKind.LISTING_RENEWAL).count() == 2
    )


def test_renewal_reminder_goes_to_the_organisation_when_the_author_left(
    role_groups,
):
    listing = OutcomeFactory(published=True, valid_until=_days(2), created_by=None)
    members = [UserFactory(), UserFactory()]
    for member in members:
        MembershipFactory(user=member, organisation=listing.organisation)
    assert freshness.send_renewal_reminders() == 1
    assert set(
        Notification.objects.filter(kind=NotificationKind.LISTING_RENEWAL).values_list(
            "recipient_id", flat=True
        )
    ) == {member.pk for member in members}


# --- tasks and the beat schedule -----------------------------------------------------


def test_tasks_apply_runs_the_real_services(author):
    _owned(DemandFactory, author, deadline=_days(-1), valid_until=_days(-1))
    _owned(OutcomeFactory, author, valid_until=_days(-1))
    _owned(OutcomeFactory, author, valid_until=_days(1))

    assert tasks.expire_overdue_demands.apply().get() == 1
    assert tasks.archive_stale_listings.apply().get() == 1
    assert tasks.send_renewal_reminders.apply().get() == 1
    # A second night finds nothing left to do.
    assert tasks.expire_overdue_demands.apply().get() == 0
    assert tasks.archive_stale_listings.apply().get() == 0
    assert tasks.send_renewal_reminders.apply().get() == 0


def test_beat_schedule_runs_the_freshness_tasks_nightly_with_expiry():
    celery_app.loader.import_default_modules()
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    entries = {
        entry["task"]: entry
        for entry in schedule.values()
        if str(entry["task"]).startswith("market.tasks.")
        # Challenges close on the minute (tests/market/test_challenge_lifecycle.py).
        and entry["task"] != "market.tasks.close_due_challenges"
    }
    assert set(entries) == {
        "market.tasks.expire_overdue_demands",
        "market.tasks.archive_stale_listings",
        "market.tasks.send_renewal_reminders",
    }
    for name, entry in entries.items():
        assert name in celery_app.tasks
        assert isinstance(entry["schedule"], crontab)
        assert entry["schedule"].hour <= {0, 1, 2, 3, 4, 5}, name
        assert entry["options"]["expires"] > 0
    assert django_settings.CELERY_TIMEZONE == "Asia/Shanghai"
    # Demands expire before the archiving runs, so an overdue one ends "expired".
    expire = entries["market.tasks.expire_overdue_demands"]["schedule"]
    archive = entries["market.tasks.archive_stale_listings"]["schedule"]
    assert (min(expire.hour), min(expire.minute)) < (
        min(archive.hour),
        min(archive.minute),
    )
