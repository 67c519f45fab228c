"""Engagement pages: the panel, protected details, interest requests, the owner's inbox."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from market.models import (
    AccessRequest,
    AccessRequestStatus,
    Confidentiality,
    DeclineReason,
    DetailAccessLog,
    InterestRequest,
    InterestStatus,
    ListingStatus,
)
from market.services.engagement import INTEREST_DAILY_LIMIT
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "关键工艺：535 °C 固溶 2 小时，175 °C 时效 8 小时。"
NOTE_ERROR = "Accept the confidentiality note to send the request."


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English source strings."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cast(role_groups):
    """An outcome with protected details, its owner, a buyer, an agent, an outsider."""
    seller = UserFactory(roles=[Role.RESEARCHER])
    listing = OutcomeFactory(published=True, protected_details=SECRET)
    MembershipFactory(user=seller, organisation=listing.organisation)
    buyer = UserFactory(roles=[Role.ENTERPRISE], display_name="王采购")
    MembershipFactory(user=buyer)
    outsider = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=outsider)
    return {
        "listing": listing,
        "seller": seller,
        "buyer": buyer,
        "agent": UserFactory(roles=[Role.AGENT]),
        "outsider": outsider,
    }


def login(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def details_url(listing) -> str:
    return reverse("engage:details", args=[listing.pk])


def interest_url(listing) -> str:
    return reverse("engage:interest", args=[listing.pk])


def text(response) -> str:
    return response.content.decode()


# --- the panel -----------------------------------------------------------------------


def _panel(listing, user, **extra) -> str:
    request = RequestFactory().get(f"/outcomes/{listing.pk}/")
    request.user = user
    return render_to_string(
        "engagement/_panel.html", {"listing": listing, **extra}, request=request
    )


def test_panel_for_anonymous_visitors_offers_log_in_links_only(cast):
    html = _panel(cast["listing"], AnonymousUser())
    assert "Log in to request the protected details" in html
    assert "/accounts/login/?next=/outcomes/" in html
    assert reverse("engage:interest", args=[cast["listing"].pk]) not in html
    assert SECRET not in html


def test_panel_for_logged_in_users_offers_both_requests_and_protected_details(cast):
    html = _panel(cast["listing"], cast["buyer"])
    assert "I'm interested" in html
    assert "Request more information" in html
    assert "?kind=information" in html
    assert "Request protected details" in html
    assert details_url(cast["listing"]) in html
    assert SECRET not in html


def test_panel_for_anonymous_tier_offers_contact_through_an_agent(cast):
    listing = OutcomeFactory(published=True, confidentiality=Confidentiality.ANONYMOUS)
    html = _panel(listing, cast["buyer"])
    assert "Contact through a transfer agent" in html
    assert listing.contact_phone not in html
    assert "Contact through a transfer agent" not in _panel(listing, cast["agent"])


def test_panel_for_the_owner_links_the_inbox_and_the_access_log(cast):
    html = _panel(cast["listing"], cast["seller"], is_owner=True)
    assert reverse("engage:inbox") in html
    assert reverse("engage:access_log", args=[cast["listing"].pk]) in html
    assert "I'm interested" not in html


def test_panel_is_empty_for_listings_off_the_market(cast):
    listing = OutcomeFactory(status=ListingStatus.ARCHIVED)
    assert _panel(listing, cast["buyer"]).strip() == ""


def test_listing_detail_page_includes_the_panel(client, cast):
    login(client, cast["buyer"])
    response = client.get(f"/outcomes/{cast['listing'].pk}/")
    assert response.status_code == 200
    assert details_url(cast["listing"]) in text(response)
    assert SECRET not in text(response)

    login(client, cast["seller"])
    own = client.get(f"/outcomes/{cast['listing'].pk}/")
    assert reverse("engage:access_log", args=[cast["listing"].pk]) in text(own)


# --- protected details ---------------------------------------------------------------


def test_protected_details_page_sends_anonymous_visitors_to_log_in(client, cast):
    response = client.get(details_url(cast["listing"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_protected_details_request_needs_the_confidentiality_note(client, cast):
    login(client, cast["buyer"])
    page = client.get(details_url(cast["listing"]))
    assert "Article 501 of the Civil Code" in text(page)
    assert SECRET not in text(page)

    response = client.post(details_url(cast["listing"]), {"message": "评估合作"})

    assert response.status_code == 200
    assert NOTE_ERROR in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not AccessRequest.objects.exists()


def test_protected_details_request_then_repeat_shows_the_existing_status(client, cast):
    login(client, cast["buyer"])
    response = client.post(
        details_url(cast["listing"]),
        {"accept_note": "on", "message": "我们想评估合作", "next": "/outcomes/"},
    )
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.status == AccessRequestStatus.PENDING
    assert request.requester == cast["buyer"]

    again = client.post(
        details_url(cast["listing"]), {"accept_note": "on"}, follow=True
    )
    assert again.status_code == 200
    assert "Pending" in text(again)
    assert AccessRequest.objects.count() == 1
    assert SECRET not in text(again)


def test_access_request_granted_shows_details_and_logs_the_reading(client, cast):
    login(client, cast["buyer"])
    client.post(details_url(cast["listing"]), {"accept_note": "on"})
    request = AccessRequest.objects.get()

    login(client, cast["seller"])
    inbox = client.get(reverse("engage:inbox"))
    assert "王采购" in text(inbox)
    response = client.post(
        reverse("engage:access_decide", args=[request.pk]), {"decision": "grant"}
    )
    assert response.status_code == 302

    login(client, cast["buyer"])
    page = client.get(details_url(cast["listing"]))
    assert SECRET in text(page)
    log = DetailAccessLog.objects.get(user=cast["buyer"])
    assert log.listing_id == cast["listing"].pk
    assert Notification.objects.filter(
        recipient=cast["buyer"], kind=NotificationKind.ACCESS_GRANTED
    ).exists()

    login(client, cast["seller"])
    access_log = client.get(reverse("engage:access_log", args=[cast["listing"].pk]))
    assert access_log.status_code == 200
    assert cast["buyer"].email in text(access_log)


def test_access_request_declined_keeps_details_hidden(client, cast):
    login(client, cast["buyer"])
    client.post(details_url(cast["listing"]), {"accept_note": "on"})
    request = AccessRequest.objects.get()

    login(client, cast["seller"])
    client.post(
        reverse("engage:access_decide", args=[request.pk]), {"decision": "decline"}
    )

    login(client, cast["buyer"])
    page = client.get(details_url(cast["listing"]))
    assert SECRET not in text(page)
    assert "Declined" in text(page)
    assert not DetailAccessLog.objects.exists()


def test_agent_reads_protected_details_without_asking(client, cast):
    login(client, cast["agent"])
    page = client.get(details_url(cast["listing"]))
    assert SECRET in text(page)
    assert DetailAccessLog.objects.filter(user=cast["agent"]).count() == 1


def test_someone_elses_requests_cannot_be_decided_or_audited(client, cast):
    login(client, cast["buyer"])
    client.post(details_url(cast["listing"]), {"accept_note": "on"})
    request = AccessRequest.objects.get()

    for intruder in (cast["outsider"], cast["buyer"], cast["agent"]):
        login(client, intruder)
        decided = client.post(
            reverse("engage:access_decide", args=[request.pk]), {"decision": "grant"}
        )
        assert decided.status_code == 403
        log = client.get(reverse("engage:access_log", args=[cast["listing"].pk]))
        assert log.status_code == 404
        # Their own inbox holds nothing of the other organisation.
        assert "王采购" not in text(client.get(reverse("engage:inbox")))
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.PENDING


def test_protected_details_of_unpublished_listing_are_not_found(client, cast):
    draft = OutcomeFactory(protected_details=SECRET)
    login(client, cast["buyer"])
    assert client.get(details_url(draft)).status_code == 404


# --- interest requests ---------------------------------------------------------------


def _ask(client, listing, **data):
    payload = {"kind": "interest", "purpose": "用于电池托盘", "message": ""}
    payload.update(data)
    return client.post(interest_url(listing), payload)


def test_interest_form_preselects_the_kind_and_lists_the_fixed_questions(client, cast):
    login(client, cast["buyer"])
    response = client.get(interest_url(cast["listing"]) + "?kind=information")
    content = text(response)
    assert re.search(r'value="information"[^>]*checked', content)
    assert not re.search(r'value="interest"[^>]*checked', content)
    assert "What do you want to use the technology for?" in content
    assert "When would you start?" in content


def test_interest_request_reaches_owner_and_agent(client, cast):
    login(client, cast["buyer"])
    response = _ask(client, cast["listing"], next=f"/outcomes/{cast['listing'].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/{cast['listing'].pk}/"
    request = InterestRequest.objects.get()
    assert request.answers == {"purpose": "用于电池托盘"}
    for name in ("seller", "agent"):
        assert Notification.objects.filter(
            recipient=cast[name], kind=NotificationKind.INTEREST_RECEIVED
        ).exists(), name


def test_interest_request_about_own_listing_shows_a_clear_error(client, cast):
    login(client, cast["seller"])
    page = client.get(interest_url(cast["listing"]))
    assert "belongs to your organisation" in text(page)
    response = _ask(client, cast["listing"])
    assert response.status_code == 200
    assert "belongs to your organisation" in text(response)
    assert not InterestRequest.objects.exists()


def test_interest_request_without_content_is_refused(client, cast):
    login(client, cast["buyer"])
    response = _ask(client, cast["listing"], purpose="", message="  ")
    assert response.status_code == 200
    assert "Answer at least one question or write a message." in text(response)
    assert not InterestRequest.objects.exists()


def test_interest_request_rate_limit_shows_a_clear_error(client, cast, settings):
    settings.THROTTLE_DUPLICATE_WINDOW = 0  # the daily limit alone
    login(client, cast["buyer"])
    for _ in range(INTEREST_DAILY_LIMIT):
        assert _ask(client, cast["listing"]).status_code == 302
    response = _ask(client, cast["listing"])
    assert response.status_code == 200
    assert "open requests about this listing" in text(response)
    assert InterestRequest.objects.count() == INTEREST_DAILY_LIMIT


def test_owner_answers_and_the_sender_reads_the_answer(client, cast):
    login(client, cast["buyer"])
    _ask(client, cast["listing"], message="能否提供样品？")
    request = InterestRequest.objects.get()

    login(client, cast["seller"])
    inbox = client.get(reverse("engage:inbox"))
    assert reverse("engage:interest_detail", args=[request.pk]) in text(inbox)
    response = client.post(
        reverse("engage:interest_answer", args=[request.pk]),
        {"reply": "可以，下周寄出样品。"},
    )
    assert response.status_code == 302

    login(client, cast["buyer"])
    page = client.get(reverse("engage:interest_detail", args=[request.pk]))
    assert "可以，下周寄出样品。" in text(page)
    assert Notification.objects.filter(
        recipient=cast["buyer"], kind=NotificationKind.INTEREST_ANSWERED
    ).exists()


def test_declined_request_shows_the_reason_to_the_sender(client, cast):
    login(client, cast["buyer"])
    _ask(client, cast["listing"])
    request = InterestRequest.objects.get()

    login(client, cast["seller"])
    client.post(
        reverse("engage:interest_decline", args=[request.pk]),
        {"reason_code": DeclineReason.NOT_A_FIT, "note": "应用方向不匹配"},
    )
    request.refresh_from_db()
    assert request.status == InterestStatus.DECLINED

    login(client, cast["buyer"])
    reason = str(DeclineReason.NOT_A_FIT.label)
    detail = client.get(reverse("engage:interest_detail", args=[request.pk]))
    assert reason in text(detail)
    assert "应用方向不匹配" in text(detail)
    assert reason in text(client.get(reverse("engage:sent")))
    notification = Notification.objects.get(recipient=cast["buyer"])
    assert reason in notification.body


def test_decline_without_reason_shows_a_field_error(client, cast):
    login(client, cast["buyer"])
    _ask(client, cast["listing"])
    request = InterestRequest.objects.get()
    login(client, cast["seller"])
    response = client.post(reverse("engage:interest_decline", args=[request.pk]), {})
    assert response.status_code == 400
    assert "This field is required." in text(response)
    request.refresh_from_db()
    assert request.status == InterestStatus.OPEN


def test_interest_request_is_private_to_sender_owner_and_agents(client, cast):
    login(client, cast["buyer"])
    _ask(client, cast["listing"])
    request = InterestRequest.objects.get()
    url = reverse("engage:interest_detail", args=[request.pk])

    login(client, cast["outsider"])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("engage:interest_answer", args=[request.pk]), {"reply": "x"}
        ).status_code
        == 404
    )

    login(client, cast["agent"])
    assert client.get(url).status_code == 200
    # Agents read along but only the owner organisation answers.
    answered = client.post(
        reverse("engage:interest_answer", args=[request.pk]), {"reply": "我来联系"}
    )
    assert answered.status_code == 403

    login(client, cast["buyer"])
    own = client.post(
        reverse("engage:interest_answer", args=[request.pk]), {"reply": "自问自答"}
    )
    assert own.status_code == 403
    request.refresh_from_db()
    assert request.status == InterestStatus.OPEN
