"""Email verification links and asking for a new one."""

from __future__ import annotations

import json
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation

from accounts import emails
from accounts.models import User
from accounts.services.registration import register_user
from accounts.tasks import send_verification_email
from accounts.tokens import make_verification_token
from tests.accounts.conftest import link_path
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def new_user(db):
    return register_user(
        email="wang.fang@example.cn",
        display_name="王芳",
        password="a-long-passphrase-2026",
        role="enterprise",
    )


def without_csrf(response) -> str:
    return CSRF_RE.sub("", response.content.decode())


def verify_path(user: User) -> str:
    token = make_verification_token(user_id=user.pk, email=user.email)
    return reverse("accounts:verify", kwargs={"token": token})


def test_verification_email_is_plain_text_with_a_link_on_base_url(
    new_user, mailoutbox, settings
):
    settings.BASE_URL = "https://techmatch.example.cn/"

    send_verification_email(new_user.pk)

    (message,) = mailoutbox
    assert "\n" not in message.subject
    assert "https://techmatch.example.cn/accounts/verify/" in message.body
    assert "王芳" in message.body
    assert message.alternatives == []


def test_verification_email_speaks_the_site_language_whatever_is_active(
    new_user, mailoutbox, monkeypatch
):
    seen = []
    render = emails.render_verification_email

    def spy(user):
        seen.append(translation.get_language())
        return render(user)

    monkeypatch.setattr(emails, "render_verification_email", spy)
    with translation.override("en"):
        send_verification_email(new_user.pk)

    assert seen == ["zh-hans"]
    assert len(mailoutbox) == 1


def test_send_verification_email_returns_quietly_for_gone_or_verified_users(
    mailoutbox,
):
    verified = UserFactory(email_verified=True)

    send_verification_email(verified.pk)
    send_verification_email(verified.pk + 1000)

    assert mailoutbox == []


def test_verify_link_works_once(client, new_user):
    path = verify_path(new_user)

    first = client.get(path)
    client.logout()
    second = client.get(path)

    assert first.status_code == 302
    assert second.status_code == 400
    assert second.context["reason"] == "used"
    assert reverse("accounts:resend_verification") in second.content.decode()


def test_verify_link_after_max_age_shows_expired_page(
    client, new_user, monkeypatch, settings
):
    issued = int(signing.time.time()) - settings.ACCOUNT_VERIFICATION_MAX_AGE - 60
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued)
    )
    path = verify_path(new_user)
    monkeypatch.undo()

    response = client.get(path)

    assert response.status_code == 400
    assert response.context["reason"] == "expired"
    assert reverse("accounts:resend_verification") in response.content.decode()
    new_user.refresh_from_db()
    assert not new_user.email_verified


def test_verify_link_tampered_shows_invalid_page(client, new_user):
    other = UserFactory(email_verified=False)
    token = make_verification_token(user_id=new_user.pk, email=new_user.email)
    _payload, *signature = token.split(":")
    claim = json.dumps({"u": other.pk, "e": other.email}).encode()
    forged = ":".join([signing.b64_encode(claim).decode(), *signature])

    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.get(reverse("accounts:verify", kwargs={"token": bad}))
        assert response.status_code == 400
        assert response.context["reason"] == "invalid"
    other.refresh_from_db()
    new_user.refresh_from_db()
    assert not other.email_verified
    assert not new_user.email_verified
    assert "_auth_user_id" not in client.session


def test_verify_link_for_changed_address_no_longer_works(client, new_user):
    path = verify_path(new_user)
    new_user.email = "another@example.cn"
    new_user.save()

    response = client.get(path)

    assert response.status_code == 400
    new_user.refresh_from_db()
    assert not new_user.email_verified


def test_resend_does_not_reveal_whether_an_address_exists(
    client, new_user, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    url = reverse("accounts:resend_verification")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "Wang.Fang@example.cn"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "nobody@example.cn"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known) == without_csrf(unknown)
    assert [m.to for m in mailoutbox] == [["wang.fang@example.cn"]]
    # The new link works.
    client.get(link_path(mailoutbox[0].body))
    new_user.refresh_from_db()
    assert new_user.email_verified
