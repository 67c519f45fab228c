"""Password reset by email and password change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand-new-passphrase-77"
RESET_LINK_RE = re.compile(r"https?://\S+/accounts/password/reset/\S+")


def test_password_reset_email_link_sets_a_new_password(client, mailoutbox, settings):
    settings.BASE_URL = "https://techmatch.example.cn"
    user = UserFactory(email="sun.li@example.cn", email_verified=False)

    response = client.post(
        reverse("accounts:password_reset"), {"email": "Sun.Li@example.cn"}
    )

    assert response.url == reverse("accounts:password_reset_done")
    (message,) = mailoutbox
    assert message.to == ["sun.li@example.cn"]
    link = RESET_LINK_RE.search(message.body).group(0)
    assert link.startswith("https://techmatch.example.cn/")
    form_page = client.get("/" + link.split("/", 3)[3], follow=True)
    assert form_page.context["validlink"]

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_verified  # the link proved the mailbox is theirs
    assert client.login(username="sun.li@example.cn", password=NEW_PASSWORD)


def test_password_reset_for_unknown_address_looks_the_same(client, mailoutbox):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.cn"}
    )

    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_reset_link_with_bad_token_says_so(client):
    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": "bad-token"}
    )

    response = client.get(url)

    assert response.status_code == 200
    assert not response.context["validlink"]
    assert reverse("accounts:password_reset") in response.content.decode()


def test_password_change_keeps_the_user_logged_in(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200
