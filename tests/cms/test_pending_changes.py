"""Edits that stay live: an owner's edit of a published listing waits for review
beside the published version, which the public, the caches and the index keep."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from market.models import (
    CooperationMode,
    Listing,
    ListingLogEntry,
    ListingStatus,
    Outcome,
)
from market.services.listings import (
    EditConflict,
    ListingError,
    archive_listing,
    discard_changes,
    pending_draft,
    publish_changes,
    reject_changes,
    save_listing,
)
from tests.factories import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db
S = ListingStatus


def _edit(listing, by, **values):
    """What the owner's form does: change a copy loaded now, save it."""
    loaded = type(listing).objects.get(pk=listing.pk)
    for name, value in values.items():
        setattr(loaded, name, value)
    return save_listing(
        loaded, by_user_id=by.pk, loaded_revision_id=loaded.latest_revision_id or 0
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_edit_of_a_published_listing_leaves_the_public_page_as_it_was(
    client, owner, owner_org, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(title="旧标题成果", organisation=owner_org, published=True)
    client.get(f"/outcomes/{outcome.pk}/")  # cached
    client.get("/outcomes/")

    with django_capture_on_commit_callbacks(execute=True):
        _edit(outcome, owner, title="新标题成果", summary="新的摘要")

    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.status == S.PUBLISHED and stored.title == "旧标题成果"
    detail = client.get(f"/outcomes/{outcome.pk}/").content.decode()
    catalogue = client.get("/outcomes/").content.decode()
    for html in (detail, catalogue):
        assert "旧标题成果" in html and "新标题成果" not in html
    assert pending_draft(stored).title == "新标题成果"


def test_approved_changes_become_the_live_version_with_modes_and_history(
    client, owner, owner_org, moderator, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(title="旧标题成果", organisation=owner_org, published=True)
    licence = CooperationMode.objects.get_or_create(code="licence", name="许可")[0]
    loaded = Outcome.objects.get(pk=outcome.pk)
    loaded.title = "新标题成果"
    save_listing(loaded, by_user_id=owner.pk, modes=[licence])
    assert set(outcome.modes.all()) != {licence}  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        publish_changes(outcome.pk, by_user_id=moderator.pk)

    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.title == "新标题成果"
    assert set(stored.modes.all()) == {licence}
    assert stored.status == S.PUBLISHED and not stored.has_pending_changes
    assert stored.reviewed_by_id == moderator.pk
    actions = list(
        ListingLogEntry.objects.filter(listing_id=outcome.pk).values_list(
            "action", flat=True
        )
    )
    detail = client.get(f"/outcomes/{outcome.pk}/").content.decode()
    assert "新标题成果" in detail and "旧标题成果" not in detail
    assert Notification.objects.filter(
        recipient=owner, kind=NotificationKind.LISTING_PUBLISHED
    ).exists()
    assert {
        "market.submit_changes_listing",
        "market.publish_changes_listing",
    } <= set(actions)


def test_moderators_hear_of_changes_and_authors_of_a_refusal(
    owner, owner_org, moderator
):
    demand = DemandFactory(organisation=owner_org, published=True, title="旧需求")
    _edit(demand, owner, title="新需求")

    _edit(demand, owner, title="新需求（再改一次）")
    # One notice per round of review, however often the draft is saved.
    assert (
        Notification.objects.filter(
            recipient=moderator, kind=NotificationKind.LISTING_SUBMITTED
        ).count()
        == 1
    )

    reject_changes(demand.pk, by_user_id=moderator.pk, reason="指标写得不清楚")

    stored = Listing.objects.get(pk=demand.pk)
    assert stored.title == "旧需求" and stored.status == S.PUBLISHED
    assert stored.pending_rejection_reason == "指标写得不清楚"
    refusal = Notification.objects.get(
        recipient=owner, kind=NotificationKind.LISTING_REJECTED
    )
    assert "指标写得不清楚" in refusal.body
    # Refused changes are not published by mistake, and a new edit sends them again.
    with pytest.raises(ListingError):
        publish_changes(demand.pk, by_user_id=moderator.pk)
    _edit(demand, owner, title="新需求（改）")
    assert (
        Notification.objects.filter(
            recipient=moderator, kind=NotificationKind.LISTING_SUBMITTED
        ).count()
        == 2
    )
    stored.refresh_from_db()
    assert stored.pending_awaits_review
    assert pending_draft(stored).title == "新需求（改）"


def test_reject_changes_needs_a_reason_and_pending_changes(owner, owner_org, moderator):
    outcome = OutcomeFactory(organisation=owner_org, published=True)
    with pytest.raises(ListingError) as nothing:
        publish_changes(outcome.pk, by_user_id=moderator.pk)
    assert nothing.value.code == "no_changes"
    _edit(outcome, owner, title="改过")
    with pytest.raises(ListingError) as no_reason:
        reject_changes(outcome.pk, by_user_id=moderator.pk, reason="  ")
    assert no_reason.value.code == "reason_required"


def test_owner_withdraws_changes_and_edits_the_live_version_again(owner, owner_org):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版")
    _edit(outcome, owner, title="草稿版")

    discard_changes(outcome.pk, by_user_id=owner.pk)

    stored = Outcome.objects.get(pk=outcome.pk)
    assert not stored.has_pending_changes and stored.title == "线上版"
    # The latest revision is the live content again: the next edit starts from it.
    assert stored.latest_revision.as_object().title == "线上版"
    _edit(stored, owner, summary="只改摘要")
    stored.refresh_from_db()
    assert pending_draft(stored).title == "线上版"


def test_an_edit_loaded_before_someone_elses_pending_edit_is_refused(owner, owner_org):
    outcome = OutcomeFactory(organisation=owner_org, published=True)
    mine = Outcome.objects.get(pk=outcome.pk)
    _edit(outcome, owner, title="他们的修改")

    mine.title = "我的修改"
    with pytest.raises(EditConflict):
        save_listing(
            mine, by_user_id=owner.pk, loaded_revision_id=mine.latest_revision_id or 0
        )
    assert pending_draft(Outcome.objects.get(pk=outcome.pk)).title == "他们的修改"


def test_editing_an_archived_listing_with_old_changes_makes_them_the_draft(
    owner, owner_org, moderator
):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版")
    _edit(outcome, owner, title="草稿版")
    archive_listing(outcome.pk, by_user_id=moderator.pk)

    _edit(outcome, owner, title="存档后再改")

    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.title == "存档后再改" and not stored.has_pending_changes


# -- The workbench -------------------------------------------------------------------


def test_workbench_shows_both_versions_and_continues_the_pending_draft(
    client, owner, owner_org
):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    _edit(outcome, owner, title="待审版本")
    client.force_login(owner)

    page = client.get(reverse("workbench:outcome_edit", args=[outcome.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert 'value="待审版本"' in html  # the form continues the pending draft
    assert "data-pending-changes" in html and "线上版本" in html
    home = client.get(reverse("workbench:home")).content.decode()
    assert "data-pending-changes" in home


def test_workbench_withdraws_changes_only_of_the_users_own_listings(
    client, owner, owner_org, stranger
):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    _edit(outcome, owner, title="待审版本")
    url = reverse("workbench:discard_changes", args=[outcome.pk])

    client.force_login(stranger)
    assert client.post(url).status_code == 404
    assert Outcome.objects.get(pk=outcome.pk).has_pending_changes

    client.force_login(owner)
    response = client.post(url, follow=True)
    assert not Outcome.objects.get(pk=outcome.pk).has_pending_changes
    assert any("线上版本" in m for m in _messages(response))


def test_detail_page_tells_the_owner_changes_wait_and_no_one_else(
    client, owner, owner_org, stranger
):
    outcome = OutcomeFactory(organisation=owner_org, published=True)
    _edit(outcome, owner, title="待审版本")

    client.force_login(owner)
    assert (
        "data-pending-changes"
        in client.get(f"/outcomes/{outcome.pk}/").content.decode()
    )
    client.force_login(stranger)
    assert (
        "data-pending-changes"
        not in client.get(f"/outcomes/{outcome.pk}/").content.decode()
    )


# -- The moderators' side ------------------------------------------------------------


def test_review_of_changes_shows_the_diff_and_approves(
    client, owner, owner_org, moderator
):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    _edit(outcome, owner, title="待审版本")
    client.force_login(moderator)

    queue = client.get(reverse("market_review:changes")).content.decode()
    review = client.get(reverse("market_review:review_changes", args=[outcome.pk]))
    html = review.content.decode()

    assert "线上版本" in queue
    assert review.status_code == 200
    assert 'data-change="title"' in html and "线上版本" in html and "待审版本" in html
    assert 'data-change="summary"' not in html  # unchanged fields are not listed

    client.post(
        reverse("market_review:review_changes", args=[outcome.pk]),
        {"decision": "approve"},
    )
    assert Outcome.objects.get(pk=outcome.pk).title == "待审版本"


def test_review_of_changes_rejects_with_a_reason_only(
    client, owner, owner_org, moderator
):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    _edit(outcome, owner, title="待审版本")
    client.force_login(moderator)
    url = reverse("market_review:review_changes", args=[outcome.pk])

    empty = client.post(url, {"decision": "reject", "reason": ""})
    assert empty.status_code == 200
    assert Outcome.objects.get(pk=outcome.pk).pending_awaits_review

    client.post(url, {"decision": "reject", "reason": "请补充测试数据"})
    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.pending_rejection_reason == "请补充测试数据"
    assert stored.title == "线上版本"


def test_only_moderators_review_changes(client, owner, owner_org):
    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    _edit(outcome, owner, title="自己批准")
    client.force_login(owner)

    client.post(
        reverse("market_review:review_changes", args=[outcome.pk]),
        {"decision": "approve"},
    )

    assert Outcome.objects.get(pk=outcome.pk).title == "线上版本"


def test_ip_rights_and_new_pictures_of_a_published_outcome_wait_for_review(
    client, owner, owner_org, moderator
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from market.models import IPRight, OutcomeImage
    from tests.cms.test_workbench import ip_management, outcome_data, png

    outcome = OutcomeFactory(organisation=owner_org, published=True, title="线上版本")
    right = IPRight.objects.create(
        outcome=outcome, kind="invention", number="ZL202310123456.7", title="旧专利"
    )
    client.force_login(owner)
    data = outcome_data(title="待审版本", **ip_management(total=1, initial=1))
    data.update(
        {
            "ip-0-id": str(right.pk),
            "ip-0-outcome": str(outcome.pk),
            "ip-0-kind": "invention",
            "ip-0-number": "ZL202310654321.X",
            "ip-0-title": "新专利",
            "ip-0-legal_status": "granted",
            "gallery_uploads": [SimpleUploadedFile("新图.png", png(), "image/png")],
        }
    )

    response = client.post(reverse("workbench:outcome_edit", args=[outcome.pk]), data)

    assert response.status_code == 302
    # Nothing new is public yet: the rows beside the listing are as they were.
    assert list(outcome.ip_rights.values_list("title", flat=True)) == ["旧专利"]
    assert not OutcomeImage.objects.filter(outcome=outcome).exists()
    client.force_login(moderator)
    review = client.get(
        reverse("market_review:review_changes", args=[outcome.pk])
    ).content.decode()
    assert 'data-change="ip_rights"' in review and 'data-change="gallery"' in review
    # The owner's form goes on from the pending IP rights.
    client.force_login(owner)
    form = client.get(reverse("workbench:outcome_edit", args=[outcome.pk]))
    assert "ZL202310654321.X" in form.content.decode()

    publish_changes(outcome.pk, by_user_id=moderator.pk)

    assert list(outcome.ip_rights.values_list("title", "number")) == [
        ("新专利", "ZL202310654321.X")
    ]
    assert OutcomeImage.objects.filter(outcome=outcome).count() == 1
