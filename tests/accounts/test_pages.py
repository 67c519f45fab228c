"""Every accounts page renders, in Chinese by default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "accounts:signup",
    "accounts:login",
    "accounts:verification_sent",
    "accounts:resend_verification",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
]
MEMBER_PAGES = [
    "accounts:profile",
    "accounts:password_change",
    "accounts:password_change_done",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_page_renders_in_chinese_by_default(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_page_renders_in_chinese_by_default(client, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_signup_page_renders_in_english_when_asked(client):
    response = client.get(reverse("accounts:signup"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="en">' in response.content.decode()


def test_logged_in_user_visiting_signup_goes_to_profile(client):
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:signup"))

    assert response.url == reverse("accounts:profile")
