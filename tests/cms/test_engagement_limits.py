"""Message-sending forms: a duplicate is refused before anything is stored or sent, and
each account (and client address) may send only so many messages (on Redis)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.roles import Role
from market.models import AccessRequest, InterestRequest, InterestStatus, ListingStatus
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

DUPLICATE = "You already sent this kind of request about this listing on"
TOO_MANY = "You have sent many messages in a short time."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(role_groups):
    """A published outcome, a member of its organisation, an agent and a buyer."""
    listing = OutcomeFactory(published=True, protected_details="工艺参数")
    seller = UserFactory(roles=[Role.RESEARCHER], email="seller@example.cn")
    MembershipFactory(user=seller, organisation=listing.organisation)
    buyer = UserFactory(roles=[Role.ENTERPRISE], email="buyer@example.cn")
    MembershipFactory(user=buyer)
    UserFactory(roles=[Role.AGENT], email="agent@example.cn")
    return {"listing": listing, "seller": seller, "buyer": buyer}


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)


def ask(client, listing, remote_addr="127.0.0.1"):
    payload = {"kind": "interest", "purpose": "用于电池托盘", "message": ""}
    return client.post(
        reverse("engage:interest", args=[listing.pk]), payload, REMOTE_ADDR=remote_addr
    )


def test_interest_request_sent_five_times_is_stored_and_emailed_once(
    client, cast, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    login(client, cast["buyer"])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask(client, cast["listing"]) for _ in range(5)]

    assert answers[0].status_code == 302
    for answer in answers[1:]:
        assert answer.status_code == 200
        assert DUPLICATE in answer.content.decode()
        assert "用于电池托盘" in answer.content.decode()  # the text is kept
    assert InterestRequest.objects.count() == 1
    # One batch: the owner's member and the agent, once each.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "agent@example.cn",
        "seller@example.cn",
    ]
    assert Notification.objects.count() == 2


def test_messages_per_account_are_limited_across_listings(
    client, cast, settings, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    settings.THROTTLE_MESSAGES_ACCOUNT = (3, 3600)
    listings = [OutcomeFactory(published=True) for _ in range(4)]
    login(client, cast["buyer"])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask(client, listing) for listing in listings]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert TOO_MANY in answers[3].content.decode()
    assert "1 hour" in answers[3].content.decode()
    assert InterestRequest.objects.count() == 3


def test_refused_duplicates_do_not_use_up_the_account_budget(client, cast, settings):
    settings.THROTTLE_MESSAGES_ACCOUNT = (2, 3600)
    login(client, cast["buyer"])
    for _ in range(4):
        ask(client, cast["listing"])

    assert ask(client, OutcomeFactory(published=True)).status_code == 302
    assert InterestRequest.objects.count() == 2


def test_protected_details_requests_count_against_the_account_budget(
    client, cast, settings
):
    settings.THROTTLE_MESSAGES_ACCOUNT = (1, 3600)
    login(client, cast["buyer"])
    ask(client, cast["listing"])
    other = OutcomeFactory(published=True, protected_details="配方")

    response = client.post(
        reverse("engage:details", args=[other.pk]), {"accept_note": "on"}
    )

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_owner_answers_count_against_the_owner_budget(client, cast, settings):
    settings.THROTTLE_MESSAGES_ACCOUNT = (1, 3600)
    buyers = [UserFactory(roles=[Role.ENTERPRISE]) for _ in range(2)]
    for buyer in buyers:
        login(client, buyer)
        ask(client, cast["listing"])
    first, second = InterestRequest.objects.order_by("pk")

    login(client, cast["seller"])
    answered = client.post(
        reverse("engage:interest_answer", args=[first.pk]), {"reply": "欢迎"}
    )
    refused = client.post(
        reverse("engage:interest_answer", args=[second.pk]), {"reply": "欢迎"}
    )

    assert answered.status_code == 302
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    second.refresh_from_db()
    assert second.status == InterestStatus.OPEN


def test_messages_per_client_address_are_limited_across_accounts(
    client, cast, settings
):
    settings.THROTTLE_MESSAGES_IP = (2, 3600)
    for _ in range(2):
        login(client, UserFactory(roles=[Role.ENTERPRISE]))
        assert ask(client, cast["listing"]).status_code == 302

    login(client, UserFactory(roles=[Role.ENTERPRISE]))
    assert ask(client, cast["listing"]).status_code == 429
    assert ask(client, cast["listing"], "198.51.100.4").status_code == 302


def test_workbench_submissions_count_against_the_account_budget(client, cast, settings):
    settings.THROTTLE_MESSAGES_ACCOUNT = (1, 3600)
    drafts = [
        OutcomeFactory(
            organisation=cast["listing"].organisation,
            status=ListingStatus.DRAFT,
            created_by=cast["seller"],
        )
        for _ in range(2)
    ]
    login(client, cast["seller"])
    for draft in drafts:
        client.post(reverse("workbench:submit", args=[draft.pk]))

    statuses = [type(d).objects.get(pk=d.pk).status for d in drafts]
    assert statuses == [ListingStatus.SUBMITTED, ListingStatus.DRAFT]
    page = client.get(reverse("workbench:home"))
    assert TOO_MANY in page.content.decode()
