"""Bulk moderation in the review queue: a filtered selection published, rejected or
archived at once, through the life cycle (revisions, history, signals, notifications)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import Notification
from accounts.roles import Role
from market import admin_views
from market.imports.importer import import_listings
from market.models import ImportBatch, Listing, ListingStatus, Outcome, TechField
from market.services.listings import publish_listings
from market.signals import listings_status_changed
from search.models import IndexOutbox
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    outcome_row,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("market_review:index")
S = ListingStatus


def bulk_url(action: str) -> str:
    return reverse("market_review:bulk", args=[action])


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def imported(moderator) -> ImportBatch:
    """Three drafts brought in by one import (one incomplete: no cooperation mode)."""
    catalogue_organisations()
    rows = [outcome_row(1), outcome_row(2), outcome_row(3, 合作方式="")]
    report = import_listings(
        "outcome", csv_bytes(rows), dry_run=False, by_user_id=moderator.pk
    )
    assert report.ok, report.error_lines()
    return ImportBatch.objects.get(pk=report.batch_id)


def confirm(client, action: str, params: dict, **data):
    page = client.get(bulk_url(action), params)
    assert page.status_code == 200
    return page, client.post(
        bulk_url(action), {**params, "expected": page.context["count"], **data}
    )


def test_queue_filters_by_import_and_offers_bulk_actions(moderator_client, imported):
    OutcomeFactory(title="门户里的草稿")
    submitted = OutcomeFactory(submitted=True, title="等待审核的成果")

    default = moderator_client.get(QUEUE)
    batch = moderator_client.get(QUEUE, {"status": "", "import_batch": imported.pk})
    # What the filter drawer fetches when a filter changes.
    results = moderator_client.get(
        reverse("market_review:index_results"),
        {"status": "", "import_batch": imported.pk},
    )

    assert list(default.context["object_list"]) == [
        Listing.objects.get(pk=submitted.pk)
    ]
    titles = {listing.title for listing in batch.context["object_list"]}
    assert titles == {f"高强韧铝合金一体化压铸技术{n}" for n in (1, 2, 3)}
    html = batch.content.decode()
    assert f"{bulk_url('publish')}?status=&amp;import_batch={imported.pk}" in html
    assert 'data-bulk-action="reject"' in html and 'data-bulk-action="archive"' in html
    assert results.status_code == 200
    assert len(results.context["object_list"]) == 3


def test_bulk_publish_of_an_import_shows_the_count_and_publishes_through_the_life_cycle(
    moderator_client, moderator, imported
):
    member = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=member, organisation=imported.listings.first().organisation)
    portal_draft = OutcomeFactory(organisation=imported.listings.first().organisation)
    params = {"status": "", "import_batch": imported.pk}

    page, done = confirm(moderator_client, "publish", params)

    assert page.context["count"] == 3 and page.context["others"] == 0
    assert 'data-bulk-count="3"' in page.content.decode()
    assert (
        done.status_code == 302
        and done.url == f"{QUEUE}?status=&import_batch={imported.pk}"
    )
    published = Outcome.objects.filter(import_batch=imported, status=S.PUBLISHED)
    assert published.count() == 2
    incomplete = Outcome.objects.get(external_id="CG-0003")
    assert incomplete.status == S.DRAFT  # no mode: it stays a draft, with the reason
    listing = published.first()
    assert listing.reviewed_by == moderator and listing.valid_until is not None
    assert list(
        ModelLogEntry.objects.filter(object_id=str(listing.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["market.submit_listing", "market.publish_listing"]
    assert listing.latest_revision.content["status"] == S.PUBLISHED
    assert set(IndexOutbox.objects.values_list("listing_id", flat=True)) == set(
        published.values_list("pk", flat=True)
    )
    # The organisation's member hears once, about both.
    [notice] = Notification.objects.filter(recipient=member)
    assert "2" in notice.subject
    messages = [str(m.message) for m in get_messages(done.wsgi_request)]
    assert any("2" in m for m in messages)
    assert any(incomplete.title in m for m in messages)
    portal_draft.refresh_from_db()
    assert portal_draft.status == S.DRAFT


def test_bulk_publish_never_publishes_drafts_of_the_portal(moderator_client):
    organisation = OrganisationFactory(name="东海海洋大学")
    OutcomeFactory(organisation=organisation, title="作者还在写的草稿")
    submitted = OutcomeFactory(organisation=organisation, submitted=True)

    page, _done = confirm(
        moderator_client, "publish", {"status": "", "organisation": organisation.pk}
    )

    assert (page.context["count"], page.context["others"]) == (1, 1)
    statuses = dict(Listing.objects.values_list("title", "status"))
    assert statuses["作者还在写的草稿"] == S.DRAFT
    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED


def test_bulk_reject_needs_a_reason_and_sends_it_to_the_authors(moderator_client):
    demands = [DemandFactory(submitted=True) for _ in range(3)]
    DemandFactory(published=True)
    params = {"kind": "demand"}

    _page, without = confirm(moderator_client, "reject", params, reason=" ")
    _page, rejected = confirm(moderator_client, "reject", params, reason="信息不完整")

    assert without.status_code == 200
    assert without.context["form"].errors["reason"]
    assert rejected.status_code == 302
    for demand in demands:
        demand.refresh_from_db()
        assert demand.status == S.REJECTED
        assert demand.rejection_reason == "信息不完整"
    assert Listing.objects.filter(status=S.PUBLISHED).count() == 1


def test_bulk_archive_takes_a_field_off_the_market(moderator_client):
    live = [OutcomeFactory(published=True) for _ in range(2)]
    other_field = OutcomeFactory(
        published=True, field=TechField.objects.get(code="0101")
    )

    page, done = confirm(
        moderator_client,
        "archive",
        {"status": S.PUBLISHED, "field": live[0].field_id},
        reason="批量下架",
    )

    assert page.context["count"] == 2
    assert done.status_code == 302
    assert set(Listing.objects.filter(status=S.ARCHIVED)) == {
        Listing.objects.get(pk=o.pk) for o in live
    }
    other_field.refresh_from_db()
    assert other_field.status == S.PUBLISHED
    assert IndexOutbox.objects.filter(listing_id=live[0].pk).exists()


def test_bulk_action_asks_again_when_the_selection_changed(moderator_client):
    OutcomeFactory(submitted=True)
    page = moderator_client.get(bulk_url("publish"))
    OutcomeFactory(submitted=True)  # arrives between confirmation and click

    response = moderator_client.post(
        bulk_url("publish"), {"expected": page.context["count"]}
    )

    assert response.status_code == 200
    assert response.context["count"] == 2
    assert "2" in response.context["warning"]
    assert not Listing.objects.filter(status=S.PUBLISHED).exists()


def test_bulk_action_refuses_too_large_a_selection(moderator_client, monkeypatch):
    monkeypatch.setattr(admin_views, "BULK_LIMIT", 2)
    for _ in range(3):
        OutcomeFactory(submitted=True)

    page, response = confirm(moderator_client, "publish", {})

    assert page.context["too_many"]
    assert response.status_code == 200
    assert not Listing.objects.filter(status=S.PUBLISHED).exists()


def test_bulk_action_with_malformed_filters_goes_back_to_the_queue(moderator_client):
    response = moderator_client.get(bulk_url("publish"), {"import_batch": "x"})
    unknown = moderator_client.get(bulk_url("delete"))

    assert response.status_code == 302 and response.url == QUEUE
    assert unknown.status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.RESEARCHER])
def test_bulk_actions_are_refused_to_non_moderators(client, role_groups, role):
    outcome = OutcomeFactory(submitted=True)
    client.force_login(UserFactory(roles=[role]))

    page = client.get(bulk_url("publish"))
    posted = client.post(bulk_url("publish"), {"expected": 1})

    for response in (page, posted):
        assert response.status_code in (302, 403)
    outcome.refresh_from_db()
    assert outcome.status == S.SUBMITTED


def test_publish_listings_skips_what_the_life_cycle_refuses_and_announces_once(
    moderator,
):
    ready = [OutcomeFactory(submitted=True) for _ in range(2)]
    live = OutcomeFactory(published=True)
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sorted(kwargs["listing_ids"]), kwargs["old_statuses"]))

    listings_status_changed.connect(receiver)
    try:
        result = publish_listings(
            [o.pk for o in ready] + [live.pk, 999_999], by_user_id=moderator.pk
        )
    finally:
        listings_status_changed.disconnect(receiver)

    assert sorted(result.done) == sorted(o.pk for o in ready)
    assert set(result.skipped) == {live.pk, 999_999}
    assert seen == [(sorted(o.pk for o in ready), {o.pk: S.SUBMITTED for o in ready})]
