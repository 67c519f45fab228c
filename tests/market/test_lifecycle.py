"""The listing life cycle: every legal transition, every illegal one, and what each keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from market.models import CooperationMode, Listing, ListingStatus, Outcome
from market.services.listings import (
    EditConflict,
    IllegalTransition,
    ListingError,
    SubmissionIncomplete,
    archive_listing,
    expire_listing,
    missing_for_submission,
    publish_changes,
    publish_listing,
    reject_listing,
    renew_listing,
    save_listing,
    submit_listing,
    withdraw_listing,
)
from market.services.views import record_views
from market.signals import listing_status_changed
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = ListingStatus
ALL = [S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.ARCHIVED, S.EXPIRED]


def _run(action: str, listing: Listing, user_id: int) -> Listing:
    if action == "submit":
        return submit_listing(listing.pk, by_user_id=user_id)
    if action == "withdraw":
        return withdraw_listing(listing.pk, by_user_id=user_id)
    if action == "publish":
        return publish_listing(listing.pk, by_user_id=user_id)
    if action == "reject":
        return reject_listing(listing.pk, by_user_id=user_id, reason="缺少检测报告")
    if action == "archive":
        return archive_listing(listing.pk, by_user_id=user_id)
    if action == "expire":
        return expire_listing(listing.pk)
    if action == "renew":
        return renew_listing(listing.pk, by_user_id=user_id)
    raise AssertionError(action)


# action → {status it may start from: status it leads to}; everything else is illegal.
LEGAL = {
    "submit": {
        S.DRAFT: S.SUBMITTED,
        S.REJECTED: S.SUBMITTED,
        S.ARCHIVED: S.SUBMITTED,
        S.EXPIRED: S.SUBMITTED,
    },
    "withdraw": {S.SUBMITTED: S.DRAFT},
    "publish": {S.SUBMITTED: S.PUBLISHED},
    "reject": {S.SUBMITTED: S.REJECTED},
    "archive": {S.PUBLISHED: S.ARCHIVED, S.EXPIRED: S.ARCHIVED},
    "expire": {S.PUBLISHED: S.EXPIRED},
    "renew": {
        S.PUBLISHED: S.PUBLISHED,
        S.ARCHIVED: S.SUBMITTED,
        S.EXPIRED: S.SUBMITTED,
    },
}

MATRIX = [(action, status) for action in LEGAL for status in ALL]


@pytest.fixture
def author():
    return UserFactory()


def _demand_in(status: str, author) -> Listing:
    """A complete demand in ``status`` (demands can take every step, expiry included)."""
    traits = {"published": True} if status == S.PUBLISHED else {}
    demand = DemandFactory(created_by=author, **traits)
    if status != S.PUBLISHED:
        Listing.objects.filter(pk=demand.pk).update(status=status)
    MembershipFactory(user=author, organisation=demand.organisation)
    return Listing.objects.get(pk=demand.pk)


@pytest.mark.parametrize(("action", "status"), MATRIX)
def test_transition_matrix_allows_exactly_the_legal_steps(action, status, author):
    listing = _demand_in(status, author)
    revisions_before = listing.revisions.count()
    expected = LEGAL[action].get(status)

    if expected is None:
        with pytest.raises(IllegalTransition) as error:
            _run(action, listing, author.pk)
        assert error.value.message
        listing.refresh_from_db()
        assert listing.status == status
        assert listing.revisions.count() == revisions_before
    else:
        _run(action, listing, author.pk)
        listing.refresh_from_db()
        assert listing.status == expected
        # Every step keeps a revision of the content.
        assert listing.revisions.count() == revisions_before + 1


@pytest.mark.parametrize("status", ALL)
def test_expire_listing_refuses_outcomes_in_every_status(status):
    outcome = OutcomeFactory(status=status)
    with pytest.raises(IllegalTransition) as error:
        expire_listing(outcome.pk)
    assert error.value.code == "not_demand"


def test_transition_signal_names_old_and_new_status_and_actor(author):
    listing = _demand_in(S.SUBMITTED, author)
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    listing_status_changed.connect(receiver, dispatch_uid="test_lifecycle_signal")
    try:
        reject_listing(listing.pk, by_user_id=author.pk, reason="资料不全")
    finally:
        listing_status_changed.disconnect(dispatch_uid="test_lifecycle_signal")

    assert len(seen) == 1
    assert seen[0]["listing_id"] == listing.pk
    assert seen[0]["old_status"] == S.SUBMITTED
    assert seen[0]["new_status"] == S.REJECTED
    assert seen[0]["by_user_id"] == author.pk
    assert seen[0]["reason"] == "资料不全"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reject_listing_without_reason_is_refused_and_keeps_the_listing_submitted(
    reason, author
):
    listing = _demand_in(S.SUBMITTED, author)
    with pytest.raises(ListingError) as error:
        reject_listing(listing.pk, by_user_id=author.pk, reason=reason)
    assert error.value.code == "reason_required"
    listing.refresh_from_db()
    assert listing.status == S.SUBMITTED


def test_reject_listing_stores_the_reason_and_submit_clears_it(author):
    listing = _demand_in(S.SUBMITTED, author)
    reject_listing(listing.pk, by_user_id=author.pk, reason="请补充预算")
    listing.refresh_from_db()
    assert listing.rejection_reason == "请补充预算"
    assert listing.reviewed_by_id == author.pk

    submit_listing(listing.pk, by_user_id=author.pk)
    listing.refresh_from_db()
    assert listing.rejection_reason == ""


def test_submit_incomplete_outcome_lists_every_missing_field(author):
    outcome = OutcomeFactory(
        summary="",
        contact_name="",
        description="",
        maturity=None,
        price_wan=None,
        price_negotiable=False,
        field=None,
        region=None,
        modes=["none-such"],
    )
    with pytest.raises(SubmissionIncomplete) as error:
        submit_listing(outcome.pk, by_user_id=author.pk)
    assert set(error.value.missing) == {
        "summary",
        "contact_name",
        "field",
        "region",
        "modes",
        "description",
        "maturity",
        "price_wan",
    }
    assert error.value.code == "incomplete"
    outcome.refresh_from_db()
    assert outcome.status == S.DRAFT


def test_submit_incomplete_demand_names_its_own_fields(author):
    demand = DemandFactory(
        problem="",
        objectives=[],
        budget_min_wan=None,
        budget_max_wan=None,
        budget_negotiable=False,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(SubmissionIncomplete) as error:
        submit_listing(demand.pk, by_user_id=author.pk)
    assert {"problem", "objectives", "budget_max_wan", "deadline"} <= set(
        error.value.missing
    )


def test_negotiable_price_satisfies_submission():
    outcome = OutcomeFactory(price_wan=None, price_negotiable=True)
    assert "price_wan" not in missing_for_submission(outcome)


def test_renew_of_incomplete_archived_listing_raises_submission_incomplete(author):
    listing = _demand_in(S.ARCHIVED, author)
    Listing.objects.filter(pk=listing.pk).update(contact_name="")
    with pytest.raises(SubmissionIncomplete) as error:
        renew_listing(listing.pk, by_user_id=author.pk)
    assert "contact_name" in error.value.missing


def test_save_listing_of_published_listing_keeps_it_published_as_it_was(author):
    outcome = OutcomeFactory(published=True, created_by=author, title="原来的标题")
    revisions_before = outcome.revisions.count()
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    listing_status_changed.connect(receiver, dispatch_uid="test_lifecycle_edit")
    try:
        outcome.title = "改进后的铝合金技术"
        save_listing(outcome, by_user_id=author.pk)
    finally:
        listing_status_changed.disconnect(dispatch_uid="test_lifecycle_edit")

    outcome.refresh_from_db()
    assert outcome.status == S.PUBLISHED
    assert outcome.title == "原来的标题"
    assert outcome.has_pending_changes
    assert outcome.pending_revision.as_object().title == "改进后的铝合金技术"
    assert outcome.revisions.count() == revisions_before + 1
    assert seen == []
    assert Listing.objects.published().filter(pk=outcome.pk).exists()


def test_save_listing_while_under_review_is_refused(author):
    outcome = OutcomeFactory(submitted=True)
    outcome.title = "不能修改"
    with pytest.raises(IllegalTransition) as error:
        save_listing(outcome, by_user_id=author.pk)
    assert error.value.code == "under_review"
    outcome.refresh_from_db()
    assert outcome.title != "不能修改"


def test_save_listing_creates_a_draft_with_a_revision_and_author(author):
    outcome = OutcomeFactory.build(status=S.PUBLISHED)
    outcome.organisation.save()
    save_listing(outcome, by_user_id=author.pk)
    outcome.refresh_from_db()
    assert outcome.status == S.DRAFT
    assert outcome.created_by_id == author.pk
    assert outcome.revisions.count() == 1


def test_renew_published_listing_extends_validity_from_today(settings, author):
    settings.LISTING_VALIDITY_DAYS = 200
    outcome = OutcomeFactory(
        published=True,
        valid_until=timezone.localdate() + dt.timedelta(days=3),
        renewal_reminded_at=timezone.now(),
    )
    revisions_before = outcome.revisions.count()

    renew_listing(outcome.pk, by_user_id=author.pk)

    outcome.refresh_from_db()
    assert outcome.status == S.PUBLISHED
    assert outcome.valid_until == timezone.localdate() + dt.timedelta(days=200)
    assert outcome.renewal_reminded_at is None
    assert outcome.revisions.count() == revisions_before + 1


def test_renew_published_demand_stops_at_its_deadline(author):
    deadline = timezone.localdate() + dt.timedelta(days=40)
    demand = DemandFactory(
        published=True,
        deadline=deadline,
        valid_until=timezone.localdate() + dt.timedelta(days=2),
    )
    renew_listing(demand.pk, by_user_id=author.pk)
    demand.refresh_from_db()
    assert demand.valid_until == deadline


def test_publish_sets_validity_and_clears_the_previous_review(settings, author):
    settings.LISTING_VALIDITY_DAYS = 365
    outcome = OutcomeFactory(submitted=True, renewal_reminded_at=timezone.now())
    publish_listing(outcome.pk, by_user_id=author.pk)
    outcome.refresh_from_db()
    assert outcome.valid_until == timezone.localdate() + dt.timedelta(days=365)
    assert outcome.published_at is not None
    assert outcome.first_published_at is not None
    assert outcome.reviewed_by_id == author.pk
    assert outcome.renewal_reminded_at is None


def test_publish_keeps_the_first_publication_date(author):
    outcome = OutcomeFactory(published=True)
    first = outcome.first_published_at
    archive_listing(outcome.pk, by_user_id=author.pk)
    renew_listing(outcome.pk, by_user_id=author.pk)
    publish_listing(outcome.pk, by_user_id=author.pk)
    outcome.refresh_from_db()
    assert outcome.first_published_at == first
    assert outcome.status == S.PUBLISHED


def test_archive_listing_records_when_and_hides_it_from_the_catalogue(author):
    outcome = OutcomeFactory(published=True)
    archive_listing(outcome.pk, by_user_id=None, reason="validity lapsed")
    outcome.refresh_from_db()
    assert outcome.archived_at is not None
    assert not Listing.objects.published().filter(pk=outcome.pk).exists()


def test_full_life_cycle_keeps_a_revision_of_every_step(author):
    outcome = OutcomeFactory.build()
    outcome.organisation.save()
    modes = CooperationMode.objects.filter(code="license")
    save_listing(outcome, by_user_id=author.pk, modes=modes)  # 1 draft
    submit_listing(outcome.pk, by_user_id=author.pk)  # 2
    reject_listing(outcome.pk, by_user_id=author.pk, reason="补充材料")  # 3
    submit_listing(outcome.pk, by_user_id=author.pk)  # 4
    withdraw_listing(outcome.pk, by_user_id=author.pk)  # 5
    submit_listing(outcome.pk, by_user_id=author.pk)  # 6
    publish_listing(outcome.pk, by_user_id=author.pk)  # 7
    renew_listing(outcome.pk, by_user_id=author.pk)  # 8
    archive_listing(outcome.pk, by_user_id=author.pk)  # 9
    renew_listing(outcome.pk, by_user_id=author.pk)  # 10 back to review

    outcome.refresh_from_db()
    assert outcome.status == S.SUBMITTED
    revisions = list(outcome.revisions.order_by("created_at", "pk"))
    assert len(revisions) == 10
    assert revisions[0].user_id == author.pk
    assert revisions[-1].as_object().title == outcome.title


def test_save_listing_refuses_an_edit_loaded_before_someone_elses_save(author):
    outcome = OutcomeFactory(created_by=author)
    save_listing(outcome, by_user_id=author.pk)
    mine = Outcome.objects.get(pk=outcome.pk)
    theirs = Outcome.objects.get(pk=outcome.pk)
    theirs.title = "他们的标题"
    save_listing(
        theirs, by_user_id=author.pk, loaded_revision_id=theirs.latest_revision_id
    )

    mine.title = "我的标题"
    with pytest.raises(EditConflict):
        save_listing(
            mine, by_user_id=author.pk, loaded_revision_id=mine.latest_revision_id
        )

    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.title == "他们的标题"
    assert stored.revisions.count() == 2


def test_save_listing_keeps_the_views_counted_while_the_form_was_open(author):
    outcome = OutcomeFactory(created_by=author, published=True)
    loaded = Outcome.objects.get(pk=outcome.pk)
    record_views({outcome.pk: 5})
    loaded.title = "改过的标题"

    save_listing(loaded, by_user_id=author.pk)
    record_views({outcome.pk: 2})  # while the changes await review
    publish_changes(outcome.pk, by_user_id=author.pk)

    stored = Outcome.objects.get(pk=outcome.pk)
    assert (stored.title, stored.view_count) == ("改过的标题", 7)
