"""Joining an organisation: asking, deciding, roles and removal, in the portal."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Notification,
    NotificationKind,
)
from accounts.roles import Role
from accounts.services.membership import (
    MAX_PENDING_REQUESTS,
    MembershipError,
    approve_membership_request,
    decline_membership_request,
    request_membership,
    revoke_membership,
    set_membership_role,
    withdraw_membership_request,
)
from accounts.services.registration import verify_email
from accounts.tokens import make_verification_token
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:organisation")


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Assert on the English source strings."""
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def org(role_groups):
    """A verified organisation with an administrator and a plain member."""
    organisation = OrganisationFactory(is_verified=True, name="江南理工大学")
    admin = UserFactory(display_name="管理员")
    member = UserFactory(display_name="普通成员")
    MembershipFactory(user=admin, organisation=organisation, role=MembershipRole.ADMIN)
    MembershipFactory(user=member, organisation=organisation)
    return {"organisation": organisation, "admin": admin, "member": member}


def decide_url(request) -> str:
    return reverse("accounts:membership_decide", args=[request.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def membership_of(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


# --- asking ----------------------------------------------------------------------------


def test_request_of_an_unverified_address_is_announced_only_once_verified(
    org, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    moderator = UserFactory(roles=[Role.MODERATOR])
    newcomer = UserFactory(email_verified=False, display_name="新同事")

    request = request_membership(
        newcomer.pk, org["organisation"].pk, message="材料学院"
    )
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        verify_email(make_verification_token(user_id=newcomer.pk, email=newcomer.email))

    notes = Notification.objects.filter(kind=NotificationKind.MEMBERSHIP_REQUESTED)
    assert {n.recipient_id for n in notes} == {org["admin"].pk, moderator.pk}
    admin_note = notes.get(recipient=org["admin"])
    assert admin_note.url == PAGE
    assert "新同事" in admin_note.subject and "材料学院" in admin_note.body
    assert notes.get(recipient=moderator).url == reverse("membership_requests:index")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [org["admin"].email, moderator.email]
    )
    assert request.status == MembershipRequestStatus.PENDING


def test_asking_twice_returns_the_pending_request_and_members_cannot_ask(org):
    user = UserFactory()
    first = request_membership(user.pk, org["organisation"].pk)

    assert request_membership(user.pk, org["organisation"].pk) == first
    with pytest.raises(MembershipError) as error:
        request_membership(org["member"].pk, org["organisation"].pk)
    assert error.value.code == "already_member"


def test_pending_requests_are_limited_per_user(role_groups):
    user = UserFactory()
    for _ in range(MAX_PENDING_REQUESTS):
        request_membership(user.pk, OrganisationFactory().pk)

    with pytest.raises(MembershipError) as error:
        request_membership(user.pk, OrganisationFactory().pk)

    assert error.value.code == "too_many_pending"


def test_user_asks_to_join_from_the_page_and_sees_the_pending_status(client, org):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        PAGE, {"organisation": org["organisation"].pk, "message": "材料学院"}
    )
    page = client.get(PAGE)

    assert response.status_code == 302
    html = page.content.decode()
    assert "江南理工大学" in html and "Pending" in html
    assert not Membership.objects.filter(user=user).exists()


def test_join_form_refuses_a_missing_or_unknown_organisation(client, org):
    client.force_login(UserFactory())

    missing = client.post(PAGE, {"organisation": ""})
    unknown = client.post(PAGE, {"organisation": "99999999"})
    garbage = client.post(PAGE, {"organisation": "abc"})

    for response in (missing, unknown, garbage):
        assert response.status_code == 400
        assert response.context["join_form"].has_error("organisation")
    assert not MembershipRequest.objects.exists()


# --- deciding in the portal -------------------------------------------------------------


def test_admin_approves_and_the_new_member_can_edit_the_drafts(client, org):
    newcomer = UserFactory(display_name="新同事")
    request = request_membership(newcomer.pk, org["organisation"].pk)
    draft = OutcomeFactory(organisation=org["organisation"])
    edit = reverse("workbench:outcome_edit", args=[draft.pk])
    client.force_login(newcomer)
    assert client.get(edit).status_code == 404  # pending: nothing yet

    client.force_login(org["admin"])
    assert "新同事" in client.get(PAGE).content.decode()
    response = client.post(decide_url(request), {"decision": "approve", "role": ""})

    assert response.status_code == 302
    membership = membership_of(newcomer, org["organisation"])
    assert membership.role == MembershipRole.MEMBER and membership.is_active
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.APPROVED
    assert request.decided_by == org["admin"] and request.decided_at is not None
    assert Notification.objects.filter(
        recipient=newcomer, kind=NotificationKind.MEMBERSHIP_APPROVED
    ).exists()
    client.force_login(newcomer)
    assert client.get(edit).status_code == 200


def test_admin_declines_with_a_reason_the_requester_reads(client, org):
    newcomer = UserFactory()
    request = request_membership(newcomer.pk, org["organisation"].pk)
    client.force_login(org["admin"])

    client.post(decide_url(request), {"decision": "decline", "reason": "不认识此人"})

    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.DECLINED
    assert request.reason == "不认识此人"
    assert not Membership.objects.filter(user=newcomer).exists()
    note = Notification.objects.get(recipient=newcomer)
    assert note.kind == NotificationKind.MEMBERSHIP_DECLINED
    assert "不认识此人" in note.body
    client.force_login(newcomer)
    assert "不认识此人" in client.get(PAGE).content.decode()


def test_only_the_organisations_admins_decide(client, org):
    newcomer = UserFactory(display_name="新同事")
    request = request_membership(newcomer.pk, org["organisation"].pk)
    other_admin = UserFactory()
    MembershipFactory(user=other_admin, role=MembershipRole.ADMIN)  # another org's
    agent = UserFactory(roles=[Role.AGENT])

    for intruder in (org["member"], other_admin, agent, request.user):
        client.force_login(intruder)
        response = client.post(decide_url(request), {"decision": "approve"})
        assert response.status_code == 403
        assert "新同事" not in client.get(PAGE).content.decode()

    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.PENDING
    assert not Membership.objects.filter(user=request.user).exists()


def test_a_decided_request_cannot_be_decided_again(client, org):
    request = request_membership(UserFactory().pk, org["organisation"].pk)
    decline_membership_request(request.pk, by_user_id=org["admin"].pk)
    client.force_login(org["admin"])

    response = client.post(decide_url(request), {"decision": "approve"})

    assert response.status_code == 302
    assert "This request has already been decided." in messages_of(response)
    assert not Membership.objects.filter(user=request.user).exists()


def test_requests_of_unverified_addresses_cannot_be_approved(client, org):
    unverified = UserFactory(email_verified=False, display_name="未验证")
    request = request_membership(unverified.pk, org["organisation"].pk)
    client.force_login(org["admin"])

    assert "未验证" not in client.get(PAGE).content.decode()
    response = client.post(decide_url(request), {"decision": "approve"})

    assert "The requester has not verified their email address yet." in messages_of(
        response
    )
    assert not Membership.objects.filter(user=unverified).exists()


def test_organisation_admins_cannot_decide_a_founders_request(org):
    founder_request = request_membership(
        UserFactory().pk, org["organisation"].pk, founder=True
    )

    with pytest.raises(PermissionDenied):
        approve_membership_request(founder_request.pk, by_user_id=org["admin"].pk)


def test_malformed_decisions_are_refused_without_a_change(client, org):
    request = request_membership(UserFactory().pk, org["organisation"].pk)
    client.force_login(org["admin"])

    bad_decision = client.post(decide_url(request), {"decision": "maybe"})
    bad_role = client.post(
        decide_url(request), {"decision": "approve", "role": "owner"}
    )
    missing = client.post(reverse("accounts:membership_decide", args=[10**9]))
    by_get = client.get(decide_url(request))

    assert bad_decision.status_code == bad_role.status_code == 302
    for response in (bad_decision, bad_role):
        assert "Choose to approve or to decline the request." in messages_of(response)
    assert missing.status_code == 404
    assert by_get.status_code == 405
    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.PENDING


def test_requester_withdraws_and_nobody_else_can(client, org):
    request = request_membership(UserFactory().pk, org["organisation"].pk)
    url = reverse("accounts:membership_withdraw", args=[request.pk])

    client.force_login(org["admin"])
    assert client.post(url).status_code == 403
    client.force_login(request.user)
    assert client.post(url).status_code == 302

    request.refresh_from_db()
    assert request.status == MembershipRequestStatus.WITHDRAWN
    with pytest.raises(MembershipError):
        withdraw_membership_request(request.pk, by_user_id=request.user.pk)


# --- members ----------------------------------------------------------------------------


def test_admin_makes_a_member_admin_and_back(client, org):
    membership = membership_of(org["member"], org["organisation"])
    url = reverse("accounts:member_role", args=[membership.pk])
    client.force_login(org["admin"])

    client.post(url, {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == MembershipRole.ADMIN
    client.post(url, {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MEMBER
    assert (
        Notification.objects.filter(
            recipient=org["member"], kind=NotificationKind.MEMBERSHIP_CHANGED
        ).count()
        == 2
    )


def test_plain_members_cannot_change_roles_or_remove_anyone(client, org):
    admin_membership = membership_of(org["admin"], org["organisation"])
    own = membership_of(org["member"], org["organisation"])
    client.force_login(org["member"])

    promote = client.post(
        reverse("accounts:member_role", args=[own.pk]), {"role": "admin"}
    )
    remove = client.post(reverse("accounts:member_remove", args=[admin_membership.pk]))

    assert promote.status_code == remove.status_code == 403
    own.refresh_from_db()
    admin_membership.refresh_from_db()
    assert own.role == MembershipRole.MEMBER
    assert admin_membership.is_active


def test_the_last_admin_cannot_step_down_or_leave_but_a_moderator_can_remove(org):
    admin_membership = membership_of(org["admin"], org["organisation"])
    moderator = UserFactory(roles=[Role.MODERATOR])

    with pytest.raises(MembershipError) as demote:
        set_membership_role(
            admin_membership.pk, role=MembershipRole.MEMBER, by_user_id=org["admin"].pk
        )
    with pytest.raises(MembershipError) as leave:
        revoke_membership(admin_membership.pk, by_user_id=org["admin"].pk)
    assert demote.value.code == leave.value.code == "last_admin"

    revoke_membership(admin_membership.pk, by_user_id=moderator.pk, reason="已离职")
    admin_membership.refresh_from_db()
    assert not admin_membership.is_active


def test_removed_member_loses_access_at_once_and_hears_why(client, org):
    draft = OutcomeFactory(organisation=org["organisation"])
    edit = reverse("workbench:outcome_edit", args=[draft.pk])
    membership = membership_of(org["member"], org["organisation"])
    client.force_login(org["admin"])

    client.post(
        reverse("accounts:member_remove", args=[membership.pk]), {"reason": "已离职"}
    )

    membership.refresh_from_db()
    assert not membership.is_active
    note = Notification.objects.get(recipient=org["member"])
    assert note.kind == NotificationKind.MEMBERSHIP_CHANGED and "已离职" in note.body
    client.force_login(org["member"])
    assert client.get(edit).status_code == 404


def test_a_member_leaves_and_a_new_request_can_bring_them_back(client, org):
    membership = membership_of(org["member"], org["organisation"])
    client.force_login(org["member"])

    client.post(reverse("accounts:member_remove", args=[membership.pk]))
    request = request_membership(org["member"].pk, org["organisation"].pk)
    approve_membership_request(request.pk, by_user_id=org["admin"].pk, role="admin")

    membership.refresh_from_db()
    assert membership.is_active and membership.role == MembershipRole.ADMIN


def test_page_lists_requests_and_members_only_of_organisations_one_administers(
    client, org
):
    elsewhere = OrganisationFactory(name="别家公司")
    MembershipFactory(user=UserFactory(display_name="别家成员"), organisation=elsewhere)
    request_membership(UserFactory(display_name="别家申请人").pk, elsewhere.pk)
    request_membership(
        UserFactory(display_name="本校申请人").pk, org["organisation"].pk
    )

    client.force_login(org["admin"])
    html = client.get(PAGE).content.decode()
    client.force_login(org["member"])
    member_html = client.get(PAGE).content.decode()

    assert "本校申请人" in html and "普通成员" in html
    assert "别家申请人" not in html and "别家成员" not in html
    assert "本校申请人" not in member_html  # plain members do not decide
