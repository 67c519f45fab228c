"""The moderators' review queue in the Wagtail admin: publish, reject, archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from market.models import Confidentiality, Listing, ListingStatus
from tests.factories import (
    DemandFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("market_review:index")
HOME = reverse("wagtailadmin_home")


def action_url(name: str, listing: Listing) -> str:
    return reverse(f"market_review:{name}", args=[listing.pk])


def message_texts(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m.message)) for m in get_messages(response.wsgi_request)]


def status_label(status: str) -> str:
    # The admin speaks the site's language unless the user chose another.
    with translation.override(settings.LANGUAGE_CODE):
        return str(ListingStatus(status).label)


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_review_queue_lists_submitted_outcomes_and_demands_oldest_first(
    moderator_client,
):
    now = timezone.now()
    demand = DemandFactory(submitted=True, submitted_at=now - dt.timedelta(days=3))
    outcome = OutcomeFactory(
        submitted=True,
        submitted_at=now - dt.timedelta(days=1),
        organisation=OrganisationFactory(name="江南理工大学"),
        confidentiality=Confidentiality.ANONYMOUS,
    )
    OutcomeFactory(title="尚未提交的草稿")
    OutcomeFactory(published=True, title="已经公开的成果")

    response = moderator_client.get(QUEUE)

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [
        Listing.objects.get(pk=demand.pk),
        Listing.objects.get(pk=outcome.pk),
    ]
    assert "江南理工大学" in html  # moderators see the owner of an anonymous outcome
    assert "尚未提交的草稿" not in html and "已经公开的成果" not in html
    for listing in (outcome, demand):
        assert action_url("publish", listing) in html
        assert action_url("reject", listing) in html
    assert reverse("market_outcomes:inspect", args=[outcome.pk]) in html
    assert reverse("market_demands:inspect", args=[demand.pk]) in html


def test_publish_from_the_queue_makes_the_listing_public(moderator_client, moderator):
    outcome = OutcomeFactory(submitted=True, title="高强韧铝合金一体化压铸")

    response = moderator_client.post(action_url("publish", outcome), {"next": QUEUE})

    assert response.status_code == 302 and response.url == QUEUE
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.valid_until is not None
    assert outcome.reviewed_by == moderator
    assert Listing.objects.published().filter(pk=outcome.pk).exists()
    [(level, text)] = message_texts(response)
    assert level == "success" and "高强韧铝合金一体化压铸" in text


def test_publish_without_next_returns_to_the_queue(moderator_client):
    demand = DemandFactory(submitted=True)

    response = moderator_client.post(action_url("publish", demand))

    assert response.url == QUEUE
    demand.refresh_from_db()
    assert demand.status == ListingStatus.PUBLISHED


def test_reject_form_shows_the_listing_and_a_reason_field(moderator_client):
    demand = DemandFactory(submitted=True, title="寻求高盐废水零排放技术")

    response = moderator_client.get(action_url("reject", demand))

    html = response.content.decode()
    assert response.status_code == 200
    assert "寻求高盐废水零排放技术" in html
    assert 'name="reason"' in html


def test_reject_with_a_reason_sends_the_listing_back_to_its_author(moderator_client):
    demand = DemandFactory(submitted=True)
    reason = "技术指标不够具体，请补充出水浓度的检测方法。"

    response = moderator_client.post(action_url("reject", demand), {"reason": reason})

    assert response.status_code == 302 and response.url == QUEUE
    demand.refresh_from_db()
    assert demand.status == ListingStatus.REJECTED
    assert demand.rejection_reason == reason
    assert [level for level, _ in message_texts(response)] == ["success"]
    assert not Listing.objects.awaiting_review().filter(pk=demand.pk).exists()


def test_reject_with_an_empty_reason_shows_a_field_error(moderator_client):
    outcome = OutcomeFactory(submitted=True)

    response = moderator_client.post(action_url("reject", outcome), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "error-message" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.SUBMITTED
    assert outcome.rejection_reason == ""


def test_publishing_an_already_published_listing_shows_an_error(moderator_client):
    outcome = OutcomeFactory(published=True)
    published_at = outcome.published_at

    response = moderator_client.post(action_url("publish", outcome), {"next": QUEUE})

    assert response.status_code == 302 and response.url == QUEUE
    [(level, text)] = message_texts(response)
    assert level == "error"
    assert status_label(ListingStatus.PUBLISHED) in text
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.published_at == published_at


def test_rejecting_a_listing_someone_else_published_shows_an_error(moderator_client):
    outcome = OutcomeFactory(published=True)

    response = moderator_client.post(
        action_url("reject", outcome), {"reason": "信息不全"}
    )

    assert response.status_code == 302 and response.url == QUEUE
    [(level, text)] = message_texts(response)
    assert level == "error" and status_label(ListingStatus.PUBLISHED) in text
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.rejection_reason == ""


def test_reject_form_of_a_listing_no_longer_in_review_goes_back_to_the_queue(
    moderator_client,
):
    outcome = OutcomeFactory(published=True)

    response = moderator_client.get(action_url("reject", outcome))

    assert response.status_code == 302 and response.url == QUEUE
    [(level, text)] = message_texts(response)
    assert level == "warning" and status_label(ListingStatus.PUBLISHED) in text


def test_publish_refuses_get(moderator_client):
    outcome = OutcomeFactory(submitted=True)

    response = moderator_client.get(action_url("publish", outcome))

    assert response.status_code == 405
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.ENTERPRISE, Role.AGENT])
def test_review_queue_and_actions_are_refused_to_non_moderators(
    client, role_groups, role
):
    outcome = OutcomeFactory(submitted=True)
    demand = DemandFactory(submitted=True)
    client.force_login(UserFactory(roles=[role]))

    queue = client.get(QUEUE)
    publish = client.post(action_url("publish", outcome))
    reject = client.post(action_url("reject", demand), {"reason": "不合格"})

    for response in (queue, publish, reject):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith((HOME, reverse("wagtailadmin_login")))
    outcome.refresh_from_db()
    demand.refresh_from_db()
    assert outcome.status == demand.status == ListingStatus.SUBMITTED


def test_review_queue_menu_item_is_shown_to_moderators_only(client, role_groups):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    moderator_home = client.get(HOME).content.decode()
    client.force_login(UserFactory(roles=[Role.AGENT]))
    agent_home = client.get(HOME).content.decode()

    assert QUEUE in moderator_home
    assert QUEUE not in agent_home


def test_archive_takes_a_published_listing_off_the_market(moderator_client):
    demand = DemandFactory(published=True)
    demands = reverse("market_demands:list")

    response = moderator_client.post(action_url("archive", demand), {"next": demands})

    assert response.status_code == 302 and response.url == demands
    demand.refresh_from_db()
    assert demand.status == ListingStatus.ARCHIVED
    assert not Listing.objects.published().filter(pk=demand.pk).exists()
    assert [level for level, _ in message_texts(response)] == ["success"]


def test_archive_of_a_listing_under_review_shows_an_error(moderator_client):
    outcome = OutcomeFactory(submitted=True)

    response = moderator_client.post(action_url("archive", outcome))

    [(level, text)] = message_texts(response)
    assert level == "error" and status_label(ListingStatus.SUBMITTED) in text
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.SUBMITTED


def test_dashboard_panel_counts_listings_awaiting_review(client, role_groups):
    OutcomeFactory.create_batch(2, submitted=True)
    DemandFactory(submitted=True)
    OutcomeFactory(published=True)
    DemandFactory.create_batch(2, published=True)
    OutcomeFactory()  # a draft counts nowhere
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    html = client.get(HOME).content.decode()

    assert 'data-review-queue-count="3"' in html
    assert 'data-published-outcomes="1"' in html
    assert 'data-published-demands="2"' in html
    assert f'href="{QUEUE}"' in html


def test_dashboard_panel_is_not_shown_to_agents(client, role_groups):
    OutcomeFactory(submitted=True)
    client.force_login(UserFactory(roles=[Role.AGENT]))

    html = client.get(HOME).content.decode()

    assert "data-review-queue-count" not in html
