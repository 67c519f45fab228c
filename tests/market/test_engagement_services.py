"""Engagement services: protected-details requests, the access log, interest requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from market.models import (
    AccessReason,
    AccessRequest,
    AccessRequestStatus,
    DeclineReason,
    DetailAccessLog,
    InterestKind,
    InterestRequest,
    InterestStatus,
    ListingStatus,
)
from market.services.engagement import (
    INTEREST_DAILY_LIMIT,
    EngagementError,
    answer_interest_request,
    decide_access_request,
    decline_interest_request,
    read_protected_details,
    request_protected_details,
    revoke_access_request,
    send_interest_request,
)
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory

SECRET = "热处理工艺窗口：T6，535 °C 固溶 2 h。"


@pytest.fixture
def owner(db, role_groups):
    return UserFactory(roles=[Role.RESEARCHER])


@pytest.fixture
def listing(owner):
    outcome = OutcomeFactory(published=True, protected_details=SECRET)
    MembershipFactory(user=owner, organisation=outcome.organisation)
    return outcome


@pytest.fixture
def visitor(role_groups):
    return UserFactory(roles=[Role.ENTERPRISE])


def _request(listing, user, **kwargs):
    kwargs.setdefault("accepted_note", True)
    return request_protected_details(listing.pk, requester_id=user.pk, **kwargs)


# --- protected details -------------------------------------------------------------


def test_request_protected_details_creates_one_pending_request(listing, visitor):
    request, created = _request(listing, visitor, message="我们是汽车零部件厂")
    assert created is True
    assert request.status == AccessRequestStatus.PENDING
    assert request.accepted_note_at is not None
    assert request.message == "我们是汽车零部件厂"


def test_request_protected_details_twice_returns_the_existing_request(
    listing, owner, visitor
):
    first, _ = _request(listing, visitor)
    decide_access_request(first.pk, by_user_id=owner.pk, grant=False)

    again, created = _request(listing, visitor, message="再试一次")

    assert created is False
    assert again.pk == first.pk
    assert again.status == AccessRequestStatus.DECLINED
    assert AccessRequest.objects.filter(listing=listing).count() == 1


def test_request_protected_details_needs_the_confidentiality_note(listing, visitor):
    with pytest.raises(EngagementError) as error:
        _request(listing, visitor, accepted_note=False)
    assert error.value.code == "note_not_accepted"
    assert not AccessRequest.objects.exists()


def test_request_protected_details_refused_to_who_can_read_already(listing, owner):
    with pytest.raises(EngagementError) as error:
        _request(listing, owner)
    assert error.value.code == "already_allowed"


@pytest.mark.parametrize(
    "status", [ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.ARCHIVED]
)
def test_request_protected_details_only_for_published_listings(status, visitor):
    listing = OutcomeFactory(status=status, protected_details=SECRET)
    with pytest.raises(EngagementError) as error:
        _request(listing, visitor)
    assert error.value.code == "not_published"


def test_decide_access_request_grant_lets_the_requester_read_and_logs_it(
    listing, owner, visitor
):
    request, _ = _request(listing, visitor)
    assert read_protected_details(listing.pk, user_id=visitor.pk) is None

    decide_access_request(request.pk, by_user_id=owner.pk, grant=True)

    assert read_protected_details(listing.pk, user_id=visitor.pk) == SECRET
    log = DetailAccessLog.objects.get(listing=listing)
    assert log.user_id == visitor.pk
    assert log.reason == AccessReason.GRANT
    request.refresh_from_db()
    assert request.decided_by_id == owner.pk


def test_decide_access_request_decline_keeps_details_hidden(listing, owner, visitor):
    request, _ = _request(listing, visitor)
    decide_access_request(request.pk, by_user_id=owner.pk, grant=False)
    assert read_protected_details(listing.pk, user_id=visitor.pk) is None
    assert not DetailAccessLog.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.MODERATOR, Role.RESEARCHER])
def test_decide_access_request_only_by_the_owner_organisation(listing, visitor, role):
    request, _ = _request(listing, visitor)
    stranger = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        decide_access_request(request.pk, by_user_id=stranger.pk, grant=True)
    with pytest.raises(PermissionDenied):
        decide_access_request(request.pk, by_user_id=visitor.pk, grant=True)
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING


def test_decide_access_request_twice_is_refused(listing, owner, visitor):
    request, _ = _request(listing, visitor)
    decide_access_request(request.pk, by_user_id=owner.pk, grant=False)
    with pytest.raises(EngagementError) as error:
        decide_access_request(request.pk, by_user_id=owner.pk, grant=True)
    assert error.value.code == "already_decided"


def test_revoke_access_request_hides_the_details_again(listing, owner, visitor):
    request, _ = _request(listing, visitor)
    decide_access_request(request.pk, by_user_id=owner.pk, grant=True)
    revoke_access_request(request.pk, by_user_id=owner.pk)
    assert read_protected_details(listing.pk, user_id=visitor.pk) is None
    with pytest.raises(EngagementError):
        revoke_access_request(request.pk, by_user_id=owner.pk)


@pytest.mark.parametrize(
    ("role", "reason"),
    [(Role.AGENT, AccessReason.AGENT), (Role.MODERATOR, AccessReason.MODERATOR)],
)
def test_read_protected_details_logs_every_reading_with_its_reason(
    listing, owner, role, reason
):
    reader = UserFactory(roles=[role])
    assert read_protected_details(listing.pk, user_id=reader.pk) == SECRET
    assert read_protected_details(listing.pk, user_id=reader.pk) == SECRET
    assert read_protected_details(listing.pk, user_id=owner.pk) == SECRET
    assert DetailAccessLog.objects.filter(user=reader, reason=reason).count() == 2
    assert DetailAccessLog.objects.filter(
        user=owner, reason=AccessReason.OWNER
    ).exists()


def test_read_protected_details_refuses_strangers_and_anonymous(listing, visitor):
    assert read_protected_details(listing.pk, user_id=visitor.pk) is None
    assert read_protected_details(listing.pk, user_id=None) is None
    assert not DetailAccessLog.objects.exists()


def test_read_protected_details_of_archived_listing_closes_to_granted_users(
    listing, owner, visitor
):
    request, _ = _request(listing, visitor)
    decide_access_request(request.pk, by_user_id=owner.pk, grant=True)
    listing.status = ListingStatus.ARCHIVED
    listing.save()
    assert read_protected_details(listing.pk, user_id=visitor.pk) is None
    assert read_protected_details(listing.pk, user_id=owner.pk) == SECRET


# --- interest requests ---------------------------------------------------------------


def _send(listing, user, **kwargs):
    kwargs.setdefault("kind", InterestKind.INTEREST)
    kwargs.setdefault("answers", {"purpose": "车身结构件", "scale": "中试"})
    kwargs.setdefault("message", "")
    return send_interest_request(listing.pk, sender_id=user.pk, **kwargs)


def test_send_interest_request_keeps_only_the_fixed_questions(listing, visitor):
    request = _send(
        listing,
        visitor,
        kind=InterestKind.INFORMATION,
        answers={"purpose": "  电池壳体 ", "timeline": "", "hack": "x"},
        message="请提供检测报告",
    )
    assert request.status == InterestStatus.OPEN
    assert request.kind == InterestKind.INFORMATION
    assert request.answers == {"purpose": "电池壳体"}
    assert request.message == "请提供检测报告"


def test_send_interest_request_about_own_listing_is_refused(listing, owner):
    with pytest.raises(EngagementError) as error:
        _send(listing, owner)
    assert error.value.code == "own_listing"
    assert not InterestRequest.objects.exists()


def test_send_interest_request_needs_some_content(listing, visitor):
    with pytest.raises(EngagementError) as error:
        _send(listing, visitor, answers={"purpose": "  "}, message=" ")
    assert error.value.code == "empty"


def test_send_interest_request_rejects_unknown_kind(listing, visitor):
    with pytest.raises(EngagementError) as error:
        _send(listing, visitor, kind="spam")
    assert error.value.code == "invalid_kind"


def test_send_interest_request_only_for_published_listings(visitor):
    listing = OutcomeFactory(status=ListingStatus.ARCHIVED)
    with pytest.raises(EngagementError) as error:
        _send(listing, visitor)
    assert error.value.code == "not_published"


def test_send_interest_request_is_rate_limited_per_listing(
    listing, owner, visitor, settings
):
    settings.THROTTLE_DUPLICATE_WINDOW = 0  # the daily limit alone
    sent = [_send(listing, visitor) for _ in range(INTEREST_DAILY_LIMIT)]
    with pytest.raises(EngagementError) as error:
        _send(listing, visitor)
    assert error.value.code == "rate_limited"
    assert str(INTEREST_DAILY_LIMIT) in str(error.value.message)

    # Another listing is not affected, and an answered request frees a place.
    other = OutcomeFactory(published=True)
    _send(other, visitor)
    answer_interest_request(sent[0].pk, by_user_id=owner.pk, reply="欢迎来访")
    _send(listing, visitor)
    assert InterestRequest.objects.filter(listing=listing).count() == 6


def test_answer_interest_request_by_owner_closes_it(listing, owner, visitor):
    request = _send(listing, visitor)
    answer_interest_request(
        request.pk, by_user_id=owner.pk, reply="  可以安排技术交流  "
    )
    request.refresh_from_db()
    assert request.status == InterestStatus.ANSWERED
    assert request.reply == "可以安排技术交流"
    assert request.answered_by_id == owner.pk
    with pytest.raises(EngagementError) as error:
        answer_interest_request(request.pk, by_user_id=owner.pk, reply="again")
    assert error.value.code == "already_closed"


def test_answer_interest_request_needs_a_reply(listing, owner, visitor):
    request = _send(listing, visitor)
    with pytest.raises(EngagementError) as error:
        answer_interest_request(request.pk, by_user_id=owner.pk, reply="  ")
    assert error.value.code == "reply_required"


@pytest.mark.parametrize("role", [Role.AGENT, Role.MODERATOR, Role.ENTERPRISE])
def test_answer_and_decline_only_by_the_owner_organisation(listing, visitor, role):
    request = _send(listing, visitor)
    stranger = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        answer_interest_request(request.pk, by_user_id=stranger.pk, reply="hi")
    with pytest.raises(PermissionDenied):
        decline_interest_request(
            request.pk, by_user_id=stranger.pk, reason_code=DeclineReason.OTHER
        )
    request.refresh_from_db()
    assert request.status == InterestStatus.OPEN


def test_decline_interest_request_records_reason_and_note(listing, owner, visitor):
    request = _send(listing, visitor)
    decline_interest_request(
        request.pk,
        by_user_id=owner.pk,
        reason_code=DeclineReason.IN_NEGOTIATION,
        note="已与其他企业洽谈",
    )
    request.refresh_from_db()
    assert request.status == InterestStatus.DECLINED
    assert request.decline_reason == DeclineReason.IN_NEGOTIATION
    assert request.reply == "已与其他企业洽谈"


def test_decline_interest_request_needs_a_known_reason(listing, owner, visitor):
    request = _send(listing, visitor)
    with pytest.raises(EngagementError) as error:
        decline_interest_request(request.pk, by_user_id=owner.pk, reason_code="")
    assert error.value.code == "reason_required"
    request.refresh_from_db()
    assert request.status == InterestStatus.OPEN


def test_send_interest_request_of_the_same_kind_again_is_refused_before_storing(
    listing, visitor, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(listing, visitor)
    mails = len(mailoutbox)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(EngagementError) as error,
    ):
        _send(listing, visitor)

    assert error.value.code == "duplicate"
    assert list(InterestRequest.objects.all()) == [first]
    assert callbacks == []  # no email task was queued
    assert len(mailoutbox) == mails
    # The other kind is another question, and other listings are not affected.
    _send(listing, visitor, kind=InterestKind.INFORMATION)
    _send(OutcomeFactory(published=True), visitor)


def test_send_interest_request_again_after_the_window_is_accepted(
    listing, visitor, settings
):
    first = _send(listing, visitor)
    settings.THROTTLE_DUPLICATE_WINDOW = 3600
    InterestRequest.objects.filter(pk=first.pk).update(
        created_at=first.created_at - dt.timedelta(seconds=3601)
    )
    assert _send(listing, visitor).pk != first.pk
